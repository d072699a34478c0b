package io.cotrain.oracle.scoring;

import io.cotrain.client.DurableNumber;
import io.cotrain.client.EventReader;
import io.cotrain.client.FeePolicy;
import io.cotrain.client.ProtocolEventFollower;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.client.RetryPolicy;
import io.cotrain.client.RevertDecoder;
import io.cotrain.client.TransactionListener;
import io.cotrain.client.TransactionSender;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.ProtocolParameter;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.oracle.aggregation.AggregationRule;
import io.cotrain.oracle.aggregation.FedAvg;
import io.cotrain.oracle.aggregation.Parallelism;
import io.cotrain.oracle.evaluation.DatasetEvaluator;
import io.cotrain.oracle.evaluation.ModelUpdateEvaluator;
import io.cotrain.oracle.valuation.ValueScore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * Wires a validator's parts into a {@link ValidatorLoop}: the one place that knows how chain access, IPFS,
 * evaluation and the data directory fit together, used by the validator node service and by tests alike.
 *
 * <p>Data directory layout: {@code checkpoint} (last processed block), {@code round-cursor} (first round not yet
 * seen finalized), {@code journal/} (scores and salts per round, owner-only), {@code evaluations/} (one judgement per
 * contribution), {@code models/} (the global models this node computed, by sha256), {@code updates/} (the admitted
 * updates of recent rounds, for valuing them: {@link UpdateStore}), {@code artifacts/} (the earliest
 * contribution to submit each artifact, by sha256, for flooring copies: rebuilt from the chain's events and the
 * manifests on IPFS when missing), {@code held-out/} (held-out sets an operator provides or owners send encrypted to
 * this validator, found by their sha256: the node takes up each registered task whose set is there, see
 * {@link DiscoveryDuty} and {@link InboxDuty}), {@code held-out-cursor} (the first block of held-out announcements
 * not read yet).
 */
public final class ValidatorNode {
    /**
     * @param confirmations blocks on top of a block before its events are read
     * @param maxBlocksPerQuery the widest eth_getLogs range
     * @param receiptTimeout how long to wait for a transaction to be mined
     * @param tip the EIP-1559 priority fee per gas, in wei
     * @param loop finalize paging and turns
     * @param fetching how a round's content is fetched from IPFS: deadline, fetches in flight, health probe
     * @param takeUp which registered tasks the node takes up by itself when their held-out sets arrive
     */
    public record Options(
            int confirmations,
            int maxBlocksPerQuery,
            Duration receiptTimeout,
            BigInteger tip,
            ValidatorLoop.Settings loop,
            ContentFetching fetching,
            TakeUpPolicy takeUp) {
        /** Options with the default {@link TakeUpPolicy}. */
        public Options(
                int confirmations,
                int maxBlocksPerQuery,
                Duration receiptTimeout,
                BigInteger tip,
                ValidatorLoop.Settings loop,
                ContentFetching fetching) {
            this(confirmations, maxBlocksPerQuery, receiptTimeout, tip, loop, fetching, TakeUpPolicy.defaults());
        }

        /** Options with the default {@link ContentFetching} and {@link TakeUpPolicy}. */
        public Options(
                int confirmations,
                int maxBlocksPerQuery,
                Duration receiptTimeout,
                BigInteger tip,
                ValidatorLoop.Settings loop) {
            this(confirmations, maxBlocksPerQuery, receiptTimeout, tip, loop, ContentFetching.defaults());
        }

        public static Options defaults() {
            return new Options(
                    2,
                    5_000,
                    Duration.ofMinutes(2),
                    BigInteger.valueOf(1_000_000_000L),
                    ValidatorLoop.Settings.defaults());
        }
    }

    private ValidatorNode() {}

    /**
     * @param web3j the chain
     * @param chainId its id (checked against the deployment)
     * @param deployment where the contracts are
     * @param key the validator's signing key
     * @param content the IPFS content store
     * @param tasks the tasks it evaluates
     * @param dataDirectory its own directory for durable state
     * @return the loop, ready to tick
     */
    public static ValidatorLoop assemble(
            Web3j web3j,
            long chainId,
            DeploymentAddresses deployment,
            Credentials key,
            ContentStore content,
            TaskCatalog tasks,
            Path dataDirectory,
            Options options,
            ScoringListener scoring,
            TransactionListener transactions) {
        if (deployment.chainId() != chainId) {
            throw new IllegalArgumentException("the deployment file is for chain " + deployment.chainId()
                    + " but the RPC endpoint serves chain " + chainId);
        }
        PrivateFiles.directory(dataDirectory);
        RetryPolicy retry = RetryPolicy.defaults();
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, deployment, key.getAddress());
        CotrainProtocol protocol = contracts.protocol();
        ValidatorRegistry registry = contracts.validators();
        TransactionSender sender = new TransactionSender(
                web3j,
                key,
                chainId,
                FeePolicy.baseFeeTimesTwoPlus(options.tip()),
                retry,
                RevertDecoder.forCotrainContracts(),
                options.receiptTimeout(),
                transactions);
        ProtocolEventFollower follower = new ProtocolEventFollower(
                web3j,
                deployment.protocol(),
                deployment.deployBlock(),
                options.confirmations(),
                options.maxBlocksPerQuery(),
                new DurableNumber(dataDirectory.resolve("checkpoint")),
                retry);
        ChainReads chain = new ChainReads(retry);
        GlobalModels globalModels = new GlobalModels(
                block -> {
                    ModelRegistry atBlock = ReadOnlyContracts.of(web3j, deployment, key.getAddress())
                            .models();
                    atBlock.setDefaultBlockParameter(block);
                    return atBlock;
                },
                content,
                tasks,
                dataDirectory,
                chain);
        ContributionEvents history = new ContributionEvents(
                web3j, deployment.protocol(), deployment.deployBlock(), options.maxBlocksPerQuery(), retry);
        UpdateStore updates = new UpdateStore(dataDirectory);
        ModelRegistry models = contracts.models();
        var chainPort = new Web3jValidatorChain(
                web3j,
                protocol,
                registry,
                models,
                chainId,
                sender,
                key.getEcKeyPair().getPublicKey(),
                retry,
                new EventReader(EventReader.of(web3j, retry), options.maxBlocksPerQuery()));
        SealingFaultOutbox faults = new SealingFaultOutbox(dataDirectory);
        SealedArtifacts sealed = new SealedArtifacts(key.getEcKeyPair(), chainPort::sealingRecipients, faults);
        ContributionScorer scorer = new ContributionScorer(
                content,
                tasks,
                globalModels,
                new ModelUpdateEvaluator(),
                new DatasetEvaluator(),
                Clock.systemUTC(),
                new ArtifactIndex(dataDirectory),
                updates,
                history,
                new ChainRoundDeadlines(web3j, protocol, chain, options.fetching()),
                options.fetching(),
                sealed);
        RoundContributions roundContributions =
                new RoundContributions(history, submissionWindow(web3j, protocol, chain));
        Path heldOut = PrivateFiles.directory(dataDirectory.resolve("held-out"));
        // an envelope holds the set base64-encoded, plus a few hundred bytes per recipient
        TaskDocuments documents =
                TaskDocuments.ipfs(content, globalModels, tasks.limits().maxDatasetBytes() * 4 / 3 + (1 << 20));
        IpfsModelStore modelStore = new IpfsModelStore(globalModels, content, sealed);
        ModelCommitter committer = new ModelCommitter(chainPort, modelStore, tasks, roundContributions);
        EvaluationStore evaluations = new EvaluationStore(dataDirectory);
        RoundValuer valuer =
                new RoundValuer(updates, evaluations, globalModels, terms(protocol, models, chain), Clock.systemUTC());
        return new ValidatorLoop(
                chainPort,
                follower,
                scorer,
                evaluations,
                new ScoreJournal(dataDirectory),
                new DurableNumber(dataDirectory.resolve("round-cursor")),
                options.loop(),
                scoring,
                Clock.systemUTC(),
                committer,
                roundContributions,
                valuer,
                new InboxDuty(
                        HeldOutShares.events(web3j, deployment.modelRegistry(), options.maxBlocksPerQuery(), retry),
                        chainPort,
                        chainPort,
                        tasks,
                        documents,
                        key.getEcKeyPair(),
                        heldOut,
                        new DurableNumber(dataDirectory.resolve("held-out-cursor")),
                        deployment.deployBlock(),
                        options.confirmations()),
                new DiscoveryDuty(
                        chainPort,
                        tasks,
                        new HeldOutDirectory(heldOut, tasks.limits().maxDatasetBytes()),
                        documents,
                        options.takeUp()),
                new BindingDuty(chainPort, tasks),
                new BaseMetricsDuty(chainPort, modelStore, tasks),
                new SealingFaultDuty(chainPort, faults),
                new SealingFaultCheck(chainPort, content));
    }

    /** A round's score scale from its parameters; a task's rule from its registry entry (FedAvg if it has none). */
    private static RoundValuer.Terms terms(CotrainProtocol protocol, ModelRegistry models, ChainReads chain) {
        return new RoundValuer.Terms() {
            @Override
            public ValueScore.Scale scale(BigInteger round) {
                return new ValueScore.Scale(
                        parameter(round, ProtocolParameter.NEUTRAL_SCORE),
                        parameter(round, ProtocolParameter.SLASH_THRESHOLD_SCORE));
            }

            @Override
            public AggregationRule rule(long taskId) {
                BigInteger task = BigInteger.valueOf(taskId);
                if (task.compareTo(chain.read(
                                "modelCount", () -> models.modelCount().send()))
                        > 0) return new FedAvg();
                ModelRegistry.ModelSpec spec = chain.read(
                                "model(" + taskId + ")",
                                () -> models.model(task).send())
                        .component1();
                return ModelCommitter.ruleOf(spec, Parallelism.sequential());
            }

            private int parameter(BigInteger round, ProtocolParameter which) {
                return chain.read(
                                "roundParameter(" + round + ", " + which + ")",
                                () -> protocol.roundParameter(round, which.index())
                                        .send())
                        .intValueExact();
            }
        };
    }

    /** A round's submissions lie in its submission window, which a pause can stretch: twice its length is searched. */
    private static RoundContributions.Window submissionWindow(Web3j web3j, CotrainProtocol protocol, ChainReads chain) {
        return (round, info) -> {
            BigInteger length = chain.read(
                    "roundParameter(" + round + ", SubmissionBlocks)",
                    () -> protocol.roundParameter(round, ProtocolParameter.SUBMISSION_BLOCKS.index())
                            .send());
            BigInteger latest = chain.read(
                    "blockNumber", () -> web3j.ethBlockNumber().send().getBlockNumber());
            return new BigInteger[] {
                info.submissionEndBlock.subtract(length.shiftLeft(1)), latest.min(info.submissionEndBlock)
            };
        };
    }
}
