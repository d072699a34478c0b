package io.cotrain.ipfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelFileTest {
    private static final byte[] MODEL = "weights".getBytes(StandardCharsets.UTF_8);

    @Test
    void equalDigestsMeanOneRawBlock() {
        byte[] sha256 = Sha256.of(MODEL);

        ModelFile file = ModelFile.ofCommit(sha256, sha256);

        assertThat(file.cid()).isEqualTo(Cid.of(MODEL));
        assertThat(file.root()).isEqualTo(sha256);
    }

    @Test
    void differentDigestsMeanADagPbRoot() {
        byte[] sha256 = Sha256.of(MODEL);
        byte[] root = Sha256.of("root node".getBytes(StandardCharsets.UTF_8));

        ModelFile file = ModelFile.ofCommit(sha256, root);

        assertThat(file.cid().codec()).isEqualTo(Cid.Codec.DAG_PB);
        assertThat(file.root()).isEqualTo(root);
        assertThat(file.sha256()).isEqualTo(sha256);
    }

    @Test
    void aRawCidMustCarryTheFilesDigest() {
        assertThatThrownBy(() -> new ModelFile(Sha256.of(MODEL), Cid.of(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a raw CID's digest is the content's sha256");
        assertThatThrownBy(() -> ModelFile.ofCommit(new byte[31], new byte[31]))
                .hasMessage("a sha256 digest is 32 bytes, got 31");
    }
}
