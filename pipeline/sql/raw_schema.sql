-- Tables the loader writes and dbt reads. The single source of their shape (docs/contracts.md §4).
-- `incoming` holds the batch under validation; `raw` holds validated documents; `meta` the books.
-- Every statement is idempotent: safe to run on every connection.

CREATE SCHEMA IF NOT EXISTS incoming;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS meta;

-- Each shape is declared once, for `incoming`; its `raw` twin is created from it
-- (CREATE TABLE raw.x AS SELECT * FROM incoming.x WHERE false), so the two cannot differ.

CREATE TABLE IF NOT EXISTS incoming.documents (
    document_id        VARCHAR NOT NULL,
    sha256             VARCHAR NOT NULL,
    file_name          VARCHAR,
    source_path        VARCHAR,
    file_format        VARCHAR,
    encoding           VARCHAR,
    department_name    VARCHAR,
    province           VARCHAR,
    city               VARCHAR,
    county             VARCHAR,
    division_code      VARCHAR,
    fiscal_year        INTEGER,
    report_type        VARCHAR,
    published_on       DATE,
    title              VARCHAR,
    document_key       VARCHAR,
    extractor_version  VARCHAR,
    n_facts            INTEGER,
    n_conflicts        INTEGER,
    n_warnings         INTEGER,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.documents AS SELECT * FROM incoming.documents WHERE false;

CREATE TABLE IF NOT EXISTS incoming.facts (
    document_id        VARCHAR NOT NULL,
    field              VARCHAR NOT NULL,
    value_numeric      DECIMAL(24, 6),
    value_text         VARCHAR,
    unit_as_reported   VARCHAR,
    as_reported        VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    page               INTEGER,
    snippet            VARCHAR,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.facts AS SELECT * FROM incoming.facts WHERE false;

CREATE TABLE IF NOT EXISTS incoming.conflicts (
    document_id        VARCHAR NOT NULL,
    field              VARCHAR NOT NULL,
    value_index        INTEGER NOT NULL,   -- 0 = the value kept in facts, 1.. = the others
    value_numeric      DECIMAL(24, 6),
    value_text         VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    snippet            VARCHAR,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.conflicts AS SELECT * FROM incoming.conflicts WHERE false;

CREATE TABLE IF NOT EXISTS incoming.line_items (
    document_id        VARCHAR NOT NULL,
    line_no            INTEGER NOT NULL,
    class_name         VARCHAR,
    section_name       VARCHAR,
    item_name          VARCHAR,
    code               VARCHAR,
    amount             DECIMAL(18, 2),
    budget_amount      DECIMAL(18, 2),
    completion_rate    DECIMAL(12, 6),
    name_as_printed    VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    page               INTEGER,
    snippet            VARCHAR,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.line_items AS SELECT * FROM incoming.line_items WHERE false;

CREATE TABLE IF NOT EXISTS incoming.indicators (
    document_id        VARCHAR NOT NULL,
    line_no            INTEGER NOT NULL,
    project_name       VARCHAR,
    level1             VARCHAR,
    level2             VARCHAR,
    level3             VARCHAR,
    target_text        VARCHAR,
    actual_text        VARCHAR,
    target_value       DECIMAL(24, 6),
    actual_value       DECIMAL(24, 6),
    unit               VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    snippet            VARCHAR,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.indicators AS SELECT * FROM incoming.indicators WHERE false;

CREATE TABLE IF NOT EXISTS incoming.projects (
    document_id        VARCHAR NOT NULL,
    line_no            INTEGER NOT NULL,
    project_name       VARCHAR,
    budget_amount      DECIMAL(18, 2),
    executed_amount    DECIMAL(18, 2),
    execution_rate     DECIMAL(12, 6),
    score              DECIMAL(6, 2),
    grade              VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    snippet            VARCHAR,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.projects AS SELECT * FROM incoming.projects WHERE false;

CREATE TABLE IF NOT EXISTS incoming.findings (
    document_id        VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,   -- problem | remedy
    line_no            INTEGER NOT NULL,
    text               VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.findings AS SELECT * FROM incoming.findings WHERE false;

CREATE TABLE IF NOT EXISTS incoming.warnings (
    document_id        VARCHAR NOT NULL,
    code               VARCHAR,
    message            VARCHAR,
    field              VARCHAR,
    span_start         INTEGER,
    span_end           INTEGER,
    _run_id            VARCHAR NOT NULL,
    _loaded_at         TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.warnings AS SELECT * FROM incoming.warnings WHERE false;

-- The books. One row per distinct file content ever seen (sha256).
CREATE TABLE IF NOT EXISTS meta.ingest_ledger (
    sha256             VARCHAR PRIMARY KEY,
    file_name          VARCHAR NOT NULL,
    source_path        VARCHAR,
    size_bytes         BIGINT,
    status             VARCHAR NOT NULL,  -- loaded | quarantined | duplicate | superseded
    reason             VARCHAR,           -- why quarantined / what it duplicates / what replaced it
    document_id        VARCHAR,
    document_key       VARCHAR,
    duplicate_of       VARCHAR,           -- document_id of the report this file repeats
    superseded_by      VARCHAR,           -- document_id of the corrected re-issue
    first_run_id       VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,  -- the run that last changed this row
    first_seen_at      TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- Every arrival of a file (a name seen in a run), so that "every file that entered is
-- accounted for" holds even for byte-identical copies under other names.
CREATE TABLE IF NOT EXISTS meta.file_arrivals (
    run_id             VARCHAR NOT NULL,
    source_path        VARCHAR NOT NULL,
    file_name          VARCHAR NOT NULL,
    sha256             VARCHAR,
    size_bytes         BIGINT,
    outcome            VARCHAR NOT NULL,  -- loaded | quarantined | duplicate | already_loaded | superseded
    reason             VARCHAR,
    arrived_at         TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS meta.runs (
    run_id             VARCHAR PRIMARY KEY,
    started_at         TIMESTAMP NOT NULL,
    finished_at        TIMESTAMP,
    status             VARCHAR NOT NULL,   -- running | succeeded | failed
    extractor_version  VARCHAR,
    inbox              VARCHAR,
    files_seen         INTEGER,
    files_new          INTEGER,
    loaded             INTEGER,
    quarantined        INTEGER,
    duplicates         INTEGER,
    already_loaded     INTEGER,
    superseded         INTEGER,
    warnings           INTEGER,
    summary_json       VARCHAR
);

CREATE TABLE IF NOT EXISTS meta.validation_runs (
    validation_id      VARCHAR PRIMARY KEY,
    run_id             VARCHAR NOT NULL,
    suite              VARCHAR NOT NULL,
    stage              VARCHAR NOT NULL,   -- incoming | marts
    success            BOOLEAN NOT NULL,
    evaluated          INTEGER,
    failed_critical    INTEGER,
    failed_warning     INTEGER,
    started_at         TIMESTAMP NOT NULL,
    finished_at        TIMESTAMP,
    gx_result_json     VARCHAR
);

CREATE TABLE IF NOT EXISTS meta.validation_results (
    validation_id      VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,
    document_id        VARCHAR,
    expectation        VARCHAR NOT NULL,
    severity           VARCHAR NOT NULL,   -- critical | warning | info
    success            BOOLEAN NOT NULL,
    detail             VARCHAR
);

-- The run's manifest as the loader saw it: one row per file that entered the inbox this run,
-- whatever happened to it. Promotion turns these rows into ledger and arrival rows.
CREATE TABLE IF NOT EXISTS incoming.files (
    run_id             VARCHAR NOT NULL,
    seq                INTEGER NOT NULL,  -- discovery order, for deterministic tie-breaks
    source_path        VARCHAR NOT NULL,
    file_name          VARCHAR NOT NULL,
    sha256             VARCHAR,           -- NULL when the file was refused unread (symlink out of the inbox)
    size_bytes         BIGINT,
    mtime              TIMESTAMP,
    action             VARCHAR NOT NULL,  -- extract | known | repeat | refused
    status             VARCHAR,           -- ok | rejected (extraction outcome) or NULL when not extracted
    reason             VARCHAR,
    document_id        VARCHAR,
    document_key       VARCHAR,
    repeat_of          VARCHAR            -- sha256 this file repeats byte for byte within the run
);

-- Upgrades of warehouses created by an earlier version: columns added since, appended at the end
-- (the loader and promotion insert BY NAME, so position does not matter).
-- 1.1: the OCR confidence of a value read from a scanned page (NULL: read from a text layer).
ALTER TABLE incoming.facts      ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE raw.facts           ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE incoming.line_items ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE raw.line_items      ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE incoming.indicators ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE raw.indicators      ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE incoming.projects   ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE raw.projects        ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
