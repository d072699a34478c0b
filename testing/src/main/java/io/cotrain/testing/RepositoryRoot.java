package io.cotrain.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in: where the npm-installed tools (Foundry, js-ipfs) live. */
public final class RepositoryRoot {
    private RepositoryRoot() {}

    /**
     * @return the {@code cotrain.root} system property the Maven build sets, else the nearest parent of the working
     *     directory that holds {@code tools/ensure-toolchain.sh}
     */
    public static Path path() {
        String configured = System.getProperty("cotrain.root");
        if (configured != null && !configured.isBlank())
            return Path.of(configured).toAbsolutePath();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tools/ensure-toolchain.sh"))) return dir;
        }
        throw new IllegalStateException("cannot find the Cotrain repository root above "
                + Path.of("").toAbsolutePath() + ": set -Dcotrain.root=<checkout>");
    }
}
