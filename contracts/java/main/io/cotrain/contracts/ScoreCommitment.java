package io.cotrain.contracts;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * A validator's scores for one round and the secret salt that hides them until the reveal: the pair a validator must
 * keep (durably) between its commit and its reveal.
 *
 * <p>The commitment is {@code keccak256(abi.encode(chainId, protocol, round, validator, keccak256(scores), salt))},
 * exactly what {@code CotrainProtocol.commitmentHash} computes, so a validator commits without a round trip to the
 * chain and never sends its scores to a node before the reveal.
 *
 * @param round the round being scored
 * @param scores one byte per contribution of the round in id order, each 1..100, or {@link #ABSTAIN} for a contribution
 *     to a task the validator does not serve
 * @param salt 32 random bytes
 */
public record ScoreCommitment(BigInteger round, byte[] scores, byte[] salt) {
    /** The score of a contribution the validator does not judge: it does not serve the contribution's task. */
    public static final int ABSTAIN = 0;

    public static final int MAX_SCORE = 100;
    private static final int SALT_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ScoreCommitment {
        if (round == null || round.signum() <= 0)
            throw new IllegalArgumentException("round must be >= 1, got " + round);
        if (salt == null || salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("salt must be 32 bytes, got " + (salt == null ? "none" : salt.length));
        }
        if (scores == null || scores.length == 0) throw new IllegalArgumentException("a round has at least one score");
        for (int i = 0; i < scores.length; i++) {
            int score = Byte.toUnsignedInt(scores[i]);
            if (score > MAX_SCORE) {
                throw new IllegalArgumentException("score " + i + " is " + score + ", outside 0..100");
            }
        }
        scores = scores.clone();
        salt = salt.clone();
    }

    /**
     * Scores with a fresh salt from a {@link SecureRandom}.
     *
     * @param round the round being scored
     * @param scores one score 1..100 (or {@link #ABSTAIN}) per contribution, in id order
     * @return the commitment's secret part
     */
    public static ScoreCommitment withFreshSalt(BigInteger round, int... scores) {
        byte[] packed = new byte[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < ABSTAIN || scores[i] > MAX_SCORE) {
                throw new IllegalArgumentException("score " + i + " is " + scores[i] + ", outside 0..100");
            }
            packed[i] = (byte) scores[i];
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new ScoreCommitment(round, packed, salt);
    }

    /**
     * The hash to pass to {@code commitScores}.
     *
     * @param chainId the chain's id
     * @param protocol the CotrainProtocol proxy address
     * @param validator the committing validator's address
     * @return 32 bytes
     */
    public byte[] hash(long chainId, String protocol, String validator) {
        // abi.encode of the tuple: the same words a constructor's arguments are encoded to.
        String encoded = FunctionEncoder.encodeConstructor(List.of(
                new Uint256(chainId),
                new Address(protocol),
                new Uint256(round),
                new Address(validator),
                new Bytes32(Hash.sha3(scores)),
                new Bytes32(salt)));
        return Hash.sha3(Numeric.hexStringToByteArray(encoded));
    }

    @Override
    public byte[] scores() {
        return scores.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScoreCommitment that
                && round.equals(that.round)
                && Arrays.equals(scores, that.scores)
                && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * round.hashCode() + Arrays.hashCode(scores)) + Arrays.hashCode(salt);
    }

    /** Never prints the salt: it is the secret that protects the scores until the reveal. */
    @Override
    public String toString() {
        return "ScoreCommitment[round=" + round + ", scores=" + scores.length + "]";
    }
}
