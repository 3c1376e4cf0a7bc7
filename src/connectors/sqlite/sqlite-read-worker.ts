/**
 * Long read-only queries on a SQLite file, run in a worker thread on a
 * connection of its own. SQLite runs inside the process and better-sqlite3
 * blocks the thread it runs on, so range checksums over two databases at
 * once would otherwise take turns on one core; in workers they use two.
 *
 * The worker also registers the functions the SQLite dialect's `rowHash` and
 * `checksum` call (SQLite has no hash function of its own). Its code is a
 * CommonJS string evaluated by the worker, with the source of
 * {@link sqliteRowHash} pasted in, so that it runs the same from `dist/` and
 * from the TypeScript sources under the test runner.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Row, SqlExecutor } from '../sql/sql-driver.js';
import { sqliteRowHash } from './sqlite-row-hash.js';

/** The SQL function giving a row's hash (53 bits of {@link sqliteRowHash}, as an integer) of its arguments. */
export const ROW_HASH_FUNCTION = 'cutover_row_hash';
/** The SQL aggregate giving the order-independent checksum of its rows' arguments. */
export const CHECKSUM_FUNCTION = 'cutover_checksum';

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);

const rowHash = ${sqliteRowHash.toString()};
const hex = (n) => n.toString(16).padStart(8, '0');

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.defaultSafeIntegers(true);
db.pragma('busy_timeout = 5000');
// 53 of the 64 bits, as a number: formatting text per row costs more than the hash.
db.function(${JSON.stringify(ROW_HASH_FUNCTION)}, { deterministic: true, varargs: true }, (...values) => {
  const [h1, h2] = rowHash(values);
  return h1 * 2097152 + (h2 >>> 11);
});
// The two 32-bit halves of the row hashes, each summed modulo 2^32: any order gives the same sums.
db.aggregate(${JSON.stringify(CHECKSUM_FUNCTION)}, {
  varargs: true,
  start: () => [0, 0],
  step: (lanes, ...values) => {
    const [h1, h2] = rowHash(values);
    lanes[0] = (lanes[0] + h1) >>> 0;
    lanes[1] = (lanes[1] + h2) >>> 0;
    return lanes;
  },
  result: (lanes) => hex(lanes[0]) + hex(lanes[1]),
});

// Statements by SQL text and row form (raw mode sticks to a statement); a checksum walk repeats a few.
const statements = new Map();
function statement(sql, arrays) {
  const key = (arrays ? 'a ' : 'o ') + sql;
  let prepared = statements.get(key);
  if (!prepared) {
    if (statements.size >= 64) statements.delete(statements.keys().next().value);
    prepared = db.prepare(sql).raw(arrays);
    statements.set(key, prepared);
  }
  return prepared;
}

// Rows of strings travel as one text, tab- and newline-separated: copying 5,000 small arrays (and BigInts)
// between threads costs more than the query. A batch with a tab or newline in a value goes as arrays.
function packed(rows) {
  const lines = new Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const values = rows[i].map((value) => (value === null ? '' : String(value)));
    for (const value of values) if (value.includes('\\t') || value.includes('\\n')) return { rows: rows.map((row) => row.map((v) => (v === null ? null : String(v)))) };
    lines[i] = values.join('\\t');
  }
  return { text: lines.join('\\n'), count: rows.length };
}

parentPort.on('message', ({ id, sql, params, mode }) => {
  try {
    const rows = statement(sql, mode !== 'objects').all(...params);
    parentPort.postMessage(mode === 'strings' ? { id, ...packed(rows) } : { id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** What the worker answers: rows, rows of strings packed in one text, or an error. */
interface Reply {
  id: number;
  rows?: unknown[];
  text?: string;
  count?: number;
  error?: { message: string; code?: string };
}

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** A read-only {@link SqlExecutor} whose queries run in a worker thread. */
export class SqliteReadWorker implements SqlExecutor {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private failure: Error | undefined;

  constructor(file: string) {
    const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
    // A small young generation: the worker's garbage (one row's values at a time) dies young, and two
    // workers with the default one took ~40 MB more RSS in a diff of 1M records, at the same speed.
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, betterSqlite3 },
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      // None of the parent's options: the code is CommonJS (--input-type=module would break it), and V8
      // options such as --max-semi-space-size are refused when passed to a worker.
      execArgv: [],
    });
    // An idle worker must not keep the process alive; a query in flight refs it again.
    this.worker.unref();
    this.worker.on('message', (message: Reply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker.unref();
      if (message.error) waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else if (message.text !== undefined) waiting.resolve(message.count === 0 ? [] : message.text.split('\n').map((line) => line.split('\t')));
      else waiting.resolve(message.rows ?? []);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the SQLite read worker stopped (exit code ${code})`)));
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.send(sql, params, 'objects') as Promise<Row[]>;
  }

  queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.send(sql, params, 'arrays') as Promise<unknown[][]>;
  }

  /** Rows as arrays of strings (NULL as an empty string): the fastest form to pass between threads. */
  queryStrings(sql: string, params: readonly unknown[] = []): Promise<string[][]> {
    return this.send(sql, params, 'strings') as Promise<string[][]>;
  }

  run(): Promise<{ changes: number }> {
    return Promise.reject(new Error('the SQLite read worker only reads'));
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the SQLite read worker was closed');
    await this.worker.terminate();
  }

  private send(sql: string, params: readonly unknown[], mode: 'objects' | 'arrays' | 'strings'): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, sql, params: [...params], mode });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
