/**
 * The state store: an embedded SQLite file, `<plan dir>/.cutover/state.db`,
 * holding what cutover did (backups and their verifications, the audit log,
 * runs, the ledger, baselines and go-lives; later evaluations and decisions). It is small and
 * local, so the synchronous better-sqlite3 API is used throughout.
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type AuditLog, SqliteAuditLog } from './audit-log.js';
import { type BackupsRepository, SqliteBackupsRepository } from './backups-repository.js';
import { type BaselinesRepository, SqliteBaselinesRepository } from './baselines-repository.js';
import { type GoLivesRepository, SqliteGoLivesRepository } from './go-lives-repository.js';
import { type LedgerRepository, SqliteLedgerRepository } from './ledger-repository.js';
import { type RunsRepository, SqliteRunsRepository } from './runs-repository.js';
import { isSqliteError, stateError } from './state-errors.js';
import { migrate } from './state-migrations.js';

/** The folder, inside the plan's folder, that holds cutover's own files. */
export const STATE_DIR = '.cutover';
/** The state file's name inside {@link STATE_DIR}. */
export const STATE_FILE = 'state.db';

/** Options of {@link StateStore.open}. */
export interface StateOpenOptions {
  /** How long to wait for another command holding the file before failing with `state.locked`. Default 10 000 ms. */
  busyTimeoutMs?: number;
}

/** The state of one plan: open it, use its repositories, close it. */
export class StateStore {
  /** The state file's absolute path. */
  readonly file: string;
  /** Backups, their verifications and what refers to them. */
  readonly backups: BackupsRepository;
  /** Commands that wrote something, with redacted arguments. */
  readonly audit: AuditLog;
  /** Runs of migrations, resets and (later) rollbacks and drills. */
  readonly runs: RunsRepository;
  /** Every effect on a system, the id map and deferred references. */
  readonly ledger: LedgerRepository;
  /** Each target's baseline snapshot. */
  readonly baselines: BaselinesRepository;
  /** The recorded cutover moments. */
  readonly goLives: GoLivesRepository;
  private readonly db: Database.Database;

  private constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
    this.backups = new SqliteBackupsRepository(db, file);
    this.audit = new SqliteAuditLog(db, file);
    this.runs = new SqliteRunsRepository(db, file);
    this.ledger = new SqliteLedgerRepository(db, file);
    this.baselines = new SqliteBaselinesRepository(db, file);
    this.goLives = new SqliteGoLivesRepository(db, file);
  }

  /**
   * Opens (creating) `<planDir>/.cutover/state.db`. The `.cutover` folder is
   * created readable by its owner only (mode 0700).
   */
  static open(planDir: string, options: StateOpenOptions = {}): StateStore {
    return StateStore.openFile(path.join(path.resolve(planDir), STATE_DIR, STATE_FILE), options);
  }

  /**
   * Opens a state file anywhere (tests, `--out` without a plan), creating it
   * and its folder when missing, and brings its schema up to date. A file
   * written by a newer cutover is refused with `state.failed`.
   */
  static openFile(file: string, options: StateOpenOptions = {}): StateStore {
    const absolute = path.resolve(file);
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(absolute), { recursive: true, mode: 0o700 });
      // SQLite would create the file with the umask's mode; the audit log is nobody else's business.
      if (!existsSync(absolute)) closeSync(openSync(absolute, 'a', 0o600));
      db = new Database(absolute);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, absolute);
      return new StateStore(db, absolute);
    } catch (error) {
      if (db?.open) db.close();
      throw stateError(error, 'opening it', absolute);
    }
  }

  /**
   * Runs `fn` in one immediate transaction: everything it writes through the
   * repositories is kept together or not at all. Nested calls join the
   * outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      // The caller's own errors pass through; only SQLite's are the state file's fault.
      throw isSqliteError(error) ? stateError(error, 'writing', this.file) : error;
    }
  }

  /** Whether {@link close} has not been called yet. */
  get isOpen(): boolean {
    return this.db.open;
  }

  /** Closes the file. Calling it again does nothing. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
