/**
 * A {@link SqlDriver} over a mysql2 connection pool. Each pooled connection
 * is prepared once (strict SQL mode, UTC) before its first statement; a
 * transaction holds one connection, and calls made inside it (also through
 * the driver itself) use that connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Row, SqlDriver, SqlExecutor } from '../sql/sql-driver.js';

/** What a statement returns: rows, or a result header for writes. */
export interface MysqlResultHeader {
  affectedRows: number;
  insertId: number | string;
}

/** The part of a mysql2/promise connection the driver uses. */
export interface MysqlConnectionLike {
  /** Server-side id of the connection; a new physical connection gets a new one. */
  readonly threadId: number;
  query(sql: string, params?: readonly unknown[]): Promise<[unknown, unknown]>;
  release(): void;
  destroy(): void;
}

/** The part of a mysql2/promise pool the driver uses. */
export interface MysqlPoolLike {
  getConnection(): Promise<MysqlConnectionLike>;
  end(): Promise<void>;
}

/** Facts read when a connection is prepared. */
export interface MysqlSession {
  /** `VERSION()`, e.g. `10.11.6-MariaDB` or `8.0.36`. */
  version: string;
}

/**
 * SQL modes that make the server refuse bad values instead of truncating them
 * (STRICT_ALL_TABLES also for non-transactional tables), and keep mysql2's
 * client-side escaping valid (it escapes with backslashes).
 */
export function sessionSqlMode(current: string): string {
  const modes = new Set(current.split(',').map((mode) => mode.trim().toUpperCase()).filter(Boolean));
  modes.delete('NO_BACKSLASH_ESCAPES');
  modes.add('STRICT_ALL_TABLES');
  modes.add('STRICT_TRANS_TABLES');
  return [...modes].join(',');
}

function isHeader(result: unknown): result is MysqlResultHeader {
  return !!result && typeof result === 'object' && !Array.isArray(result) && 'affectedRows' in result;
}

/** One pooled connection as an executor. */
class ConnectionExecutor implements SqlExecutor {
  /** Inside a transaction that has not ended; work that outlives it must not use the connection. */
  inTransaction = false;

  constructor(private readonly connection: MysqlConnectionLike) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const [result] = await this.connection.query(sql, params);
    return Array.isArray(result) ? (result as Row[]) : [];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number; insertId?: number | string }> {
    const [result] = await this.connection.query(sql, params);
    if (!isHeader(result)) return { changes: 0 };
    // With FOUND_ROWS, affectedRows of an UPDATE counts matched rows, so an unchanged row is not "not found".
    const insertId = result.insertId;
    return insertId === 0 || insertId === '0' || insertId === undefined ? { changes: result.affectedRows } : { changes: result.affectedRows, insertId };
  }
}

/** The MySQL/MariaDB driver over a pool. */
export class MysqlDriver implements SqlDriver {
  private readonly prepared = new Set<number>();
  private readonly current = new AsyncLocalStorage<ConnectionExecutor>();
  private session: MysqlSession | undefined;

  constructor(private readonly pool: MysqlPoolLike) {}

  /** Connects (if needed) and returns what was read when the first connection was prepared. */
  async connect(): Promise<MysqlSession> {
    if (!this.session) await this.withConnection(async () => undefined);
    return this.session as MysqlSession;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const transaction = this.current.getStore();
    if (transaction?.inTransaction) return transaction.query(sql, params);
    return this.withConnection((executor) => executor.query(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number; insertId?: number | string }> {
    const transaction = this.current.getStore();
    if (transaction?.inTransaction) return transaction.run(sql, params);
    return this.withConnection((executor) => executor.run(sql, params));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    if (outer?.inTransaction) return fn(outer);
    return this.withConnection(async (executor) => {
      await executor.run('START TRANSACTION');
      executor.inTransaction = true;
      let result: T;
      try {
        result = await this.current.run(executor, () => fn(executor));
      } catch (error) {
        executor.inTransaction = false;
        // The connection is destroyed after a failure anyway, which also ends the transaction.
        await executor.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      executor.inTransaction = false;
      await executor.run('COMMIT');
      return result;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `fn` on a prepared connection and gives it back. A connection whose
   * work failed is destroyed rather than reused, so no half-done transaction
   * or session setting (e.g. FOREIGN_KEY_CHECKS from table creation) leaks
   * into later work.
   */
  private async withConnection<T>(fn: (executor: ConnectionExecutor) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    const executor = new ConnectionExecutor(connection);
    try {
      if (!this.prepared.has(connection.threadId)) {
        await this.prepare(executor);
        this.prepared.add(connection.threadId);
      }
      const result = await fn(executor);
      connection.release();
      return result;
    } catch (error) {
      this.prepared.delete(connection.threadId);
      connection.destroy();
      throw error;
    }
  }

  private async prepare(executor: ConnectionExecutor): Promise<void> {
    const rows = await executor.query('SELECT @@SESSION.sql_mode AS mode, VERSION() AS version');
    const row = rows[0] ?? {};
    await executor.run(`SET SESSION sql_mode = ?, time_zone = '+00:00'`, [sessionSqlMode(String(row.mode ?? ''))]);
    this.session ??= { version: String(row.version ?? '') };
  }
}
