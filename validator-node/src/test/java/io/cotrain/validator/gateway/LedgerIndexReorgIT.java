package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.http.HttpService;

/**
 * The gateway's event index on a real anvil chain that reorganises, kept in a real PostgreSQL database: only confirmed
 * blocks are read, the events of blocks the chain drops leave the index while those below the fork point stay (not
 * read again), and a restarted index resumes from its checkpoint.
 */
@ExtendWith(AnvilExtension.class)
class LedgerIndexReorgIT {
    private static final int CONFIRMATIONS = 2;

    @Test
    void onlyConfirmedBlocksAreRead_andADroppedBlocksEventsLeaveTheIndex(AnvilNode anvil) throws Exception {
        TestNetwork network = TestNetwork.builder(anvil)
                .admin(DevAccounts.account(0))
                .rewardPool(1_000)
                .validators(List.of(DevAccounts.account(1)))
                .build();
        BigInteger task = network.registerTask("reorganised").id();
        Credentials contributor = network.newContributor(100);
        Credentials kept = network.newContributor(100);
        BigInteger keptId = CotrainProtocol.getContributionSubmittedEvents(network.chain()
                        .protocol(kept)
                        .submitContribution(ContributionKind.MODEL_UPDATE.onChain(), sha256("kept update"), task)
                        .send())
                .getFirst()
                .id;
        List<LiveUpdate> updates = new CopyOnWriteArrayList<>();
        LedgerStore store = new LedgerStore(IndexDatabases.postgresql());
        LedgerIndex index =
                new LedgerIndex(anvil.web3j(), network.addresses(), store, 1_000, CONFIRMATIONS, updates::add);
        index.refresh();

        String beforeSubmission = anvil.snapshot();
        var receipt = network.chain()
                .protocol(contributor)
                .submitContribution(ContributionKind.MODEL_UPDATE.onChain(), sha256("dropped update"), task)
                .send();
        BigInteger id = CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id;
        index.refresh();
        assertThat(index.contribution(id))
                .as("its block has no confirmation yet")
                .isEmpty();
        anvil.mine(CONFIRMATIONS);
        index.refresh();
        assertThat(index.contribution(id)).as("confirmed").isPresent();
        assertThat(index.contributionsOf(task.longValueExact())).hasSize(2);

        anvil.revert(beforeSubmission);
        anvil.mine(CONFIRMATIONS + 3); // a longer chain without the submission
        BigInteger indexed = index.refresh();

        assertThat(index.contribution(id)).as("a dropped block's event").isEmpty();
        assertThat(index.contributionsOf(task.longValueExact()))
                .as("what the new chain still holds, read again")
                .extracting(LedgerIndex.Contribution::id)
                .containsExactly(keptId);
        assertThat(indexed).isEqualTo(anvil.blockNumber().subtract(BigInteger.valueOf(CONFIRMATIONS)));
        assertThat(updates)
                .extracting(update -> update.kind())
                .containsSubsequence(LiveUpdate.Kind.CONTRIBUTION, LiveUpdate.Kind.REORG);
        LiveUpdate reorg = updates.stream()
                .filter(update -> update.kind() == LiveUpdate.Kind.REORG)
                .findFirst()
                .orElseThrow();
        assertThat((BigInteger) reorg.facts().get("rereadFrom"))
                .as("rolled back to the fork point, not to the deployment block")
                .isGreaterThan(network.addresses().deployBlock());

        List<LiveUpdate> afterRestart = new CopyOnWriteArrayList<>();
        LedgerIndex restarted =
                new LedgerIndex(anvil.web3j(), network.addresses(), store, 1_000, CONFIRMATIONS, afterRestart::add);
        assertThat(restarted.lastBlock()).as("resumed from the checkpoint").isEqualTo(indexed);
        anvil.mine(1);
        restarted.refresh();
        assertThat(afterRestart)
                .as("nothing read twice")
                .extracting(LiveUpdate::kind)
                .containsExactly(LiveUpdate.Kind.BLOCK);
        assertThat(restarted.contributionsOf(task.longValueExact()))
                .extracting(LedgerIndex.Contribution::id)
                .containsExactly(keptId);

        // an index whose own view is behind what its database holds (a commit whose answer was lost) reads on from
        // the database's checkpoint: it does not write the same page again
        LedgerIndex behind =
                new LedgerIndex(anvil.web3j(), network.addresses(), store, 1_000, CONFIRMATIONS, update -> {});
        anvil.mine(2);
        BigInteger ahead = restarted.refresh();
        assertThat(behind.refresh()).isEqualTo(ahead);
    }

    /**
     * The chain reorganises between the moment a page's logs are read and the moment its last block's hash is: the
     * logs are of the dropped fork, the hash of the new one. Nothing of that page may be kept.
     */
    @Test
    void aReorganisationWhileAPageIsRead_keepsNothingOfIt_andTheIndexFollowsTheNewChain(AnvilNode anvil)
            throws Exception {
        TestNetwork network = TestNetwork.builder(anvil)
                .admin(DevAccounts.account(0))
                .rewardPool(1_000)
                .validators(List.of(DevAccounts.account(1)))
                .build();
        BigInteger task = network.registerTask("raced").id();
        Credentials contributor = network.newContributor(100);
        LedgerStore store = new LedgerStore(IndexDatabases.h2());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicLong depth = new AtomicLong();
        // the endpoint the index reads: right after it answers a query for logs, the chain drops their blocks
        HttpService racing = new HttpService(anvil.rpcUrl()) {
            @Override
            public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
                T answer = super.send(request, responseType);
                if (request.getMethod().equals("eth_getLogs")
                        && answer instanceof EthLog logs
                        && !logs.getLogs().isEmpty()
                        && armed.getAndSet(false)) {
                    anvil.reorganise(depth.get());
                }
                return answer;
            }
        };
        LedgerIndex index =
                new LedgerIndex(Web3j.build(racing), network.addresses(), store, 1_000, CONFIRMATIONS, update -> {});
        index.refresh();

        var receipt = network.chain()
                .protocol(contributor)
                .submitContribution(ContributionKind.MODEL_UPDATE.onChain(), sha256("raced update"), task)
                .send();
        BigInteger id = CotrainProtocol.getContributionSubmittedEvents(receipt).getFirst().id;
        anvil.mine(CONFIRMATIONS);
        depth.set(anvil.blockNumber().subtract(receipt.getBlockNumber()).longValueExact() + 1);
        armed.set(true);
        BigInteger before = index.lastBlock();

        assertThatThrownBy(index::refresh)
                .as("the page read across the reorganisation")
                .isInstanceOf(ChainUnavailableException.class);
        assertThat(armed).as("the chain reorganised under the read").isFalse();
        assertThat(index.contribution(id)).as("an event of the dropped fork").isEmpty();
        anvil.mine(1);
        index.refresh();
        assertThat(index.contribution(id))
                .as("still: the new fork has no such event")
                .isEmpty();
        assertThat(index.lastBlock()).isGreaterThan(before);
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
