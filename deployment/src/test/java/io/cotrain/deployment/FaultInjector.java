package io.cotrain.deployment;

import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.SlashReason;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.contracts.testing.DevAccounts;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Faults injected into a running one-command network while its demo rounds run, each at a moment the chain defines,
 * with real processes: validator node 2 killed (SIGKILL) while it judges a round (its submission window closed, its
 * commit not sent), validator node 3 killed right after its commit transaction is mined, and the IPFS node killed
 * and restarted while the validators fetch a round's contributions. Each is recovered as an operator would
 * ({@code local-network.sh restart-node N}, {@code restart-ipfs}). Afterwards {@link #outcomes} reads from the chain
 * what the faults cost: rounds completed, contributions lost, validator transactions that failed (a transaction sent
 * twice reverts), and the penalties the faulty node took in the faulted round.
 */
final class FaultInjector implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How {@link Outcomes#doubleSentValidatorTxs} marks a call mined successfully more than once. */
    static final String TOOK_EFFECT_TWICE = "took effect twice";

    /** The faults, in the order they are injected, one round each. */
    enum Kind {
        KILL_WHILE_JUDGING("validator node 2 killed while judging", 2),
        KILL_AFTER_COMMIT("validator node 3 killed right after its commit is mined", 3),
        IPFS_RESTART("IPFS node killed and restarted while validators fetch", 0);

        final String title;
        /** The validator node the fault hits (1..3), 0 for none. */
        final int node;

        Kind(String title, int node) {
            this.title = title;
            this.node = node;
        }

        String validator() {
            return DevAccounts.account(node).getAddress().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A fault as injected: the protocol round it hit, the block it was injected at, and how long from the kill until
     * the restarted process answered ready.
     */
    record Injected(Kind kind, BigInteger round, BigInteger block, Duration recovery) {}

    private final LocalNetworkRun network;
    private final Web3j web3j;
    private final DeploymentAddresses addresses;
    private final BigInteger firstBlock;
    private final List<Injected> injected = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final String startLine;
    private volatile boolean stopped;

    private FaultInjector(LocalNetworkRun network, String startLine) throws IOException {
        this.network = network;
        this.startLine = startLine;
        this.web3j = network.chain().web3j();
        this.addresses = DeploymentAddresses.read(network.addressesFile);
        this.firstBlock = web3j.ethBlockNumber().send().getBlockNumber();
        this.thread = Thread.ofPlatform().name("fault-injector").daemon().unstarted(this::injectAll);
    }

    /**
     * Starts injecting, in the background, into the network's rounds with contributions that come after the script
     * printed {@code startLine}.
     */
    static FaultInjector start(LocalNetworkRun network, String startLine) throws IOException {
        FaultInjector injector = new FaultInjector(network, startLine);
        injector.thread.start();
        return injector;
    }

    /** @return the faults injected so far; throws what went wrong while injecting */
    List<Injected> injected() {
        if (!failures.isEmpty()) throw new AssertionError("injecting faults failed", failures.getFirst());
        return List.copyOf(injected);
    }

    private void injectAll() {
        try {
            while (!stopped && !network.output().contains(startLine)) Thread.sleep(POLL);
            ChainView chain = new ChainView();
            chain.read();
            // rounds with contributions so far are before the start
            BigInteger previous = chain.roundsWithContributions().stream()
                    .max(BigInteger::compareTo)
                    .orElse(BigInteger.ZERO);
            for (Kind kind : Kind.values()) {
                BigInteger round = null;
                while (!stopped && (round = dueRound(chain, kind, previous)) == null) Thread.sleep(POLL);
                if (stopped) return;
                BigInteger block = chain.head;
                Instant start = Instant.now();
                inject(kind);
                injected.add(new Injected(kind, round, block, Duration.between(start, Instant.now())));
                System.out.printf("fault injected: %s in round %s at block %s%n", kind.title, round, block);
                previous = round;
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (Throwable failure) {
            failures.add(failure);
        }
    }

    /**
     * @return the round whose moment for {@code kind} is now: the first round after {@code previous} with
     *     contributions whose moment has not passed; null if that moment has not come yet
     */
    private static BigInteger dueRound(ChainView chain, Kind kind, BigInteger previous) throws IOException {
        chain.read();
        return chain.roundsWithContributions().stream()
                .filter(round -> round.compareTo(previous) > 0)
                .filter(round -> !chain.momentPassed(kind, round))
                .findFirst()
                .filter(round -> chain.momentCame(kind, round))
                .orElse(null);
    }

    private void inject(Kind kind) throws Exception {
        if (kind.node > 0) {
            long pid = network.recordedPids().get("validator-" + kind.node);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
            network.command("restart-node", Integer.toString(kind.node));
            network.awaitNodeReady(kind.node, Duration.ofMinutes(2));
        } else {
            network.command("restart-ipfs");
        }
    }

    /** The protocol's rounds, contributions and score commits, as read so far. */
    private final class ChainView {
        private final Map<BigInteger, BigInteger> submissionEnds = new TreeMap<>();
        private final Set<BigInteger> withContributions = new HashSet<>();
        private final Set<String> commits = new HashSet<>();
        private BigInteger readUpTo = firstBlock.subtract(BigInteger.ONE);
        private BigInteger head = firstBlock;

        void read() throws IOException {
            head = web3j.ethBlockNumber().send().getBlockNumber();
            if (head.compareTo(readUpTo) <= 0) return;
            List<Event> events = List.of(
                    CotrainProtocol.ROUNDOPENED_EVENT,
                    CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
                    CotrainProtocol.SCORESCOMMITTED_EVENT);
            for (Log log : logs(addresses.protocol(), events, readUpTo.add(BigInteger.ONE), head)) {
                String topic = log.getTopics().getFirst();
                if (topic.equals(EventEncoder.encode(CotrainProtocol.ROUNDOPENED_EVENT))) {
                    var opened = CotrainProtocol.getRoundOpenedEventFromLog(log);
                    submissionEnds.put(opened.round, opened.submissionEndBlock);
                } else if (topic.equals(EventEncoder.encode(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT))) {
                    withContributions.add(CotrainProtocol.getContributionSubmittedEventFromLog(log).round);
                } else if (topic.equals(EventEncoder.encode(CotrainProtocol.SCORESCOMMITTED_EVENT))) {
                    var committed = CotrainProtocol.getScoresCommittedEventFromLog(log);
                    commits.add(committed.round + "/" + committed.validator.toLowerCase(Locale.ROOT));
                }
            }
            readUpTo = head;
        }

        List<BigInteger> roundsWithContributions() {
            return submissionEnds.keySet().stream()
                    .filter(withContributions::contains)
                    .toList();
        }

        private boolean submissionClosed(BigInteger round) {
            return head.compareTo(submissionEnds.get(round)) >= 0;
        }

        private boolean committed(BigInteger round, Kind kind) {
            return commits.contains(round + "/" + kind.validator());
        }

        /** The fault's moment in the round is now. */
        boolean momentCame(Kind kind, BigInteger round) {
            return switch (kind) {
                case KILL_WHILE_JUDGING -> submissionClosed(round) && !committed(round, kind);
                case KILL_AFTER_COMMIT -> committed(round, kind);
                case IPFS_RESTART -> submissionClosed(round);
            };
        }

        /** The fault's moment in the round is over: it is injected in a later round. */
        boolean momentPassed(Kind kind, BigInteger round) {
            return switch (kind) {
                case KILL_WHILE_JUDGING -> committed(round, kind);
                // the node must be killed at its commit, not long after
                case KILL_AFTER_COMMIT, IPFS_RESTART -> false;
            };
        }
    }

    /** What the faults cost, read from the chain once the rounds are over. */
    record Outcome(
            Injected fault,
            boolean quorumReached,
            long contributionsLost,
            boolean targetCommitted,
            boolean targetRevealed,
            Map<String, Map<SlashReason, BigInteger>> penaltiesByValidator) {

        /** @return the penalties the faulty node took in the round */
        Map<SlashReason, BigInteger> targetPenalties() {
            return fault.kind().node == 0
                    ? Map.of()
                    : penaltiesByValidator.getOrDefault(fault.kind().validator(), Map.of());
        }
    }

    /**
     * What the whole run cost: per fault, and over the run the validator transactions sent twice (the same call from
     * the same node more than once) and those that reverted (a lost race, such as an attestation a quorum overtook).
     */
    record Outcomes(
            List<Outcome> faults,
            long roundsCompleted,
            long contributionsLost,
            List<String> doubleSentValidatorTxs,
            long revertedValidatorTxs) {}

    /** Reads the faults' outcomes from the chain, from the block the injector started at to the head. */
    Outcomes outcomes() throws IOException {
        BigInteger head = web3j.ethBlockNumber().send().getBlockNumber();
        Set<BigInteger> submitted = new HashSet<>();
        Map<BigInteger, BigInteger> roundOf = new TreeMap<>();
        Set<BigInteger> finalized = new HashSet<>();
        Map<BigInteger, Boolean> quorum = new TreeMap<>();
        Set<String> commits = new HashSet<>();
        Set<String> reveals = new HashSet<>();
        List<Event> events = List.of(
                CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
                CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT,
                CotrainProtocol.ROUNDFINALIZED_EVENT,
                CotrainProtocol.SCORESCOMMITTED_EVENT,
                CotrainProtocol.SCORESREVEALED_EVENT);
        for (Log log : logs(addresses.protocol(), events, firstBlock, head)) {
            String topic = log.getTopics().getFirst();
            if (topic.equals(EventEncoder.encode(CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT))) {
                var event = CotrainProtocol.getContributionSubmittedEventFromLog(log);
                submitted.add(event.id);
                roundOf.put(event.id, event.round);
            } else if (topic.equals(EventEncoder.encode(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT))) {
                finalized.add(CotrainProtocol.getContributionFinalizedEventFromLog(log).id);
            } else if (topic.equals(EventEncoder.encode(CotrainProtocol.ROUNDFINALIZED_EVENT))) {
                var event = CotrainProtocol.getRoundFinalizedEventFromLog(log);
                quorum.put(event.round, event.quorumReached);
            } else if (topic.equals(EventEncoder.encode(CotrainProtocol.SCORESCOMMITTED_EVENT))) {
                var event = CotrainProtocol.getScoresCommittedEventFromLog(log);
                commits.add(event.round + "/" + event.validator.toLowerCase(Locale.ROOT));
            } else if (topic.equals(EventEncoder.encode(CotrainProtocol.SCORESREVEALED_EVENT))) {
                var event = CotrainProtocol.getScoresRevealedEventFromLog(log);
                reveals.add(event.round + "/" + event.validator.toLowerCase(Locale.ROOT));
            }
        }
        Map<BigInteger, Map<String, Map<SlashReason, BigInteger>>> penalties = new TreeMap<>();
        List<Event> slashes = List.of(ValidatorRegistry.VALIDATORSLASHED_EVENT);
        for (Log log : logs(addresses.validatorRegistry(), slashes, firstBlock, head)) {
            var slash = ValidatorRegistry.getValidatorSlashedEventFromLog(log);
            penalties
                    .computeIfAbsent(slash.round, r -> new TreeMap<>())
                    .computeIfAbsent(slash.validator.toLowerCase(Locale.ROOT), v -> new TreeMap<>())
                    .merge(SlashReason.of(slash.reason), slash.amount, BigInteger::add);
        }
        List<Outcome> faults = new ArrayList<>();
        for (Injected fault : injected()) {
            long lost = submitted.stream()
                    .filter(id -> roundOf.get(id).equals(fault.round()))
                    .filter(id -> !finalized.contains(id))
                    .count();
            String key =
                    fault.round() + "/" + (fault.kind().node > 0 ? fault.kind().validator() : "");
            faults.add(new Outcome(
                    fault,
                    quorum.getOrDefault(fault.round(), false),
                    lost,
                    commits.contains(key),
                    reveals.contains(key),
                    penalties.getOrDefault(fault.round(), Map.of())));
        }
        long roundsCompleted =
                quorum.values().stream().filter(reached -> reached).count();
        long lost = submitted.stream().filter(id -> !finalized.contains(id)).count();
        ValidatorTransactions transactions = validatorTransactions(head);
        return new Outcomes(faults, roundsCompleted, lost, transactions.doubleSent(), transactions.reverted());
    }

    private record ValidatorTransactions(List<String> doubleSent, long reverted) {}

    /** Reads every transaction the three validator nodes sent during the run, with its receipt. */
    private ValidatorTransactions validatorTransactions(BigInteger head) throws IOException {
        Set<String> validators = new HashSet<>();
        for (int node = 1; node <= 3; node++) {
            validators.add(DevAccounts.account(node).getAddress().toLowerCase(Locale.ROOT));
        }
        Map<String, BigInteger> calls = new HashMap<>();
        Map<String, Boolean> succeeded = new HashMap<>();
        List<String> doubleSent = new ArrayList<>();
        long reverted = 0;
        for (BigInteger number = firstBlock; number.compareTo(head) <= 0; number = number.add(BigInteger.ONE)) {
            EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), true)
                    .send()
                    .getBlock();
            for (EthBlock.TransactionResult<?> result : block.getTransactions()) {
                var transaction = (EthBlock.TransactionObject) result.get();
                String from = transaction.getFrom().toLowerCase(Locale.ROOT);
                if (!validators.contains(from)) continue;
                TransactionReceipt receipt = web3j.ethGetTransactionReceipt(transaction.getHash())
                        .send()
                        .getTransactionReceipt()
                        .orElseThrow();
                if (!receipt.isStatusOK()) reverted++;
                String call = from + " " + transaction.getTo() + " " + transaction.getInput();
                BigInteger first = calls.putIfAbsent(call, number);
                boolean tookEffectBefore = succeeded.getOrDefault(call, false);
                if (receipt.isStatusOK()) succeeded.put(call, true);
                if (first != null) {
                    doubleSent.add(String.format(
                            "%s sent %s to %s in blocks %s and %s (%s)",
                            from,
                            transaction
                                    .getInput()
                                    .substring(
                                            0,
                                            Math.min(10, transaction.getInput().length())),
                            transaction.getTo(),
                            first,
                            number,
                            tookEffectBefore && receipt.isStatusOK() ? TOOK_EFFECT_TWICE : "at most one took effect"));
                }
            }
        }
        return new ValidatorTransactions(doubleSent, reverted);
    }

    private List<Log> logs(String address, List<Event> events, BigInteger from, BigInteger to) {
        return new EventReader(EventReader.of(web3j), 10_000).read(EventQuery.of(events, address), from, to);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
