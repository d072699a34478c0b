import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.codegen.SolidityFunctionWrapperGenerator;

/**
 * Build step of the contracts module: turns forge artifacts into web3j bindings that carry their bytecode, so
 * Java can deploy the contracts. web3j-maven-plugin drops the bytecode of ABI-only input and wants to download
 * solc for sources, so the build runs this file with the codegen jar on the class path instead.
 *
 * <p>Arguments: forge's out directory, the output source root, the Java package, and a comma-separated list of
 * {@code File.sol:Contract} artifacts. An entry {@code File.sol:Contract+IFile.sol:IContract} generates the binding of
 * Contract's bytecode with the union of both ABIs: for a contract that delegates part of its interface (its fallback
 * runs an extension), the binding then has every function the deployed address serves.
 */
public final class GenerateBindings {
    private static final int ADDRESS_LENGTH_BYTES = 20;

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: GenerateBindings FORGE_OUT SOURCE_ROOT PACKAGE File.sol:Contract,...");
        }
        Path forgeOut = Path.of(args[0]);
        Path sourceRoot = Path.of(args[1]);
        String javaPackage = args[2];
        Path abiDir = sourceRoot.resolveSibling("web3j-abi");
        Files.createDirectories(abiDir);
        ObjectMapper json = new ObjectMapper();
        for (String entry : args[3].split(",")) {
            String[] sources = entry.trim().split("\\+");
            String[] parts = sources[0].split(":");
            String contract = parts[1];
            Path artifactFile = forgeOut.resolve(parts[0]).resolve(contract + ".json");
            JsonNode artifact = json.readTree(artifactFile.toFile());
            String bytecode = artifact.path("bytecode").path("object").asText("");
            if (bytecode.length() <= 2 || bytecode.contains("__$")) {
                throw new IOException(artifactFile + ": bytecode missing or needs library linking: " + contract
                        + " cannot be deployed from Java");
            }
            ArrayNode abiEntries = (ArrayNode) artifact.get("abi");
            for (int i = 1; i < sources.length; i++) {
                String[] extra = sources[i].split(":");
                JsonNode extraArtifact = json.readTree(
                        forgeOut.resolve(extra[0]).resolve(extra[1] + ".json").toFile());
                for (JsonNode abiEntry : extraArtifact.get("abi")) {
                    if (!contains(abiEntries, abiEntry)) abiEntries.add(abiEntry);
                }
            }
            File abi = abiDir.resolve(contract + ".abi").toFile();
            File bin = abiDir.resolve(contract + ".bin").toFile();
            json.writeValue(abi, abiEntries);
            Files.writeString(bin.toPath(), bytecode.startsWith("0x") ? bytecode.substring(2) : bytecode);
            new SolidityFunctionWrapperGenerator(
                            bin, abi, sourceRoot.toFile(), contract, javaPackage, true, false, ADDRESS_LENGTH_BYTES)
                    .generate();
        }
    }

    /** Whether the ABI already has this entry: the same kind, name and input types (the constructor once). */
    private static boolean contains(ArrayNode abi, JsonNode candidate) {
        for (JsonNode entry : abi) {
            if (entry.path("type").equals(candidate.path("type"))
                    && entry.path("name").equals(candidate.path("name"))
                    && inputTypes(entry).equals(inputTypes(candidate))) {
                return true;
            }
        }
        return false;
    }

    private static String inputTypes(JsonNode entry) {
        StringBuilder types = new StringBuilder();
        for (JsonNode input : entry.path("inputs"))
            types.append(input.path("type").asText()).append(',');
        return types.toString();
    }
}
