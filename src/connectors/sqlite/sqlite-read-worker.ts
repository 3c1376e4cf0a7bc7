/**
 * Long read-only queries on a SQLite file, run in a worker thread on a
 * connection of its own. SQLite runs inside the process and better-sqlite3
 * blocks the thread it runs on, so range checksums over two databases at
 * once would otherwise take turns on one core; in workers they use two.
 *
 * The worker also registers the functions the SQLite dialect's `rowHash` and
 * `checksum` call (SQLite has no hash function of its own). Its code is a
 * CommonJS string evaluated by the worker, so that it runs the same from
 * `dist/` and from the TypeScript sources under the test runner.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Row, SqlExecutor } from '../sql/sql-driver.js';

/** The SQL function giving a row's hash (32 hex digits) of its arguments. */
export const ROW_HASH_FUNCTION = 'cutover_row_hash';
/** The SQL aggregate giving the order-independent checksum of its rows' arguments. */
export const CHECKSUM_FUNCTION = 'cutover_checksum';

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const Database = require(workerData.betterSqlite3);

// Each value is tagged and length-prefixed, so that no two different rows hash the same input.
function rowText(values) {
  let text = '';
  for (const value of values) {
    if (value === null || value === undefined) text += 'N';
    else if (typeof value === 'string') text += 's' + value.length + ':' + value;
    else if (typeof value === 'number' || typeof value === 'bigint') text += 'n' + String(value) + ';';
    else { const hex = Buffer.from(value).toString('hex'); text += 'b' + hex.length + ':' + hex; }
  }
  return text;
}
// SHA-1 of the row text, the first 16 bytes: one-shot hashing where Node has it (20.12 and later) is the faster.
const rowHash = crypto.hash
  ? (values) => crypto.hash('sha1', rowText(values), 'buffer').subarray(0, 16)
  : (values) => crypto.createHash('sha1').update(rowText(values)).digest().subarray(0, 16);

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.defaultSafeIntegers(true);
db.pragma('busy_timeout = 5000');
db.function(${JSON.stringify(ROW_HASH_FUNCTION)}, { deterministic: true, varargs: true }, (...values) => rowHash(values).toString('hex'));
// Two 32-bit lanes of the row hashes, each summed modulo 2^32: any order gives the same sums.
db.aggregate(${JSON.stringify(CHECKSUM_FUNCTION)}, {
  varargs: true,
  start: () => [0, 0],
  step: (lanes, ...values) => {
    const hash = rowHash(values);
    lanes[0] = (lanes[0] + hash.readUInt32BE(0)) >>> 0;
    lanes[1] = (lanes[1] + hash.readUInt32BE(4)) >>> 0;
    return lanes;
  },
  result: (lanes) => lanes[0].toString(16).padStart(8, '0') + lanes[1].toString(16).padStart(8, '0'),
});

parentPort.on('message', ({ id, sql, params, arrays }) => {
  try {
    const statement = db.prepare(sql);
    const rows = arrays ? statement.raw(true).all(...params) : statement.all(...params);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

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
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, betterSqlite3 } });
    // An idle worker must not keep the process alive; a query in flight refs it again.
    this.worker.unref();
    this.worker.on('message', (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker.unref();
      if (message.error) waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiting.resolve(message.rows ?? []);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the SQLite read worker stopped (exit code ${code})`)));
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.send(sql, params, false) as Promise<Row[]>;
  }

  queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.send(sql, params, true) as Promise<unknown[][]>;
  }

  run(): Promise<{ changes: number }> {
    return Promise.reject(new Error('the SQLite read worker only reads'));
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the SQLite read worker was closed');
    await this.worker.terminate();
  }

  private send(sql: string, params: readonly unknown[], arrays: boolean): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, sql, params: [...params], arrays });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
