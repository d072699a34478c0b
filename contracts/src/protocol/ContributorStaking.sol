// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "../interfaces/IContributionRounds.sol";
import {IContributorStaking} from "../interfaces/IContributorStaking.sol";
import {Parameter} from "../types/CotrainTypes.sol";
import {ProtocolParameters} from "./ProtocolParameters.sol";
import {TokenCustody} from "./TokenCustody.sol";

/// @title Contributor profiles: stake, the stake locked by pending contributions, unbonding requests and reputation
/// @dev Each pending contribution locks the StakePerContribution of the parameter version its round opened with, and
/// its settlement releases exactly that amount, less the round's SubmissionFee once it is scored: a later change of
/// the parameter cannot shrink the stake a bad contribution risks. The profile also counts the submissions of the
/// contributor's latest round, so the per-contributor cap costs no storage beyond the slot every submission writes.
abstract contract ContributorStaking is TokenCustody, ProtocolParameters {
    /// @dev Unbonding requests a contributor may have at once: withdrawStake walks them, so they stay bounded.
    uint256 internal constant MAX_UNBONDING_REQUESTS = 16;

    struct Profile {
        // one slot: read and written by every submission and by the settlement of each contribution
        uint96 stake; // active stake, including lockedStake
        uint96 lockedStake;
        uint16 reputation; // basis points; 0 means unregistered: a registered profile never drops below 100
        uint32 lastRound; // the latest round it submitted to
        uint16 lastRoundSubmissions; // its submissions to that round
    }

    struct UnbondingRequest {
        uint96 amount;
        uint48 readyBlock;
    }

    struct UnbondingQueue {
        // one slot: the queue's bounds and totals
        uint32 head; // first request not withdrawn
        uint32 tail; // next request's key
        uint96 total; // unbonding, not withdrawn
        uint48 lastReadyBlock; // when everything unbonding is withdrawable
        mapping(uint256 key => UnbondingRequest) requests;
    }

    /// @dev The parameters that settle a contribution's stake, read once per finalize page from the round's version.
    struct StakeRules {
        uint256 stakePerContribution;
        uint256 reputationAlphaBps;
        uint256 slashThresholdScore;
        uint256 contributorSlashBps;
        uint256 submissionFee;
    }

    /// @custom:storage-location erc7201:cotrain.storage.Staking
    struct StakingStorage {
        mapping(address contributor => Profile) profiles;
        mapping(address contributor => UnbondingQueue) unbonding;
        uint128 totalStake; // active + unbonding stake of all contributors
    }

    // keccak256(abi.encode(uint256(keccak256("cotrain.storage.Staking")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STAKING_STORAGE = 0x0196c61dabfa3c84aa3ea81238e0ff8ba35e394676b32a0a7eda4ce41a36b300;

    function _staking() private pure returns (StakingStorage storage $) {
        assembly {
            $.slot := STAKING_STORAGE
        }
    }

    function _register(address contributor, uint256 stake) internal {
        Profile storage profile = _staking().profiles[contributor];
        if (profile.reputation != 0) revert IContributorStaking.AlreadyRegistered(contributor);
        uint256 minStake = _param(Parameter.MinContributorStake);
        if (stake < minStake) revert IContributorStaking.InsufficientStake(stake, minStake);
        uint256 reputation = _param(Parameter.InitialReputation);
        profile.stake = _toUint96(stake);
        profile.reputation = uint16(reputation);
        _staking().totalStake += uint128(stake);
        emit IContributorStaking.ContributorRegistered(contributor, stake, reputation);
        _pullTokens(contributor, stake);
    }

    function _increaseStake(address contributor, uint256 amount) internal {
        Profile storage profile = _registeredProfile(contributor);
        if (amount == 0) revert ZeroAmount();
        uint256 newStake = profile.stake + amount;
        profile.stake = _toUint96(newStake);
        _staking().totalStake += uint128(amount);
        emit IContributorStaking.StakeIncreased(contributor, amount, newStake);
        _pullTokens(contributor, amount);
    }

    /// @dev Queues a new unbonding request; earlier requests keep their ready blocks.
    function _requestUnstake(address contributor, uint256 amount) internal {
        Profile storage profile = _registeredProfile(contributor);
        if (amount == 0) revert ZeroAmount();
        uint256 free = profile.stake - profile.lockedStake;
        if (amount > free) revert IContributorStaking.InsufficientFreeStake(free, amount);
        UnbondingQueue storage queue = _staking().unbonding[contributor];
        uint256 tail = queue.tail;
        if (tail - queue.head >= MAX_UNBONDING_REQUESTS) {
            revert IContributorStaking.TooManyUnbondingRequests(MAX_UNBONDING_REQUESTS);
        }
        uint256 readyBlock = block.number + _param(Parameter.ContributorUnbondingBlocks);
        uint256 total = queue.total + amount; // <= the stake it came from
        profile.stake -= uint96(amount);
        queue.requests[tail] = UnbondingRequest({amount: uint96(amount), readyBlock: uint48(readyBlock)});
        queue.tail = uint32(tail + 1);
        queue.total = uint96(total);
        if (readyBlock > queue.lastReadyBlock) queue.lastReadyBlock = uint48(readyBlock);
        emit IContributorStaking.UnstakeRequested(contributor, amount, total, readyBlock);
    }

    /// @dev Withdraws every request whose delay has passed (requests are queued in ready-block order).
    function _withdrawStake(address contributor) internal returns (uint256 amount) {
        StakingStorage storage $ = _staking();
        UnbondingQueue storage queue = $.unbonding[contributor];
        uint256 head = queue.head;
        uint256 tail = queue.tail;
        if (head == tail) revert NothingToWithdraw();
        while (head < tail) {
            UnbondingRequest storage request = queue.requests[head];
            if (request.readyBlock > block.number) break;
            amount += request.amount;
            delete queue.requests[head];
            ++head;
        }
        if (amount == 0) revert UnbondingNotReady(queue.requests[head].readyBlock, block.number);
        queue.head = uint32(head);
        queue.total -= uint96(amount);
        if (head == tail) queue.lastReadyBlock = 0;
        $.totalStake -= uint128(amount);
        emit IContributorStaking.StakeWithdrawn(contributor, amount);
        _pushTokens(contributor, amount);
    }

    function _contributorProfile(address contributor)
        internal
        view
        returns (IContributorStaking.ContributorProfile memory view_)
    {
        StakingStorage storage $ = _staking();
        Profile storage profile = $.profiles[contributor];
        UnbondingQueue storage queue = $.unbonding[contributor];
        uint256 withdrawable;
        for (uint256 key = queue.head; key < queue.tail; ++key) {
            UnbondingRequest storage request = queue.requests[key];
            if (request.readyBlock > block.number) break;
            withdrawable += request.amount;
        }
        view_ = IContributorStaking.ContributorProfile({
            registered: profile.reputation != 0,
            stake: profile.stake,
            lockedStake: profile.lockedStake,
            reputation: profile.reputation,
            unbondingStake: queue.total,
            withdrawableStake: withdrawable,
            unbondingReadyBlock: queue.lastReadyBlock,
            lastRound: profile.lastRound,
            lastRoundSubmissions: profile.lastRoundSubmissions
        });
    }

    function _totalContributorStake() internal view returns (uint256) {
        return _staking().totalStake;
    }

    function _stakeRules(uint256 version) internal view returns (StakeRules memory) {
        return StakeRules({
            stakePerContribution: _paramAt(version, Parameter.StakePerContribution),
            reputationAlphaBps: _paramAt(version, Parameter.ReputationAlphaBps),
            slashThresholdScore: _paramAt(version, Parameter.SlashThresholdScore),
            contributorSlashBps: _paramAt(version, Parameter.ContributorSlashBps),
            submissionFee: _paramAt(version, Parameter.SubmissionFee)
        });
    }

    /// @dev Locks `amount` for one new contribution of `contributor` to `round`, within its per-round cap.
    function _lockContributionStake(address contributor, uint256 round, uint256 amount, uint256 maxPerContributor)
        internal
    {
        Profile memory profile = _staking().profiles[contributor];
        if (profile.reputation == 0) revert IContributorStaking.NotRegistered(contributor);
        uint256 free = profile.stake - profile.lockedStake;
        if (free < amount) revert IContributorStaking.InsufficientFreeStake(free, amount);
        uint256 submitted = profile.lastRound == round ? profile.lastRoundSubmissions : 0;
        if (submitted >= maxPerContributor) {
            revert IContributionRounds.ContributorRoundLimit(contributor, round, maxPerContributor);
        }
        profile.lockedStake += uint96(amount); // <= stake
        profile.lastRound = uint32(round);
        profile.lastRoundSubmissions = uint16(submitted + 1); // <= maxPerContributor <= 65535
        _staking().profiles[contributor] = profile; // the whole slot in one write
    }

    /// @dev Releases the lock of one settled contribution. With `scored`, takes the submission fee out of the lock,
    /// moves the reputation towards `score` (an exponential moving average) and slashes part of the lock when `score`
    /// is below the threshold. Fee plus slash never exceed the lock (see ProtocolParameters).
    /// @return reputationBefore the reputation the contribution was judged with
    /// @return reputationAfter the updated reputation
    /// @return slashed stake taken as a penalty (still held by this contract; the caller moves it to the pool)
    function _settleContributionStake(
        address contributor,
        uint256 contributionId,
        bool scored,
        uint256 score,
        StakeRules memory rules
    ) internal returns (uint256 reputationBefore, uint256 reputationAfter, uint256 slashed) {
        Profile storage profile = _staking().profiles[contributor];
        uint256 stake = profile.stake;
        uint256 locked = profile.lockedStake - rules.stakePerContribution;
        reputationBefore = profile.reputation;
        reputationAfter = reputationBefore;
        if (scored) {
            uint256 alpha = rules.reputationAlphaBps;
            reputationAfter = (reputationBefore * (BPS - alpha) + score * MAX_SCORE * alpha) / BPS;
            if (score < rules.slashThresholdScore) {
                slashed = rules.stakePerContribution * rules.contributorSlashBps / BPS;
                if (slashed != 0) emit IContributorStaking.ContributorSlashed(contributor, contributionId, slashed);
            }
            uint256 taken = slashed + rules.submissionFee;
            if (taken != 0) {
                stake -= taken;
                _staking().totalStake -= uint128(taken);
            }
        }
        profile.stake = uint96(stake);
        profile.lockedStake = uint96(locked);
        profile.reputation = uint16(reputationAfter); // a weighted mean of values <= 10000; reported by the caller
    }

    function _registeredProfile(address contributor) private view returns (Profile storage profile) {
        profile = _staking().profiles[contributor];
        if (profile.reputation == 0) revert IContributorStaking.NotRegistered(contributor);
    }
}
