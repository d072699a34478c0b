-- The gateway's index of the Cotrain contracts' events (LedgerStore). Portable SQL: the same migration runs on H2 and
-- PostgreSQL. Every row carries the block that made it, so a reorganisation rolls back to its fork point by block.
-- uint256 values are NUMERIC(78, 0); blocks and task ids fit BIGINT.

-- Which chain and deployment the rows were read from: another deployment's node empties the index first.
CREATE TABLE ledger_source (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    chain_id BIGINT NOT NULL,
    protocol_address VARCHAR(42) NOT NULL,
    deploy_block BIGINT NOT NULL
);

-- The last block of each page read and its hash; the highest is the checkpoint. The newest are kept to find the
-- fork point of a reorganisation.
CREATE TABLE indexed_block (
    block_number BIGINT PRIMARY KEY,
    block_hash VARCHAR(66) NOT NULL
);

CREATE TABLE contribution (
    id NUMERIC(78, 0) PRIMARY KEY,
    contributor VARCHAR(42) NOT NULL,
    kind INTEGER NOT NULL,
    content_digest VARCHAR(66) NOT NULL,
    task_id BIGINT NOT NULL,
    round_number NUMERIC(78, 0) NOT NULL,
    submitted_block BIGINT NOT NULL,
    consensus_score INTEGER,
    status INTEGER,
    reward NUMERIC(78, 0),
    slashed NUMERIC(78, 0),
    reputation NUMERIC(78, 0),
    settled_block BIGINT
);
CREATE INDEX contribution_by_task ON contribution (task_id, id);
CREATE INDEX contribution_by_round ON contribution (round_number, id);
CREATE INDEX contribution_by_submitted_block ON contribution (submitted_block);
CREATE INDEX contribution_by_settled_block ON contribution (settled_block);

CREATE TABLE training_round (
    round_number NUMERIC(78, 0) PRIMARY KEY,
    submission_end_block NUMERIC(78, 0) NOT NULL,
    commit_end_block NUMERIC(78, 0) NOT NULL,
    reveal_end_block NUMERIC(78, 0) NOT NULL,
    expected_validators INTEGER NOT NULL,
    parameter_version NUMERIC(78, 0) NOT NULL,
    opened_block BIGINT NOT NULL,
    quorum_reached BOOLEAN,
    finalized_block BIGINT
);
CREATE INDEX training_round_by_opened_block ON training_round (opened_block);
CREATE INDEX training_round_by_finalized_block ON training_round (finalized_block);

-- One row per ValidatorScored event: a paged finalization scores a validator in several, summed when read.
CREATE TABLE validator_score (
    block_number BIGINT NOT NULL,
    log_index INTEGER NOT NULL,
    round_number NUMERIC(78, 0) NOT NULL,
    validator VARCHAR(42) NOT NULL,
    agreements BIGINT NOT NULL,
    deviations BIGINT NOT NULL,
    reward NUMERIC(78, 0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX validator_score_by_round ON validator_score (round_number);

CREATE TABLE ledger_entry (
    block_number BIGINT NOT NULL,
    log_index INTEGER NOT NULL,
    entry_type VARCHAR(32) NOT NULL,
    account VARCHAR(42) NOT NULL,
    amount NUMERIC(78, 0) NOT NULL,
    round_number NUMERIC(78, 0),
    contribution_id NUMERIC(78, 0),
    PRIMARY KEY (block_number, log_index, entry_type)
);
CREATE INDEX ledger_entry_by_account ON ledger_entry (account, block_number, log_index);

CREATE TABLE model_branch (
    model_id BIGINT NOT NULL,
    branch_id NUMERIC(78, 0) NOT NULL,
    branch_name VARCHAR(128) NOT NULL,
    from_commit NUMERIC(78, 0) NOT NULL,
    block_number BIGINT NOT NULL,
    log_index INTEGER NOT NULL,
    PRIMARY KEY (model_id, branch_id)
);
CREATE INDEX model_branch_by_block ON model_branch (block_number);
