package io.cotrain.contracts.testing;

import io.cotrain.testing.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Finds the native Foundry binaries that {@code tools/ensure-toolchain.sh} installs from npm under node_modules. */
public final class FoundryBinaries {
    private FoundryBinaries() {}

    /**
     * A Foundry tool's native binary for this platform.
     *
     * @param tool forge, anvil or cast
     * @return the executable
     * @throws IllegalStateException if it is not installed, saying how to install it
     */
    public static Path binary(String tool) {
        Path binary =
                RepositoryRoot.path().resolve("node_modules/@foundry-rs/" + tool + "-" + platform() + "/bin/" + tool);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    binary + " is missing: run tools/ensure-toolchain.sh (the Maven build does)");
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
