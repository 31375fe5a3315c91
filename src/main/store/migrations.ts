// Versioned schema migrations. Each entry runs once, in order, inside a transaction, and moves
// PRAGMA user_version to its index + 1. Never edit a shipped migration; add a new one.
export const migrations: readonly string[] = [
  `
  -- Events refer to their run by a small integer key: a third of the index size of the text id.
  CREATE TABLE run_keys (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    run_key INTEGER NOT NULL REFERENCES run_keys (key),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    time INTEGER NOT NULL,
    UNIQUE (run_key, seq)
  );
  CREATE TRIGGER events_append_only BEFORE UPDATE ON events
  BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
  END;

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    goal TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER,
    steps INTEGER NOT NULL,
    tool_calls INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost REAL NOT NULL,
    event_count INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    parent_run_id TEXT,
    parent_seq INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX runs_by_created ON runs (created_at DESC);
  CREATE INDEX runs_by_status ON runs (status, created_at DESC);

  CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Full-text index over events, filled behind the log (see search-index.ts); the watermark lives in meta.
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('indexed_upto', 0);

  CREATE VIRTUAL TABLE event_text USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  `,
  `
  -- Which process is driving a live run. A run marked running or waiting without a live owner was cut
  -- off (a crash, a kill) and is marked interrupted when a store opens.
  CREATE TABLE run_owners (
    run_id TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    started_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Where a run's commands run and whether its sandbox may reach the network, from run.created.
  ALTER TABLE runs ADD COLUMN runtime TEXT NOT NULL DEFAULT 'sandbox';
  ALTER TABLE runs ADD COLUMN network TEXT NOT NULL DEFAULT 'none';
  `,
  `
  -- How a run began (new, fork, replay, spec), from run.created; runs recorded before are filled in.
  ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'new';
  UPDATE runs SET origin = COALESCE(
    (SELECT json_extract(e.payload, '$.origin') FROM events e JOIN run_keys k ON k.key = e.run_key
      WHERE k.id = runs.id AND e.seq = 0),
    'new');
  `,
  `
  -- Where a run was recorded: 'here' (in this data folder) or 'import' (a run file from elsewhere).
  -- A run with no row is of unknown origin and treated as from elsewhere; runs before this are local.
  CREATE TABLE IF NOT EXISTS run_sources (
    run_id TEXT PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('here', 'import')),
    recorded_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO run_sources (run_id, source, recorded_at) SELECT id, 'here', created_at FROM runs;
  `,
  `
  -- The loop spec a run ran (from run.created) and its latest evaluation (the run's result), as JSON;
  -- runs recorded before are filled in from their events.
  ALTER TABLE runs ADD COLUMN spec TEXT;
  ALTER TABLE runs ADD COLUMN metric TEXT;
  UPDATE runs SET spec = (
    SELECT json_object('name', json_extract(e.payload, '$.config.spec.name'),
      'params', json(COALESCE(json_extract(e.payload, '$.config.spec.params'), '{}')))
    FROM events e JOIN run_keys k ON k.key = e.run_key
    WHERE k.id = runs.id AND e.seq = 0 AND json_extract(e.payload, '$.config.spec.name') IS NOT NULL);
  UPDATE runs SET metric = (
    SELECT json_object('name', json_extract(e.payload, '$.metric'), 'value', json_extract(e.payload, '$.value'),
      'target', json_extract(e.payload, '$.target'),
      'better', COALESCE(json_extract(e.payload, '$.better'), 'higher'),
      'attempt', json_extract(e.payload, '$.attempt'))
    FROM events e JOIN run_keys k ON k.key = e.run_key
    WHERE k.id = runs.id AND e.type = 'evaluation.recorded' ORDER BY e.seq DESC LIMIT 1);
  `,
  `
  -- Benches: the offline task suite run by one or more models (what was asked, kept to resume it), and
  -- the run of each task, model and seed. Scores are read from the runs themselves.
  CREATE TABLE IF NOT EXISTS benches (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    plan TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS bench_runs (
    bench_id TEXT NOT NULL REFERENCES benches (id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    model TEXT NOT NULL,
    seed INTEGER NOT NULL,
    run_id TEXT,
    PRIMARY KEY (bench_id, task, model, seed)
  ) WITHOUT ROWID;
  `,
];
