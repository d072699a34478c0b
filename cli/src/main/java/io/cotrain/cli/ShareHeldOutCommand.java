package io.cotrain.cli;

import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.HeldOutEnvelope;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cotrain share-held-out}: a model owner hands its task's held-out set to validators without publishing it:
 * the set is encrypted to each validator's published public key (ECIES on secp256k1, AES-256-GCM), the envelope
 * stored on IPFS, and the model registry announces it; each validator node opens its copy, checks it against the
 * registered sha256 and starts serving the task.
 */
@Command(
        name = "share-held-out",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Hand your task's held-out set to the validators (model owners): encrypted to each validator's "
                + "public key, stored on IPFS and announced in the model registry; the validators then serve the "
                + "task. Run it again to include validators admitted later.")
final class ShareHeldOutCommand extends ContributorCommand {
    @Mixin
    OwnedTaskOption owned;

    @Option(
            names = "--held-out",
            required = true,
            paramLabel = "FILE.csv",
            description = "the held-out set whose sha256 the task's registration recorded")
    Path heldOut;

    @Option(
            names = "--validators",
            split = ",",
            paramLabel = "ADDRESS",
            description = "only these validators (default: every active validator)")
    List<String> only;

    @Override
    void run(Session session) {
        long task = owned.id;
        Contributing.Task registered = Contributing.task(session, task);
        byte[] set = session.readFile(heldOut, "--held-out");
        Cid digest = Cid.of(set);
        Cid recorded = Cid.ofDigest(registered.spec().heldOutDigest);
        if (!digest.equals(recorded)) {
            throw new CliException("--held-out " + heldOut + " has sha256 " + digest.digestHex() + ", but task " + task
                    + " was registered with the held-out set of sha256 " + recorded.digestHex()
                    + ": give the file you registered");
        }
        Chain chain = session.chain();
        ValidatorRegistry validators = chain.validators();
        List<String> candidates = new ArrayList<>();
        if (only == null || only.isEmpty()) {
            for (Object account : chain.read(validators.validators())) {
                String address = (String) account;
                if (chain.read(validators.validatorInfo(address)).active) candidates.add(address);
            }
        } else {
            for (String address : only) {
                if (!WalletUtils.isValidAddress(address.strip())) {
                    throw new CliException(
                            "--validators: '" + address + "' is not an address (0x and 40 hex digits)",
                            CliException.USAGE,
                            null);
                }
                candidates.add(address.strip());
            }
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        List<String> withoutKey = new ArrayList<>();
        for (String address : candidates) {
            byte[] key = chain.read(validators.publicKeyOf(address));
            if (key.length == 0) {
                withoutKey.add(address);
            } else {
                keys.put(address, key);
            }
        }
        if (keys.isEmpty()) {
            throw new CliException((candidates.isEmpty()
                            ? "there is no active validator"
                            : "no validator of " + candidates + " has published its public key")
                    + " yet: a validator node publishes it on its first tick; try again then");
        }
        HeldOutEnvelope envelope = HeldOutEnvelope.seal(task, set, keys, new SecureRandom());
        Cid stored = session.ipfs().putVerified(envelope.write());
        ModelRegistry models = chain.models();
        TransactionReceipt receipt = session.send(
                "shareHeldOut",
                chain.addresses().modelRegistry(),
                models.shareHeldOut(BigInteger.valueOf(task), stored.digest()).encodeFunctionCall());
        session.out()
                .println("shared the held-out set of task " + task + " with " + keys.size() + " validator(s) "
                        + keys.keySet() + " as envelope " + stored);
        if (!withoutKey.isEmpty()) {
            session.out()
                    .println("not with " + withoutKey + ": no public key published yet; run this again once they"
                            + " have one");
        }
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
