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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** How anvil puts revert data in a message: {@code custom error 0x<selector>: <arguments, hex>}. */
    private static final Pattern CUSTOM_ERROR =
            Pattern.compile("custom error (0x[0-9a-fA-F]{8})(?::\\s*(?:0x)?([0-9a-fA-F]*))?");
    /** Hex in a node's message that may be revert data. */
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{8,}");
    /** Revert data as a node puts it in an error's data: 0x and whole bytes. */
    private static final Pattern DATA = Pattern.compile("0x([0-9a-fA-F]{2})*");

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
        String message = error.getMessage() == null ? "" : error.getMessage();
        Optional<String> data = revertData(error.getData(), message);
        if (data.isPresent()) {
            return new ContractRevertedException(action, decode(data.get()).orElse(null), data.get());
        }
        return new TransactionRejectedException(action, error.getCode(), message);
    }

    /**
     * @return the revert data of a refusal: the error's data when it decodes, else data in its message that decodes
     *     (anvil splits the selector and the arguments; other nodes quote the data), else the error's data as it is
     */
    private Optional<String> revertData(String errorData, String message) {
        String data = errorData == null ? "" : errorData.strip().replace("\"", "");
        boolean hasData = DATA.matcher(data).matches();
        if (hasData && decode(data).isPresent()) return Optional.of(data);
        Matcher custom = CUSTOM_ERROR.matcher(message);
        if (custom.find()) {
            String found = custom.group(1) + (custom.group(2) == null ? "" : custom.group(2));
            if (decode(found).isPresent()) return Optional.of(found);
        }
        Matcher hex = HEX.matcher(message);
        while (hex.find()) {
            if (decode(hex.group()).isPresent()) return Optional.of(hex.group());
        }
        return hasData ? Optional.of(data) : Optional.empty();
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
