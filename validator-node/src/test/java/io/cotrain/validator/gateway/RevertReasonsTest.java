package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
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
 * arguments and what they mean: a digest already submitted, a full round, a contributor's cap, a pause.
 */
class RevertReasonsTest {
    private static final String CONTRIBUTOR = "0x00000000000000000000000000000000000000b1";

    @Test
    void aDigestAlreadySubmittedNamesTheContributionThatHasIt() {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) 0xab);
        String data = revert("DuplicateContent(bytes32,uint256)", new Bytes32(digest), new Uint256(12));
        assertThat(RevertReasons.decode(data))
                .contains("DuplicateContent(contentDigest=" + Numeric.toHexString(digest)
                        + ", id=12): this manifest was already submitted, as contribution 12: the same work is paid "
                        + "once, so "
                        + "only a manifest of new work can be submitted");
    }

    @Test
    void theCapsOfARoundAndOfAContributorSayWhichAndHowMany() {
        assertThat(RevertReasons.decode(revert("RoundFull(uint256,uint256)", new Uint256(9), new Uint256(512))))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("RoundFull(round=9, maxContributions=512): ")
                        .contains("round 9 already holds the 512 contributions a round accepts")
                        .contains("MaxContributionsPerRound"));
        assertThat(RevertReasons.decode(revert(
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
        assertThat(RevertReasons.decode(revert("ProtocolPaused()")))
                .hasValueSatisfying(
                        reason -> assertThat(reason).startsWith("ProtocolPaused(): the protocol is paused"));
    }

    @Test
    void theRevertDataIsFoundInTheErrorsDataOrItsMessage() {
        String data = revert("RoundFull(uint256,uint256)", new Uint256(2), new Uint256(3));
        Response.Error withData = new Response.Error(3, "execution reverted");
        withData.setData(data);
        assertThat(RevertReasons.of(withData)).startsWith("RoundFull(round=2, maxContributions=3): ");
        Response.Error inMessage = new Response.Error(3, "execution reverted: custom error " + data);
        assertThat(RevertReasons.of(inMessage)).startsWith("RoundFull(round=2, maxContributions=3): ");
        // anvil's form: the selector, a colon, then the arguments
        Response.Error anvil = new Response.Error(
                3, "execution reverted: custom error " + data.substring(0, 10) + ": " + data.substring(10));
        assertThat(RevertReasons.of(anvil)).startsWith("RoundFull(round=2, maxContributions=3): ");
        Response.Error noArguments =
                new Response.Error(3, "execution reverted: custom error " + revert("ProtocolPaused()"));
        assertThat(RevertReasons.of(noArguments)).startsWith("ProtocolPaused(): ");
        assertThat(RevertReasons.of(new Response.Error(-32000, "insufficient funds for gas")))
                .isEqualTo("insufficient funds for gas");
        assertThat(RevertReasons.decode("0xdeadbeef")).isEmpty();
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
