/**
 * The state store: what cutover did (backups and their verifications, the
 * audit log, runs, the ledger, baselines and go-lives; later evaluations and
 * decisions). By default an embedded SQLite file, `<plan dir>/.cutover/state.db`;
 * a team that shares one ledger names a PostgreSQL database in the plan's
 * `state.url`, and cutover keeps its tables in a schema there.
 */
import path from 'node:path';
import { parsePostgresUrl } from '../connectors/postgres/postgres-config.js';
import { type AuditLog, SqlAuditLog } from './audit-log.js';
import { type BackupsRepository, SqlBackupsRepository } from './backups-repository.js';
import { type BaselinesRepository, SqlBaselinesRepository } from './baselines-repository.js';
import { type DecisionsRepository, SqlDecisionsRepository } from './decisions-repository.js';
import { type FindingsRepository, SqlFindingsRepository } from './findings-repository.js';
import { type GoLivesRepository, SqlGoLivesRepository } from './go-lives-repository.js';
import { type LedgerRepository, SqlLedgerRepository } from './ledger-repository.js';
import { type MessagesRepository, SqlMessagesRepository } from './messages-repository.js';
import { redactText } from './redact.js';
import { type RunStepsRepository, SqlRunStepsRepository } from './run-steps-repository.js';
import { type RunsRepository, SqlRunsRepository } from './runs-repository.js';
import { PostgresStateDb, SqliteStateDb, type StateDb } from './state-db.js';
import { isDatabaseError, stateError } from './state-errors.js';
import { migrate } from './state-migrations.js';
import { SqlWatchRepository, type WatchRepository } from './watch-repository.js';

/** The folder, inside the plan's folder, that holds cutover's own files. */
export const STATE_DIR = '.cutover';
/** The state file's name inside {@link STATE_DIR}. */
export const STATE_FILE = 'state.db';
/** The PostgreSQL schema that holds the state when the URL names none. */
export const STATE_SCHEMA = 'cutover';

/** Options of {@link StateStore.open}. */
export interface StateOpenOptions {
  /** How long to wait for another command holding the state before failing with `state.locked`. Default 10 000 ms. */
  busyTimeoutMs?: number;
}

/** Where a PostgreSQL state is: the plan's `state.url` and its resolved password. */
export interface StateLocation {
  url: string;
  password?: string;
}

/** The state of one plan: open it, use its repositories, close it. */
export class StateStore {
  /** Where the state is: the file's absolute path, or the PostgreSQL URL without password. */
  readonly where: string;
  /** Backups, their verifications and what refers to them. */
  readonly backups: BackupsRepository;
  /** Commands that wrote something, with redacted arguments. */
  readonly audit: AuditLog;
  /** Runs of migrations, resets and (later) rollbacks and drills. */
  readonly runs: RunsRepository;
  /** The steps of runbook runs (rollbacks). */
  readonly steps: RunStepsRepository;
  /** Every effect on a system, the id map and deferred references. */
  readonly ledger: LedgerRepository;
  /** Each target's baseline snapshot. */
  readonly baselines: BaselinesRepository;
  /** The recorded cutover moments. */
  readonly goLives: GoLivesRepository;
  /** Watch rounds and the evaluations of the rollback triggers. */
  readonly watch: WatchRepository;
  /** Go/no-go decisions with their evidence. */
  readonly decisions: DecisionsRepository;
  /** Findings recorded by people. */
  readonly findings: FindingsRepository;
  /** Messages rendered for people, their approval and deliveries. */
  readonly messages: MessagesRepository;
  private open = true;

  private constructor(private readonly db: StateDb) {
    this.where = db.where;
    this.backups = new SqlBackupsRepository(db);
    this.audit = new SqlAuditLog(db);
    this.runs = new SqlRunsRepository(db);
    this.steps = new SqlRunStepsRepository(db);
    this.ledger = new SqlLedgerRepository(db);
    this.baselines = new SqlBaselinesRepository(db);
    this.goLives = new SqlGoLivesRepository(db);
    this.watch = new SqlWatchRepository(db);
    this.decisions = new SqlDecisionsRepository(db);
    this.findings = new SqlFindingsRepository(db);
    this.messages = new SqlMessagesRepository(db);
  }

  /** `sqlite` for the embedded file, `postgres` for a shared database. */
  get dialect(): StateDb['dialect'] {
    return this.db.dialect;
  }

  /**
   * Opens the state of a plan: the PostgreSQL state `location` names, else
   * `<planDir>/.cutover/state.db` (created, in a folder readable by its owner only).
   */
  static async open(planDir: string, options: StateOpenOptions & { location?: StateLocation } = {}): Promise<StateStore> {
    if (options.location) return StateStore.openPostgres(options.location, options);
    return StateStore.openFile(path.join(path.resolve(planDir), STATE_DIR, STATE_FILE), options);
  }

  /**
   * Opens a state file anywhere (tests, `--out` without a plan), creating it
   * and its folder when missing, and brings its schema up to date. A file
   * written by a newer cutover is refused with `state.failed`.
   */
  static async openFile(file: string, options: StateOpenOptions = {}): Promise<StateStore> {
    const db = SqliteStateDb.open(path.resolve(file), options.busyTimeoutMs ?? 10_000);
    return StateStore.ready(db);
  }

  /**
   * Opens a PostgreSQL state: `postgres://user@host:5432/db`, its tables in
   * the schema `?schema=` names (default `cutover`), created when missing.
   */
  static async openPostgres(location: StateLocation, options: StateOpenOptions = {}): Promise<StateStore> {
    const parsed = parsePostgresUrl(location.url, location.password === undefined ? {} : { password: location.password });
    const schema = new URL(location.url.replace(/^postgres(ql)?:/i, 'http:')).searchParams.get('schema') ?? STATE_SCHEMA;
    const db = await PostgresStateDb.open({ ...parsed, schema, display: redactText(location.url) }, options.busyTimeoutMs ?? 10_000);
    return StateStore.ready(db);
  }

  private static async ready(db: StateDb): Promise<StateStore> {
    try {
      await migrate(db);
      return new StateStore(db);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw stateError(error, 'opening it', db.where);
    }
  }

  /**
   * Runs `fn` in one transaction: everything it writes through the
   * repositories is kept together or not at all. Nested calls join the
   * outer transaction.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (error) {
      // The caller's own errors pass through; only the database's are the state's fault.
      throw isDatabaseError(error) ? stateError(error, 'writing', this.where) : error;
    }
  }

  /** Whether {@link close} has not been called yet. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Closes the file or the connections. Calling it again does nothing. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.db.close();
  }
}
