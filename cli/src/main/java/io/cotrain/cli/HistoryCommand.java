package io.cotrain.cli;

import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.EventQuery;
import io.cotrain.client.EventQueryException;
import io.cotrain.contracts.CommitPages;
import io.cotrain.contracts.generated.ModelRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cotrain history --task ID}: the task's global models, as the model registry records them. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Show a task's model history, newest first: every commit (global model) with its branch, "
                + "parents, the round it aggregated, its held-out accuracy, how many contributions it aggregated "
                + "and the block it was recorded in; branch heads and the default branch (the one rounds train on) "
                + "are marked. Needs no wallet.")
final class HistoryCommand extends ContributorCommand {
    private static final int PAGE = 100;

    @Option(
            names = "--task",
            required = true,
            paramLabel = "ID",
            converter = Arguments.TaskIdConverter.class,
            description = "the task (model id in the model registry)")
    long task;

    /** One commit as the table shows it. */
    record Row(BigInteger id, ModelRegistry.CommitView commit, List<BigInteger> parents, List<String> heads) {}

    @Override
    boolean needsWallet() {
        return false;
    }

    @Override
    void run(Session session) {
        Chain chain = session.chain();
        Contributing.Task registered = Contributing.task(session, task);
        ModelRegistry models = chain.models();
        BigInteger modelId = registered.idNumber();

        List<BigInteger> ids =
                CommitPages.all((offset, limit) -> chain.read(models.commitsOf(modelId, offset, limit)), PAGE);

        Map<BigInteger, String> names = branchNames(chain, modelId);
        Map<BigInteger, List<String>> headsByCommit = new HashMap<>();
        for (BigInteger branch = BigInteger.ZERO;
                branch.compareTo(registered.branchCount()) < 0;
                branch = branch.add(BigInteger.ONE)) {
            BigInteger head = chain.read(models.branchHead(modelId, branch));
            String label = branchLabel(branch, names) + (branch.equals(registered.defaultBranch()) ? " (default)" : "");
            headsByCommit.computeIfAbsent(head, key -> new ArrayList<>()).add(label);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 0; i--) {
            BigInteger id = ids.get(i);
            @SuppressWarnings("unchecked")
            List<BigInteger> parents = (List<BigInteger>) (List<?>) chain.read(models.parents(id));
            rows.add(new Row(id, chain.read(models.commit(id)), parents, headsByCommit.getOrDefault(id, List.of())));
        }
        session.out()
                .println("task " + task + ": " + ids.size() + " commit" + (ids.size() == 1 ? "" : "s") + " on "
                        + registered.branchCount() + " branch"
                        + (registered.branchCount().equals(BigInteger.ONE) ? "" : "es")
                        + "; rounds train on branch " + branchLabel(registered.defaultBranch(), names));
        table(rows, names).forEach(session.out()::println);
    }

    /**
     * @param rows the commits, in the order shown
     * @param names branch names by id, where known
     * @return the table's lines, header first
     */
    static List<String> table(List<Row> rows, Map<BigInteger, String> names) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("COMMIT", "BRANCH", "PARENTS", "ROUND", "ACCURACY", "CONTRIBUTIONS", "BLOCK", "HEAD OF"));
        for (Row row : rows) {
            ModelRegistry.CommitView commit = row.commit();
            boolean base = commit.parent.signum() == 0;
            // a base commit has metrics once its task's validators recorded them
            boolean unmeasured = base && commit.accuracyPpm.signum() == 0 && commit.lossMicros.signum() == 0;
            cells.add(List.of(
                    row.id().toString(),
                    branchLabel(commit.branchId, names),
                    row.parents().isEmpty()
                            ? "-"
                            : String.join(
                                    ",",
                                    row.parents().stream()
                                            .map(BigInteger::toString)
                                            .toList()),
                    commit.round.signum() == 0 ? "-" : commit.round.toString(),
                    unmeasured ? "-" : accuracy(commit.accuracyPpm),
                    commit.contributionCount.toString(),
                    commit.recordedBlock.toString(),
                    row.heads().isEmpty()
                            ? (base ? "(base model)" : "")
                            : String.join(", ", row.heads()) + (base ? " (base model)" : "")));
        }
        return TextTable.lines(cells);
    }

    /** @return parts per million as a percentage with two decimals, e.g. {@code 71.25%} */
    static String accuracy(BigInteger ppm) {
        return new BigDecimal(ppm)
                        .movePointLeft(4)
                        .setScale(2, RoundingMode.HALF_EVEN)
                        .toPlainString() + "%";
    }

    static String branchLabel(BigInteger branch, Map<BigInteger, String> names) {
        String name = names.get(branch);
        return name == null || name.isEmpty() ? branch.toString() : branch + " " + name;
    }

    /**
     * The branches' names from the registry's BranchCreated events (names live in events only). Best effort: an
     * endpoint that refuses the log query leaves the branches numbered only.
     */
    private static Map<BigInteger, String> branchNames(Chain chain, BigInteger modelId) {
        Map<BigInteger, String> names = new TreeMap<>();
        try {
            EventQuery created = EventQuery.of(
                            List.of(ModelRegistry.BRANCHCREATED_EVENT),
                            chain.addresses().modelRegistry())
                    .indexed(modelId);
            for (Log log : chain.events(created)) {
                var event = ModelRegistry.getBranchCreatedEventFromLog(log);
                names.put(event.branchId, name(event.name));
            }
        } catch (EventQueryException | ChainUnavailableException refused) {
            // best effort: the branches stay numbered only
            return new LinkedHashMap<>();
        }
        return names;
    }

    /** @return a bytes32 label as text without its zero padding, or hex if it is not UTF-8 text */
    static String name(byte[] label) {
        int length = label.length;
        while (length > 0 && label[length - 1] == 0) length--;
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(label, 0, length))
                    .toString();
            if (text.chars().noneMatch(Character::isISOControl) && text.chars().noneMatch(Character::isWhitespace)) {
                return text;
            }
        } catch (CharacterCodingException notText) {
            // fall through to hex
        }
        return Numeric.toHexString(label);
    }
}
