package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.generated.CotrainProtocol.RoundView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundContributionsTest {
    private final List<ContributionRecord> chain = new ArrayList<>();
    private final List<BigInteger[]> reads = new ArrayList<>();
    private final ContributionHistory history = (from, to) -> {
        reads.add(new BigInteger[] {from, to});
        return chain.stream()
                .filter(r -> r.submittedBlock().compareTo(from) >= 0
                        && r.submittedBlock().compareTo(to) <= 0)
                .toList();
    };
    private final RoundContributions contributions = new RoundContributions(
            history, (round, info) -> new BigInteger[] {BigInteger.valueOf(90), BigInteger.valueOf(110)});

    private static ContributionRecord record(long id, long round, long block) {
        return new ContributionRecord(
                BigInteger.valueOf(id),
                BigInteger.valueOf(round),
                "0x" + "ab".repeat(20),
                0,
                1,
                new byte[] {(byte) id},
                BigInteger.valueOf(block));
    }

    private static RoundView round(long firstId, long count) {
        RoundView info = new RoundView(
                true,
                BigInteger.TWO,
                BigInteger.valueOf(firstId),
                BigInteger.valueOf(count),
                BigInteger.ZERO,
                BigInteger.valueOf(110),
                BigInteger.valueOf(120),
                BigInteger.valueOf(130),
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                false,
                BigInteger.ONE);
        return info;
    }

    @Test
    void aRoundSeenWhole_isServedInPositionOrderWithoutReadingTheChain() {
        contributions.seen(record(6, 3, 101));
        contributions.seen(record(5, 3, 100));
        assertThat(contributions.of(BigInteger.valueOf(3), round(5, 2)))
                .extracting(ContributionRecord::id)
                .containsExactly(BigInteger.valueOf(5), BigInteger.valueOf(6));
        assertThat(reads).isEmpty();
    }

    @Test
    void missingRecords_areReadAroundTheSubmissionWindow_thenFromTheStart() {
        chain.add(record(5, 3, 100));
        chain.add(record(6, 3, 20)); // before the window: a long pause stretched the round
        contributions.seen(record(7, 3, 105));
        assertThat(contributions.of(BigInteger.valueOf(3), round(5, 3)))
                .extracting(ContributionRecord::submittedBlock)
                .containsExactly(BigInteger.valueOf(100), BigInteger.valueOf(20), BigInteger.valueOf(105));
        assertThat(reads).hasSize(2);
        assertThat(reads.get(0)).containsExactly(BigInteger.valueOf(90), BigInteger.valueOf(110));
        assertThat(reads.get(1)).containsExactly(BigInteger.ZERO, BigInteger.valueOf(110));
    }

    @Test
    void aRecordTheChainDoesNotList_isAnErrorThatSaysWhat() {
        chain.add(record(5, 3, 100));
        assertThatThrownBy(() -> contributions.of(BigInteger.valueOf(3), round(5, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("round 3 has 2 contributions from id 5");
    }

    @Test
    void aForgottenRound_isReadAgainWhenAskedFor() {
        chain.add(record(1, 1, 100));
        contributions.seen(record(1, 1, 100));
        contributions.forget(BigInteger.ONE);
        assertThat(contributions.of(BigInteger.ONE, round(1, 1))).hasSize(1);
        assertThat(reads).hasSize(1);
    }
}
