package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ScoreCommitmentTest {
    private static final String PROTOCOL = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static final String VALIDATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    @Test
    void hashBindsEveryInput() {
        ScoreCommitment commitment = new ScoreCommitment(BigInteger.ONE, new byte[] {90, 10}, new byte[32]);
        byte[] hash = commitment.hash(31337, PROTOCOL, VALIDATOR);

        assertThat(hash).hasSize(32);
        assertThat(commitment.hash(31337, PROTOCOL, VALIDATOR)).isEqualTo(hash);
        assertThat(commitment.hash(1, PROTOCOL, VALIDATOR)).isNotEqualTo(hash);
        assertThat(commitment.hash(31337, VALIDATOR, VALIDATOR)).isNotEqualTo(hash);
        assertThat(commitment.hash(31337, PROTOCOL, PROTOCOL)).isNotEqualTo(hash);
        assertThat(new ScoreCommitment(BigInteger.TWO, new byte[] {90, 10}, new byte[32])
                        .hash(31337, PROTOCOL, VALIDATOR))
                .isNotEqualTo(hash);
        assertThat(new ScoreCommitment(BigInteger.ONE, new byte[] {90, 11}, new byte[32])
                        .hash(31337, PROTOCOL, VALIDATOR))
                .isNotEqualTo(hash);
    }

    @Test
    void freshSaltsDiffer() {
        ScoreCommitment first = ScoreCommitment.withFreshSalt(BigInteger.ONE, 50);
        ScoreCommitment second = ScoreCommitment.withFreshSalt(BigInteger.ONE, 50);
        assertThat(first.salt()).isNotEqualTo(second.salt());
        assertThat(first.scores()).containsExactly(50);
    }

    @Test
    void rejectsScoresOutsideZeroToHundredNamingThePosition() {
        assertThatThrownBy(() -> ScoreCommitment.withFreshSalt(BigInteger.ONE, 50, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("score 1 is 101, outside 0..100");
        assertThatThrownBy(() -> ScoreCommitment.withFreshSalt(BigInteger.ONE, -1))
                .hasMessage("score 0 is -1, outside 0..100");
        assertThatThrownBy(() -> new ScoreCommitment(BigInteger.ONE, new byte[] {(byte) 200}, new byte[32]))
                .hasMessage("score 0 is 200, outside 0..100");
        assertThatThrownBy(() -> new ScoreCommitment(BigInteger.ONE, new byte[] {1}, new byte[31]))
                .hasMessage("salt must be 32 bytes, got 31");
        assertThatThrownBy(() -> new ScoreCommitment(BigInteger.ZERO, new byte[] {1}, new byte[32]))
                .hasMessage("round must be >= 1, got 0");
    }

    @Test
    void abstainingIsAScore() {
        ScoreCommitment commitment = ScoreCommitment.withFreshSalt(BigInteger.ONE, ScoreCommitment.ABSTAIN, 70);
        assertThat(commitment.scores()).containsExactly(0, 70);
    }

    @Test
    void toStringKeepsTheSaltSecret() {
        ScoreCommitment commitment = new ScoreCommitment(BigInteger.ONE, new byte[] {7}, new byte[32]);
        assertThat(commitment.toString()).isEqualTo("ScoreCommitment[round=1, scores=1]");
    }
}
