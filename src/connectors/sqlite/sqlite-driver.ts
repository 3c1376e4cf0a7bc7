/** A {@link SqlDriver} over better-sqlite3: one connection, statements cached, transactions serialized. */
import type { Database, Statement } from 'better-sqlite3';
import type { Row, SqlDriver, SqlExecutor } from '../sql/sql-driver.js';
import { SqliteReadWorker } from './sqlite-read-worker.js';

const CACHE_LIMIT = 256;

/** SQLite runs one statement at a time; this keeps async callers' transactions from interleaving. */
export class SqliteDriver implements SqlDriver {
  private readonly statements = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private depth = 0;
  private worker: SqliteReadWorker | undefined;

  /** `file`: the database's path, for a read worker of its own; absent (or `:memory:`) for none. */
  constructor(
    readonly db: Database,
    private readonly file?: string,
  ) {}

  /** A worker thread reading the same file, started on first use; none for an in-memory database. */
  offThread(): SqlExecutor | undefined {
    if (!this.file || this.file === ':memory:' || !this.db.open) return undefined;
    this.worker ??= new SqliteReadWorker(this.file);
    return this.worker;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= CACHE_LIMIT) {
        const oldest = this.statements.keys().next().value as string;
        this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const statement = this.statement(sql);
    return statement.reader ? (statement.all(...params) as Row[]) : (statement.run(...params), []);
  }

  async queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    // A separate cache entry: raw mode sticks to a prepared statement.
    const statement = this.statement(`/* rows as arrays */ ${sql}`);
    return statement.raw(true).all(...params) as unknown[][];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number; insertId?: number | string }> {
    const statement = this.statement(sql);
    if (statement.reader) {
      statement.all(...params);
      return { changes: 0 };
    }
    const result = statement.run(...params);
    const insertId = typeof result.lastInsertRowid === 'bigint' ? result.lastInsertRowid.toString() : result.lastInsertRowid;
    return { changes: result.changes, insertId };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.depth > 0) return fn(this);
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous.catch(() => undefined);
    this.depth += 1;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.depth -= 1;
      release();
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}
