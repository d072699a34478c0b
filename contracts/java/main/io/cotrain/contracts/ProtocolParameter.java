package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The protocol's {@code Parameter} enum (contracts/src/types/CotrainTypes.sol), in its on-chain order: the one place
 * the off-chain parts name a parameter to read it with {@code roundParameter(round, index)} or {@code parameter}.
 * A test checks the order against the Solidity source.
 */
public enum ProtocolParameter {
    MIN_CONTRIBUTOR_STAKE,
    STAKE_PER_CONTRIBUTION,
    CONTRIBUTOR_UNBONDING_BLOCKS,
    CONTRIBUTOR_SLASH_BPS,
    SLASH_THRESHOLD_SCORE,
    REPUTATION_ALPHA_BPS,
    INITIAL_REPUTATION,
    MIN_VALIDATOR_STAKE,
    VALIDATOR_UNBONDING_BLOCKS,
    MAX_VALIDATORS,
    VALIDATION_REWARD,
    DEVIATION_PENALTY_BPS,
    ABSENCE_PENALTY_BPS,
    TOLERANCE_SCORE,
    QUORUM_BPS,
    SUBMISSION_BLOCKS,
    COMMIT_BLOCKS,
    REVEAL_BLOCKS,
    MODEL_UPDATE_REWARD,
    DATASET_REWARD,
    VALIDATION_WORK_REWARD,
    NEUTRAL_SCORE,
    MAX_CONTRIBUTIONS_PER_ROUND,
    MAX_CONTRIBUTIONS_PER_CONTRIBUTOR,
    MAX_WEIGHT_SHARE_BPS,
    MAX_ROUND_PENALTY_BPS,
    SUBMISSION_FEE;

    /** @return its name in the contracts ({@code ValidatorUnbondingBlocks}), as errors and documentation spell it */
    public String solidityName() {
        StringBuilder name = new StringBuilder();
        for (String word : name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    /** @return the parameter's index, as the contracts' functions take it */
    public BigInteger index() {
        return BigInteger.valueOf(ordinal());
    }
}
