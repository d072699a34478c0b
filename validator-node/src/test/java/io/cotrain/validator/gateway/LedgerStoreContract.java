package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.validator.gateway.LedgerIndex.Branch;
import io.cotrain.validator.gateway.LedgerIndex.Contribution;
import io.cotrain.validator.gateway.LedgerIndex.Entry;
import io.cotrain.validator.gateway.LedgerIndex.EntryType;
import io.cotrain.validator.gateway.LedgerIndex.Round;
import io.cotrain.validator.gateway.LedgerIndex.Settlement;
import io.cotrain.validator.gateway.LedgerIndex.ValidatorOutcome;
import io.cotrain.validator.gateway.LedgerStore.IndexedBlock;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the event index's database must do, run against each database the node supports (H2 and a real PostgreSQL
 * server): pages land whole or not at all, a rollback to a fork point undoes exactly the blocks above it, uint256
 * values survive, and a database read from another deployment is emptied before use.
 */
abstract class LedgerStoreContract {
    private static final String ALICE = "0x00000000000000000000000000000000000000b1";
    private static final String BOB = "0x00000000000000000000000000000000000000b2";
    private static final String VALIDATOR = "0x00000000000000000000000000000000000000c1";
    private static final BigInteger MAX_UINT = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private LedgerStore store;

    /** @return a fresh database, migrated */
    abstract DataSource database() throws Exception;

    @BeforeEach
    void freshStore() throws Exception {
        store = new LedgerStore(database());
        store.claimFor(deployment("0x00000000000000000000000000000000000000a1"));
    }

    @Test
    void aPageOfEventsReadsBackAsTheViewsServeIt() {
        store.write(writer -> {
            writer.addRound(round(3), block(10));
            writer.addContribution(contribution(1, ALICE, 3, 11));
            writer.addContribution(contribution(2, BOB, 3, 11));
            writer.addContribution(contribution(3, ALICE, 4, 12));
            writer.indexed(new IndexedBlock(block(12), "0x12"));
        });
        store.write(writer -> {
            writer.settle(BigInteger.ONE, settlement(80, MAX_UINT, 20));
            writer.addEntry(ALICE, new Entry(EntryType.CONTRIBUTION_REWARD, MAX_UINT, block(20), uint(3), uint(1)), 0);
            // a paged finalization scores a validator twice: the round shows the sums
            writer.addValidatorScore(uint(3), outcome(1, 0, 5), block(20), 1);
            writer.addValidatorScore(uint(3), outcome(1, 1, 7), block(21), 0);
            writer.finalizeRound(uint(3), true, block(21));
            writer.addBranch(new Branch(7, uint(1), "experiment", uint(2)), block(21), 2);
            writer.indexed(new IndexedBlock(block(21), "0x21"));
        });

        assertThat(store.contribution(BigInteger.ONE).orElseThrow().settlement())
                .contains(settlement(80, MAX_UINT, 20));
        assertThat(store.contribution(BigInteger.TWO).orElseThrow().settlement())
                .isEmpty();
        assertThat(store.contributionsOf(7)).extracting(Contribution::id).containsExactly(uint(1), uint(2), uint(3));
        assertThat(store.contributionCount(7)).isEqualTo(3);
        assertThat(store.contributorCount(7)).isEqualTo(2);
        assertThat(store.contributionsOf(8)).isEmpty();
        Round round = store.rounds(7L, 10).getFirst();
        assertThat(round.contributionIds()).containsExactly(uint(1), uint(2));
        assertThat(round.quorumReached()).contains(true);
        assertThat(round.validators()).containsExactly(new ValidatorOutcome(VALIDATOR, 2, 1, uint(12)));
        assertThat(store.rounds(8L, 10)).as("no contribution to task 8").isEmpty();
        assertThat(store.entries(ALICE.toUpperCase().replace("0X", "0x")))
                .as("accounts are matched whatever their case")
                .containsExactly(new Entry(EntryType.CONTRIBUTION_REWARD, MAX_UINT, block(20), uint(3), uint(1)));
        assertThat(store.branches(7)).containsExactly(new Branch(7, uint(1), "experiment", uint(2)));
        assertThat(store.recentBlocks()).first().isEqualTo(new IndexedBlock(block(21), "0x21"));
    }

    @Test
    void aPageThatFailsMidwayLeavesNothingOfItAndTheCheckpointWhereItWas() {
        store.write(writer -> writer.indexed(new IndexedBlock(block(5), "0x05")));

        assertThatThrownBy(() -> store.write(writer -> {
                    writer.addContribution(contribution(1, ALICE, 3, 6));
                    writer.indexed(new IndexedBlock(block(6), "0x06"));
                    writer.addContribution(contribution(1, ALICE, 3, 6)); // the same id again: refused
                }))
                .isInstanceOf(TemporarilyUnavailableException.class);

        assertThat(store.contribution(BigInteger.ONE)).isEmpty();
        assertThat(store.recentBlocks()).containsExactly(new IndexedBlock(block(5), "0x05"));
    }

    @Test
    void aRollbackUndoesExactlyTheBlocksAboveTheForkPoint() {
        store.write(writer -> {
            writer.addRound(round(3), block(10));
            writer.addContribution(contribution(1, ALICE, 3, 11));
            writer.indexed(new IndexedBlock(block(11), "0x11"));
        });
        store.write(writer -> {
            writer.addContribution(contribution(2, BOB, 3, 12));
            writer.addRound(round(4), block(13));
            writer.settle(BigInteger.ONE, settlement(80, uint(5), 13));
            writer.addEntry(ALICE, new Entry(EntryType.CONTRIBUTION_REWARD, uint(5), block(13), uint(3), uint(1)), 0);
            writer.addValidatorScore(uint(3), outcome(1, 0, 1), block(13), 1);
            writer.finalizeRound(uint(3), true, block(13));
            writer.addBranch(new Branch(7, uint(1), "dropped", uint(1)), block(13), 2);
            writer.indexed(new IndexedBlock(block(13), "0x13"));
        });

        store.rollBackTo(block(11));

        assertThat(store.contributionsOf(7)).singleElement().satisfies(kept -> {
            assertThat(kept.id()).isEqualTo(1);
            assertThat(kept.settlement()).as("settled in a dropped block").isEmpty();
        });
        Round round = store.rounds(null, 10).getFirst();
        assertThat(round.round()).as("round 4 opened in a dropped block").isEqualTo(3);
        assertThat(round.quorumReached()).isEmpty();
        assertThat(round.validators()).isEmpty();
        assertThat(store.entries(ALICE)).isEmpty();
        assertThat(store.branches(7)).isEmpty();
        assertThat(store.recentBlocks()).containsExactly(new IndexedBlock(block(11), "0x11"));

        store.rollBackTo(block(-1));
        assertThat(store.contributionsOf(7)).isEmpty();
        assertThat(store.rounds(null, 10)).isEmpty();
        assertThat(store.recentBlocks()).isEmpty();
    }

    @Test
    void onlyTheNewestPageEndsAreKept() {
        for (int page = 1; page <= LedgerStore.KEPT_BLOCKS + 5; page++) {
            int end = page;
            store.write(writer -> writer.indexed(new IndexedBlock(block(end), "0x" + end)));
        }
        List<IndexedBlock> kept = store.recentBlocks();
        assertThat(kept).hasSize(LedgerStore.KEPT_BLOCKS);
        assertThat(kept.getFirst().number()).isEqualTo(LedgerStore.KEPT_BLOCKS + 5);
        assertThat(kept.getLast().number()).isEqualTo(6);
    }

    @Test
    void aDatabaseReadFromAnotherDeploymentIsEmptiedBeforeUse() {
        store.write(writer -> {
            writer.addContribution(contribution(1, ALICE, 3, 11));
            writer.indexed(new IndexedBlock(block(11), "0x11"));
        });
        assertThat(store.claimFor(deployment("0x00000000000000000000000000000000000000a1")))
                .as("the same deployment keeps its rows")
                .isFalse();
        assertThat(store.contribution(BigInteger.ONE)).isPresent();

        assertThat(store.claimFor(deployment("0x00000000000000000000000000000000000000a2")))
                .isTrue();
        assertThat(store.contribution(BigInteger.ONE)).isEmpty();
        assertThat(store.recentBlocks()).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** @return a deployment on the dev chain whose protocol is at {@code protocol}, from block 1 */
    static DeploymentAddresses deployment(String protocol) {
        return new DeploymentAddresses(
                31337,
                address(1),
                protocol,
                address(2),
                address(3),
                address(4),
                address(5),
                address(6),
                address(7),
                null,
                BigInteger.ONE);
    }

    private static String address(int last) {
        return String.format("0x%040x", last);
    }

    private static Contribution contribution(long id, String contributor, long round, long block) {
        return new Contribution(
                uint(id), contributor, 0, "0x" + "ab".repeat(32), 7, uint(round), block(block), Optional.empty());
    }

    private static Round round(long number) {
        return new Round(
                uint(number), uint(120), uint(130), uint(140), 3, uint(2), List.of(), Optional.empty(), List.of());
    }

    private static Settlement settlement(int score, BigInteger reward, long block) {
        return new Settlement(score, 2, reward, BigInteger.ZERO, uint(6_000), block(block));
    }

    private static ValidatorOutcome outcome(long agreements, long deviations, long reward) {
        return new ValidatorOutcome(VALIDATOR, agreements, deviations, uint(reward));
    }

    private static BigInteger uint(long value) {
        return BigInteger.valueOf(value);
    }

    private static BigInteger block(long number) {
        return BigInteger.valueOf(number);
    }
}
