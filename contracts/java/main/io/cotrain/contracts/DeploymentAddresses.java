package io.cotrain.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a Cotrain deployment lives on one chain: the file {@code deployment/addresses/<chainId>.json} that the forge
 * deploy script writes, read by every off-chain part.
 *
 * @param chainId the chain the contracts are deployed on
 * @param token the CotrainToken
 * @param protocol the CotrainProtocol proxy (the address clients call)
 * @param protocolImplementation the protocol implementation behind the proxy
 * @param validatorRegistry the ValidatorRegistry proxy
 * @param validatorRegistryImplementation the registry implementation behind the proxy
 * @param modelRegistry the ModelRegistry proxy (model NFTs, commits, branches)
 * @param modelRegistryImplementation the model registry implementation behind the proxy
 * @param commitToken the CommitToken, the NFT collection of commits
 * @param timelock the CotrainTimelock (an OpenZeppelin TimelockController) that holds the privileged roles, or null
 *     for a deployment that kept them with its deployer (Deploy.s.sol with COTRAIN_KEEP_ROLES=true, as the Java test
 *     fixtures run it)
 * @param deployBlock the block the deployment started at: where event scans begin
 */
public record DeploymentAddresses(
        long chainId,
        String token,
        String protocol,
        String protocolImplementation,
        String validatorRegistry,
        String validatorRegistryImplementation,
        String modelRegistry,
        String modelRegistryImplementation,
        String commitToken,
        String timelock,
        BigInteger deployBlock) {

    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public DeploymentAddresses {
        if (chainId <= 0) throw new IllegalArgumentException("chainId must be positive, got " + chainId);
        requireAddress("token", token);
        requireAddress("protocol", protocol);
        requireAddress("protocolImplementation", protocolImplementation);
        requireAddress("validatorRegistry", validatorRegistry);
        requireAddress("validatorRegistryImplementation", validatorRegistryImplementation);
        requireAddress("modelRegistry", modelRegistry);
        requireAddress("modelRegistryImplementation", modelRegistryImplementation);
        requireAddress("commitToken", commitToken);
        if (timelock != null) requireAddress("timelock", timelock);
        if (deployBlock == null || deployBlock.signum() < 0) {
            throw new IllegalArgumentException("deployBlock must be a block number, got " + deployBlock);
        }
    }

    /**
     * Reads a deployment file.
     *
     * @param file a JSON file written by {@code deployment/script/Deploy.s.sol}
     * @return the addresses
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and the field if a field is missing or malformed
     */
    public static DeploymentAddresses read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read deployment addresses from " + file, e);
        }
        try {
            return new DeploymentAddresses(
                    number(root, "chainId").longValueExact(),
                    text(root, "token"),
                    text(root, "protocol"),
                    text(root, "protocolImplementation"),
                    text(root, "validatorRegistry"),
                    text(root, "validatorRegistryImplementation"),
                    text(root, "modelRegistry"),
                    text(root, "modelRegistryImplementation"),
                    text(root, "commitToken"),
                    optionalText(root, "timelock"),
                    number(root, "deployBlock"));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the addresses in the format {@link #read(Path)} reads (and the deploy script writes).
     *
     * @param file where to write; replaced if it exists
     * @throws UncheckedIOException if the file cannot be written
     */
    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write deployment addresses to " + file, e);
        }
    }

    /**
     * The conventional file of a chain under a deployment directory.
     *
     * @param addressesDirectory usually {@code deployment/addresses}
     * @param chainId the chain
     * @return {@code <addressesDirectory>/<chainId>.json}
     */
    public static Path fileFor(Path addressesDirectory, long chainId) {
        return addressesDirectory.resolve(chainId + ".json");
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual())
            throw new IllegalArgumentException("missing address field '" + field + "'");
        return node.asText();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : text(root, field);
    }

    private static BigInteger number(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isIntegralNumber()) {
            throw new IllegalArgumentException("missing integer field '" + field + "'");
        }
        return node.bigIntegerValue();
    }

    private static void requireAddress(String field, String value) {
        if (value == null || !ADDRESS.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " is not a 20-byte hex address: " + value);
        }
    }
}
