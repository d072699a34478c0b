package io.cotrain.client;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundOpenedEventResponse;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.ContractsDeployer;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.testing.Await;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/** TransactionSender and ProtocolEventFollower against a real anvil node and a real deployment. */
@ExtendWith(AnvilExtension.class)
class ChainAccessIT {
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final Credentials CONTRIBUTOR = DevAccounts.account(4);
    /** A contributor whose transaction the node loses. */
    private static final Credentials DROPPED = DevAccounts.account(8);
    /** A contributor whose transaction a reorganisation drops. */
    private static final Credentials REORGANISED = DevAccounts.account(9);

    private static CotrainClients chain;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void deploy(AnvilNode anvil) throws Exception {
        chain = TestNetwork.builder(anvil)
                .admin(ADMIN)
                .rewardPool(0)
                .tokensFor(CONTRIBUTOR, 1_000)
                .tokensFor(DROPPED, 1_000)
                .tokensFor(REORGANISED, 1_000)
                .build()
                .chain();
    }

    private TransactionSender sender(AnvilNode anvil, Credentials key) {
        return new TransactionSender(
                anvil.web3j(),
                key,
                anvil.chainId(),
                FeePolicy.baseFeeTimesTwoPlus(BigInteger.ONE),
                RetryPolicy.defaults(),
                RevertDecoder.forCotrainContracts(),
                Duration.ofSeconds(30),
                TransactionListener.NONE);
    }

    @Test
    void sendsCallsFromOneNonceSource_evenFromSeveralThreads(AnvilNode anvil) throws Exception {
        TransactionSender sender = sender(anvil, CONTRIBUTOR);
        String protocol = chain.addresses().protocol();
        sender.send(
                "approve",
                chain.addresses().token(),
                chain.token(CONTRIBUTOR).approve(protocol, tokens(1_000)).encodeFunctionCall());
        sender.send(
                "register",
                protocol,
                chain.protocol(CONTRIBUTOR).registerContributor(tokens(200)).encodeFunctionCall());

        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String data = chain.protocol(CONTRIBUTOR).increaseStake(tokens(1)).encodeFunctionCall();
            sends.add(threads.submit(() -> sender.send("increaseStake", protocol, data)));
        }
        for (Future<?> send : sends) send.get();
        threads.shutdown();

        assertThat(chain.protocol(ADMIN)
                        .contributorProfile(CONTRIBUTOR.getAddress())
                        .send()
                        .stake)
                .isEqualTo(tokens(208));
    }

    /** A transaction the node lost (a reorganisation dropped it) is sent again, takes effect once, and blocks none. */
    @Test
    void aTransactionTheNodeLostIsSentAgain_takesEffectOnce_andTheNextOneIsMined(AnvilNode anvil) throws Exception {
        Credentials key = DROPPED;
        TransactionSender sender = sender(anvil, key);
        String protocol = chain.addresses().protocol();
        String increase = registeredWith200(sender, key);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        anvil.automine(false);
        try {
            Future<TransactionReceipt> lost = thread.submit(() -> sender.send("increaseStake", protocol, increase));
            Await.until(
                    "the transaction in the pool",
                    Duration.ofSeconds(10),
                    () -> pending(anvil, key) > mined(anvil, key));
            anvil.dropPendingTransactions();
            Await.until("the transaction sent again", Duration.ofSeconds(30), () -> {
                anvil.mine(1);
                return lost.isDone();
            });
            assertThat(lost.get().isStatusOK()).isTrue();
        } finally {
            anvil.automine(true);
            thread.shutdown();
        }
        sender.send("increaseStake", protocol, increase);

        assertEachIncreaseTookEffectOnce(key, 2);
    }

    /** A transaction mined in a block a reorganisation dropped is sent again: the next one is not stuck behind it. */
    @Test
    void aTransactionAReorganisationDroppedIsSentAgain_andTheNextOneIsMined(AnvilNode anvil) throws Exception {
        Credentials key = REORGANISED;
        TransactionSender sender = sender(anvil, key);
        String protocol = chain.addresses().protocol();
        String increase = registeredWith200(sender, key);
        sender.send("increaseStake", protocol, increase);
        long mined = mined(anvil, key);

        anvil.reorganise(1);
        assertThat(mined(anvil, key)).as("its block reorganised away").isEqualTo(mined - 1);
        sender.send("increaseStake", protocol, increase);

        assertEachIncreaseTookEffectOnce(key, 2);
    }

    /** Registers {@code key} as a contributor staking 200 COT; returns its call raising the stake by 1 COT. */
    private static String registeredWith200(TransactionSender sender, Credentials key) {
        String protocol = chain.addresses().protocol();
        sender.send(
                "approve",
                chain.addresses().token(),
                chain.token(key).approve(protocol, tokens(1_000)).encodeFunctionCall());
        sender.send(
                "register",
                protocol,
                chain.protocol(key).registerContributor(tokens(200)).encodeFunctionCall());
        return chain.protocol(key).increaseStake(tokens(1)).encodeFunctionCall();
    }

    private static void assertEachIncreaseTookEffectOnce(Credentials key, int increases) throws Exception {
        assertThat(chain.protocol(ADMIN).contributorProfile(key.getAddress()).send().stake)
                .as("each increase took effect once")
                .isEqualTo(tokens(200 + increases));
    }

    private static long pending(AnvilNode anvil, Credentials key) throws IOException {
        return anvil.web3j()
                .ethGetTransactionCount(key.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount()
                .longValueExact();
    }

    private static long mined(AnvilNode anvil, Credentials key) throws IOException {
        return anvil.web3j()
                .ethGetTransactionCount(key.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount()
                .longValueExact();
    }

    @Test
    void view_keepsARevertsCustomError_andDecodesAnAnswer(AnvilNode anvil) {
        Function unknown = new Function(
                "contribution",
                List.of(new Bytes32(new byte[32])),
                List.of(new TypeReference<CotrainProtocol.ContributionView>() {}));
        assertThatThrownBy(() -> ContractCalls.view(
                        anvil.web3j(),
                        ADMIN.getAddress(),
                        chain.addresses().protocol(),
                        unknown,
                        RevertDecoder.forCotrainContracts()))
                .isInstanceOfSatisfying(
                        ContractRevertedException.class,
                        e -> assertThat(e.errorName()).isEqualTo("UnknownContribution"));
        Function round = new Function("currentRound", List.of(), List.of(new TypeReference<Uint256>() {}));
        assertThat(ContractCalls.view(
                                anvil.web3j(),
                                ADMIN.getAddress(),
                                chain.addresses().protocol(),
                                round,
                                RevertDecoder.forCotrainContracts())
                        .getFirst()
                        .getValue())
                .isInstanceOf(BigInteger.class);
    }

    @Test
    void reportsARevertFoundWhileEstimatingWithItsCustomError(AnvilNode anvil) {
        TransactionSender sender = sender(anvil, DevAccounts.account(7));
        String data = chain.protocol(DevAccounts.account(7))
                .submitContribution(ContributionKind.MODEL_UPDATE.onChain(), new byte[32], BigInteger.ONE)
                .encodeFunctionCall();

        assertThatThrownBy(() ->
                        sender.send("submitContribution", chain.addresses().protocol(), data))
                .isInstanceOf(ContractRevertedException.class)
                .hasMessage("submitContribution reverted: ZeroContentDigest()")
                .extracting(e -> ((ContractRevertedException) e).errorName())
                .isEqualTo("ZeroContentDigest");

        String wrongPhase = chain.protocol(DevAccounts.account(7))
                .commitScores(BigInteger.valueOf(99), new byte[32])
                .encodeFunctionCall();
        assertThatThrownBy(() -> sender.send("commitScores", chain.addresses().protocol(), wrongPhase))
                .hasMessage("commitScores reverted: UnknownRound(round=99)");
    }

    @Test
    void followsConfirmedEventsOnceAndResumesFromItsCheckpoint(AnvilNode anvil) throws Exception {
        Credentials contributor = DevAccounts.account(5);
        chain.token(ADMIN).transfer(contributor.getAddress(), tokens(500)).send();
        chain.token(contributor)
                .approve(chain.addresses().protocol(), tokens(500))
                .send();
        CotrainProtocol protocol = chain.protocol(contributor);
        protocol.registerContributor(tokens(500)).send();
        // the first block of a round nobody submitted to yet: rounds follow a schedule of blocks, so the submissions
        // below land in one round whatever the tests before this one mined
        anvil.mine(ContractsDeployer.testConfig().submissionBlocks.longValue());
        BigInteger scheduled = protocol.currentRound().send();
        while (protocol.currentRound().send().equals(scheduled)) anvil.mine(1);
        BigInteger start = anvil.blockNumber();
        BigInteger first = submit(protocol, 1);
        submit(protocol, 2);

        DurableNumber checkpoint = new DurableNumber(dataDir.resolve("checkpoint"));
        Recorder recorder = new Recorder();
        ProtocolEventFollower follower = follower(anvil, start, checkpoint);
        follower.poll(recorder);
        assertThat(recorder.submitted).as("not yet two confirmations").isEmpty();

        anvil.mine(2);
        follower.poll(recorder);
        follower.poll(recorder);
        assertThat(recorder.submitted).extracting(e -> e.id).containsExactly(first, first.add(BigInteger.ONE));
        assertThat(recorder.submitted.getFirst().contentDigest).isEqualTo(digest(1));
        assertThat(recorder.opened).extracting(e -> e.round).containsExactly(recorder.submitted.getFirst().round);

        // A new follower on the same checkpoint (a restarted node) sees only what is new.
        BigInteger third = submit(protocol, 3);
        anvil.mine(2);
        Recorder afterRestart = new Recorder();
        follower(anvil, start, new DurableNumber(dataDir.resolve("checkpoint"))).poll(afterRestart);
        assertThat(afterRestart.submitted).extracting(e -> e.id).containsExactly(third);
    }

    @Test
    void reportsAnUnreachableNodeAfterRetrying() {
        Web3j nowhere = Web3j.build(new HttpService("http://127.0.0.1:1"));
        TransactionSender sender = new TransactionSender(
                nowhere,
                DevAccounts.account(8),
                31337,
                FeePolicy.baseFeeTimesTwoPlus(BigInteger.ONE),
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)),
                RevertDecoder.forCotrainContracts(),
                Duration.ofSeconds(1),
                TransactionListener.NONE);
        assertThatThrownBy(() -> sender.send("claimRewards", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x"))
                .isInstanceOf(ChainUnavailableException.class)
                .hasMessageStartingWith("estimate gas of claimRewards failed after 2 attempts");
    }

    private ProtocolEventFollower follower(AnvilNode anvil, BigInteger start, DurableNumber checkpoint) {
        return new ProtocolEventFollower(
                anvil.web3j(), chain.addresses().protocol(), start, 2, 1_000, checkpoint, RetryPolicy.defaults());
    }

    private static BigInteger submit(CotrainProtocol protocol, int seed) throws Exception {
        return CotrainProtocol.getContributionSubmittedEvents(protocol.submitContribution(
                                ContributionKind.MODEL_UPDATE.onChain(), digest(seed), BigInteger.ONE)
                        .send())
                .getFirst()
                .id;
    }

    private static byte[] digest(int seed) {
        byte[] digest = new byte[32];
        digest[31] = (byte) seed;
        digest[0] = 1;
        return digest;
    }

    private static final class Recorder implements ProtocolEventFollower.Handler {
        final List<ContributionSubmittedEventResponse> submitted = new ArrayList<>();
        final List<RoundOpenedEventResponse> opened = new ArrayList<>();

        @Override
        public void contributionSubmitted(ContributionSubmittedEventResponse event) {
            submitted.add(event);
        }

        @Override
        public void roundOpened(RoundOpenedEventResponse event) {
            opened.add(event);
        }
    }
}
