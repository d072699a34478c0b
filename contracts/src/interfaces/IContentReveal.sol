// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Revealing a contribution's sealed content
/// @notice A contribution's content is sealed to the validators off chain (its manifest names the ciphertext and the
/// content key wrapped for each validator). Its contributor may later publish the content key, so that anyone can
/// open it; never before its round is finalized, when a copier could still submit the content as its own.
/// Served by the protocol's extension; part of ICotrainProtocol at the proxy's address.
interface IContentReveal {
    /// @notice The contributor of `contentDigest` published the key its sealed content opens with. The key is not
    /// checked here: whoever opens the content checks it against the plaintext sha256 its manifest names.
    /// @param id the contribution
    /// @param contentDigest its content digest (the manifest's sha256)
    /// @param contentKey the AES-256 key its sealed artifacts are encrypted under
    event ContentRevealed(uint256 indexed id, bytes32 indexed contentDigest, bytes32 contentKey);

    /// @notice Only the contributor of `contentDigest` may reveal its content; `caller` is not it.
    error NotTheContributor(bytes32 contentDigest, address caller);

    /// @notice The round of `contentDigest` is not finalized: until it is, its content stays sealed.
    error RevealBeforeFinalized(bytes32 contentDigest, uint256 round);

    /// @notice Publishes the content key of one of the caller's contributions, once its round is finalized.
    /// @param contentDigest the contribution's content digest
    /// @param contentKey the 32-byte key its sealed content is encrypted under
    function revealContent(bytes32 contentDigest, bytes32 contentKey) external;
}
