package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.RevertDecoder;
import io.cotrain.client.TransactionRejectedException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.Response;
import org.web3j.utils.Numeric;

/**
 * The custom errors the protocol reverts a submission with, encoded as a node returns them, reported by name with their
 * arguments and what they mean: a digest already submitted, a full round, a contributor's cap, a pause; and a node's
 * refusal as the client's typed failure.
 */
class RevertReasonsTest {
    private static final String CONTRIBUTOR = "0x00000000000000000000000000000000000000b1";
    private static final RevertDecoder DECODER = RevertDecoder.forCotrainContracts();

    @Test
    void aDigestAlreadySubmittedNamesTheContributionThatHasIt() {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) 0xab);
        String data = revert("DuplicateContent(bytes32,uint256)", new Bytes32(digest), new Uint256(12));
        assertThat(decode(data))
                .contains("DuplicateContent(contentDigest=" + Numeric.toHexString(digest)
                        + ", id=12): this manifest was already submitted, as contribution 12: the same work is paid "
                        + "once, so "
                        + "only a manifest of new work can be submitted");
    }

    @Test
    void theCapsOfARoundAndOfAContributorSayWhichAndHowMany() {
        assertThat(decode(revert("RoundFull(uint256,uint256)", new Uint256(9), new Uint256(512))))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("RoundFull(round=9, maxContributions=512): ")
                        .contains("round 9 already holds the 512 contributions a round accepts")
                        .contains("MaxContributionsPerRound"));
        assertThat(decode(revert(
                        "ContributorRoundLimit(address,uint256,uint256)",
                        new Address(CONTRIBUTOR),
                        new Uint256(9),
                        new Uint256(64))))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("ContributorRoundLimit(contributor=" + CONTRIBUTOR + ", round=9, "
                                + "maxContributions=64): ")
                        .contains(CONTRIBUTOR + " already submitted 64 contributions to round 9")
                        .contains("MaxContributionsPerContributor"));
    }

    @Test
    void aPauseIsTheSharedProtocolPausedError() {
        assertThat(decode(revert("ProtocolPaused()")))
                .hasValueSatisfying(
                        reason -> assertThat(reason).startsWith("ProtocolPaused(): the protocol is paused"));
    }

    @Test
    void theRevertDataIsFoundInTheErrorsDataOrItsMessage() {
        String data = revert("RoundFull(uint256,uint256)", new Uint256(2), new Uint256(3));
        Response.Error withData = new Response.Error(3, "execution reverted");
        withData.setData(data);
        assertThat(revertedWith(withData)).isEqualTo("RoundFull(round=2, maxContributions=3)");
        Response.Error inMessage = new Response.Error(3, "execution reverted: custom error " + data);
        assertThat(revertedWith(inMessage)).isEqualTo("RoundFull(round=2, maxContributions=3)");
        // anvil's form: the selector, a colon, then the arguments
        Response.Error anvil = new Response.Error(
                3, "execution reverted: custom error " + data.substring(0, 10) + ": " + data.substring(10));
        assertThat(revertedWith(anvil)).isEqualTo("RoundFull(round=2, maxContributions=3)");
        Response.Error noArguments =
                new Response.Error(3, "execution reverted: custom error " + revert("ProtocolPaused()"));
        assertThat(revertedWith(noArguments)).isEqualTo("ProtocolPaused()");
        assertThat(decode("0xdeadbeef")).isEmpty();
    }

    @Test
    void aRefusalWithoutRevertDataIsARejectedTransactionWithItsCode() {
        assertThat(RevertReasons.refusal("relay", new Response.Error(-32000, "insufficient funds for gas")))
                .isInstanceOfSatisfying(TransactionRejectedException.class, rejected -> {
                    assertThat(rejected.code()).isEqualTo(-32000);
                    assertThat(rejected.reason()).isEqualTo("insufficient funds for gas");
                    assertThat(rejected.lacksFunds()).isTrue();
                });
    }

    @Test
    void revertDataNoContractDeclaresIsARevertWithoutAnError() {
        Response.Error unknown = new Response.Error(3, "execution reverted");
        unknown.setData("0xdeadbeef");
        assertThat(RevertReasons.refusal("submitContribution", unknown))
                .isInstanceOfSatisfying(ContractRevertedException.class, reverted -> {
                    assertThat(reverted.error()).isNull();
                    assertThat(reverted.revertData()).isEqualTo("0xdeadbeef");
                });
    }

    /** @return the error the data encodes, with its meaning, as the gateway reports it */
    private static Optional<String> decode(String revertData) {
        return DECODER.decode(revertData).map(RevertReasons::explain);
    }

    /** @return the custom error the typed failure of a refusal carries */
    private static String revertedWith(Response.Error error) {
        RuntimeException refusal = RevertReasons.refusal("submitContribution", error);
        assertThat(refusal).isInstanceOf(ContractRevertedException.class);
        return ((ContractRevertedException) refusal).error();
    }

    @Test
    void anErrorWithoutAKnownMeaningIsReportedAsDecoded() {
        assertThat(RevertReasons.explain("WrongPhase(round=3, expected=1, actual=2)"))
                .isEqualTo("WrongPhase(round=3, expected=1, actual=2)");
    }

    @SuppressWarnings("rawtypes")
    private static String revert(String signature, Type... arguments) {
        return Hash.sha3String(signature).substring(0, 10) + FunctionEncoder.encodeConstructor(List.of(arguments));
    }
}
