package io.cotrain.ipfs.testing;

import io.cotrain.testing.PerClassNodeExtension;
import java.nio.file.Path;

/**
 * Starts one real js-ipfs node per test class and injects it as an {@link IpfsNode} parameter; it is stopped when the
 * class finishes, whatever the outcome. Its repository and log go to {@code target/ipfs/}.
 */
public final class IpfsExtension extends PerClassNodeExtension<IpfsNode> {
    public IpfsExtension() {
        super(IpfsNode.class, () -> IpfsNode.start(Path.of("target", "ipfs")));
    }
}
