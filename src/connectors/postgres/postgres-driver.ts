/**
 * A {@link SqlDriver} over a pool of `pg` connections. Transactions hold one
 * connection for their whole run; a call made inside a transaction (nested
 * `transaction`, or `query`/`run` on the driver) reuses that connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Row, SqlDriver, SqlExecutor } from '../sql/sql-driver.js';

/** Turns the text of one value into what the driver returns. */
export type PgTypeParser = (text: string) => unknown;

/** Chooses the parser of a column by its type OID (`pg.types` has this shape). */
export interface PgTypeParsers {
  getTypeParser(oid: number, format?: 'text' | 'binary'): PgTypeParser;
}

/** What `pg` returns for a query. */
export interface PgQueryResult {
  rows: Row[];
  rowCount: number | null;
}

/** A query as `pg` takes it, with per-query type parsers. */
export interface PgQueryConfig {
  text: string;
  values?: unknown[];
  types?: PgTypeParsers;
}

/** One connection taken from the pool. */
export interface PgPoolClient {
  query(config: PgQueryConfig): Promise<PgQueryResult>;
  /** Gives the connection back; with an error, the pool discards it. */
  release(error?: Error | boolean): void;
}

/** The subset of `pg.Pool` this driver uses. */
export interface PgPool {
  query(config: PgQueryConfig): Promise<PgQueryResult>;
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** Type OIDs whose values stay text, so that nothing is rounded or shifted by the local time zone. */
const KEEP_TEXT: ReadonlyMap<number, string> = new Map([
  [20, 'int8'],
  [1700, 'numeric'],
  [790, 'money'],
  [1082, 'date'],
  [1114, 'timestamp'],
  [1083, 'time'],
  [1186, 'interval'],
  [114, 'json'],
  [3802, 'jsonb'],
]);

const TIMESTAMPTZ = 1184;

/**
 * Parsers over `pg`'s defaults: int8, numeric and money as exact text; date
 * as `YYYY-MM-DD`; timestamp (without time zone) as its text, which cutover
 * reads as UTC; timestamptz as ISO text with its offset (full microseconds,
 * so a value read can be bound again exactly); json and jsonb as text.
 */
export function postgresTypeParsers(defaults: PgTypeParsers): PgTypeParsers {
  const identity: PgTypeParser = (text) => text;
  const timestamptz: PgTypeParser = (text) => {
    // `2024-01-02 03:04:05.123456+05:30` or `…+00`: ISO wants `T` and a full `±HH:MM` offset.
    const iso = text.replace(' ', 'T');
    return /[+-]\d{2}$/.test(iso) ? `${iso}:00` : iso;
  };
  return {
    getTypeParser(oid, format = 'text') {
      if (format === 'text') {
        if (KEEP_TEXT.has(oid)) return identity;
        if (oid === TIMESTAMPTZ) return timestamptz;
      }
      return defaults.getTypeParser(oid, format);
    },
  };
}

/** Statements run on whichever connection the call is given. */
class PgExecutor implements SqlExecutor {
  constructor(
    private readonly target: () => Pick<PgPool, 'query'>,
    private readonly types: PgTypeParsers,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.target().query({ text: sql, values: [...params], types: this.types });
    return result.rows ?? [];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number; insertId?: number | string }> {
    const result = await this.target().query({ text: sql, values: [...params], types: this.types });
    return { changes: result.rowCount ?? 0 };
  }
}

/** A pooled PostgreSQL driver. */
export class PostgresDriver implements SqlDriver {
  private readonly current = new AsyncLocalStorage<PgPoolClient>();
  private readonly executor: PgExecutor;
  private readonly types: PgTypeParsers;
  private closed = false;

  /**
   * @param pool a `pg.Pool` (or anything with its shape)
   * @param defaultTypes `pg.types`: the parsers used for types this driver does not override
   */
  constructor(
    private readonly pool: PgPool,
    defaultTypes: PgTypeParsers,
  ) {
    this.types = postgresTypeParsers(defaultTypes);
    this.executor = new PgExecutor(() => this.current.getStore() ?? this.pool, this.types);
  }

  query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.executor.query(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number; insertId?: number | string }> {
    return this.executor.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const active = this.current.getStore();
    if (active) return fn(new PgExecutor(() => active, this.types));
    const client = await this.pool.connect();
    const tx = new PgExecutor(() => client, this.types);
    let broken: Error | undefined;
    try {
      await client.query({ text: 'BEGIN' }).catch((error: unknown) => {
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      });
      try {
        const result = await this.current.run(client, () => fn(tx));
        await client.query({ text: 'COMMIT' });
        return result;
      } catch (error) {
        await client.query({ text: 'ROLLBACK' }).catch((rollbackError: unknown) => {
          // The connection is unusable; the pool must not hand it out again.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
