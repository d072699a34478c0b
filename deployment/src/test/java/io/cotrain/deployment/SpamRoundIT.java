package io.cotrain.deployment;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.FoundryBinaries;
import io.cotrain.deployment.demo.DemoTask;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.testing.Await;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * The attack of the review on deployment/local-network.sh: one wallet, using nothing but {@code cast}, stakes and
 * submits 50 contributions whose digests point at nothing on IPFS, in the same round as honest work. It used to cost
 * the network two rounds and its whole validator set. Now the round reaches quorum, the honest updates are accepted
 * and paid, every spam contribution is floored and slashed, and every validator stays active.
 */
class SpamRoundIT {
    private static final int SPAM = 50;
    /** 1-second blocks: 20 + 10 + 10 blocks of windows, the nodes' turns to finalize, and slow ticks on 2 cores. */
    private static final Duration ROUND = Duration.ofMinutes(5);

    private final Credentials spammer = DevAccounts.account(6);

    @Test
    void fiftyDigestsOfNothingAreFlooredAndSlashed_honestWorkIsPaid_noValidatorIsLost() throws Exception {
        try (LocalNetworkRun network = LocalNetworkRun.start(Map.of("COTRAIN_DEMO_ROUNDS", "0"))) {
            CotrainClients chain = network.chain();
            CotrainProtocol reader = chain.protocol(DevAccounts.account(0));
            Path task = network.directory.resolve("tasks/task-1");
            String rpc = "http://127.0.0.1:" + network.rpcPort;
            castSend(
                    rpc,
                    chain.addresses().token(),
                    "approve(address,uint256)",
                    chain.addresses().protocol(),
                    tokens(1_000).toString());
            castSend(
                    rpc,
                    chain.addresses().protocol(),
                    "registerContributor(uint256)",
                    tokens(1_000).toString());
            byte[] first = NetworkContributions.honestUpdate(task, "contributor-1.csv");
            byte[] second = NetworkContributions.honestUpdate(task, "contributor-2.csv");

            List<byte[]> honest = new ArrayList<>();
            List<byte[]> spam = new ArrayList<>();
            try (IpfsClient ipfs = new IpfsClient(URI.create("http://127.0.0.1:" + network.ipfsPort))) {
                ContentStore content = new ContentStore(ipfs);
                byte[] globalModel = NetworkContributions.globalModel(task);
                NetworkContributions.awaitFreshRound(chain);
                honest.add(NetworkContributions.submit(
                        chain, content, DemoTask.TASK_ID, DevAccounts.account(4), first, globalModel));
                honest.add(NetworkContributions.submit(
                        chain, content, DemoTask.TASK_ID, DevAccounts.account(5), second, globalModel));
                SecureRandom random = new SecureRandom();
                // explicit nonces: cast reads the latest nonce, and a burst of async sends would reuse one
                BigInteger nonce = chain.web3j()
                        .ethGetTransactionCount(spammer.getAddress(), DefaultBlockParameterName.PENDING)
                        .send()
                        .getTransactionCount();
                for (int i = 0; i < SPAM; i++) {
                    byte[] digest = new byte[32];
                    random.nextBytes(digest);
                    spam.add(digest);
                    cast(
                            rpc,
                            nonce.add(BigInteger.valueOf(i)),
                            chain.addresses().protocol(),
                            "submitContribution(uint8,bytes32,uint256)",
                            ContributionKind.MODEL_UPDATE.onChain().toString(),
                            Numeric.toHexString(digest),
                            "1");
                }
            }
            awaitSubmitted(reader, spam);
            BigInteger round = reader.contribution(honest.getFirst()).send().round;
            for (byte[] digest : spam)
                assertThat(reader.contribution(digest).send().round).isEqualTo(round);

            List<byte[]> all = new ArrayList<>(honest);
            all.addAll(spam);
            assertThat(NetworkContributions.awaitSettled(chain, all, ROUND))
                    .as("round %s finalized within %s", round, ROUND)
                    .isTrue();

            CotrainProtocol.RoundView info = reader.roundInfo(round).send();
            assertThat(info.quorumReached).as("quorum").isTrue();
            assertThat(info.revealedValidators.bitCount())
                    .as("all three revealed")
                    .isEqualTo(3);
            for (byte[] digest : honest) {
                var view = reader.contribution(digest).send();
                assertThat(ContributionStatus.of(view.status))
                        .as("honest %s", view.id)
                        .isEqualTo(ContributionStatus.ACCEPTED);
                assertThat(reader.claimable(view.contributor).send())
                        .as("honest %s paid", view.id)
                        .isPositive();
            }
            for (byte[] digest : spam) {
                var view = reader.contribution(digest).send();
                assertThat(view.consensusScore.intValue())
                        .as("spam %s floored", view.id)
                        .isEqualTo(1);
                assertThat(ContributionStatus.of(view.status)).isEqualTo(ContributionStatus.REJECTED);
            }
            // half of each 10-COT lock and the 1-COT submission fee: 300 COT of the spammer's 1000
            assertThat(reader.contributorProfile(spammer.getAddress()).send().stake)
                    .isEqualTo(tokens(700));
            assertThat(reader.claimable(spammer.getAddress()).send()).isZero();
            var registry = chain.registry(DevAccounts.account(0));
            assertThat(registry.activeValidatorCount().send().intValue())
                    .as("no validator lost")
                    .isEqualTo(3);
            for (int i = 1; i <= 3; i++) {
                assertThat(registry.validatorInfo(DevAccounts.account(i).getAddress())
                                .send()
                                .bond)
                        .as("validator %d not penalised", i)
                        .isEqualTo(tokens(2_000));
            }
        }
    }

    private void castSend(String rpc, String to, String signature, String... arguments) throws Exception {
        cast(rpc, null, to, signature, arguments);
    }

    /**
     * Sends and waits for the receipt, or, given a nonce, sends with it and returns at once: the spam must land
     * within one submission window.
     */
    private void cast(String rpc, BigInteger asyncNonce, String to, String signature, String... arguments)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                FoundryBinaries.binary("cast").toString(),
                "send",
                "--rpc-url",
                rpc,
                "--private-key",
                "0x"
                        + HexFormat.of()
                                .formatHex(Numeric.toBytesPadded(
                                        spammer.getEcKeyPair().getPrivateKey(), 32))));
        if (asyncNonce != null) command.addAll(List.of("--async", "--nonce", asyncNonce.toString()));
        command.add(to);
        command.add(signature);
        command.addAll(List.of(arguments));
        ScriptRunner.run(command, ScriptRunner.ROOT, Map.of(), Duration.ofMinutes(1));
    }

    /** Every spam transaction was mined (cast --async returned at once). */
    private static void awaitSubmitted(CotrainProtocol reader, List<byte[]> digests) throws Exception {
        for (byte[] digest : digests) {
            Await.until(
                    "spam contribution " + HexFormat.of().formatHex(digest) + " mined", Duration.ofMinutes(1), () -> {
                        try {
                            reader.contribution(digest).send();
                            return true;
                        } catch (Exception notYet) {
                            return false; // UnknownContribution until the transaction is mined
                        }
                    });
        }
    }
}
