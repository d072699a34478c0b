package io.cotrain.ipfs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IpfsNodeIT {
    @Test
    void closeStopsTheDaemonAndEverythingItStarted() throws Exception {
        ProcessHandle daemon;
        try (IpfsNode node = IpfsNode.start(Path.of("target", "ipfs"))) {
            daemon = node.process();
            assertThat(daemon.isAlive()).isTrue();
            JsonNode config = new ObjectMapper()
                    .readTree(node.repository().resolve("config").toFile());
            assertThat(config.at("/Addresses/API").asText())
                    .isEqualTo("/ip4/127.0.0.1/tcp/" + node.apiUrl().getPort());
            assertThat(config.at("/Addresses/Swarm")).isEmpty();
            assertThat(config.at("/Bootstrap")).isEmpty();
            assertThat(node.client().version()).isNotBlank();
        }

        assertThat(daemon.isAlive()).isFalse();
        assertThat(ProcessHandle.current().descendants()).noneMatch(process -> process.pid() == daemon.pid());
    }
}
