package io.cotrain.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.ProtocolParameter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.Response;
import org.web3j.utils.Numeric;

/**
 * Turns revert data into the custom error it encodes ({@code WrongPhase(round=3, expected=1, actual=2)}), using the
 * error definitions of the Cotrain contracts' ABIs, plus Solidity's built-in {@code Error(string)} and
 * {@code Panic(uint256)}.
 */
public final class RevertDecoder {
    private static final List<String> CONTRACTS =
            List.of("CotrainProtocol", "ValidatorRegistry", "CotrainToken", "ModelRegistry", "CommitToken");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Arguments of this Solidity type are rendered by name: {@code changeFirst=ValidatorUnbondingBlocks}. */
    private static final String PARAMETER_ENUM = "enum Parameter";

    private record ErrorDefinition(
            String name, List<String> parameterNames, List<String> internalTypes, List<TypeReference<Type>> types) {}

    private final Map<String, ErrorDefinition> bySelector;

    private RevertDecoder(Map<String, ErrorDefinition> bySelector) {
        this.bySelector = bySelector;
    }

    /** @return a decoder for every error of the Cotrain contracts, read from the ABIs the contracts jar carries */
    public static RevertDecoder forCotrainContracts() {
        Map<String, ErrorDefinition> errors = new HashMap<>();
        addError(errors, "Error", List.of("message"), List.of("string"), List.of("string"));
        addError(errors, "Panic", List.of("code"), List.of("uint256"), List.of("uint256"));
        for (String contract : CONTRACTS) {
            String resource = "/io/cotrain/contracts/abi/" + contract + ".abi";
            try (InputStream abi = RevertDecoder.class.getResourceAsStream(resource)) {
                if (abi == null) throw new IllegalStateException("missing ABI resource " + resource);
                for (JsonNode entry : JSON.readTree(abi)) {
                    if (!"error".equals(entry.path("type").asText())) continue;
                    List<String> names = new ArrayList<>();
                    List<String> types = new ArrayList<>();
                    List<String> internalTypes = new ArrayList<>();
                    for (JsonNode input : entry.path("inputs")) {
                        names.add(input.path("name").asText());
                        types.add(input.path("type").asText());
                        internalTypes.add(input.path("internalType").asText());
                    }
                    addError(errors, entry.path("name").asText(), names, types, internalTypes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return new RevertDecoder(Map.copyOf(errors));
    }

    private static void addError(
            Map<String, ErrorDefinition> errors,
            String name,
            List<String> parameterNames,
            List<String> types,
            List<String> internalTypes) {
        String signature = name + "(" + String.join(",", types) + ")";
        String selector = Hash.sha3String(signature).substring(0, 10);
        List<TypeReference<Type>> references = new ArrayList<>();
        for (String type : types) {
            try {
                @SuppressWarnings("unchecked")
                TypeReference<Type> reference =
                        (TypeReference<Type>) (TypeReference<?>) TypeReference.makeTypeReference(type);
                references.add(reference);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("unsupported ABI type " + type + " in error " + signature, e);
            }
        }
        errors.put(
                selector,
                new ErrorDefinition(name, List.copyOf(parameterNames), List.copyOf(internalTypes), references));
    }

    /**
     * The typed failure of a call or transaction the node answered with a JSON-RPC error: a revert (with its data,
     * decoded where the error is known), else a refusal with the node's code and message.
     *
     * @param action what was called, for the message
     * @param error  the node's error
     * @return a {@link ContractRevertedException} or a {@link TransactionRejectedException}
     */
    public RuntimeException failure(String action, Response.Error error) {
        String data = error.getData();
        if (data != null && data.startsWith("\"")) data = data.substring(1, data.length() - 1);
        if (data != null && data.startsWith("0x")) {
            return new ContractRevertedException(action, decode(data).orElse(null), data);
        }
        return new TransactionRejectedException(action, error.getCode(), error.getMessage());
    }

    /**
     * @param revertData the hex revert data ({@code 0x} + 4-byte selector + ABI-encoded arguments)
     * @return the error as {@code Name(param=value, ...)}, or empty if the selector is unknown or the data malformed
     */
    public Optional<String> decode(String revertData) {
        if (revertData == null) return Optional.empty();
        String hex = Numeric.prependHexPrefix(revertData.strip());
        if (hex.length() < 10) return Optional.empty();
        ErrorDefinition error = bySelector.get(hex.substring(0, 10).toLowerCase());
        if (error == null) return Optional.empty();
        List<Type> values;
        try {
            values = FunctionReturnDecoder.decode("0x" + hex.substring(10), error.types());
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        if (values.size() != error.types().size()) return Optional.empty();
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String name = error.parameterNames().get(i);
            String value = render(values.get(i), error.internalTypes().get(i));
            arguments.add(name.isEmpty() ? value : name + "=" + value);
        }
        return Optional.of(error.name() + "(" + String.join(", ", arguments) + ")");
    }

    private static String render(Type value, String internalType) {
        Object plain = value.getValue();
        if (PARAMETER_ENUM.equals(internalType) && plain instanceof BigInteger index) {
            ProtocolParameter[] parameters = ProtocolParameter.values();
            if (index.signum() >= 0 && index.compareTo(BigInteger.valueOf(parameters.length)) < 0) {
                return parameters[index.intValueExact()].solidityName();
            }
        }
        return plain instanceof byte[] bytes ? Numeric.toHexString(bytes) : String.valueOf(plain);
    }
}
