// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What a contribution delivers. The order is part of the ABI: append, never reorder.
enum ContributionType {
    MODEL_UPDATE, // locally trained weights (compute)
    DATASET, // training data in the task's schema
    VALIDATION // evaluation work (held-out data, benchmarks)
}

/// @notice Lifecycle of a contribution. The order is part of the ABI: append, never reorder.
enum ContributionStatus {
    None, // no such contribution
    Pending, // submitted, stake locked, waiting for its round to be finalized
    Accepted, // consensus score above the neutral score: rewarded, stake released less the submission fee
    Rejected, // consensus score below the slash threshold: part of its stake slashed, and the submission fee
    Released, // the round had no quorum: stake released, no reward, no penalty
    // consensus score from the slash threshold up to the neutral score: no measurable value, stake released less the
    // submission fee
    Unrewarded
}

/// @notice Phase of a scoring round, derived from the protocol clock (blocks while not paused).
enum RoundPhase {
    Submission, // contributions are accepted
    Commit, // expected validators commit one hash over their scores for the whole round
    Reveal, // validators reveal scores and salt
    Finalization, // anyone may call finalize until every contribution is settled
    Finalized // every contribution of the round is settled
}

/// @notice Governable parameters. Each has bounds (see ProtocolParameters) and every change is evented.
/// A round is priced by the parameters in force when it opened (see IProtocolParameters).
/// The order is part of the ABI: append, never reorder.
enum Parameter {
    MinContributorStake,
    StakePerContribution,
    ContributorUnbondingBlocks,
    ContributorSlashBps,
    SlashThresholdScore,
    ReputationAlphaBps,
    InitialReputation,
    MinValidatorStake,
    ValidatorUnbondingBlocks,
    MaxValidators,
    ValidationReward,
    DeviationPenaltyBps,
    AbsencePenaltyBps,
    ToleranceScore,
    QuorumBps,
    SubmissionBlocks,
    CommitBlocks,
    RevealBlocks,
    ModelUpdateReward,
    DatasetReward,
    ValidationWorkReward,
    NeutralScore,
    MaxContributionsPerRound,
    MaxContributionsPerContributor,
    MaxWeightShareBps,
    MaxRoundPenaltyBps,
    SubmissionFee
}

/// @notice Initial values of every parameter, passed once to the protocol's initialize, in the order of `Parameter`.
struct ProtocolConfig {
    uint256 minContributorStake;
    uint256 stakePerContribution;
    uint256 contributorUnbondingBlocks;
    uint256 contributorSlashBps;
    uint256 slashThresholdScore;
    uint256 reputationAlphaBps;
    uint256 initialReputation;
    uint256 minValidatorStake;
    uint256 validatorUnbondingBlocks;
    uint256 maxValidators;
    uint256 validationReward;
    uint256 deviationPenaltyBps;
    uint256 absencePenaltyBps;
    uint256 toleranceScore;
    uint256 quorumBps;
    uint256 submissionBlocks;
    uint256 commitBlocks;
    uint256 revealBlocks;
    uint256 modelUpdateReward;
    uint256 datasetReward;
    uint256 validationWorkReward;
    uint256 neutralScore;
    uint256 maxContributionsPerRound;
    uint256 maxContributionsPerContributor;
    uint256 maxWeightShareBps;
    uint256 maxRoundPenaltyBps;
    uint256 submissionFee;
}
