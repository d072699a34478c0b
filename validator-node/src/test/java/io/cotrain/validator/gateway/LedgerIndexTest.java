package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.validator.gateway.GatewayViews.ContributionView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The gateway's event index fed with the protocol's events as the contracts encode them now (RoundOpened with its
 * parameter version, a contribution settled as Unrewarded, another as Accepted): rounds, statuses and entries.
 */
class LedgerIndexTest {
    private static final String PROTOCOL = "0x00000000000000000000000000000000000000a1";
    private static final String ALICE = "0x00000000000000000000000000000000000000b1";
    private static final String BOB = "0x00000000000000000000000000000000000000b2";
    private static final String VALIDATOR = "0x00000000000000000000000000000000000000c1";
    private static final int UNREWARDED = 5;
    /** Each log its own position: the index keys rows by block and log index. */
    private static final AtomicInteger LOG_INDEX = new AtomicInteger();

    private final List<LiveUpdate> updates = new ArrayList<>();
    private final LedgerIndex ledger = new LedgerIndex(
            null,
            LedgerStoreContract.deployment(PROTOCOL),
            new LedgerStore(IndexDatabases.h2()),
            1_000,
            0,
            updates::add);

    @Test
    void aRoundOpensWithItsParameterVersionAndSettlesAcceptedAndUnrewardedContributions() {
        ledger.apply(log(
                CotrainProtocol.ROUNDOPENED_EVENT,
                10,
                uint(3),
                uint(1),
                uint(120),
                uint(130),
                uint(140),
                uint(0b111),
                uint(4)));
        ledger.apply(submitted(1, ALICE, 3, 0xaa));
        ledger.apply(submitted(2, BOB, 3, 0xbb));

        LedgerIndex.Round opened = ledger.rounds(7L, 10).getFirst();
        assertThat(opened.round()).isEqualTo(3);
        assertThat(opened.parameterVersion()).isEqualTo(4);
        assertThat(opened.expectedValidators()).isEqualTo(3);
        assertThat(opened.submissionEndBlock()).isEqualTo(120);
        assertThat(opened.contributionIds()).containsExactly(BigInteger.ONE, BigInteger.TWO);
        assertThat(opened.quorumReached()).isEmpty();
        assertThat(NetworkReader.contributionView(
                                ledger.contribution(BigInteger.ONE).orElseThrow())
                        .status())
                .isEqualTo("Pending");

        BigInteger reward = BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(6));
        ledger.apply(log(
                CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT,
                150,
                uint(1),
                uint(3),
                uint8(80),
                uint8(ContributionStatus.ACCEPTED.ordinal()),
                new Uint256(reward),
                uint(0),
                uint(6_000)));
        ledger.apply(log(
                CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT,
                150,
                uint(2),
                uint(3),
                uint8(45),
                uint8(UNREWARDED),
                uint(0),
                uint(0),
                uint(4_900)));
        ledger.apply(log(
                CotrainProtocol.VALIDATORSCORED_EVENT,
                150,
                uint(3),
                new Address(VALIDATOR),
                uint(2),
                uint(0),
                uint(2)));
        ledger.apply(log(CotrainProtocol.ROUNDFINALIZED_EVENT, 150, uint(3), new Bool(true), uint(3)));

        ContributionView accepted = NetworkReader.contributionView(
                ledger.contribution(BigInteger.ONE).orElseThrow());
        assertThat(accepted.status()).isEqualTo("Accepted");
        assertThat(accepted.consensusScore()).isEqualTo(80);
        assertThat(accepted.reward()).isEqualTo(reward.toString());
        assertThat(accepted.contentDigest()).isEqualTo(Numeric.toHexString(digest(0xaa)));
        ContributionView unrewarded = NetworkReader.contributionView(
                ledger.contribution(BigInteger.TWO).orElseThrow());
        assertThat(unrewarded.status()).isEqualTo("Unrewarded");
        assertThat(unrewarded.consensusScore()).isEqualTo(45);
        assertThat(unrewarded.reward()).isEqualTo("0");
        assertThat(unrewarded.slashed()).isEqualTo("0");

        LedgerIndex.Round finalized = ledger.rounds(null, 10).getFirst();
        assertThat(finalized.quorumReached()).contains(true);
        assertThat(finalized.parameterVersion()).isEqualTo(4);
        assertThat(finalized.validators()).singleElement().satisfies(v -> {
            assertThat(v.agreements()).isEqualTo(2);
            assertThat(v.reward()).isEqualTo(2);
        });
        assertThat(updates)
                .as("live updates, in chain order")
                .extracting(u -> u.kind().wireName() + "@" + u.block())
                .containsExactly(
                        "round@10", "contribution@11", "contribution@11", "score@150", "score@150", "round@150");
        assertThat(updates.get(1).facts())
                .containsEntry("id", BigInteger.ONE)
                .containsEntry("round", BigInteger.valueOf(3))
                .containsEntry("taskId", BigInteger.valueOf(7))
                .containsEntry("kind", "MODEL_UPDATE");
        assertThat(updates.get(4).facts())
                .containsEntry("id", BigInteger.TWO)
                .containsEntry("consensusScore", BigInteger.valueOf(45))
                .containsEntry("status", "Unrewarded");
        assertThat(updates.getLast().facts())
                .containsEntry("stage", "finalized")
                .containsEntry("quorumReached", true);
        // an unrewarded contribution changes nothing in its contributor's tokens: no reward, no slash
        assertThat(ledger.entries(BOB)).isEmpty();
        assertThat(ledger.entries(ALICE)).singleElement().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo(LedgerIndex.EntryType.CONTRIBUTION_REWARD);
            assertThat(entry.amount()).isEqualTo(reward);
            assertThat(entry.contributionId()).isEqualTo(1);
            assertThat(entry.round()).isEqualTo(3);
        });
    }

    @Test
    void everyStatusOfTheProtocolHasAName() {
        assertThat(GatewayViews.STATUSES)
                .containsExactly("None", "Pending", "Accepted", "Rejected", "Released", "Unrewarded");
        assertThat(GatewayViews.STATUSES.get(UNREWARDED)).isEqualTo("Unrewarded");
        LedgerIndex.Contribution released = new LedgerIndex.Contribution(
                BigInteger.ONE,
                ALICE,
                1,
                "0x01",
                7,
                BigInteger.ONE,
                BigInteger.TEN,
                Optional.of(new LedgerIndex.Settlement(
                        0, 4, BigInteger.ZERO, BigInteger.ZERO, BigInteger.valueOf(5_000), BigInteger.TEN)));
        assertThat(NetworkReader.contributionView(released).status()).isEqualTo("Released");
        assertThat(NetworkReader.contributionView(released).kind()).isEqualTo("DATASET");
    }

    @Test
    void theOpenRoundTellsWhenItsPhaseEndsEvenBeforeItsFirstContribution() {
        BigInteger notOpened = NetworkReader.phaseEnd(round(false, 0, 220, 0, 0));
        assertThat(notOpened).isEqualTo(220);
        assertThat(NetworkReader.phaseEnd(round(true, 1, 220, 230, 240))).isEqualTo(230);
        assertThat(NetworkReader.phaseEnd(round(true, 2, 220, 230, 240))).isEqualTo(240);
        assertThat(NetworkReader.phaseEnd(round(true, 3, 220, 230, 240))).isNull();
        // a past round without contributions reports no window at all
        assertThat(NetworkReader.phaseEnd(round(false, 4, 0, 0, 0))).isNull();
    }

    @Test
    void theOpenRoundReportsEachWindowEndBeforeItsFirstContribution() {
        CotrainProtocol.RoundView notOpened = round(false, 0, 220, 230, 240);
        assertThat(NetworkReader.blockOrNull(notOpened.submissionEndBlock)).isEqualTo(220);
        assertThat(NetworkReader.blockOrNull(notOpened.commitEndBlock)).isEqualTo(230);
        assertThat(NetworkReader.blockOrNull(notOpened.revealEndBlock)).isEqualTo(240);
        // a round whose windows are not determined reports zeros, shown as null
        assertThat(NetworkReader.blockOrNull(BigInteger.ZERO)).isNull();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static CotrainProtocol.RoundView round(
            boolean exists, int phase, long submissionEnd, long commitEnd, long revealEnd) {
        return new CotrainProtocol.RoundView(
                exists,
                BigInteger.valueOf(phase),
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.valueOf(submissionEnd),
                BigInteger.valueOf(commitEnd),
                BigInteger.valueOf(revealEnd),
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                false,
                BigInteger.ONE);
    }

    private static Log submitted(long id, String contributor, long round, int digestByte) {
        return log(
                CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
                11,
                uint(id),
                new Address(contributor),
                uint8(0),
                new Bytes32(digest(digestByte)),
                uint(7),
                uint(round));
    }

    /** A log of {@code event} emitted by the protocol, its values in the event's parameter order. */
    @SuppressWarnings("rawtypes")
    private static Log log(Event event, long block, Type... values) {
        List<String> topics = new ArrayList<>(List.of(EventEncoder.encode(event)));
        List<Type> data = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (event.getParameters().get(i).isIndexed()) topics.add("0x" + TypeEncoder.encode(values[i]));
            else data.add(values[i]);
        }
        assertThat(values).hasSameSizeAs(event.getParameters());
        Log log = new Log();
        log.setAddress(PROTOCOL);
        log.setTopics(topics);
        log.setData("0x" + FunctionEncoder.encodeConstructor(data));
        log.setBlockNumber(Numeric.encodeQuantity(BigInteger.valueOf(block)));
        log.setLogIndex(Numeric.encodeQuantity(BigInteger.valueOf(LOG_INDEX.getAndIncrement())));
        return log;
    }

    private static byte[] digest(int fill) {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) fill);
        return digest;
    }

    private static Uint256 uint(long value) {
        return new Uint256(value);
    }

    private static Uint8 uint8(int value) {
        return new Uint8(value);
    }
}
