// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {CotrainToken} from "cotrain/token/CotrainToken.sol";

contract CotrainTokenTest is Test {
    uint256 internal constant SUPPLY = 1_000_000_000e18;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    CotrainToken internal token;
    address internal treasury = makeAddr("treasury");
    address internal spender = makeAddr("spender");
    address internal owner;
    uint256 internal ownerKey;

    function setUp() public {
        token = new CotrainToken(treasury, SUPPLY);
        (owner, ownerKey) = makeAddrAndKey("owner");
        vm.prank(treasury);
        token.transfer(owner, 1_000e18);
    }

    function signPermit(uint256 key, address holder, address to, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, holder, to, value, nonce, deadline));
        (v, r, s) = vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    // ---- supply and metadata ---------------------------------------------------------------------------------

    function test_constructor_mintsWholeSupplyToInitialHolder() public {
        CotrainToken fresh = new CotrainToken(treasury, SUPPLY);
        assertEq(fresh.totalSupply(), SUPPLY);
        assertEq(fresh.balanceOf(treasury), SUPPLY);
        assertEq(fresh.balanceOf(address(this)), 0);
    }

    function test_constructor_emitsMintTransfer() public {
        vm.expectEmit();
        emit IERC20.Transfer(address(0), treasury, SUPPLY);
        new CotrainToken(treasury, SUPPLY);
    }

    function test_constructor_revertsOnZeroHolder() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        new CotrainToken(address(0), SUPPLY);
    }

    function test_metadata() public view {
        assertEq(token.name(), "Cotrain");
        assertEq(token.symbol(), "COT");
        assertEq(token.decimals(), 18);
    }

    function test_transfer_movesTokensAndKeepsSupply() public {
        vm.prank(owner);
        assertTrue(token.transfer(spender, 300e18));
        assertEq(token.balanceOf(owner), 700e18);
        assertEq(token.balanceOf(spender), 300e18);
        assertEq(token.totalSupply(), SUPPLY);
    }

    function test_transfer_revertsBeyondBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, owner, 1_000e18, 1_000e18 + 1)
        );
        vm.prank(owner);
        token.transfer(spender, 1_000e18 + 1);
    }

    function testFuzz_constructor_anySupply(address holder, uint256 supply) public {
        vm.assume(holder != address(0));
        CotrainToken fresh = new CotrainToken(holder, supply);
        assertEq(fresh.totalSupply(), supply);
        assertEq(fresh.balanceOf(holder), supply);
    }

    /// @dev Transfers never change the supply: there is no way to mint or burn after construction.
    function testFuzz_transfer_keepsFixedSupply(address to, uint256 amount) public {
        vm.assume(to != address(0) && to != treasury && to != owner);
        amount = bound(amount, 0, SUPPLY - 1_000e18);
        vm.prank(treasury);
        token.transfer(to, amount);
        assertEq(token.totalSupply(), SUPPLY);
        assertEq(token.balanceOf(treasury) + token.balanceOf(to) + token.balanceOf(owner), SUPPLY);
    }

    // ---- permit ----------------------------------------------------------------------------------------------

    function test_DOMAIN_SEPARATOR_followsEip712() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Cotrain"),
                keccak256("1"),
                block.chainid,
                address(token)
            )
        );
        assertEq(token.DOMAIN_SEPARATOR(), expected);
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            token.eip712Domain();
        assertEq(name, "Cotrain");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(token));
    }

    function test_permit_setsAllowanceAndUsesNonce() public {
        uint256 deadline = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(ownerKey, owner, spender, 250e18, 0, deadline);

        vm.expectEmit(address(token));
        emit IERC20.Approval(owner, spender, 250e18);
        token.permit(owner, spender, 250e18, deadline, v, r, s);

        assertEq(token.allowance(owner, spender), 250e18);
        assertEq(token.nonces(owner), 1);
        vm.prank(spender);
        token.transferFrom(owner, spender, 250e18);
        assertEq(token.balanceOf(spender), 250e18);
        assertEq(token.allowance(owner, spender), 0);
    }

    function test_permit_acceptsDeadlineEqualToNow() public {
        (uint8 v, bytes32 r, bytes32 s) = signPermit(ownerKey, owner, spender, 1, 0, block.timestamp);
        token.permit(owner, spender, 1, block.timestamp, v, r, s);
        assertEq(token.allowance(owner, spender), 1);
    }

    function test_permit_revertsAfterDeadline() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(ownerKey, owner, spender, 250e18, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, spender, 250e18, deadline, v, r, s);
    }

    function test_permit_revertsForAnotherSigner() public {
        (address other, uint256 otherKey) = makeAddrAndKey("other");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(otherKey, owner, spender, 250e18, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, other, owner));
        token.permit(owner, spender, 250e18, deadline, v, r, s);
    }

    function test_permit_revertsOnReplay() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signPermit(ownerKey, owner, spender, 250e18, 0, deadline);
        token.permit(owner, spender, 250e18, deadline, v, r, s);

        // the same signature now hashes with nonce 1 and recovers to some other address
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, 250e18, 1, deadline));
        address recovered =
            ecrecover(keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, spender, 250e18, deadline, v, r, s);
        assertEq(token.nonces(owner), 1);
    }

    function testFuzz_permit_anySignerAndValue(uint256 key, uint256 value, uint256 deadline) public {
        key = bound(key, 1, 115792089237316195423570985008687907852837564279074904382605163141518161494336);
        deadline = bound(deadline, block.timestamp, type(uint256).max);
        address holder = vm.addr(key);
        (uint8 v, bytes32 r, bytes32 s) = signPermit(key, holder, spender, value, 0, deadline);
        token.permit(holder, spender, value, deadline, v, r, s);
        assertEq(token.allowance(holder, spender), value);
        assertEq(token.nonces(holder), 1);
    }
}
