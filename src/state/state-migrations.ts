/**
 * The state's schema, as numbered migrations. Each migration is a short
 * list of SQL statements for the SQLite file and one for PostgreSQL, applied
 * once, in order, inside one transaction when the store opens. The two lists
 * give the same tables, except that PostgreSQL tables without an integer key
 * have a `seq` column where SQLite has its `rowid`.
 * Add new migrations at the end with the next number; never edit one that
 * has shipped.
 */
import { CutoverError } from '../core/errors.js';
import type { StateDb } from './state-db.js';

/** One step of the state's schema. */
export interface StateMigration {
  /** 1, 2, 3…: the order migrations apply in, and what `schema_migrations` records. */
  version: number;
  /** A few words saying what it adds, stored with the version. */
  name: string;
  /** SQL statements run in order on the SQLite file. */
  sqlite: readonly string[];
  /** The same for PostgreSQL. */
  postgres: readonly string[];
}

/** Every migration cutover knows, oldest first. */
export const STATE_MIGRATIONS: readonly StateMigration[] = [
  {
    version: 1,
    name: 'backups, verifications, references and the audit log',
    sqlite: [
      `CREATE TABLE backups (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        connector TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
        base TEXT,
        path TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'failed')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        records INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        objects INTEGER NOT NULL DEFAULT 0,
        seconds REAL,
        error TEXT
      )`,
      'CREATE INDEX backups_by_system ON backups (system, status, started_at)',
      'CREATE INDEX backups_by_start ON backups (started_at)',
      `CREATE TABLE backup_verifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        backup_id TEXT NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
        mode TEXT NOT NULL CHECK (mode IN ('quick', 'deep')),
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        problems TEXT NOT NULL,
        seconds REAL NOT NULL,
        at TEXT NOT NULL
      )`,
      'CREATE INDEX backup_verifications_by_backup ON backup_verifications (backup_id, at)',
      // No cascade: a referenced backup must not disappear with its references.
      `CREATE TABLE backup_references (
        backup_id TEXT NOT NULL REFERENCES backups (id),
        kind TEXT NOT NULL,
        referrer TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (backup_id, kind, referrer)
      )`,
      `CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        host TEXT NOT NULL,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        summary TEXT
      )`,
      'CREATE INDEX audit_log_by_command ON audit_log (command, id)',
    ],
    postgres: [
      `CREATE TABLE backups (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        system TEXT NOT NULL,
        connector TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
        base TEXT,
        path TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'complete', 'failed')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        records BIGINT NOT NULL DEFAULT 0,
        bytes BIGINT NOT NULL DEFAULT 0,
        objects INTEGER NOT NULL DEFAULT 0,
        seconds DOUBLE PRECISION,
        error TEXT
      )`,
      'CREATE INDEX backups_by_system ON backups (system, status, started_at)',
      'CREATE INDEX backups_by_start ON backups (started_at)',
      `CREATE TABLE backup_verifications (
        id BIGSERIAL PRIMARY KEY,
        backup_id TEXT NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
        mode TEXT NOT NULL CHECK (mode IN ('quick', 'deep')),
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        problems TEXT NOT NULL,
        seconds DOUBLE PRECISION NOT NULL,
        at TEXT NOT NULL
      )`,
      'CREATE INDEX backup_verifications_by_backup ON backup_verifications (backup_id, at)',
      `CREATE TABLE backup_references (
        backup_id TEXT NOT NULL REFERENCES backups (id),
        kind TEXT NOT NULL,
        referrer TEXT NOT NULL,
        at TEXT NOT NULL,
        seq BIGSERIAL NOT NULL,
        PRIMARY KEY (backup_id, kind, referrer)
      )`,
      `CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        "user" TEXT NOT NULL,
        host TEXT NOT NULL,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        summary TEXT
      )`,
      'CREATE INDEX audit_log_by_command ON audit_log (command, id)',
    ],
  },
  {
    version: 2,
    name: 'runs, the ledger, the id map, deferred links, baselines and go-lives',
    sqlite: [
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        system TEXT NOT NULL,
        source TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seconds REAL,
        summary TEXT,
        error TEXT,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL
      )`,
      'CREATE INDEX runs_by_kind ON runs (kind, started_at)',
      // Every effect on a system, appended; 'pending' rows are intents written before the effect.
      `CREATE TABLE ledger (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (id),
        system TEXT NOT NULL,
        object TEXT NOT NULL,
        source_object TEXT,
        source_id TEXT,
        target_id TEXT NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('created', 'updated', 'deleted')),
        hash TEXT,
        prior TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        at TEXT NOT NULL
      )`,
      'CREATE INDEX ledger_by_source ON ledger (system, source_object, source_id)',
      'CREATE INDEX ledger_by_target ON ledger (system, object, target_id)',
      'CREATE INDEX ledger_by_run ON ledger (run_id, id)',
      "CREATE INDEX ledger_pending ON ledger (system, state) WHERE state = 'pending'",
      // Where each migrated source record is now, and the hash of what was last written there.
      `CREATE TABLE id_map (
        system TEXT NOT NULL,
        source_object TEXT NOT NULL,
        source_id TEXT NOT NULL,
        object TEXT NOT NULL,
        target_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (system, source_object, source_id)
      )`,
      'CREATE INDEX id_map_by_target ON id_map (system, object, target_id)',
      // References written as null in a first pass (self-references, cycles), set in the second.
      `CREATE TABLE deferred_links (
        system TEXT NOT NULL,
        object TEXT NOT NULL,
        target_id TEXT NOT NULL,
        field TEXT NOT NULL,
        source_object TEXT NOT NULL,
        source_id TEXT NOT NULL,
        from_object TEXT NOT NULL,
        from_id TEXT NOT NULL,
        missing_as_null INTEGER NOT NULL DEFAULT 0 CHECK (missing_as_null IN (0, 1)),
        run_id TEXT NOT NULL,
        PRIMARY KEY (system, object, target_id, field)
      )`,
      `CREATE TABLE baselines (
        system TEXT PRIMARY KEY,
        backup_id TEXT NOT NULL REFERENCES backups (id),
        at TEXT NOT NULL
      )`,
      // The cutover moments: rollback windows count from the newest, and the delta is measured from it.
      `CREATE TABLE go_lives (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        source TEXT NOT NULL,
        at TEXT NOT NULL,
        backup_id TEXT REFERENCES backups (id),
        migrate_run TEXT,
        frozen_users TEXT,
        user TEXT NOT NULL
      )`,
      'CREATE INDEX go_lives_by_system ON go_lives (system, at)',
    ],
    postgres: [
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        kind TEXT NOT NULL,
        system TEXT NOT NULL,
        source TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seconds DOUBLE PRECISION,
        summary TEXT,
        error TEXT,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL
      )`,
      'CREATE INDEX runs_by_kind ON runs (kind, started_at)',
      `CREATE TABLE ledger (
        id BIGSERIAL PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        system TEXT NOT NULL,
        object TEXT NOT NULL,
        source_object TEXT,
        source_id TEXT,
        target_id TEXT NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('created', 'updated', 'deleted')),
        hash TEXT,
        prior TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        at TEXT NOT NULL
      )`,
      'CREATE INDEX ledger_by_source ON ledger (system, source_object, source_id)',
      'CREATE INDEX ledger_by_target ON ledger (system, object, target_id)',
      'CREATE INDEX ledger_by_run ON ledger (run_id, id)',
      "CREATE INDEX ledger_pending ON ledger (system, state) WHERE state = 'pending'",
      `CREATE TABLE id_map (
        system TEXT NOT NULL,
        source_object TEXT NOT NULL,
        source_id TEXT NOT NULL,
        object TEXT NOT NULL,
        target_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        run_id TEXT NOT NULL,
        seq BIGSERIAL NOT NULL,
        PRIMARY KEY (system, source_object, source_id)
      )`,
      'CREATE INDEX id_map_by_target ON id_map (system, object, target_id)',
      `CREATE TABLE deferred_links (
        system TEXT NOT NULL,
        object TEXT NOT NULL,
        target_id TEXT NOT NULL,
        field TEXT NOT NULL,
        source_object TEXT NOT NULL,
        source_id TEXT NOT NULL,
        from_object TEXT NOT NULL,
        from_id TEXT NOT NULL,
        missing_as_null INTEGER NOT NULL DEFAULT 0 CHECK (missing_as_null IN (0, 1)),
        run_id TEXT NOT NULL,
        PRIMARY KEY (system, object, target_id, field)
      )`,
      `CREATE TABLE baselines (
        system TEXT PRIMARY KEY,
        backup_id TEXT NOT NULL REFERENCES backups (id),
        at TEXT NOT NULL
      )`,
      `CREATE TABLE go_lives (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        system TEXT NOT NULL,
        source TEXT NOT NULL,
        at TEXT NOT NULL,
        backup_id TEXT REFERENCES backups (id),
        migrate_run TEXT,
        frozen_users TEXT,
        "user" TEXT NOT NULL
      )`,
      'CREATE INDEX go_lives_by_system ON go_lives (system, at)',
    ],
  },
  {
    version: 3,
    name: 'an index of confirmed effects by record, for reset',
    sqlite: ["CREATE INDEX ledger_done_by_target ON ledger (system, object, target_id, id) WHERE state = 'done'"],
    postgres: ["CREATE INDEX ledger_done_by_target ON ledger (system, object, target_id, id) WHERE state = 'done'"],
  },
  {
    version: 4,
    name: 'watch rounds, evaluations, decisions and findings',
    sqlite: [
      // One pass of the watch over every check, with its verdict and recommendation.
      `CREATE TABLE watch_rounds (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        go_live TEXT,
        verdict TEXT NOT NULL CHECK (verdict IN ('healthy', 'warning', 'critical', 'unknown')),
        recommendation TEXT NOT NULL,
        at TEXT NOT NULL,
        seconds REAL NOT NULL
      )`,
      'CREATE INDEX watch_rounds_by_system ON watch_rounds (system, at)',
      `CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        round_id TEXT NOT NULL REFERENCES watch_rounds (id),
        check_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
        status TEXT NOT NULL CHECK (status IN ('ok', 'fired', 'unknown')),
        measured TEXT,
        threshold TEXT NOT NULL,
        reason TEXT,
        evidence TEXT NOT NULL,
        at TEXT NOT NULL,
        seconds REAL NOT NULL
      )`,
      'CREATE INDEX evaluations_by_round ON evaluations (round_id, id)',
      'CREATE INDEX evaluations_by_check ON evaluations (check_name, id)',
      // The go/no-go decisions, with the evidence they were based on.
      `CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        go_live TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('rollback', 'continue')),
        reason TEXT NOT NULL,
        procedure TEXT,
        round_id TEXT REFERENCES watch_rounds (id),
        evidence TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL
      )`,
      'CREATE INDEX decisions_by_system ON decisions (system, at)',
      // What people found: security or compliance issues the checks cannot see.
      `CREATE TABLE findings (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
        text TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
      )`,
      'CREATE INDEX findings_by_system ON findings (system, at)',
    ],
    postgres: [
      // One pass of the watch over every check, with its verdict and recommendation.
      `CREATE TABLE watch_rounds (
        id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL,
        system TEXT NOT NULL,
        go_live TEXT,
        verdict TEXT NOT NULL CHECK (verdict IN ('healthy', 'warning', 'critical', 'unknown')),
        recommendation TEXT NOT NULL,
        at TEXT NOT NULL,
        seconds DOUBLE PRECISION NOT NULL
      )`,
      'CREATE INDEX watch_rounds_by_system ON watch_rounds (system, at)',
      `CREATE TABLE evaluations (
        id BIGSERIAL PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES watch_rounds (id),
        check_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
        status TEXT NOT NULL CHECK (status IN ('ok', 'fired', 'unknown')),
        measured TEXT,
        threshold TEXT NOT NULL,
        reason TEXT,
        evidence TEXT NOT NULL,
        at TEXT NOT NULL,
        seconds DOUBLE PRECISION NOT NULL
      )`,
      'CREATE INDEX evaluations_by_round ON evaluations (round_id, id)',
      'CREATE INDEX evaluations_by_check ON evaluations (check_name, id)',
      // The go/no-go decisions, with the evidence they were based on.
      `CREATE TABLE decisions (
        id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL,
        system TEXT NOT NULL,
        go_live TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('rollback', 'continue')),
        reason TEXT NOT NULL,
        procedure TEXT,
        round_id TEXT REFERENCES watch_rounds (id),
        evidence TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL
      )`,
      'CREATE INDEX decisions_by_system ON decisions (system, at)',
      // What people found: security or compliance issues the checks cannot see.
      `CREATE TABLE findings (
        id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL,
        system TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
        text TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
      )`,
      'CREATE INDEX findings_by_system ON findings (system, at)',
    ],
  },
  {
    version: 5,
    name: 'runbook steps',
    sqlite: [
      // The steps of a runbook run (a rollback): what each planned, did, and how long it took.
      `CREATE TABLE run_steps (
        run_id TEXT NOT NULL REFERENCES runs (id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('not_run', 'running', 'succeeded', 'failed', 'skipped')),
        plan TEXT,
        progress TEXT,
        result TEXT,
        error TEXT,
        started_at TEXT,
        finished_at TEXT,
        seconds REAL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, position)
      )`,
      // Options a run was started with, so that --resume continues with the same ones.
      'ALTER TABLE runs ADD COLUMN options TEXT',
    ],
    postgres: [
      // The steps of a runbook run (a rollback): what each planned, did, and how long it took.
      `CREATE TABLE run_steps (
        run_id TEXT NOT NULL REFERENCES runs (id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('not_run', 'running', 'succeeded', 'failed', 'skipped')),
        plan TEXT,
        progress TEXT,
        result TEXT,
        error TEXT,
        started_at TEXT,
        finished_at TEXT,
        seconds DOUBLE PRECISION,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, position)
      )`,
      // Options a run was started with, so that --resume continues with the same ones.
      'ALTER TABLE runs ADD COLUMN options TEXT',
    ],
  },
  {
    version: 6,
    name: 'messages',
    sqlite: [
      // Every message cutover rendered for people: what, for whom, at which moment, and how each channel took it.
      `CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        event TEXT NOT NULL,
        template TEXT NOT NULL,
        audience TEXT NOT NULL,
        run_id TEXT,
        system TEXT,
        subject TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'sending', 'sent', 'failed')),
        message TEXT NOT NULL,
        deliveries TEXT NOT NULL,
        outbox_file TEXT,
        approved_by TEXT,
        approved_at TEXT,
        updated_at TEXT NOT NULL
      )`,
      'CREATE INDEX messages_by_run ON messages (run_id, event)',
      'CREATE INDEX messages_by_time ON messages (created_at)',
    ],
    postgres: [
      // Every message cutover rendered for people: what, for whom, at which moment, and how each channel took it.
      `CREATE TABLE messages (
        id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL,
        created_at TEXT NOT NULL,
        event TEXT NOT NULL,
        template TEXT NOT NULL,
        audience TEXT NOT NULL,
        run_id TEXT,
        system TEXT,
        subject TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'sending', 'sent', 'failed')),
        message TEXT NOT NULL,
        deliveries TEXT NOT NULL,
        outbox_file TEXT,
        approved_by TEXT,
        approved_at TEXT,
        updated_at TEXT NOT NULL
      )`,
      'CREATE INDEX messages_by_run ON messages (run_id, event)',
      'CREATE INDEX messages_by_time ON messages (created_at)',
    ],
  },
];

/** The schema version this cutover writes: the number of its newest migration. */
export const STATE_SCHEMA_VERSION: number = STATE_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The version the file had before, 0 for a new file. */
  from: number;
  /** The version it has now. */
  to: number;
  /** Versions applied by this call, in order. */
  applied: number[];
}

/**
 * Brings a state database up to the newest migration in one transaction
 * (immediate on SQLite, under an advisory lock on PostgreSQL), so two
 * commands opening a new state do not both migrate it. A state from a newer
 * cutover is refused without being changed.
 */
export async function migrate(db: StateDb, migrations: readonly StateMigration[] = STATE_MIGRATIONS): Promise<MigrateResult> {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (): Promise<MigrateResult> => {
    if (db.dialect === 'postgres') await db.run('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
    await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const row = await db.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    const from = Number(row?.version ?? 0);
    if (from > latest) {
      throw new CutoverError(
        'state.failed',
        `The state ${db.where} was written by a newer cutover (state version ${from}; this cutover knows up to ${latest}).`,
        { hints: ['upgrade cutover to the version the rest of the team uses, then run the command again'] },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      for (const statement of migration[db.dialect]) await db.run(statement);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date().toISOString()]);
      applied.push(migration.version);
    }
    return { from, to: Math.max(from, latest), applied };
  });
}

/** Migrations must be numbered 1, 2, 3… with no gaps: a gap is a merge mistake. */
function checkOrder(migrations: readonly StateMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new CutoverError('internal', `State migration "${migration.name}" has number ${migration.version}; expected ${index + 1}.`);
    }
  });
}
