// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title The commit NFTs: one token per recorded global model
/// @notice Token ids are the ModelRegistry's commit ids. Only the registry mints, to the model's owner at the time
/// the commit is recorded; holders trade them like any ERC-721. The commit's content is in the registry.
/// @dev A collection of its own rather than a second id range of the model NFTs: wallets and markets list models and
/// commits apart, and the registry stays under the code-size limit. Not upgradeable: it only mints and transfers, and
/// the registry it trusts is a proxy whose address survives the registry's upgrades.
contract CommitToken is ERC721 {
    /// @notice The only account that mints.
    address public immutable MINTER;

    /// @notice The caller is not the minter.
    error NotMinter(address caller);

    /// @param minter the ModelRegistry proxy (deploy scripts predict its address)
    constructor(address minter) ERC721("Cotrain Commit", "COTC") {
        MINTER = minter;
    }

    /// @notice Mints commit `commitId` to `to`. Restricted to the minter. No receiver callback: the mint happens
    /// inside a validator's attestation, which a recipient contract must not be able to make revert.
    /// @param to the model's owner
    /// @param commitId the commit id
    function mint(address to, uint256 commitId) external {
        if (msg.sender != MINTER) revert NotMinter(msg.sender);
        _mint(to, commitId);
    }
}
