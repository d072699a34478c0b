package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.ProtocolParameter;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;

class RevertDecoderTest {
    private final RevertDecoder decoder = RevertDecoder.forCotrainContracts();

    @Test
    void decodesCustomErrorsWithTheirParameterNames() {
        String data = encode("WrongPhase(uint256,uint8,uint8)", new Uint256(3), new Uint8(1), new Uint8(0));
        assertThat(decoder.decode(data)).contains("WrongPhase(round=3, expected=1, actual=0)");

        String insufficient = encode("InsufficientFreeStake(uint256,uint256)", new Uint256(5), new Uint256(10));
        assertThat(decoder.decode(insufficient)).contains("InsufficientFreeStake(free=5, required=10)");
    }

    @Test
    void decodesErrorsOfTheRegistryAndParameterlessErrors() {
        String notAdmitted =
                encode("ValidatorNotAdmitted(address)", new Address("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"));
        assertThat(decoder.decode(notAdmitted))
                .contains("ValidatorNotAdmitted(validator=0x70997970c51812dc3a010c7d01b50e0d17dc79c8)");
        assertThat(decoder.decode(encode("ZeroContentDigest()"))).contains("ZeroContentDigest()");
    }

    /** A refused parameter change names the parameter to change first, by its name in the contracts. */
    @Test
    void rendersProtocolParametersByName() {
        String refused = encode(
                "UnbondingShorterThanRound(uint256,uint256,uint8)",
                new Uint256(39),
                new Uint256(40),
                new Uint8(ProtocolParameter.VALIDATOR_UNBONDING_BLOCKS.ordinal()));
        assertThat(decoder.decode(refused))
                .contains("UnbondingShorterThanRound(validatorUnbondingBlocks=39, roundBlocks=40, "
                        + "changeFirst=ValidatorUnbondingBlocks)");
        String outOfRange = encode(
                "ParameterOutOfRange(uint8,uint256,uint256,uint256)",
                new Uint8(ProtocolParameter.QUORUM_BPS.ordinal()),
                new Uint256(0),
                new Uint256(1),
                new Uint256(10_000));
        assertThat(decoder.decode(outOfRange))
                .contains("ParameterOutOfRange(parameter=QuorumBps, value=0, min=1, max=10000)");
    }

    @Test
    void decodesErrorsOfTheModelRegistry() {
        String stale = encode("StaleParent(uint256,uint256)", new Uint256(7), new Uint256(5));
        assertThat(decoder.decode(stale)).contains("StaleParent(head=7, parent=5)");
        assertThat(decoder.decode(encode("CommitAlreadyRecorded(uint256)", new Uint256(9))))
                .contains("CommitAlreadyRecorded(commitId=9)");
    }

    @Test
    void decodesSolidityBuiltInErrors() {
        assertThat(decoder.decode(encode("Error(string)", new Utf8String("no"))))
                .contains("Error(message=no)");
        assertThat(decoder.decode(encode("Panic(uint256)", new Uint256(BigInteger.valueOf(0x11)))))
                .contains("Panic(code=17)");
    }

    @Test
    void unknownOrMalformedDataDecodesToNothing() {
        assertThat(decoder.decode("0xdeadbeef")).isEmpty();
        assertThat(decoder.decode("0x")).isEmpty();
        assertThat(decoder.decode(null)).isEmpty();
        String truncated = encode("InsufficientFreeStake(uint256,uint256)", new Uint256(5), new Uint256(10));
        assertThat(decoder.decode(truncated.substring(0, 20))).isEmpty();
    }

    private static String encode(String signature, Type<?>... arguments) {
        String selector = Hash.sha3String(signature).substring(0, 10);
        return selector + FunctionEncoder.encodeConstructor(List.of(arguments));
    }
}
