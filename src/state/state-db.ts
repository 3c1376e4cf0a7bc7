/**
 * The database under the state store: the embedded SQLite file by default,
 * or a PostgreSQL schema that a team shares. Repositories write one SQL
 * that both accept (`?` placeholders, `ON CONFLICT`, `RETURNING`); the few
 * places that differ ask {@link StateDb.dialect}.
 *
 * Statements of one transaction run on one connection. A transaction is
 * bound to the async call chain that opened it (AsyncLocalStorage), so a
 * statement from elsewhere in the process waits for it instead of joining it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { PostgresConfig } from '../connectors/postgres/postgres-config.js';
import { postgresPoolConfig } from '../connectors/postgres/postgres-connector.js';
import { stateError } from './state-errors.js';

/** A value bound to a statement. */
export type StateValue = string | number | null;

/** What repositories need of a database. */
export interface StateDb {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the state is, for messages: a file, or a URL without password. */
  readonly where: string;
  /** The column that orders rows by insertion where a table has no other: `rowid`, or PostgreSQL's `seq`. */
  readonly rowOrder: string;
  all<T>(sql: string, params?: readonly StateValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly StateValue[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly StateValue[]): Promise<number>;
  /** Runs `fn` in one transaction that writes at once (SQLite `IMMEDIATE`); nested calls join it. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Parameters per statement, well under SQLite's 32,766 and PostgreSQL's 65,535. */
export const MAX_PARAMS = 5_000;

/** The embedded state file. */
export class SqliteStateDb implements StateDb {
  readonly dialect = 'sqlite';
  readonly rowOrder = 'rowid';
  private readonly tx = new AsyncLocalStorage<true>();
  /** Settles when the open transaction ends; statements from outside it wait. */
  private idle: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database.Database,
    readonly where: string,
  ) {}

  /** Opens (creating, mode 0600 in a 0700 folder) a state file. */
  static open(file: string, busyTimeoutMs: number): SqliteStateDb {
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // SQLite would create the file with the umask's mode; the audit log is nobody else's business.
      if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
      db = new Database(file);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      return new SqliteStateDb(db, file);
    } catch (error) {
      if (db?.open) db.close();
      throw stateError(error, 'opening it', file);
    }
  }

  all<T>(sql: string, params: readonly StateValue[] = []): Promise<T[]> {
    return this.exclusive(() => this.db.prepare(sql).all(...params) as T[]);
  }

  get<T>(sql: string, params: readonly StateValue[] = []): Promise<T | undefined> {
    return this.exclusive(() => this.db.prepare(sql).get(...params) as T | undefined);
  }

  run(sql: string, params: readonly StateValue[] = []): Promise<number> {
    return this.exclusive(() => this.db.prepare(sql).run(...params).changes);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn();
    let release!: () => void;
    await this.exclusive(() => {
      this.idle = new Promise((resolve) => (release = resolve));
    });
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.tx.run(true, fn);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.exclusive(() => {
      if (this.db.open) this.db.close();
    });
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /**
   * Runs `fn` once no transaction of another call chain is open, in the same
   * tick as the check, so nothing can begin in between.
   */
  private async exclusive<T>(fn: () => T): Promise<T> {
    if (!this.tx.getStore()) {
      for (let idle = this.idle; ; idle = this.idle) {
        await idle;
        if (idle === this.idle) break;
      }
    }
    return fn();
  }
}

/** Where a PostgreSQL state lives: the connection, and the schema holding cutover's tables. */
export interface PostgresStateConfig extends PostgresConfig {
  /** How the state is named in messages (the URL without password). */
  display: string;
}

/** int8 (ledger ids, byte counts) as numbers: cutover's never pass 2^53. */
const INT8_OID = 20;

/** A schema in a shared PostgreSQL database. */
export class PostgresStateDb implements StateDb {
  readonly dialect = 'postgres';
  readonly rowOrder = 'seq';
  readonly where: string;
  private readonly tx = new AsyncLocalStorage<pg.PoolClient>();

  private constructor(
    private readonly pool: pg.Pool,
    config: PostgresStateConfig,
  ) {
    this.where = config.display;
  }

  /** A pool whose sessions run in UTC with cutover's schema, created when missing, first on the search path. */
  static async open(config: PostgresStateConfig, lockTimeoutMs: number): Promise<PostgresStateDb> {
    const schema = `"${config.schema.replace(/"/g, '""')}"`;
    const pool = new pg.Pool({
      ...postgresPoolConfig(config, {
        max: 4,
        connectTimeoutMs: 10_000,
        applicationName: 'cutover-state',
        // The schema may not exist yet: a search path naming it is valid, and used once it is created below.
        settings: { TimeZone: 'UTC', lock_timeout: String(Math.max(1, Math.floor(lockTimeoutMs))), search_path: schema },
      }),
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    pool.on('error', () => undefined);
    const db = new PostgresStateDb(pool, config);
    try {
      // Two commands creating the schema at once: the second waits, then finds it.
      await db.transaction(async () => {
        await db.run(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`cutover-state ${config.schema}`]);
        await db.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw stateError(error, 'opening it', config.display);
    }
    return db;
  }

  async all<T>(sql: string, params: readonly StateValue[] = []): Promise<T[]> {
    const result = await this.client().query(numbered(sql), params as StateValue[]);
    return result.rows as T[];
  }

  async get<T>(sql: string, params: readonly StateValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly StateValue[] = []): Promise<number> {
    const result = await this.client().query(numbered(sql), params as StateValue[]);
    return result.rowCount ?? 0;
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn();
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      try {
        const result = await this.tx.run(client, fn);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      }
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The open transaction's connection, else the pool. */
  private client(): pg.Pool | pg.PoolClient {
    return this.tx.getStore() ?? this.pool;
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2…`. cutover's state SQL has no `?` inside literals. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
