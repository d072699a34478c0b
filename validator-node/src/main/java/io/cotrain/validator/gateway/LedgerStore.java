package io.cotrain.validator.gateway;

import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.validator.gateway.LedgerIndex.Branch;
import io.cotrain.validator.gateway.LedgerIndex.Contribution;
import io.cotrain.validator.gateway.LedgerIndex.Entry;
import io.cotrain.validator.gateway.LedgerIndex.EntryType;
import io.cotrain.validator.gateway.LedgerIndex.Round;
import io.cotrain.validator.gateway.LedgerIndex.Settlement;
import io.cotrain.validator.gateway.LedgerIndex.ValidatorOutcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The rows of the gateway's event index in a relational database (H2 or PostgreSQL, one schema: the Flyway
 * migrations under {@value #MIGRATIONS}). Every row carries the block that made it, so {@link #rollBackTo} undoes the
 * blocks a reorganisation dropped; the last block of each page read is kept with its hash ({@link #recentBlocks}), and
 * a page's rows and its block are written in one transaction ({@link #write}), so a node killed mid-page reads that
 * page again from its checkpoint, exactly once. Reads see committed pages only.
 */
public final class LedgerStore {
    /** Where the schema's migrations are, on the class path. */
    public static final String MIGRATIONS = "db/ledger";
    /** Page-end blocks kept to find a fork point: a reorganisation deeper than these many pages re-reads all. */
    static final int KEPT_BLOCKS = 128;

    private final DataSource database;

    /** @param database a database migrated to the schema of {@value #MIGRATIONS} */
    public LedgerStore(DataSource database) {
        this.database = database;
    }

    /** A block read, with the hash it had. */
    public record IndexedBlock(BigInteger number, String hash) {}

    /** One transaction's writes: a page of events and the block it ends at. */
    public interface Writer {
        void addContribution(Contribution contribution) throws SQLException;

        /** @return the contribution settled, empty when it was submitted before the index's first block */
        Optional<Contribution> settle(BigInteger id, Settlement settlement) throws SQLException;

        void addRound(Round round, BigInteger openedBlock) throws SQLException;

        void finalizeRound(BigInteger round, boolean quorumReached, BigInteger block) throws SQLException;

        void addValidatorScore(BigInteger round, ValidatorOutcome outcome, BigInteger block, int logIndex)
                throws SQLException;

        void addEntry(String account, Entry entry, int logIndex) throws SQLException;

        void addBranch(Branch branch, BigInteger block, int logIndex) throws SQLException;

        /** Records the last block of the page and its hash, the checkpoint to resume from. */
        void indexed(IndexedBlock block) throws SQLException;
    }

    /** A transaction's body. */
    @FunctionalInterface
    public interface Work {
        void run(Writer writer) throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of its writes land, or none. */
    public void write(Work work) {
        inTransaction(connection -> work.run(new JdbcWriter(connection)));
    }

    @FunctionalInterface
    private interface Statements {
        void run(Connection connection) throws SQLException;
    }

    private void inTransaction(Statements statements) {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                statements.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback); // the first failure is the one to report
                }
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static TemporarilyUnavailableException unavailable(SQLException e) {
        return new TemporarilyUnavailableException("the gateway's event index does not answer; try again shortly", e);
    }

    /**
     * Empties the index when its rows were read from another chain or deployment (a node pointed at a new network
     * with an old database), and records the one it reads now.
     *
     * @return true if the index was emptied
     */
    public boolean claimFor(DeploymentAddresses deployment) {
        boolean[] emptied = {false};
        inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT chain_id, protocol_address, deploy_block FROM ledger_source");
                    ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    if (rows.getLong(1) == deployment.chainId()
                            && rows.getString(2).equalsIgnoreCase(deployment.protocol())
                            && rows.getLong(3) == deployment.deployBlock().longValueExact()) return;
                    deleteAbove(connection, -1);
                    update(connection, "DELETE FROM ledger_source");
                    emptied[0] = true;
                }
            }
            update(
                    connection,
                    "INSERT INTO ledger_source (singleton, chain_id, protocol_address, deploy_block)"
                            + " VALUES (1, ?, ?, ?)",
                    deployment.chainId(),
                    deployment.protocol().toLowerCase(Locale.ROOT),
                    deployment.deployBlock().longValueExact());
        });
        return emptied[0];
    }

    /** @return the page-end blocks kept, newest first: the first is the checkpoint */
    public List<IndexedBlock> recentBlocks() {
        return query(
                "SELECT block_number, block_hash FROM indexed_block ORDER BY block_number DESC",
                rows -> new IndexedBlock(BigInteger.valueOf(rows.getLong(1)), rows.getString(2)));
    }

    /** Deletes every row made after {@code block} (all of them when it is before the first block read). */
    public void rollBackTo(BigInteger block) {
        inTransaction(connection -> deleteAbove(connection, block.longValueExact()));
    }

    public Optional<Contribution> contribution(BigInteger id) {
        return query(CONTRIBUTION + " WHERE id = ?", LedgerStore::contribution, number(id)).stream()
                .findFirst();
    }

    /** @return the contributions to a task, oldest first */
    public List<Contribution> contributionsOf(long taskId) {
        return query(CONTRIBUTION + " WHERE task_id = ? ORDER BY id", LedgerStore::contribution, taskId);
    }

    public long contributionCount(long taskId) {
        return count("SELECT COUNT(*) FROM contribution WHERE task_id = ?", taskId);
    }

    public long contributorCount(long taskId) {
        return count("SELECT COUNT(DISTINCT contributor) FROM contribution WHERE task_id = ?", taskId);
    }

    /**
     * @return rounds with contributions to {@code taskId} (any round when null), newest first, at most {@code limit}
     */
    public List<Round> rounds(Long taskId, int limit) {
        List<Round> rounds = taskId == null
                ? query(ROUND + " ORDER BY round_number DESC LIMIT ?", LedgerStore::round, limit)
                : query(
                        ROUND + " WHERE EXISTS (SELECT 1 FROM contribution c WHERE c.round_number = r.round_number"
                                + " AND c.task_id = ?) ORDER BY round_number DESC LIMIT ?",
                        LedgerStore::round,
                        taskId,
                        limit);
        return rounds.stream().map(this::withContributionsAndScores).toList();
    }

    /** @return what happened to an account's tokens, oldest first */
    public List<Entry> entries(String account) {
        return query(
                "SELECT entry_type, amount, block_number, round_number, contribution_id FROM ledger_entry"
                        + " WHERE account = ? ORDER BY block_number, log_index, entry_type",
                rows -> new Entry(
                        EntryType.valueOf(rows.getString(1)),
                        integer(rows, 2),
                        BigInteger.valueOf(rows.getLong(3)),
                        integer(rows, 4),
                        integer(rows, 5)),
                account.toLowerCase(Locale.ROOT));
    }

    /** @return a model's named branches in creation order */
    public List<Branch> branches(long modelId) {
        return query(
                "SELECT model_id, branch_id, branch_name, from_commit FROM model_branch WHERE model_id = ?"
                        + " ORDER BY block_number, log_index",
                rows -> new Branch(rows.getLong(1), integer(rows, 2), rows.getString(3), integer(rows, 4)),
                modelId);
    }

    private static final String CONTRIBUTION = "SELECT id, contributor, kind, content_digest, task_id, round_number,"
            + " submitted_block, consensus_score, status, reward, slashed, reputation, settled_block FROM contribution";
    private static final String ROUND = "SELECT round_number, submission_end_block, commit_end_block,"
            + " reveal_end_block, expected_validators, parameter_version, quorum_reached FROM training_round r";

    private static Contribution contribution(ResultSet rows) throws SQLException {
        Optional<Settlement> settlement = rows.getObject(13) == null
                ? Optional.empty()
                : Optional.of(new Settlement(
                        rows.getInt(8),
                        rows.getInt(9),
                        integer(rows, 10),
                        integer(rows, 11),
                        integer(rows, 12),
                        BigInteger.valueOf(rows.getLong(13))));
        return new Contribution(
                integer(rows, 1),
                rows.getString(2),
                rows.getInt(3),
                rows.getString(4),
                rows.getLong(5),
                integer(rows, 6),
                BigInteger.valueOf(rows.getLong(7)),
                settlement);
    }

    /** @return the round's row, without its contributions and validators */
    private static Round round(ResultSet rows) throws SQLException {
        boolean quorum = rows.getBoolean(7);
        Optional<Boolean> quorumReached = rows.wasNull() ? Optional.empty() : Optional.of(quorum);
        return new Round(
                integer(rows, 1),
                integer(rows, 2),
                integer(rows, 3),
                integer(rows, 4),
                rows.getInt(5),
                integer(rows, 6),
                List.of(),
                quorumReached,
                List.of());
    }

    private Round withContributionsAndScores(Round round) {
        Object number = number(round.round());
        List<BigInteger> ids = query(
                "SELECT id FROM contribution WHERE round_number = ? ORDER BY id", rows -> integer(rows, 1), number);
        List<ValidatorOutcome> outcomes = query(
                "SELECT validator, SUM(agreements), SUM(deviations), SUM(reward) FROM validator_score"
                        + " WHERE round_number = ? GROUP BY validator ORDER BY validator",
                rows -> new ValidatorOutcome(rows.getString(1), rows.getLong(2), rows.getLong(3), integer(rows, 4)),
                number);
        return round.withContributions(ids).withValidators(outcomes);
    }

    private static void deleteAbove(Connection connection, long block) throws SQLException {
        update(connection, "DELETE FROM contribution WHERE submitted_block > ?", block);
        update(
                connection,
                "UPDATE contribution SET consensus_score = NULL, status = NULL, reward = NULL, slashed = NULL,"
                        + " reputation = NULL, settled_block = NULL WHERE settled_block > ?",
                block);
        update(connection, "DELETE FROM training_round WHERE opened_block > ?", block);
        update(
                connection,
                "UPDATE training_round SET quorum_reached = NULL, finalized_block = NULL WHERE finalized_block > ?",
                block);
        for (String table : List.of("validator_score", "ledger_entry", "model_branch", "indexed_block")) {
            update(connection, "DELETE FROM " + table + " WHERE block_number > ?", block);
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<T> found = new ArrayList<>();
            while (rows.next()) found.add(mapper.map(rows));
            return found;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private long count(String sql, Object... parameters) {
        return query(sql, rows -> rows.getLong(1), parameters).getFirst();
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            Object parameter = parameters[i];
            if (parameter instanceof NullNumber) {
                statement.setNull(i + 1, Types.NUMERIC);
            } else {
                statement.setObject(i + 1, parameter);
            }
        }
        return statement;
    }

    /** A NUMERIC parameter left empty. */
    private enum NullNumber {
        INSTANCE
    }

    private static Object number(BigInteger value) {
        return value == null ? NullNumber.INSTANCE : new BigDecimal(value);
    }

    private static BigInteger integer(ResultSet rows, int column) throws SQLException {
        BigDecimal value = rows.getBigDecimal(column);
        return value == null ? null : value.toBigIntegerExact();
    }

    /** The writes of one transaction, on its connection. */
    private static final class JdbcWriter implements Writer {
        private final Connection connection;

        JdbcWriter(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void addContribution(Contribution c) throws SQLException {
            update(
                    connection,
                    "INSERT INTO contribution (id, contributor, kind, content_digest, task_id, round_number,"
                            + " submitted_block) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    number(c.id()),
                    c.contributor(),
                    c.kind(),
                    c.contentDigest(),
                    c.taskId(),
                    number(c.round()),
                    c.submittedBlock().longValueExact());
        }

        @Override
        public Optional<Contribution> settle(BigInteger id, Settlement s) throws SQLException {
            int settled = update(
                    connection,
                    "UPDATE contribution SET consensus_score = ?, status = ?, reward = ?, slashed = ?, reputation = ?,"
                            + " settled_block = ? WHERE id = ?",
                    s.consensusScore(),
                    s.status(),
                    number(s.reward()),
                    number(s.slashed()),
                    number(s.reputation()),
                    s.block().longValueExact(),
                    number(id));
            if (settled == 0) return Optional.empty();
            try (PreparedStatement select = prepare(connection, CONTRIBUTION + " WHERE id = ?", number(id));
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                return Optional.of(contribution(rows));
            }
        }

        @Override
        public void addRound(Round r, BigInteger openedBlock) throws SQLException {
            update(
                    connection,
                    "INSERT INTO training_round (round_number, submission_end_block, commit_end_block,"
                            + " reveal_end_block, expected_validators, parameter_version, opened_block)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    number(r.round()),
                    number(r.submissionEndBlock()),
                    number(r.commitEndBlock()),
                    number(r.revealEndBlock()),
                    r.expectedValidators(),
                    number(r.parameterVersion()),
                    openedBlock.longValueExact());
        }

        @Override
        public void finalizeRound(BigInteger round, boolean quorumReached, BigInteger block) throws SQLException {
            update(
                    connection,
                    "UPDATE training_round SET quorum_reached = ?, finalized_block = ? WHERE round_number = ?",
                    quorumReached,
                    block.longValueExact(),
                    number(round));
        }

        @Override
        public void addValidatorScore(BigInteger round, ValidatorOutcome o, BigInteger block, int logIndex)
                throws SQLException {
            update(
                    connection,
                    "INSERT INTO validator_score (block_number, log_index, round_number, validator, agreements,"
                            + " deviations, reward) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    block.longValueExact(),
                    logIndex,
                    number(round),
                    o.validator().toLowerCase(Locale.ROOT),
                    o.agreements(),
                    o.deviations(),
                    number(o.reward()));
        }

        @Override
        public void addEntry(String account, Entry e, int logIndex) throws SQLException {
            update(
                    connection,
                    "INSERT INTO ledger_entry (block_number, log_index, entry_type, account, amount, round_number,"
                            + " contribution_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    e.block().longValueExact(),
                    logIndex,
                    e.type().name(),
                    account.toLowerCase(Locale.ROOT),
                    number(e.amount()),
                    number(e.round()),
                    number(e.contributionId()));
        }

        @Override
        public void addBranch(Branch b, BigInteger block, int logIndex) throws SQLException {
            update(
                    connection,
                    "INSERT INTO model_branch (model_id, branch_id, branch_name, from_commit, block_number, log_index)"
                            + " VALUES (?, ?, ?, ?, ?, ?)",
                    b.modelId(),
                    number(b.branchId()),
                    b.name(),
                    number(b.fromCommit()),
                    block.longValueExact(),
                    logIndex);
        }

        @Override
        public void indexed(IndexedBlock block) throws SQLException {
            update(
                    connection,
                    "INSERT INTO indexed_block (block_number, block_hash) VALUES (?, ?)",
                    block.number().longValueExact(),
                    block.hash());
            try (PreparedStatement oldest = prepare(
                            connection,
                            "SELECT block_number FROM indexed_block ORDER BY block_number DESC OFFSET ? ROWS"
                                    + " FETCH FIRST 1 ROWS ONLY",
                            KEPT_BLOCKS - 1);
                    ResultSet rows = oldest.executeQuery()) {
                if (rows.next())
                    update(connection, "DELETE FROM indexed_block WHERE block_number < ?", rows.getLong(1));
            }
        }
    }
}
