package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.testing.LocalProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** deployment/local-chain.sh as a user runs it: it comes up deployed with bonded validators and Ctrl-C stops it. */
class LocalChainIT {
    private static final Duration STARTUP = Duration.ofMinutes(3);

    @Test
    void comesUpWithThreeBondedValidators_andStopsAnvilOnCtrlC() throws Exception {
        int port = LocalProcesses.freePort();
        Path addressesFile = ScriptRunner.freshFile("local-chain-");
        Path output = addressesFile.resolveSibling(addressesFile.getFileName() + ".out");
        ProcessBuilder builder = ScriptRunner.asFromATerminal(ScriptRunner.ROOT.resolve("deployment/local-chain.sh"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("COTRAIN_RPC_PORT", Integer.toString(port));
        builder.environment().put("COTRAIN_ADDRESSES_FILE", addressesFile.toString());
        Process script = builder.start();
        try {
            ScriptRunner.awaitLine(script, output, "Press Ctrl-C to stop.", STARTUP); // the last line: all is printed

            Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + port));
            CotrainClients chain = new CotrainClients(web3j, 31337).use(DeploymentAddresses.read(addressesFile));
            var registry = chain.registry(DevAccounts.account(0));
            assertThat(registry.activeValidatorCount().send().intValue()).isEqualTo(3);
            for (int validator = 1; validator <= 3; validator++) {
                assertThat(registry.validatorInfo(DevAccounts.account(validator).getAddress())
                                .send()
                                .active)
                        .isTrue();
            }
            assertThat(Files.readString(output)).contains("validator 1 (bonded 2000 COT)");
            web3j.shutdown();

            new ProcessBuilder("kill", "-INT", Long.toString(script.pid()))
                    .start()
                    .waitFor();
            assertThat(script.waitFor(30, TimeUnit.SECONDS))
                    .as("the script exits on SIGINT")
                    .isTrue();
            assertThat(ScriptRunner.answers(port))
                    .as("anvil stopped with the script")
                    .isFalse();
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }
}
