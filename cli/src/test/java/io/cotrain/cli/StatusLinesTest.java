package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code cotrain status} makes of a profile's unbonding queue and of a contributor's contributions. */
class StatusLinesTest {
    private static final BigInteger TOKEN = BigInteger.TEN.pow(18);

    private static BigInteger n(long value) {
        return BigInteger.valueOf(value);
    }

    private static CotrainProtocol.ContributorProfile unbonding(long total, long withdrawable, long readyBlock) {
        return new CotrainProtocol.ContributorProfile(
                true,
                TOKEN.multiply(n(5)),
                BigInteger.ZERO,
                n(5_000),
                TOKEN.multiply(n(total)),
                TOKEN.multiply(n(withdrawable)),
                n(readyBlock),
                n(3),
                n(1));
    }

    private static ContributionLedger.Entry entry(
            long id, int kind, ContributionStatus status, int score, long reward, long slashed) {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) id);
        return new ContributionLedger.Entry(
                n(id), n(4), kind, digest, status, score, TOKEN.multiply(n(reward)), TOKEN.multiply(n(slashed)));
    }

    @Test
    void theUnbondingQueue_noneSomeOrAllOfItWithdrawable() {
        assertThat(StatusCommand.unbonding(unbonding(0, 0, 0), n(100))).isEqualTo("none");
        assertThat(StatusCommand.unbonding(unbonding(95, 0, 150), n(100)))
                .isEqualTo("95 COT: none withdrawable yet, all of it from block 150 (50 blocks to go)");
        assertThat(StatusCommand.unbonding(unbonding(95, 60, 101), n(100)))
                .isEqualTo("95 COT: 60 COT withdrawable now (cotrain unstake --withdraw), all of it from block 101 "
                        + "(1 block to go)");
        assertThat(StatusCommand.unbonding(unbonding(95, 95, 90), n(100)))
                .isEqualTo("95 COT, all of it withdrawable now: cotrain unstake --withdraw");
    }

    @Test
    void contributionsAreCountedByStatusInTheProtocolsOrder_withRewardsAndSlashes() {
        assertThat(StatusCommand.summary(List.of())).isEqualTo("none submitted yet");
        List<ContributionLedger.Entry> entries = List.of(
                entry(1, 0, ContributionStatus.ACCEPTED, 80, 12, 0),
                entry(2, 0, ContributionStatus.UNREWARDED, 50, 0, 0),
                entry(3, 1, ContributionStatus.REJECTED, 20, 0, 5),
                entry(4, 1, ContributionStatus.PENDING, 0, 0, 0),
                entry(5, 0, ContributionStatus.ACCEPTED, 90, 3, 0));
        assertThat(StatusCommand.summary(entries))
                .isEqualTo("5 submitted: 1 pending, 2 accepted, 1 rejected, 1 unrewarded; 15 COT earned, "
                        + "5 COT slashed");
        List<String> table = StatusCommand.table(entries);
        assertThat(table.getFirst().split("\\s{2,}"))
                .containsExactly("ID", "ROUND", "KIND", "STATUS", "SCORE", "REWARD", "SLASHED", "MANIFEST");
        assertThat(table.get(2).split("\\s{2,}"))
                .containsExactly(
                        "2", "4", "model update", "Unrewarded", "50", "0 COT", "0 COT", "0x" + "02".repeat(32));
        assertThat(table.get(4).split("\\s{2,}"))
                .containsExactly("4", "4", "dataset", "Pending", "-", "0 COT", "0 COT", "0x" + "04".repeat(32));
    }

    @Test
    void statusesFollowTheProtocolsEnum_andSayWhatTheyMean() {
        assertThat(Arrays.stream(ContributionStatus.values()).map(ContributionStatus::toString))
                .containsExactly("None", "Pending", "Accepted", "Rejected", "Released", "Unrewarded");
        assertThat(ContributionStatus.of(n(5))).isEqualTo(ContributionStatus.UNREWARDED);
        assertThat(ContributionStatus.UNREWARDED.meaning())
                .contains("at or below the neutral score")
                .contains("stake released")
                .contains("no reward");
        assertThat(ContributionStatus.ACCEPTED.meaning())
                .contains("above the neutral score")
                .contains("(score - neutral) / (100 - neutral)");
        assertThat(ContributionStatus.PENDING.settled()).isFalse();
        assertThat(ContributionStatus.RELEASED.settled()).isTrue();
        assertThatThrownBy(() -> ContributionStatus.of(n(6))).hasMessageContaining("unknown contribution status 6");
    }
}
