package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deployment/local-network.sh as a user runs it, on free ports and without its demo: anvil with the contracts, the IPFS
 * node, the demo task and three validator nodes come up; each node is ready with its own key on chain 31337 and the
 * registry has it active; the three nodes, as separate processes, score a round of real contributions on their own and
 * agree; a node restarted with {@code restart-node} comes back and is tracked; Ctrl-C (SIGINT) stops every process
 * the script started, the restarted node among them.
 */
class LocalNetworkIT {
    /** 1-second blocks: 20 + 10 + 10 blocks of windows, the nodes' turns to finalize, and slow ticks on 2 cores. */
    private static final Duration ROUND = Duration.ofMinutes(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void comesUpWithThreeValidatorNodesThatScoreARound_andCtrlCStopsEverything() throws Exception {
        // this test is the contributor: no demo (FederatedTrainingIT runs it)
        try (LocalNetworkRun network = LocalNetworkRun.start(Map.of("COTRAIN_DEMO_ROUNDS", "0"))) {
            Map<String, Long> pids = network.recordedPids();
            assertThat(pids).containsKeys("script", "anvil", "ipfs", "validator-1", "validator-2", "validator-3");
            assertThat(pids.get("script")).isEqualTo(network.script.pid());

            Set<String> addresses = new HashSet<>();
            for (int port : network.nodePorts) {
                String base = "http://127.0.0.1:" + port;
                assertThat(get(base + "/q/health/ready").statusCode())
                        .as("%s ready", base)
                        .isEqualTo(200);
                JsonNode status = JSON.readTree(get(base + "/status").body());
                assertThat(status.path("chainId").asLong()).isEqualTo(31337);
                addresses.add(status.path("address").asText().toLowerCase());
            }
            assertThat(addresses)
                    .hasSize(3)
                    .containsExactlyInAnyOrder(
                            DevAccounts.account(1).getAddress().toLowerCase(),
                            DevAccounts.account(2).getAddress().toLowerCase(),
                            DevAccounts.account(3).getAddress().toLowerCase());

            CotrainClients chain = network.chain();
            var registry = chain.registry(DevAccounts.account(0));
            assertThat(registry.activeValidatorCount().send().intValue()).isEqualTo(3);
            for (String address : addresses) {
                assertThat(registry.validatorInfo(address).send().active)
                        .as("%s active", address)
                        .isTrue();
            }
            HttpResponse<String> ipfs = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.ipfsPort + "/api/v0/version"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ipfs.statusCode()).isEqualTo(200);
            assertThat(network.output())
                    .contains("validator 1 (bonded 2000 COT)")
                    .contains("http://127.0.0.1:" + network.ipfsPort)
                    .contains("http://127.0.0.1:" + network.nodePorts.getFirst() + "/status")
                    .doesNotContain("Demo:");
            assertThat(network.directory.resolve("tasks/task-1/task.json")).exists();

            scoreARound(chain, network.ipfsPort, network.directory.resolve("tasks/task-1"), network.nodePorts);

            // An operator restarts node 2: the network tracks the new process, which comes back ready, and stops it.
            ProcessBuilder restartNode = new ProcessBuilder(
                            ScriptRunner.ROOT
                                    .resolve("deployment/local-network.sh")
                                    .toString(),
                            "restart-node",
                            "2")
                    .redirectErrorStream(true);
            restartNode.environment().put("COTRAIN_NETWORK_DIR", network.directory.toString());
            Process restart = restartNode.start();
            restart.getOutputStream().close();
            assertThat(restart.waitFor(3, TimeUnit.MINUTES))
                    .as("restart-node returns")
                    .isTrue();
            String restarted = new String(restart.getInputStream().readAllBytes());
            assertThat(restart.exitValue()).as(restarted).isZero();
            Map<String, Long> afterRestart = network.recordedPids();
            assertThat(afterRestart.get("validator-2")).isNotEqualTo(pids.get("validator-2"));
            assertThat(restarted).contains("validator node 2 restarted (pid " + afterRestart.get("validator-2") + ")");
            assertThat(ProcessHandle.of(pids.get("validator-2")).map(ProcessHandle::isAlive))
                    .as("the old node 2 stopped")
                    .isNotEqualTo(Optional.of(true));
            String node2 = "http://127.0.0.1:" + network.nodePorts.get(1) + "/q/health/ready";
            Await.until("node 2 ready again", Duration.ofMinutes(2), () -> ready(node2));

            network.interruptAndExpectEverythingStopped(afterRestart);
            assertThat(Files.readString(network.directory.resolve("logs/validator-1.log")))
                    .contains("validator node stopped");
        } finally {
            http.close();
        }
    }

    /**
     * Two contributors (dev accounts 4 and 5, funded by the deploy) submit an honest model update trained on a demo
     * shard and a garbage file; the three nodes judge, commit, reveal and finalize the round by themselves. Honest
     * work is accepted, the garbage floored, and every node's judgement equals the consensus.
     */
    private void scoreARound(CotrainClients chain, int ipfsPort, Path task, List<Integer> nodePorts) throws Exception {
        try (IpfsClient ipfs = new IpfsClient(URI.create("http://127.0.0.1:" + ipfsPort))) {
            ContentStore content = new ContentStore(ipfs);
            byte[] globalModel = NetworkContributions.globalModel(task);
            Map<String, byte[]> digests = new LinkedHashMap<>();
            digests.put(
                    "honest",
                    NetworkContributions.submit(
                            chain,
                            content,
                            DevAccounts.account(4),
                            NetworkContributions.honestUpdate(task, "contributor-1.csv"),
                            globalModel));
            digests.put(
                    "garbage",
                    NetworkContributions.submit(
                            chain, content, DevAccounts.account(5), new byte[] {1, 2, 3, 4}, globalModel));
            assertThat(NetworkContributions.awaitSettled(chain, digests.values(), ROUND))
                    .as("the round is finalized within %s", ROUND)
                    .isTrue();

            var honest = chain.protocol(DevAccounts.account(0))
                    .contribution(digests.get("honest"))
                    .send();
            var garbage = chain.protocol(DevAccounts.account(0))
                    .contribution(digests.get("garbage"))
                    .send();
            assertThat(honest.status.intValue()).as("honest accepted").isEqualTo(2);
            assertThat(honest.consensusScore.intValue()).isGreaterThan(50);
            assertThat(garbage.status.intValue()).as("garbage rejected").isEqualTo(3);
            assertThat(garbage.consensusScore.intValue()).isEqualTo(1);
            var round = chain.protocol(DevAccounts.account(0))
                    .roundInfo(honest.round)
                    .send();
            assertThat(round.revealedValidators.bitCount())
                    .as("all three revealed")
                    .isEqualTo(3);
            for (int port : nodePorts) {
                JsonNode judged = JSON.readTree(get("http://127.0.0.1:" + port + "/contributions/" + honest.id)
                        .body());
                assertThat(judged.path("score").asInt())
                        .as("node %d", port)
                        .isEqualTo(honest.consensusScore.intValue());
            }
        }
    }

    private boolean ready(String url) {
        try {
            return get(url).statusCode() == 200;
        } catch (Exception notListeningYet) {
            return false;
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
