package io.cotrain.contracts.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Finds the native Foundry binaries that {@code tools/ensure-toolchain.sh} installs from npm under node_modules. */
public final class FoundryBinaries {
    private FoundryBinaries() {}

    /**
     * The repository root: the {@code cotrain.root} system property the Maven build sets, else the nearest parent
     * of the working directory that holds {@code tools/ensure-toolchain.sh}.
     *
     * @return the root directory
     */
    public static Path repositoryRoot() {
        String configured = System.getProperty("cotrain.root");
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tools/ensure-toolchain.sh"))) return dir;
        }
        throw new IllegalStateException("cannot find the Cotrain repository root above " + Path.of("").toAbsolutePath()
                + ": set -Dcotrain.root=<checkout>");
    }

    /**
     * A Foundry tool's native binary for this platform.
     *
     * @param tool forge, anvil or cast
     * @return the executable
     * @throws IllegalStateException if it is not installed, saying how to install it
     */
    public static Path binary(String tool) {
        Path binary = repositoryRoot()
                .resolve("node_modules/@foundry-rs/" + tool + "-" + platform() + "/bin/" + tool);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run tools/ensure-toolchain.sh (the Maven build does)");
        }
        return binary;
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux";
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64";
        return system + "-" + cpu;
    }
}
