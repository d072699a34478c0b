package io.cotrain.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.client.EventQuery;
import io.cotrain.client.EventReader;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.RoundPhase;
import io.cotrain.contracts.SlashReason;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.contracts.generated.ValidatorRegistry;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.deployment.demo.DemoTask;
import io.cotrain.testing.Await;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * commit not sent), validator node 3 killed right after its commit transaction is mined, validator node 1 killed as
 * the round is finalized (while it aggregates the round's updates and attests the next global model), node 1's RPC
 * endpoint cut for 30 seconds while a round takes submissions (a {@link TcpProxy} between it and anvil), the IPFS
 * node killed and restarted while the validators fetch a round's contributions, and the chain's last blocks
 * reorganised away ({@code anvil_reorg}: replaced by empty blocks) right after a round is finalized, under the running
 * nodes and their gateways. Each is recovered as an operator would ({@code local-network.sh restart-node N},
 * {@code restart-ipfs}), the RPC cut by restoring the endpoint, the reorganisation by the nodes alone. Afterwards
 * {@link #outcomes} reads from the chain what the faults cost: rounds completed, contributions lost, validator
 * transactions that failed (a transaction sent twice reverts), the penalties the faulty node took in the faulted
 * round, whether the round's global model was recorded, and where a node's gateway API disagrees with the chain.
 */
final class FaultInjector implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the RPC endpoint stays unreachable. */
    static final Duration RPC_OUTAGE = Duration.ofSeconds(30);
    /** How {@link Outcomes#doubleSentValidatorTxs} marks a call mined successfully more than once. */
    static final String TOOK_EFFECT_TWICE = "took effect twice";

    /** The faults, in the order they are injected, one round each. */
    enum Kind {
        KILL_WHILE_JUDGING("validator node 2 killed while judging", 2, false),
        KILL_AFTER_COMMIT("validator node 3 killed right after its commit is mined", 3, false),
        KILL_WHILE_ATTESTING("validator node 1 killed while it aggregates and attests", 1, true),
        RPC_CUT("validator node 1's RPC endpoint unreachable for 30 s", 1, false),
        IPFS_RESTART("IPFS node killed and restarted while validators fetch", 0, false),
        REORG("last blocks reorganised away right after a round is finalized", 0, true);

        final String title;
        /** The validator node the fault hits (1..3), 0 for none. */
        final int node;
        /** Its moment may come in the round the fault before it hit (it is after that fault's moment there). */
        final boolean sharesRound;

        Kind(String title, int node, boolean sharesRound) {
            this.title = title;
            this.node = node;
            this.sharesRound = sharesRound;
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
    private final TcpProxy node1Rpc;
    private final Web3j web3j;
    private final DeploymentAddresses addresses;
    private final BigInteger firstBlock;
    private final List<Injected> injected = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final String startLine;
    private volatile boolean stopped;

    private FaultInjector(LocalNetworkRun network, String startLine, TcpProxy node1Rpc) throws IOException {
        this.network = network;
        this.node1Rpc = node1Rpc;
        this.startLine = startLine;
        this.web3j = network.chain().web3j();
        this.addresses = DeploymentAddresses.read(network.addressesFile);
        this.firstBlock = web3j.ethBlockNumber().send().getBlockNumber();
        this.thread = Thread.ofPlatform().name("fault-injector").daemon().unstarted(this::injectAll);
    }

    /**
     * Starts injecting, in the background, into the network's rounds with contributions that come after the script
     * printed {@code startLine}.
     *
     * @param node1Rpc the proxy between validator node 1 and anvil ({@code COTRAIN_NODE_1_RPC_URL})
     */
    static FaultInjector start(LocalNetworkRun network, String startLine, TcpProxy node1Rpc) throws IOException {
        FaultInjector injector = new FaultInjector(network, startLine, node1Rpc);
        injector.thread.start();
        return injector;
    }

    /**
     * Waits until every fault is injected and recovered from: the last can come after the demo's last round.
     *
     * @throws AssertionError if that takes longer than {@code timeout}, or injecting failed
     */
    void awaitAllInjected(Duration timeout) throws InterruptedException {
        thread.join(timeout);
        if (thread.isAlive()) {
            throw new AssertionError("faults still being injected after " + timeout + "; injected: " + injected());
        }
        injected();
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
                Instant recovering = inject(kind, round, chain);
                injected.add(new Injected(kind, round, block, Duration.between(recovering, Instant.now())));
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
                .filter(round -> round.compareTo(previous) > 0 || kind.sharesRound && round.equals(previous))
                .filter(round -> !chain.momentPassed(kind, round))
                .findFirst()
                .filter(round -> chain.momentCame(kind, round))
                .orElse(null);
    }

    /** Injects the fault and recovers from it; returns when recovery began (the kill, or the RPC's return). */
    private Instant inject(Kind kind, BigInteger round, ChainView chain) throws Exception {
        Instant start = Instant.now();
        switch (kind) {
            case KILL_WHILE_JUDGING, KILL_AFTER_COMMIT, KILL_WHILE_ATTESTING -> {
                long pid = network.recordedPids().get("validator-" + kind.node);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
                ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
                network.command("restart-node", Integer.toString(kind.node));
            }
            case RPC_CUT -> {
                node1Rpc.cut();
                Thread.sleep(RPC_OUTAGE);
                node1Rpc.restore();
                start = Instant.now();
                // recovered once the node has handled the blocks mined while it was cut off
                BigInteger back = web3j.ethBlockNumber().send().getBlockNumber();
                URI status = URI.create("http://127.0.0.1:" + network.nodePorts.getFirst() + "/status");
                Await.until(
                        "validator node 1 reads the chain again",
                        Duration.ofMinutes(2),
                        () -> JSON.readTree(get(status))
                                        .get("lastProcessedBlock")
                                        .bigIntegerValue()
                                        .compareTo(back)
                                >= 0);
            }
            case IPFS_RESTART -> network.command("restart-ipfs");
            case REORG -> reorganise(round, chain.finalizedAt.get(round));
        }
        if (kind.node > 0) network.awaitNodeReady(kind.node, Duration.ofMinutes(2));
        return start;
    }

    /**
     * Replaces the blocks from the one that finalized {@code round} to the head (at least the last two) with empty
     * blocks, as a reorganisation of the chain does, and waits until the nodes have finalized the round again.
     */
    private void reorganise(BigInteger round, BigInteger finalizedAt) throws Exception {
        BigInteger head = web3j.ethBlockNumber().send().getBlockNumber();
        long depth = Math.max(2, head.subtract(finalizedAt).longValueExact() + 1);
        String reply = rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_reorg\",\"params\":[" + depth + ",[]]}");
        if (reply.contains("\"error\"")) throw new IllegalStateException("anvil_reorg failed: " + reply);
        System.out.printf(
                "fault: %d blocks from %s reorganised away (round %s finalized in %s)%n",
                depth, head.subtract(BigInteger.valueOf(depth - 1)), round, finalizedAt);
        Instant reorganised = Instant.now();
        CotrainProtocol protocol = network.chain().protocol(DevAccounts.account(0));
        Await.until(
                "round " + round + " finalized again",
                Duration.ofMinutes(2),
                () -> RoundPhase.of(protocol.roundInfo(round).send().phase) == RoundPhase.FINALIZED);
        // a node that waited for the receipt of a transaction the reorganisation dropped stalled all its duties
        for (int node = 1; node <= network.nodePorts.size(); node++) {
            URI live = URI.create("http://127.0.0.1:" + network.nodePorts.get(node - 1) + "/q/health/live");
            Await.until(
                    "validator node " + node + " ends a tick after the reorganisation",
                    Duration.ofSeconds(30),
                    () -> tickEndedAfter(JSON.readTree(get(live)), reorganised));
        }
    }

    private static boolean tickEndedAfter(JsonNode liveness, Instant instant) {
        for (JsonNode check : liveness.get("checks")) {
            JsonNode ended = check.path("data").path("lastTickEnded");
            if (!ended.isMissingNode() && Instant.parse(ended.asText()).isAfter(instant)) return true;
        }
        return false;
    }

    private String rpc(String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.rpcPort))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** The protocol's rounds, contributions and score commits, as read so far. */
    private final class ChainView {
        private final Map<BigInteger, BigInteger> submissionEnds = new TreeMap<>();
        private final Set<BigInteger> withContributions = new HashSet<>();
        private final Set<String> commits = new HashSet<>();
        private final Map<BigInteger, BigInteger> finalizedAt = new HashMap<>();
        private BigInteger readUpTo = firstBlock.subtract(BigInteger.ONE);
        private BigInteger head = firstBlock;

        void read() throws IOException {
            head = web3j.ethBlockNumber().send().getBlockNumber();
            if (head.compareTo(readUpTo) <= 0) return;
            List<Event> events = List.of(
                    CotrainProtocol.ROUNDOPENED_EVENT,
                    CotrainProtocol.CONTRIBUTIONSUBMITTED_EVENT,
                    CotrainProtocol.SCORESCOMMITTED_EVENT,
                    CotrainProtocol.ROUNDFINALIZED_EVENT);
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
                } else if (topic.equals(EventEncoder.encode(CotrainProtocol.ROUNDFINALIZED_EVENT))) {
                    finalizedAt.put(CotrainProtocol.getRoundFinalizedEventFromLog(log).round, log.getBlockNumber());
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
                case KILL_WHILE_ATTESTING, REORG -> finalizedAt.containsKey(round);
                case RPC_CUT -> !submissionClosed(round);
                case IPFS_RESTART -> submissionClosed(round);
            };
        }

        /** The fault's moment in the round is over: it is injected in a later round. */
        boolean momentPassed(Kind kind, BigInteger round) {
            return switch (kind) {
                case KILL_WHILE_JUDGING -> committed(round, kind);
                case RPC_CUT -> submissionClosed(round);
                // the node must be killed at its commit or the round's end, not long after
                case KILL_AFTER_COMMIT, KILL_WHILE_ATTESTING, IPFS_RESTART, REORG -> false;
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
            Map<String, Map<SlashReason, BigInteger>> penaltiesByValidator,
            boolean modelCommitRecorded) {

        /** @return the penalties the faulty node took in the round */
        Map<SlashReason, BigInteger> targetPenalties() {
            return fault.kind().node == 0
                    ? Map.of()
                    : penaltiesByValidator.getOrDefault(fault.kind().validator(), Map.of());
        }
    }

    /**
     * What the whole run cost: per fault, and over the run the validator transactions sent twice (the same call from
     * the same node more than once), those that reverted (a lost race, such as an attestation a quorum overtook), and
     * every figure a node's gateway API shows for a finalized round that the chain's events do not (an event its index
     * processed twice, or one it kept from blocks reorganised away).
     */
    record Outcomes(
            List<Outcome> faults,
            long roundsCompleted,
            long contributionsLost,
            List<String> doubleSentValidatorTxs,
            long revertedValidatorTxs,
            List<String> gatewayDisagreements) {}

    /** Reads the faults' outcomes from the chain, from the block the injector started at to the head. */
    Outcomes outcomes() throws Exception {
        BigInteger head = web3j.ethBlockNumber().send().getBlockNumber();
        Set<BigInteger> submitted = new HashSet<>();
        Map<BigInteger, BigInteger> roundOf = new TreeMap<>();
        Set<BigInteger> finalized = new HashSet<>();
        Map<BigInteger, Boolean> quorum = new TreeMap<>();
        Set<String> commits = new HashSet<>();
        Set<String> reveals = new HashSet<>();
        Set<BigInteger> recordedRounds = new HashSet<>();
        for (Log log : logs(addresses.modelRegistry(), List.of(ModelRegistry.COMMITRECORDED_EVENT), firstBlock, head)) {
            recordedRounds.add(ModelRegistry.getCommitRecordedEventFromLog(log).round);
        }
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
                    penalties.getOrDefault(fault.round(), Map.of()),
                    recordedRounds.contains(fault.round())));
        }
        long roundsCompleted =
                quorum.values().stream().filter(reached -> reached).count();
        long lost = submitted.stream().filter(id -> !finalized.contains(id)).count();
        ValidatorTransactions transactions = validatorTransactions(head);
        return new Outcomes(
                faults,
                roundsCompleted,
                lost,
                transactions.doubleSent(),
                transactions.reverted(),
                gatewayDisagreements(head));
    }

    /**
     * Compares every finalized round each node's gateway shows ({@code /models/{task}/rounds}) with the chain's
     * settlement events: each contribution's consensus score, reward and slash, each validator's agreements,
     * deviations and reward. Waits first until every gateway has indexed the last faulted round.
     */
    private List<String> gatewayDisagreements(BigInteger head) throws Exception {
        Map<String, String> chain = new TreeMap<>();
        List<Event> settlements =
                List.of(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT, CotrainProtocol.VALIDATORSCORED_EVENT);
        Map<String, BigInteger[]> validators = new TreeMap<>();
        for (Log log : logs(addresses.protocol(), settlements, BigInteger.ZERO, head)) {
            if (log.getTopics().getFirst().equals(EventEncoder.encode(CotrainProtocol.CONTRIBUTIONFINALIZED_EVENT))) {
                var event = CotrainProtocol.getContributionFinalizedEventFromLog(log);
                chain.put("contribution " + event.id, event.consensusScore + " " + event.reward + " " + event.slashed);
            } else {
                var event = CotrainProtocol.getValidatorScoredEventFromLog(log);
                // a round's finalize pages each credit their part
                BigInteger[] sums = validators.computeIfAbsent(
                        "round " + event.round + " validator " + event.validator.toLowerCase(Locale.ROOT),
                        key -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO});
                sums[0] = sums[0].add(event.agreements);
                sums[1] = sums[1].add(event.deviations);
                sums[2] = sums[2].add(event.reward);
            }
        }
        validators.forEach((key, sums) -> chain.put(key, sums[0] + " " + sums[1] + " " + sums[2]));
        BigInteger last = injected().getLast().round();
        List<String> disagreements = new ArrayList<>();
        for (int node = 1; node <= network.nodePorts.size(); node++) {
            URI rounds = URI.create("http://127.0.0.1:" + network.nodePorts.get(node - 1) + "/models/"
                    + DemoTask.TASK_ID + "/rounds?limit=100");
            JsonNode[] shown = new JsonNode[1];
            Await.until(
                    "gateway of node " + node + " shows round " + last + " finalized", Duration.ofMinutes(1), () -> {
                        shown[0] = JSON.readTree(get(rounds));
                        for (JsonNode round : shown[0]) {
                            if (round.get("round").bigIntegerValue().equals(last))
                                return !round.get("quorumReached").isNull();
                        }
                        return false;
                    });
            for (JsonNode round : shown[0]) {
                if (round.get("quorumReached").isNull()) continue;
                for (JsonNode contribution : round.get("contributions")) {
                    String key = "contribution " + contribution.get("id").asText();
                    String api = contribution.get("consensusScore").asText() + " "
                            + contribution.get("reward").asText() + " "
                            + contribution.get("slashed").asText();
                    if (!api.equals(chain.get(key))) {
                        disagreements.add("node " + node + ": " + key + " shows " + api + ", chain " + chain.get(key));
                    }
                }
                for (JsonNode validator : round.get("validators")) {
                    String key = "round " + round.get("round").asText() + " validator "
                            + validator.get("validator").asText().toLowerCase(Locale.ROOT);
                    String api = validator.get("agreements").asText() + " "
                            + validator.get("deviations").asText() + " "
                            + validator.get("reward").asText();
                    if (!api.equals(chain.get(key))) {
                        disagreements.add("node " + node + ": " + key + " shows " + api + ", chain " + chain.get(key));
                    }
                }
            }
        }
        return disagreements;
    }

    private static String get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).build());
    }

    private static String send(HttpRequest request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(request, (name, value) -> true)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
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
