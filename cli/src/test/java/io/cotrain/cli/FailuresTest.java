package io.cotrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.EventQueryException;
import io.cotrain.client.RevertDecoder;
import io.cotrain.client.TransactionRejectedException;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.IpfsClient;
import io.cotrain.oracle.evaluation.DatasetFormatException;
import io.cotrain.testing.LocalProcesses;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;

/**
 * Each custom error a contributor's transaction can revert with, as real revert data decoded by the oracle's decoder.
 */
class FailuresTest {
    private static final RevertDecoder DECODER = RevertDecoder.forCotrainContracts();
    private static final String ACCOUNT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final BigInteger TOKEN = BigInteger.TEN.pow(18);

    private static final String OTHER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    private static final byte[] MINE = digest(1);
    private static final byte[] THEIRS = digest(2);

    private static byte[] digest(int last) {
        byte[] digest = new byte[32];
        digest[0] = (byte) 0xab;
        digest[31] = (byte) last;
        return digest;
    }

    /** A context as a session connected to a chain gives it, whose wallet is ACCOUNT. */
    private static FailureContext context(String command) {
        return new FailureContext() {
            @Override
            public String command() {
                return command;
            }

            @Override
            public String rpcUrl() {
                return "http://127.0.0.1:8545";
            }

            @Override
            public String ipfsUrl() {
                return "http://127.0.0.1:5001";
            }

            @Override
            public Optional<BigInteger> minContributorStake() {
                return Optional.of(TOKEN.multiply(BigInteger.valueOf(100)));
            }

            @Override
            public Optional<RoundTimes> roundTimes(BigInteger round) {
                return Optional.of(new RoundTimes(
                        BigInteger.valueOf(120),
                        BigInteger.valueOf(130),
                        BigInteger.valueOf(140),
                        BigInteger.valueOf(125)));
            }

            @Override
            public String account() {
                return ACCOUNT;
            }

            @Override
            public Optional<Submission> contribution(byte[] digest) {
                if (Arrays.equals(digest, MINE)) {
                    return Optional.of(new Submission(
                            BigInteger.valueOf(7), ACCOUNT, BigInteger.valueOf(3), ContributionStatus.PENDING, 0));
                }
                if (Arrays.equals(digest, THEIRS)) {
                    return Optional.of(new Submission(
                            BigInteger.valueOf(4), OTHER, BigInteger.valueOf(2), ContributionStatus.UNREWARDED, 50));
                }
                return Optional.empty();
            }
        };
    }

    /** The revert of a contract call as TransactionSender reports it. */
    private static ContractRevertedException revert(String signature, Type<?>... arguments) {
        String data = Hash.sha3String(signature).substring(0, 10)
                + FunctionEncoder.encodeConstructor(new ArrayList<>(List.of(arguments)));
        String decoded = DECODER.decode(data).orElseThrow(() -> new AssertionError("not decoded: " + signature));
        return new ContractRevertedException("someCall()", decoded, data);
    }

    private static CliException describe(ContractRevertedException reverted, String command) {
        return Failures.describe(reverted, context(command));
    }

    private static Uint256 tokens(long whole) {
        return new Uint256(TOKEN.multiply(BigInteger.valueOf(whole)));
    }

    @Test
    void logQueryRefusedEvenForOneBlockSaysWhichEndpointAndWhatToUse() {
        var refused =
                new EventQueryException(BigInteger.valueOf(42), BigInteger.valueOf(42), -32601, "method not found");
        CliException error = Failures.describe(refused, context("status"));
        assertThat(error.getMessage())
                .startsWith("the chain endpoint at http://127.0.0.1:8545 refused to serve the "
                        + "protocol's events even for block 42")
                .contains("code -32601", "method not found", "--rpc-url");
        assertThat(error.exitCode()).isEqualTo(CliException.UNAVAILABLE);
    }

    @Test
    void notRegisteredSaysHowToRegister() {
        CliException error = describe(revert("NotRegistered(address)", new Address(ACCOUNT)), "unstake");
        assertThat(error.getMessage())
                .isEqualTo(ACCOUNT + " is not registered as a contributor: register first: "
                        + "cotrain register --stake 100 (the minimum stake is 100 COT)");
        assertThat(error.exitCode()).isEqualTo(CliException.FAILED);
        assertThat(error.getCause()).isInstanceOf(ContractRevertedException.class);
    }

    @Test
    void tooSmallAFirstStakeSaysTheMinimum() {
        var reverted = revert("InsufficientStake(uint256,uint256)", tokens(50), tokens(100));
        assertThat(describe(reverted, "register").getMessage())
                .isEqualTo("a first stake must be at least 100 COT, got 50 COT: cotrain register --stake 100");
    }

    @Test
    void tooLittleFreeStakeSaysWhatIsFreeAndWhatToDo() {
        var reverted = revert("InsufficientFreeStake(uint256,uint256)", tokens(5), tokens(10));
        assertThat(describe(reverted, "submit").getMessage())
                .startsWith("not enough free stake: 5 COT of your stake is free")
                .contains("10 COT needed")
                .contains("cotrain register --stake AMOUNT");
        assertThat(describe(reverted, "unstake").getMessage())
                .contains("unstake at most 5 COT now (cotrain unstake --amount 5)");
    }

    @Test
    void unbondingNotReadySaysTheBlockOfTheEarliestRequest() {
        var reverted = revert("UnbondingNotReady(uint256,uint256)", new Uint256(170), new Uint256(121));
        assertThat(describe(reverted, "unstake").getMessage())
                .isEqualTo("no unbonding stake is withdrawable yet: your "
                        + "earliest unbonding request is withdrawable from block 170; the chain is at block 121 (49 "
                        + "blocks to "
                        + "go): run 'cotrain unstake --withdraw' again then");
    }

    @Test
    void tooManyUnbondingRequestsSaysToWithdrawTheReadyOnesFirst() {
        var reverted = revert("TooManyUnbondingRequests(uint256)", new Uint256(16));
        assertThat(describe(reverted, "unstake").getMessage())
                .isEqualTo("you have 16 unbonding requests, the most at "
                        + "once: withdraw the ready ones first with 'cotrain unstake --withdraw' ('cotrain status' "
                        + "shows when "
                        + "they are ready), then request again");
    }

    @Test
    void aDuplicateDigestNamesTheContributionItWasSubmittedAs_andThatCopiesEarnNothing() {
        var mine = revert("DuplicateContent(bytes32,uint256)", new Bytes32(MINE), new Uint256(7));
        assertThat(describe(mine, "submit").getMessage())
                .isEqualTo("this exact manifest (" + Arguments.hex(MINE)
                        + ") was already submitted, as contribution 7 (round 3, by you, pending): a digest is accepted "
                        + "once, "
                        + "ever, and copies earn nothing; nothing was submitted. Submit new work instead (other data, "
                        + "or an "
                        + "update trained with other data, epochs or --seed)");
        var theirs = revert("DuplicateContent(bytes32,uint256)", new Bytes32(THEIRS), new Uint256(4));
        assertThat(describe(theirs, "submit").getMessage())
                .startsWith("this exact manifest (" + Arguments.hex(THEIRS)
                        + ") was already submitted, as contribution 4 (round 2, by " + OTHER
                        + ", unrewarded with score 50): "
                        + "a digest is accepted once, ever, and copies earn nothing");
        byte[] unknown = digest(3);
        var offline = revert("DuplicateContent(bytes32,uint256)", new Bytes32(unknown), new Uint256(9));
        assertThat(Failures.describe(offline, FailureContext.offline("submit", "http://x", "http://y"))
                        .getMessage())
                .startsWith("this exact manifest (" + Arguments.hex(unknown) + ") was already submitted, as "
                        + "contribution 9: a digest is accepted once, ever, and copies earn nothing");
    }

    @Test
    void aFullRoundAndTheContributorCapSayToWaitForTheNextRound() {
        var full = revert("RoundFull(uint256,uint256)", new Uint256(7), new Uint256(512));
        assertThat(describe(full, "submit").getMessage())
                .isEqualTo("round 7 is full: it holds 512 contributions, the "
                        + "most a round takes; nothing was submitted: submit again once round 8 accepts submissions, "
                        + "from "
                        + "block 120 (the chain is at block 125)");
        var capped = revert(
                "ContributorRoundLimit(address,uint256,uint256)",
                new Address(ACCOUNT),
                new Uint256(7),
                new Uint256(64));
        assertThat(describe(capped, "submit").getMessage())
                .isEqualTo("you already submitted 64 contributions to round "
                        + "7, the most one contributor may submit to a round; nothing was submitted: submit again once "
                        + "round "
                        + "8 accepts submissions, from block 120 (the chain is at block 125)");
        var one = revert(
                "ContributorRoundLimit(address,uint256,uint256)", new Address(ACCOUNT), new Uint256(7), new Uint256(1));
        assertThat(Failures.describe(one, FailureContext.offline("train", "http://x", "http://y"))
                        .getMessage())
                .isEqualTo("you already submitted 1 contribution to round 7, the most one contributor may submit to "
                        + "a round; nothing was submitted: submit again once round 8 accepts submissions");
    }

    @Test
    void wrongPhaseSaysThePhasesAndWhenTheCurrentOneEnds() {
        var reverted = revert("WrongPhase(uint256,uint8,uint8)", new Uint256(7), new Uint8(0), new Uint8(1));
        assertThat(describe(reverted, "submit").getMessage())
                .isEqualTo("round 7 is in its commit phase, this needs "
                        + "its submission phase: the commit phase ends at block 130 (the chain is at block 125)");
    }

    @Test
    void wrongPhase_ofAPhaseThisCodeDoesNotKnow_namesItsNumber() {
        var reverted = revert("WrongPhase(uint256,uint8,uint8)", new Uint256(7), new Uint8(0), new Uint8(9));
        assertThat(describe(reverted, "submit").getMessage())
                .isEqualTo("round 7 is in its unknown (9) phase, this needs its submission phase");
    }

    @Test
    void unknownContributionType_listsTheKindsThereAre() {
        var reverted = revert("UnknownContributionType(uint8)", new Uint8(7));
        assertThat(describe(reverted, "submit").getMessage())
                .isEqualTo("contribution kind 7 does not exist (0 model update, 1 dataset, 2 validation work)");
    }

    @Test
    void insufficientTokenBalanceSaysBalanceAndNeed() {
        var reverted = revert(
                "ERC20InsufficientBalance(address,uint256,uint256)", new Address(ACCOUNT), tokens(40), tokens(100));
        assertThat(describe(reverted, "register").getMessage())
                .isEqualTo("insufficient token balance: " + ACCOUNT + " has 40 COT, 100 COT needed: get more COT "
                        + "first, or stake less");
    }

    @Test
    void theOtherContributorErrorsHaveMessagesToo() {
        assertThat(describe(revert("ProtocolPaused()"), "register").getMessage())
                .isEqualTo(Failures.PAUSED)
                .startsWith("the protocol is paused");
        assertThat(describe(revert("NothingToClaim(address)", new Address(ACCOUNT)), "claim")
                        .getMessage())
                .startsWith("nothing to claim for " + ACCOUNT);
        assertThat(describe(revert("NothingToWithdraw()"), "unstake").getMessage())
                .startsWith("nothing to withdraw")
                .contains("cotrain unstake --amount");
        assertThat(describe(revert("AlreadyRegistered(address)", new Address(ACCOUNT)), "register")
                        .getMessage())
                .contains("already registered");
        assertThat(describe(revert("ZeroAmount()"), "unstake").getMessage())
                .isEqualTo("the amount must be more than 0");
        assertThat(describe(revert("TaskIdTooLarge(uint256)", new Uint256(1L << 33)), "submit")
                        .getMessage())
                .isEqualTo("task 8589934592 is out of range: task ids are below 2^32");
        assertThat(describe(revert("NothingToClaim(address)", new Address(ACCOUNT)), "claim")
                        .getMessage())
                .contains("scored above the neutral score");
        assertThat(describe(
                                revert(
                                        "ERC20InsufficientAllowance(address,uint256,uint256)",
                                        new Address(ACCOUNT),
                                        tokens(1),
                                        tokens(2)),
                                "register")
                        .getMessage())
                .contains("may spend only 1 COT");
    }

    @Test
    void unrecognisedRevertDataPointsAtTheDeploymentFile() {
        CliException error =
                Failures.describe(new ContractRevertedException("x()", null, "0xdeadbeef"), context("claim"));
        assertThat(error.getMessage()).contains("0xdeadbeef").contains("--deployment");
    }

    @Test
    void anUnreachableChainNamesTheUrlAndTheOptions() {
        var down = new ChainUnavailableException("read nonce failed after 3 attempts", new ConnectException("refused"));
        CliException error = Failures.describe(down, context("register"));
        assertThat(error.getMessage())
                .startsWith("cannot reach the chain at http://127.0.0.1:8545")
                .contains("--rpc-url / COTRAIN_RPC_URL");
        assertThat(error.exitCode()).isEqualTo(CliException.UNAVAILABLE);
    }

    @Test
    void anUnreachableIpfsNodeNamesTheUrlAndTheOptions() {
        int closed = LocalProcesses.freePort();
        URI api = URI.create("http://127.0.0.1:" + closed);
        try (IpfsClient client = new IpfsClient(api, Duration.ofSeconds(2), 1024)) {
            RuntimeException failure = null;
            try {
                new ContentStore(client).putVerified(new byte[] {1});
            } catch (RuntimeException e) {
                failure = e;
            }
            CliException error = Failures.describe(failure, context("train"));
            assertThat(error.getMessage())
                    .startsWith("cannot reach the IPFS node at http://127.0.0.1:5001")
                    .contains("--ipfs-url / COTRAIN_IPFS_URL");
            assertThat(error.exitCode()).isEqualTo(CliException.UNAVAILABLE);
        }
    }

    @Test
    void noGasMoneyAndUnexpectedFailuresAreExplained() {
        var refused = new TransactionRejectedException(
                "registerContributor(100 COT)", -32003, "Insufficient funds for gas * price + value");
        assertThat(Failures.describe(refused, context("register")).getMessage())
                .startsWith("the account has not enough ETH to pay for gas");
        var lowFee = new TransactionRejectedException("submit", -32000, "transaction underpriced");
        assertThat(Failures.describe(lowFee, context("submit")).getMessage())
                .isEqualTo("submit: the node refused it: transaction underpriced");
        assertThat(Failures.describe(new NullPointerException("x"), context("status"))
                        .getMessage())
                .isEqualTo("unexpected error: NullPointerException: x (run with --verbose for the stack trace)");
        assertThat(Failures.describe(
                                DatasetFormatException.atLine(3, "f1", "'x' is not a decimal number"),
                                context("submit"))
                        .getMessage())
                .contains("line 3, column 'f1': 'x' is not a decimal number");
    }
}
