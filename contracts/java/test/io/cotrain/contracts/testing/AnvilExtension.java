package io.cotrain.contracts.testing;

import io.cotrain.testing.PerClassNodeExtension;
import java.nio.file.Path;

/**
 * Starts one real anvil node per test class and injects it as an {@link AnvilNode} parameter; it is stopped when the
 * class finishes, whatever the outcome. Its log goes to {@code target/anvil/}.
 */
public final class AnvilExtension extends PerClassNodeExtension<AnvilNode> {
    public AnvilExtension() {
        super(AnvilNode.class, () -> AnvilNode.start(Path.of("target", "anvil")));
    }
}
