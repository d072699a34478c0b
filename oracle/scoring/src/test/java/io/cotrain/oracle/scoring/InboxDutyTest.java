package io.cotrain.oracle.scoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.DurableNumber;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

class InboxDutyTest {
    private static final byte[] HELD_OUT = "x,y,label\n1,2,0\n3,4,1\n".getBytes(UTF_8);
    private static final long TASK = 3;

    @TempDir
    Path directory;

    private final FakeValidatorChain chain = new FakeValidatorChain();
    private final FakeRegistryChain registry = new FakeRegistryChain();
    private final List<HeldOutShares.Share> announced = new ArrayList<>();
    private final Map<String, byte[]> ipfs = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private TaskCatalog tasks = new TaskCatalog(List.of(), EvaluationLimits.defaults());
    private boolean ipfsDown;
    private int fetches;
    private ECKeyPair key;
    private Path heldOut;
    private DurableNumber cursor;
    private InboxDuty duty;

    @BeforeEach
    void validator() throws Exception {
        key = Keys.createEcKeyPair();
        chain.address = "0x" + Keys.getAddress(key);
        chain.block = BigInteger.valueOf(100);
        registry.register(TestNetwork.fedAvgSpec(
                new byte[32], new byte[32], Cid.of(HELD_OUT).digest(), new byte[32]));
        heldOut = Files.createDirectory(directory.resolve("held-out"));
        cursor = new DurableNumber(directory.resolve("held-out-cursor"));
        duty = duty();
    }

    private InboxDuty duty() {
        HeldOutShares shares = (from, to) -> announced.stream()
                .filter(share ->
                        share.block().compareTo(from) >= 0 && share.block().compareTo(to) <= 0)
                .toList();
        TaskDocuments documents = new TaskDocuments() {
            @Override
            public DataSchema schema(byte[] schemaDigest) {
                throw new AssertionError("receiving a set never reads a schema");
            }

            @Override
            public Path baseModel(ModelFile base) {
                throw new AssertionError("receiving a set never reads a model");
            }

            @Override
            public HeldOutEnvelope envelope(byte[] envelopeDigest) {
                fetches++;
                if (ipfsDown) throw new TransientFailureException("IPFS is down", null);
                return HeldOutEnvelope.read(
                        ipfs.get(Cid.ofDigest(envelopeDigest).toString()));
            }
        };
        return new InboxDuty(shares, chain, registry, tasks, documents, key, heldOut, cursor, BigInteger.ONE, 2);
    }

    /** The owner seals {@code set} for task {@code sealedFor} to {@code recipients} and announces it for TASK. */
    private void share(byte[] set, long sealedFor, long block, ECKeyPair... recipients) {
        Map<String, byte[]> keys = new HashMap<>();
        for (ECKeyPair recipient : recipients) {
            keys.put("0x" + Keys.getAddress(recipient), Numeric.toBytesPadded(recipient.getPublicKey(), 64));
        }
        byte[] document =
                HeldOutEnvelope.seal(sealedFor, set, keys, new SecureRandom()).write();
        ipfs.put(Cid.of(document).toString(), document);
        announced.add(new HeldOutShares.Share(TASK, Cid.of(document).digest(), BigInteger.valueOf(block)));
    }

    private List<Path> received() throws Exception {
        try (Stream<Path> files = Files.list(heldOut)) {
            return files.toList();
        }
    }

    @Test
    void perform_envelopeForThisValidator_keepsTheRegisteredSetInTheHeldOutDirectory() throws Exception {
        share(HELD_OUT, TASK, 50, key, Keys.createEcKeyPair());
        duty.perform(problems::add);
        assertThat(received()).singleElement().satisfies(file -> {
            assertThat(Files.readAllBytes(file)).isEqualTo(HELD_OUT);
            assertThat(file.getFileName().toString())
                    .isEqualTo("task-" + TASK + "-" + Cid.of(HELD_OUT).digestHex() + ".csv");
        });
        assertThat(problems).isEmpty();
        assertThat(cursor.load()).contains(BigInteger.valueOf(99)); // head 100, two confirmations: 98 read
        duty.perform(problems::add);
        assertThat(fetches).as("an announcement is read once").isEqualTo(1);
    }

    /** An owner announces a set other than the one its task's registry entry records: it must not judge anyone. */
    @Test
    void perform_setOtherThanTheRegisteredOne_isRefused() throws Exception {
        share("x,y,label\n9,9,1\n".getBytes(UTF_8), TASK, 50, key);
        duty.perform(problems::add);
        assertThat(received()).isEmpty();
        assertThat(problems)
                .singleElement()
                .asString()
                .contains("task 3 is refused")
                .contains("sha256");
    }

    /** An envelope sealed for another task, announced for this one (a replay), does not open as this task's. */
    @Test
    void perform_envelopeSealedForAnotherTask_isRefused() throws Exception {
        share(HELD_OUT, TASK + 1, 50, key);
        duty.perform(problems::add);
        assertThat(received()).isEmpty();
        assertThat(problems).singleElement().asString().contains("it is for task 4");
    }

    @Test
    void perform_envelopeForOtherValidators_isPassedOverQuietly() throws Exception {
        share(HELD_OUT, TASK, 50, Keys.createEcKeyPair());
        duty.perform(problems::add);
        assertThat(received()).isEmpty();
        assertThat(problems).isEmpty();
        assertThat(cursor.load()).contains(BigInteger.valueOf(99));
    }

    /** IPFS cannot deliver an envelope now: it is tried again later, and the announcements after it go on. */
    @Test
    void perform_envelopeNotAvailableNow_isRetriedWithoutHoldingUpTheOthers() throws Exception {
        share(HELD_OUT, TASK, 50, key);
        ipfsDown = true;
        duty.perform(problems::add);
        assertThat(problems).singleElement().asString().contains("cannot be had now");
        assertThat(cursor.load()).contains(BigInteger.valueOf(99));
        assertThat(received()).isEmpty();
        ipfsDown = false;
        duty.perform(problems::add);
        assertThat(received()).hasSize(1);
        assertThat(fetches).isEqualTo(2);
    }

    /** The same envelope announced over and over (not for this node) is fetched once, whatever its size. */
    @Test
    void perform_envelopeAnnouncedAgain_isFetchedOnce() throws Exception {
        share(HELD_OUT, TASK, 50, Keys.createEcKeyPair());
        HeldOutShares.Share first = announced.getFirst();
        for (long block = 51; block < 60; block++) {
            announced.add(new HeldOutShares.Share(TASK, first.envelopeDigest(), BigInteger.valueOf(block)));
        }
        duty.perform(problems::add);
        assertThat(fetches).isEqualTo(1);
    }

    @Test
    void perform_taskAlreadyEvaluated_fetchesNothing() throws Exception {
        Path csv = Files.write(directory.resolve("configured.csv"), HELD_OUT);
        tasks = new TaskCatalog(
                List.of(new TaskCatalog.TaskDefinition(TASK, new DataSchema(List.of("x", "y"), "label", 2), csv, csv)),
                EvaluationLimits.defaults());
        duty = duty();
        share(HELD_OUT, TASK, 50, key);
        duty.perform(problems::add);
        assertThat(fetches).isZero();
        assertThat(received()).isEmpty();
    }
}
