package io.cotrain.oracle.scoring;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.RetryPolicy;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionSubmittedEventResponse;
import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * What the scorer reads from the chain, on a real anvil: contributions from their {@code ContributionSubmitted}
 * events in bounded block ranges (how an artifact index is rebuilt), and round deadlines from the round's commit
 * window and the chain's block time.
 */
@ExtendWith(AnvilExtension.class)
class ChainHistoryIT {
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final Credentials CONTRIBUTOR = DevAccounts.account(4);
    private static final ContentFetching FETCHING =
            new ContentFetching(Duration.ofSeconds(5), 8, 3, Duration.ofSeconds(1));

    private static AnvilNode anvil;
    private static CotrainClients chain;
    private static CotrainProtocol reader;
    private static final List<ContributionSubmittedEventResponse> submitted = new ArrayList<>();
    private static final List<BigInteger> blocks = new ArrayList<>();

    @BeforeAll
    static void contributions(AnvilNode anvilNode) throws Exception {
        anvil = anvilNode;
        chain = TestNetwork.builder(anvil)
                .admin(ADMIN)
                .rewardPool(0)
                .tokensFor(CONTRIBUTOR, 100)
                .build()
                .chain();
        chain.token(CONTRIBUTOR)
                .approve(chain.addresses().protocol(), tokens(100))
                .send();
        chain.protocol(CONTRIBUTOR).registerContributor(tokens(100)).send();
        for (int i = 0; i < 3; i++) {
            anvil.mine(2); // gaps between submissions, so ranges of two blocks cut through them
            TransactionReceipt receipt = chain.protocol(CONTRIBUTOR)
                    .submitContribution(ContributionKind.of(i % 2).onChain(), digest(i + 1), BigInteger.ONE)
                    .send();
            submitted.add(
                    CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst());
            blocks.add(receipt.getBlockNumber());
        }
        anvil.mine(1); // a block after the last submission, with none in it
        reader = CotrainProtocol.load(
                chain.addresses().protocol(),
                anvil.web3j(),
                new ReadonlyTransactionManager(anvil.web3j(), ADMIN.getAddress()),
                new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
    }

    private static ContributionEvents events(int maxBlocksPerQuery) {
        return new ContributionEvents(
                anvil.web3j(),
                chain.addresses().protocol(),
                chain.addresses().deployBlock(),
                maxBlocksPerQuery,
                RetryPolicy.defaults());
    }

    @Test
    void contributionsAreReadFromTheirEventsInBoundedRanges() {
        List<ContributionRecord> all = events(2).submitted(BigInteger.ZERO, blocks.getLast());

        assertThat(all).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ContributionRecord record = all.get(i);
            ContributionSubmittedEventResponse event = submitted.get(i);
            assertThat(record.id()).isEqualTo(event.id);
            assertThat(record.round()).isEqualTo(event.round);
            assertThat(record.contributor()).isEqualToIgnoringCase(CONTRIBUTOR.getAddress());
            assertThat(record.kind()).isEqualTo(i % 2);
            assertThat(record.taskId()).isEqualTo(1);
            assertThat(record.contentDigest()).isEqualTo(event.contentDigest);
            assertThat(record.submittedBlock()).isEqualTo(blocks.get(i));
        }
        assertThat(events(5_000).submitted(blocks.get(1), blocks.get(2)))
                .extracting(ContributionRecord::id)
                .containsExactly(submitted.get(1).id, submitted.get(2).id);
        BigInteger after = blocks.getLast().add(BigInteger.ONE);
        assertThat(events(5_000).submitted(after, after)).isEmpty();
    }

    @Test
    void aRoundsDeadlineFollowsItsCommitWindowAtTheChainsBlockTime() throws Exception {
        blockInterval(2); // two seconds per block from now on
        anvil.blocks().mineToNextRound(reader);
        BigInteger round = CotrainProtocol.getContributionSubmittedEvents(chain.protocol(CONTRIBUTOR)
                        .submitContribution(ContributionKind.MODEL_UPDATE.onChain(), digest(9), BigInteger.ONE)
                        .send())
                .getFirst()
                .round;
        anvil.mine(ChainRoundDeadlines.BLOCK_TIME_SAMPLE);
        RoundView info = reader.roundInfo(round).send();
        var deadlines =
                new ChainRoundDeadlines(anvil.web3j(), reader, new ChainReads(RetryPolicy.defaults()), FETCHING);
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        if (anvil.web3j().ethBlockNumber().send().getBlockNumber().compareTo(info.submissionEndBlock) < 0) {
            assertThat(deadlines.deadline(round, now))
                    .as("still taking submissions: provisional")
                    .isEqualTo(new RoundDeadlines.Deadline(now.plusSeconds(1), false));
        }

        anvil.mineTo(info.commitEndBlock.subtract(BigInteger.valueOf(8)));
        now = now.plusSeconds(1);
        assertThat(deadlines.deadline(round, now)).as("far from the commit end").isEqualTo(last(now.plusSeconds(5)));

        anvil.mineTo(info.commitEndBlock.subtract(BigInteger.valueOf(5)));
        now = now.plusSeconds(1);
        assertThat(deadlines.deadline(round, now))
                .as("(5 - 3 reserve) blocks of 2 s, less the 1 s probe")
                .isEqualTo(last(now.plusSeconds(3)));

        anvil.mineTo(info.commitEndBlock.subtract(BigInteger.TWO));
        now = now.plusSeconds(1);
        assertThat(deadlines.deadline(round, now)).as("late: the minimum").isEqualTo(last(now.plusSeconds(1)));

        anvil.mineTo(info.commitEndBlock.add(BigInteger.ONE));
        now = now.plusSeconds(1);
        assertThat(deadlines.deadline(round, now)).as("nothing left to commit").isEqualTo(last(now.plusSeconds(5)));
    }

    private static RoundDeadlines.Deadline last(Instant at) {
        return new RoundDeadlines.Deadline(at, true);
    }

    private static byte[] digest(int first) {
        byte[] digest = new byte[32];
        digest[0] = (byte) first;
        return digest;
    }

    private static void blockInterval(int seconds) throws Exception {
        HttpService rpc = new HttpService(anvil.rpcUrl());
        try {
            VoidResponse response =
                    new Request<>("anvil_setBlockTimestampInterval", List.of(seconds), rpc, VoidResponse.class).send();
            assertThat(response.getError())
                    .as("anvil_setBlockTimestampInterval")
                    .isNull();
        } finally {
            rpc.close();
        }
    }
}
