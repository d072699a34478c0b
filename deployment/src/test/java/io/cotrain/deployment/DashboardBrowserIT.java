package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.deployment.demo.DemoTask;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * The dashboard in a real browser: local-network.sh runs its demo for two rounds, then Debian's headless Chromium,
 * driven by playwright-core ({@code src/test/browser/dashboard-check.mjs}), opens the first validator node's
 * dashboard and must show every commit the validators aggregated (one per round) in the accuracy chart, every commit
 * in the branch graph, and a contributor's reward in the rounds; a demo contributor's wallet (anvil's unlocked dev
 * account, through an injected EIP-1193 provider) connects, signs in with a real signature, and claims its rewards with
 * a transaction the dashboard has it send. The screenshot is kept in {@code target/dashboard/}.
 */
class DashboardBrowserIT {
    private static final int ROUNDS = 2;
    private static final Credentials HONEST_CONTRIBUTOR = DevAccounts.account(4);
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @Test
    void theDashboardShowsEveryCommitAndTheContributorsRewards_andAWalletSignsIn() throws Exception {
        assertThat(CHROMIUM)
                .as("Debian's chromium (apt-get install chromium; .ci/run installs it)")
                .isExecutable();
        try (LocalNetworkRun network = LocalNetworkRun.start(Map.of("COTRAIN_DEMO_ROUNDS", Integer.toString(ROUNDS)))) {
            network.awaitLine("demo finished", Duration.ofMinutes(15));
            ModelRegistry models = network.chain().models(DevAccounts.account(0));
            List<BigInteger> commits = commitsOf(models);
            // the base and a commit per round (two when a busy machine spills a demo round's submissions over two)
            assertThat(commits).as("the base and the rounds' commits").hasSizeGreaterThanOrEqualTo(ROUNDS + 1);

            var protocol = network.chain().protocol(DevAccounts.account(0));
            BigInteger claimable =
                    protocol.claimable(HONEST_CONTRIBUTOR.getAddress()).send();
            assertThat(claimable).as("the honest contributor's rewards").isPositive();
            BigInteger balanceBefore = network.chain()
                    .token(DevAccounts.account(0))
                    .balanceOf(HONEST_CONTRIBUTOR.getAddress())
                    .send();

            Path screenshot = Files.createDirectories(Path.of("target", "dashboard"))
                    .resolve("dashboard.png")
                    .toAbsolutePath();
            Files.deleteIfExists(screenshot);
            ProcessBuilder check = new ProcessBuilder(
                            "node",
                            ScriptRunner.ROOT
                                    .resolve("deployment/src/test/browser/dashboard-check.mjs")
                                    .toString(),
                            "http://127.0.0.1:" + network.nodePorts.getFirst() + "/",
                            "http://127.0.0.1:" + network.rpcPort,
                            HONEST_CONTRIBUTOR.getAddress(),
                            // the chart shows the aggregated commits; the base (the first) carries no held-out
                            // measurement
                            commits.stream().skip(1).map(BigInteger::toString).collect(Collectors.joining(",")),
                            screenshot.toString())
                    .directory(ScriptRunner.ROOT.toFile())
                    .redirectErrorStream(true);
            Process browser = check.start();
            assertThat(browser.waitFor(4, TimeUnit.MINUTES))
                    .as("the browser check ends")
                    .isTrue();
            String output = new String(browser.getInputStream().readAllBytes());
            System.out.println("dashboard check: " + output.strip());
            assertThat(browser.exitValue()).as("the browser check:%n%s", output).isZero();
            assertThat(output).contains("\"signedIn\":\"Signed in as " + checksummed(HONEST_CONTRIBUTOR) + " until");
            assertThat(output).as("the page follows live updates").contains("\"live\":\"live\"");
            // a spilled-over round may still be committed while the browser looks: the graph shows what was there
            Matcher branchNodes = Pattern.compile("\"branchNodes\":(\\d+)").matcher(output);
            assertThat(branchNodes.find()).as("the branch graph was counted").isTrue();
            assertThat(Integer.parseInt(branchNodes.group(1)))
                    .isBetween(commits.size(), commitsOf(models).size());
            assertThat(output).doesNotContain("\"claimable\":\"0 COT\"").contains("nothing to send");
            // the claim the wallet sent from the dashboard paid the rewards out
            assertThat(protocol.claimable(HONEST_CONTRIBUTOR.getAddress()).send())
                    .isZero();
            assertThat(network.chain()
                            .token(DevAccounts.account(0))
                            .balanceOf(HONEST_CONTRIBUTOR.getAddress())
                            .send())
                    .isEqualTo(balanceBefore.add(claimable));

            byte[] png = Files.readAllBytes(screenshot);
            assertThat(png.length).as("screenshot size").isGreaterThan(20_000);
            assertThat(new String(png, 1, 3)).isEqualTo("PNG");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<BigInteger> commitsOf(ModelRegistry models) throws Exception {
        return (List<BigInteger>) (List<?>)
                models.commitsOf(BigInteger.valueOf(DemoTask.TASK_ID), BigInteger.ZERO, BigInteger.valueOf(100))
                        .send()
                        .component1();
    }

    private static String checksummed(Credentials account) {
        return Keys.toChecksumAddress(account.getAddress());
    }
}
