package io.cotrain.cli;

import io.cotrain.client.PlannedCall;
import io.cotrain.client.TransactionPlans;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.ContributionManifest;
import io.cotrain.ipfs.Sealing;
import java.util.HexFormat;
import java.util.Locale;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cotrain reveal}: a contributor publishes the content key of one of its sealed contributions on chain, once
 * its round is finalized, so that anyone can open it. Never required: content stays sealed to the validators until
 * its contributor chooses otherwise.
 */
@Command(
        name = "reveal",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reveal one of your sealed contributions: its content key, unwrapped with your wallet (cotrain train and "
                    + "cotrain submit --dataset seal to it), is checked to open the content and published on chain; "
                    + "anyone can then open the content from IPFS. Only once the contribution's round is finalized, "
                    + "and only if you want to: nothing asks you to."
        })
final class RevealCommand extends ContributorCommand {
    @Option(
            names = "--manifest",
            required = true,
            paramLabel = "DIGEST",
            converter = Arguments.DigestConverter.class,
            description = "the contribution's manifest sha256 (as 'cotrain history' lists it)")
    Arguments.Digest manifest;

    @Override
    void run(Session session) {
        byte[] digest = manifest.bytes();
        ContentStore ipfs = session.ipfs();
        ContributionManifest named = ipfs.fetchManifest(digest);
        String me = session.address().toLowerCase(Locale.ROOT);
        if (!named.contributor().equals(me)) {
            throw new CliException("manifest " + Arguments.hex(digest) + " names contributor " + named.contributor()
                    + ", not this wallet (" + me + "): only a contribution's contributor can reveal it");
        }
        Sealing sealing = named.sealing()
                .orElseThrow(() -> new CliException("manifest " + Arguments.hex(digest) + " is not sealed: its "
                        + "content is open on IPFS already"));
        byte[] contentKey;
        try {
            contentKey = sealing.contentKey(named.binding(), session.wallet().getEcKeyPair());
            // the key published must open the content: checked here, as anyone who uses it will check it
            sealing.open(
                    contentKey,
                    named.binding(),
                    ipfs.fetchArtifact(named.artifacts().getFirst()));
        } catch (Sealing.OpenException e) {
            throw new CliException("manifest " + Arguments.hex(digest) + " cannot be revealed with this wallet: "
                    + e.getMessage() + " (only content sealed to your own wallet, as cotrain train and cotrain submit "
                    + "--dataset seal it, can be)");
        }
        PlannedCall call = TransactionPlans.revealContent(session.chain().protocol(), digest, contentKey);
        TransactionReceipt receipt = session.send(call.description(), call.to(), call.data());
        var revealed = CotrainProtocol.getContentRevealedEvents(receipt).getFirst();
        session.out()
                .println("revealed contribution " + revealed.id + ": anyone can now open "
                        + named.artifacts().getFirst().cid() + " with content key 0x"
                        + HexFormat.of().formatHex(contentKey));
        session.out().println("transaction: " + receipt.getTransactionHash());
    }
}
