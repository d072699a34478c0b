// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContributionRounds} from "./IContributionRounds.sol";

/// @title Reads of contributions and rounds, served by the protocol's extension
/// @notice Part of ICotrainProtocol at the proxy's address. Apart from IContributionRounds so that the round
/// lifecycle's own contract stays under the 24 KiB code-size limit.
interface IContributionReads {
    /// @notice A contribution.
    /// @param contentDigest its content digest
    /// @return contribution its record
    function contribution(bytes32 contentDigest)
        external
        view
        returns (IContributionRounds.ContributionView memory contribution);

    /// @notice A round's contributions, deadlines, validator bitmaps and phase.
    /// @dev For a round without contributions (`exists` false): `phase` is Submission from the current round on and
    /// Finalized before it, and `parameterVersion` is the latest version. The current round also reports
    /// `submissionEndBlock`, `commitEndBlock` and `revealEndBlock`: its submission end is fixed by the clock, and its
    /// commit and reveal ends are those a contribution now would fix, from the latest version's window lengths (a
    /// change of CommitBlocks or RevealBlocks before its first contribution moves them). A later round's windows
    /// are not determined yet (a change of SubmissionBlocks moves them), and an earlier round without contributions
    /// never had any: both report zero window ends.
    /// @param round round number
    /// @return info the round; `exists` is false for a round without contributions
    function roundInfo(uint256 round) external view returns (IContributionRounds.RoundView memory info);
}
