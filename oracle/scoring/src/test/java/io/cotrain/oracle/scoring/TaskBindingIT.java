package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.client.RevertDecoder;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainProtocol.ContributionFinalizedEventResponse;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.ipfs.testing.IpfsExtension;
import io.cotrain.ipfs.testing.IpfsNode;
import io.cotrain.oracle.evaluation.EvaluationLimits;
import io.cotrain.oracle.evaluation.testing.Contributions;
import io.cotrain.oracle.evaluation.testing.SyntheticTabularTask;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Which task a validator judges is decided by the registry entry's digests, never by a number, on a real anvil chain
 * with three validator loops, a real IPFS node and DL4J: the validators are configured for task 1 before anyone
 * registered anything; a stranger's model registered first as task 1 is refused (no validator serves it, so
 * contributions to it revert), and the owner's task, registered next, is taken up by the running validators as soon
 * as the owner hands them its held-out set (encrypted to two validators' published keys through IPFS, a file for the
 * third), then judged and paid like any other.
 */
@ExtendWith({AnvilExtension.class, IpfsExtension.class})
class TaskBindingIT {
    private static final Credentials ADMIN = DevAccounts.account(0);
    private static final List<Credentials> VALIDATORS =
            List.of(DevAccounts.account(1), DevAccounts.account(2), DevAccounts.account(3));
    private static final Credentials STRANGER = DevAccounts.account(4);

    @TempDir
    Path work;

    private AnvilNode anvil;
    private CotrainClients chain;
    private ContentStore content;
    private final List<ValidatorLoop> loops = new ArrayList<>();

    @Test
    void aStrangersModelUnderTheConfiguredIdIsRefused_theOwnersTaskIsTakenUpWhenItsHeldOutSetArrives(
            AnvilNode anvilNode, IpfsNode ipfs) throws Exception {
        anvil = anvilNode;
        TestNetwork network =
                TestNetwork.builder(anvil).admin(ADMIN).validators(VALIDATORS).build();
        chain = network.chain();
        content = new ContentStore(ipfs.client());
        SyntheticTabularTask owners = SyntheticTabularTask.standard();
        SyntheticTabularTask strangers = new SyntheticTabularTask(7, 500);
        Path heldOut = Files.write(work.resolve("held-out.csv"), owners.heldOutCsv());
        Path base = Files.write(work.resolve("base-model.zip"), owners.baseModelBytes());
        for (int i = 0; i < VALIDATORS.size(); i++) {
            TaskCatalog tasks = new TaskCatalog(
                    List.of(new TaskCatalog.TaskDefinition(1, owners.schema(), heldOut, base)),
                    EvaluationLimits.defaults());
            loops.add(validator(i, tasks));
        }
        tickAll();

        // Whoever registers first gets id 1: a stranger's model, with the owner's columns but its own held-out set.
        assertThat(register(STRANGER, strangers)).isEqualTo(BigInteger.ONE);
        tickAll();
        for (ValidatorLoop loop : loops) {
            assertThat(loop.status().lastErrors())
                    .anySatisfy(error -> assertThat(error)
                            .contains("task 1 is not served")
                            .contains("held-out set")
                            .contains(Cid.of(strangers.heldOutCsv()).digestHex()));
        }
        for (Credentials validator : VALIDATORS) {
            assertThat(chain.registry(ADMIN).servedTasks(validator.getAddress()).send())
                    .isEmpty();
        }
        Credentials contributor = network.newContributor(100);
        Contributions owned = new Contributions(owners);
        ContributionManifest toStranger = update(contributor, 1, owned.honestUpdate(0), strangers);
        assertThat(revertOf(contributor, toStranger))
                .hasValueSatisfying(error -> assertThat(error).startsWith("TaskUnderserved(taskId=1, servers=0"));

        // The owner registers the task as task 2 and hands its held-out set to the running validators: encrypted to
        // the keys the first two published, through IPFS; the third's operator puts the file in its directory.
        BigInteger task = register(ADMIN, owners);
        assertThat(task).isEqualTo(BigInteger.TWO);
        Map<String, byte[]> publicKeys = new LinkedHashMap<>();
        for (Credentials validator : VALIDATORS.subList(0, 2)) {
            byte[] key =
                    chain.registry(ADMIN).publicKeyOf(validator.getAddress()).send();
            assertThat(key)
                    .as("the public key %s published", validator.getAddress())
                    .hasSize(64);
            publicKeys.put(validator.getAddress(), key);
        }
        byte[] envelope = HeldOutEnvelope.seal(2, owners.heldOutCsv(), publicKeys, new SecureRandom())
                .write();
        assertThat(new String(envelope, StandardCharsets.UTF_8))
                .as("no plaintext on IPFS")
                .doesNotContain(new String(owners.heldOutCsv(), StandardCharsets.UTF_8)
                        .lines()
                        .toList()
                        .get(1));
        Cid envelopeCid = content.putVerified(envelope);
        chain.models(ADMIN).shareHeldOut(task, envelopeCid.digest()).send();
        Files.write(dataDirectory(2).resolve("held-out").resolve("from-the-owner.csv"), owners.heldOutCsv());
        drive(() -> allServe(task), "every validator serving task 2");
        for (int i = 0; i < 2; i++) {
            assertThat(dataDirectory(i)
                            .resolve("held-out")
                            .resolve("task-2-" + Cid.of(owners.heldOutCsv()).digestHex() + ".csv"))
                    .as("validator %s received the set", i)
                    .hasBinaryContent(owners.heldOutCsv());
        }

        ContributionManifest manifest = update(contributor, 2, owned.honestUpdate(1), owners);
        assertThat(revertOf(contributor, manifest)).isEmpty();
        BigInteger id = CotrainProtocol.getContributionSubmittedEvents(chain.protocol(contributor)
                        .submitContribution(manifest.kind().onChain(), manifest.digest(), task)
                        .send())
                .getFirst()
                .id;
        drive(() -> finalized(id) != null, "the contribution finalized");
        ContributionFinalizedEventResponse settled = finalized(id);
        assertThat(ContributionStatus.of(settled.status)).isEqualTo(ContributionStatus.ACCEPTED);
        assertThat(settled.consensusScore.intValue()).isGreaterThan(50);
        assertThat(settled.reward).isPositive();
        for (ValidatorLoop loop : loops) {
            assertThat(loop.evaluation(id))
                    .hasValueSatisfying(
                            scored -> assertThat(scored.floorReason()).isEmpty());
            loop.close();
        }
    }

    private Path dataDirectory(int validator) {
        return work.resolve("validator-" + validator);
    }

    private ValidatorLoop validator(int i, TaskCatalog tasks) {
        return TestValidators.loop(anvil, chain, VALIDATORS.get(i), content, tasks, dataDirectory(i));
    }

    /** Registers a task as {@code owner} would: base model and schema on IPFS, the held-out set's sha256. */
    private BigInteger register(Credentials owner, SyntheticTabularTask task) throws Exception {
        return ModelRegistry.getModelRegisteredEvents(chain.models(owner)
                        .registerModel(SyntheticTaskRegistration.spec(content, task))
                        .send())
                .getFirst()
                .modelId;
    }

    private ContributionManifest update(Credentials contributor, long taskId, byte[] model, SyntheticTabularTask task) {
        return TestValidators.storeUpdate(content, taskId, contributor, model, task.baseModelBytes());
    }

    /** @return the error a submission would revert with now, decoded; empty if it would be accepted */
    private Optional<String> revertOf(Credentials contributor, ContributionManifest manifest) throws Exception {
        String data = chain.protocol(contributor)
                .submitContribution(manifest.kind().onChain(), manifest.digest(), BigInteger.valueOf(manifest.taskId()))
                .encodeFunctionCall();
        EthCall call = anvil.web3j()
                .ethCall(
                        Transaction.createEthCallTransaction(
                                contributor.getAddress(), chain.addresses().protocol(), data),
                        DefaultBlockParameterName.LATEST)
                .send();
        if (!call.hasError()) return Optional.empty();
        Object revertData = call.getError().getData();
        return RevertDecoder.forCotrainContracts()
                .decode(revertData == null ? null : revertData.toString().replace("\"", ""))
                .or(() -> Optional.of(call.getError().getMessage()));
    }

    private boolean allServe(BigInteger task) {
        try {
            BigInteger round = chain.protocol(ADMIN).currentRound().send();
            return chain.registry(ADMIN).servingMask(task, round).send().bitCount() == VALIDATORS.size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void tickAll() {
        for (ValidatorLoop loop : loops) loop.tick();
        anvil.mine(1);
    }

    private void drive(BooleanSupplier done, String what) {
        for (int step = 0; step < 400 && !done.getAsBoolean(); step++) tickAll();
        assertThat(done.getAsBoolean())
                .as(
                        "%s; validators: %s",
                        what, loops.stream().map(ValidatorLoop::status).toList())
                .isTrue();
    }

    private ContributionFinalizedEventResponse finalized(BigInteger id) {
        try {
            return SettledContributions.read(anvil, chain.addresses().protocol())
                    .get(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
