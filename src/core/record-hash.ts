/**
 * The canonical hash of a record: the same record hashes the same whether it
 * was read from SQLite, PostgreSQL, MariaDB or a backup. Backups store these
 * digests, diff compares them, the ledger will record them.
 */
import { createHash } from 'node:crypto';
import type { Value } from './values.js';

/** What a record hash covers: its id, its deleted flag and its field values. */
export interface HashableRecord {
  id: string;
  deleted: boolean;
  values: Record<string, Value>;
}

/** A value as JSON: binary as `{"$b": base64}`, everything else as it is. */
export function jsonValue(value: Value): unknown {
  return value instanceof Uint8Array ? { $b: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') } : value;
}

/** A value back from its {@link jsonValue}: `{"$b": base64}` as bytes again. */
export function valueFromJson(value: unknown): Value {
  if (value !== null && typeof value === 'object' && typeof (value as { $b?: unknown }).$b === 'string') {
    return new Uint8Array(Buffer.from((value as { $b: string }).$b, 'base64'));
  }
  return value as Value;
}

/** Characters JSON.stringify escapes in a string: quote, backslash, controls, and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON; strings with nothing to escape skip JSON.stringify, the cost of hashing on Node 20. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A value as the JSON text JSON.stringify would give its {@link jsonValue}. */
export function jsonValueText(value: Value | undefined): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(jsonValue(value)) ?? 'null';
}

/**
 * The canonical text of a record: `[id, deleted, [[field, value], …]]` with
 * fields sorted by name (code-unit order), exactly as JSON.stringify writes it.
 */
export function canonicalRecordText(record: HashableRecord): string {
  const names = Object.keys(record.values).sort();
  let text = `[${jsonString(record.id)},${record.deleted ? 'true' : 'false'},[`;
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    text += `${i === 0 ? '' : ','}[${jsonString(name)},${jsonValueText(record.values[name])}]`;
  }
  return `${text}]]`;
}

/** SHA-256 of the canonical text: 32 bytes. */
export function recordHash(record: HashableRecord): Buffer {
  return createHash('sha256').update(canonicalRecordText(record)).digest();
}

/**
 * An order-independent digest of a set of records: the sum, lane by lane
 * (four 64-bit lanes, modulo 2^64), of their hashes. Two sides hold the same
 * records exactly when their set digests and counts match (up to hash
 * collisions), whatever order each side reads them in.
 */
export class SetDigest {
  private readonly lanes = [0n, 0n, 0n, 0n];
  count = 0;

  /** Adds one record hash (32 bytes). */
  add(hash: Uint8Array): void {
    const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
    for (let lane = 0; lane < 4; lane += 1) {
      this.lanes[lane] = ((this.lanes[lane] as bigint) + view.getBigUint64(lane * 8)) & 0xffffffffffffffffn;
    }
    this.count += 1;
  }

  /** The digest as 64 hex characters. */
  hex(): string {
    return this.lanes.map((lane) => lane.toString(16).padStart(16, '0')).join('');
  }
}
