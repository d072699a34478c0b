// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Reporting a contribution sealed so that one validator cannot open it
/// @notice A contribution's content key is wrapped off chain for each validator (see IContentReveal). A contributor
/// can wrap garbage for one chosen validator: that validator alone cannot open the content, floors it, deviates from
/// the consensus of the others and loses its deviation penalty. Instead, it publishes here evidence that its wrapped
/// key does not open (a proof every validator verifies off chain), and every validator that sees valid evidence
/// floors the contribution too.
///
/// The report window of a round is its submission window plus the first half of its commit window: validators
/// commit only once it is over (sealingFaultsOpen), so every one of them has read the same reports before it commits.
/// The protocol does not verify the evidence: it is the public, timestamped bulletin with a deadline; validators
/// check each report, and skip duplicates and invalid ones. Served by the protocol's extension; part of
/// ICotrainProtocol at the proxy's address.
interface ISealingFaults {
    /// @notice `validator`, expected to score `round`, cannot open the sealed content of `contentDigest` and publishes
    /// why. The evidence is not checked here: every validator checks it off chain before it floors the contribution.
    /// @param id the contribution
    /// @param contentDigest its content digest (the manifest's sha256)
    /// @param validator the reporting validator
    /// @param round the contribution's round
    /// @param evidence SEALING_FAULT_BYTES bytes of proof that the key wrapped for `validator` does not open
    event SealingFaultReported(
        uint256 indexed id, bytes32 indexed contentDigest, address indexed validator, uint256 round, bytes evidence
    );

    /// @notice The report window of `round`, the round of `contentDigest`, closed at `deadline` (a block number, see
    /// sealingFaultDeadline): its validators may already have committed.
    error SealingFaultReportsClosed(bytes32 contentDigest, uint256 round, uint256 deadline);

    /// @notice The evidence is `length` bytes long, not SEALING_FAULT_BYTES.
    error MalformedSealingFault(uint256 length);

    /// @notice The length of a report's evidence, in this order: the reporter's 64-byte secp256k1 public key (x then
    /// y, hashing to its address), the 33-byte compressed ECDH point its key and the wrap's ephemeral key share, and
    /// the 32-byte challenge and 32-byte response of a proof that this point was derived with the reporter's key.
    /// With the point anyone can check that the key wrapped for the reporter does not open.
    /// @return length 161
    function SEALING_FAULT_BYTES() external view returns (uint256 length);

    /// @notice Publishes evidence that the caller cannot open the sealed content of `contentDigest`. Only a validator
    /// expected to score the contribution's round may report, and only before sealingFaultDeadline of that round.
    /// Reporting again is harmless: readers deduplicate. Not while paused.
    /// @param contentDigest the contribution's content digest
    /// @param evidence exactly SEALING_FAULT_BYTES bytes (see SEALING_FAULT_BYTES)
    function reportSealingFault(bytes32 contentDigest, bytes calldata evidence) external;

    /// @notice When reports for `round` close: `submissionEndBlock + (commitEndBlock - submissionEndBlock) / 2` of
    /// its roundInfo, a block number in the same sense as those window ends (the block at which the protocol clock
    /// reaches the value, assuming no further pause; a pause moves it later).
    /// @param round a round
    /// @return deadline the first block at which a report for `round` is refused, or 0 if the round's window ends
    /// are unknown (a round without contributions other than the one open now)
    function sealingFaultDeadline(uint256 round) external view returns (uint256 deadline);

    /// @notice Whether a report for `round` would still be accepted now by the deadline rule (the pause aside):
    /// validators poll it, and commit their scores for `round` only once it is false.
    /// @param round a round
    /// @return open true until sealingFaultDeadline(round)
    function sealingFaultsOpen(uint256 round) external view returns (bool open);
}
