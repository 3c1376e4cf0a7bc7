/**
 * The plaintext of a chunk and its compression. A chunk body is UTF-8 text
 * in lines: line 1 is a JSON header; in a record chunk each further line is
 * one record's canonical text (`[id, deleted, [[field, value], …]]`, fields
 * sorted), so the SHA-256 of a line is the record's hash; in a blob chunk
 * line 2 is the blob's JSON. Bodies are compressed with brotli, quality 1,
 * text mode (in a chunk worker when a backup writes them, see chunk-pool.ts).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { CrmRecord } from '../connectors/contract.js';
import { SetDigest } from '../core/record-hash.js';
import type { Value } from '../core/values.js';
import { sha256 } from './archive-crypto.js';
import { canonicalPage, type NonFinite } from './canonical-lines.js';
import { CHUNK_FORMAT } from './format.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Header (line 1) of a record chunk. */
export interface RecordChunkHeader {
  format: string;
  type: 'records';
  object: string;
  fields: string[];
  records: number;
  /** Present when some values are NaN or ±Infinity, which the canonical text writes as null. */
  nonFinite?: NonFinite[];
}

/** Header (line 1) of a blob chunk. */
export interface BlobChunkHeader {
  format: string;
  type: 'blob';
  name: string;
}

/** A record chunk ready to compress, and what the journal and manifest say about it. */
export interface EncodedRecordChunk {
  body: Buffer;
  records: number;
  deleted: number;
  lastId: string;
  /** SetDigest hex of the chunk's record hashes. */
  digest: string;
}

/**
 * A record chunk's body before its lines are hashed: bytes 0 to `length` of
 * `memory`, which nothing else uses, so it can move to a worker. Record lines
 * start at byte `linesFrom`.
 */
export interface RecordChunkBody {
  memory: ArrayBuffer;
  length: number;
  linesFrom: number;
  records: number;
  deleted: number;
  lastId: string;
}

/** What a scan of a record chunk finds, without parsing the records. */
export interface ScannedRecordChunk {
  header: RecordChunkHeader;
  records: number;
  deleted: number;
  lastId: string | null;
  digest: string;
}

/** The plaintext of a chunk is not what this version writes. */
export class ChunkFormatError extends Error {
  override readonly name = 'ChunkFormatError';
}

/**
 * Serializes a page of records of one object (one chunk), without hashing
 * its lines: a chunk worker does that (chunk-pool.ts). `scratch`, memory of
 * an earlier body no longer used, is written into when the page fits.
 */
export function encodeRecordBody(object: string, fields: string[], records: readonly CrmRecord[], scratch?: ArrayBuffer): RecordChunkBody {
  const { lines, nonFinite } = canonicalPage(records);
  const header: RecordChunkHeader = { format: CHUNK_FORMAT, type: 'records', object, fields, records: records.length };
  if (nonFinite.length > 0) header.nonFinite = nonFinite;
  const headerText = `${JSON.stringify(header)}\n`;
  // Each line is encoded straight into one buffer (no joined string of the page).
  // The buffer starts at the size of mostly-ASCII text and grows when a line might not fit (UTF-8 needs up to 3 bytes per unit):
  // a buffer sized for the worst case made V8 collect garbage far more often (external memory). allocUnsafeSlow: memory of
  // its own, never a slice of Node's pool, so that it can move to a worker.
  let units = headerText.length;
  for (const line of lines) units += line.length + 1;
  const wanted = Math.ceil(units * 1.25) + 3 * headerText.length;
  let buffer = scratch && scratch.byteLength >= wanted ? Buffer.from(scratch) : Buffer.allocUnsafeSlow(wanted);
  let offset = buffer.write(headerText, 0, 'utf8');
  const linesFrom = offset;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (offset + 1 + 3 * line.length > buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, offset + 1 + 3 * line.length));
      buffer.copy(grown, 0, 0, offset);
      buffer = grown;
    }
    if (i > 0) buffer[offset++] = NEWLINE;
    offset += buffer.write(line, offset, 'utf8');
  }
  let deleted = 0;
  for (const record of records) if (record.deleted) deleted += 1;
  const lastId = records.length > 0 ? String(records[records.length - 1]?.id) : '';
  return { memory: buffer.buffer as ArrayBuffer, length: offset, linesFrom, records: records.length, deleted, lastId };
}

/** The SetDigest of the lines of `body` from byte `from` on, hashed on this thread. */
function digestLines(body: Buffer, from: number): { digest: string; count: number } {
  const digest = new SetDigest();
  let start = from < body.length ? from : body.length + 1;
  while (start <= body.length) {
    const end = nextNewline(body, start);
    digest.add(sha256(body.subarray(start, end)));
    start = end + 1;
  }
  return { digest: digest.hex(), count: digest.count };
}

/** Serializes a page of records of one object (one chunk) and hashes its lines on this thread. */
export function encodeRecordChunk(object: string, fields: string[], records: readonly CrmRecord[]): EncodedRecordChunk {
  const { memory, length, linesFrom, ...facts } = encodeRecordBody(object, fields, records);
  const body = Buffer.from(memory, 0, length);
  return { body, ...facts, digest: digestLines(body, linesFrom).digest };
}

function nextNewline(body: Buffer, from: number): number {
  const at = body.indexOf(NEWLINE, from);
  return at < 0 ? body.length : at;
}

function parseHeader(body: Buffer): { header: unknown; rest: number } {
  const end = nextNewline(body, 0);
  let header: unknown;
  try {
    header = JSON.parse(body.toString('utf8', 0, end));
  } catch (error) {
    throw new ChunkFormatError('its header is not JSON', { cause: error });
  }
  if (!header || typeof header !== 'object' || (header as { format?: unknown }).format !== CHUNK_FORMAT) {
    throw new ChunkFormatError(`its header does not name the format ${CHUNK_FORMAT}`);
  }
  return { header, rest: end + 1 };
}

function recordHeader(body: Buffer): { header: RecordChunkHeader; rest: number } {
  const { header, rest } = parseHeader(body);
  const h = header as Partial<RecordChunkHeader>;
  if (h.type !== 'records' || typeof h.object !== 'string' || !Array.isArray(h.fields) || typeof h.records !== 'number') {
    throw new ChunkFormatError('it is not a record chunk');
  }
  return { header: h as RecordChunkHeader, rest };
}

/** Whether the record line `[<id>,<deleted>,…` starting at `start` has deleted = true. */
function lineDeleted(body: Buffer, start: number, end: number): boolean {
  if (body[start + 1] === QUOTE) {
    for (let i = start + 2; i < end; i += 1) {
      if (body[i] !== QUOTE) continue;
      let slashes = 0;
      while (body[i - 1 - slashes] === BACKSLASH) slashes += 1;
      if (slashes % 2 === 0) return body[i + 2] === 0x74; // `",t` of `",true,`
    }
  }
  const parsed = JSON.parse(body.toString('utf8', start, end)) as unknown[];
  return parsed[1] === true;
}

/**
 * Counts, digest and last id of a record chunk, given the digest of its lines
 * (a chunk worker sums the lines' hashes as it opens the chunk).
 */
export function summarizeRecordChunk(body: Buffer, lines: { digest: string; count: number }): ScannedRecordChunk {
  const { header, rest } = recordHeader(body);
  let deleted = 0;
  let records = 0;
  let lastStart = -1;
  let lastEnd = -1;
  // Lines are separated by newlines, with none at the end; an empty remainder holds no lines.
  let start = rest < body.length ? rest : body.length + 1;
  while (start <= body.length) {
    const end = nextNewline(body, start);
    if (lineDeleted(body, start, end)) deleted += 1;
    records += 1;
    lastStart = start;
    lastEnd = end;
    start = end + 1;
  }
  if (records !== lines.count) throw new ChunkFormatError(`its lines were hashed as ${lines.count} but it holds ${records}`);
  let lastId: string | null = null;
  if (lastStart >= 0) {
    const last = JSON.parse(body.toString('utf8', lastStart, lastEnd)) as unknown[];
    lastId = typeof last[0] === 'string' ? last[0] : null;
  }
  return { header, records, deleted, lastId, digest: lines.digest };
}

/** Counts, digest and last id of a record chunk, hashing each line as it is stored on this thread. */
export function scanRecordChunk(body: Buffer): ScannedRecordChunk {
  const { rest } = recordHeader(body);
  return summarizeRecordChunk(body, digestLines(body, rest));
}

function decodeValue(value: unknown): Value {
  if (value !== null && typeof value === 'object') {
    const b64 = (value as { $b?: unknown }).$b;
    if (typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
    throw new ChunkFormatError('a value is neither scalar nor binary');
  }
  return value as Value;
}

/** Sets a value, also for a field named `__proto__` (plain assignment would set the prototype). */
function setValue(values: Record<string, Value>, name: string, value: Value): void {
  if (name === '__proto__') Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  else values[name] = value;
}

function matchesSorted(pairs: Array<[string, unknown]>, sorted: string[]): boolean {
  if (pairs.length !== sorted.length) return false;
  for (let i = 0; i < sorted.length; i += 1) if ((pairs[i] as [string, unknown])[0] !== sorted[i]) return false;
  return true;
}

/** One stored record line: `[id, deleted, [[field, value], …]]`. */
type RecordRow = [string, boolean, Array<[string, unknown]>];

function parseRow(body: Buffer, start: number, end: number): RecordRow {
  let row: unknown;
  try {
    row = JSON.parse(body.toString('utf8', start, end));
  } catch (error) {
    throw new ChunkFormatError('its records are not JSON', { cause: error });
  }
  if (!Array.isArray(row) || !Array.isArray(row[2])) throw new ChunkFormatError('a record line is not [id, deleted, fields]');
  return row as RecordRow;
}

/**
 * The records of a record chunk, in stored order, values in the header's
 * field order where they match. Each line is parsed on its own: small strings
 * die young, where one string of the whole chunk (a large object, allocated
 * straight in the old generation) kept a restore's heap growing, and parsing
 * lines measured faster too.
 */
export function decodeRecordChunk(body: Buffer): { header: RecordChunkHeader; records: CrmRecord[] } {
  const { header, rest } = recordHeader(body);
  const declared = header.fields;
  const sorted = [...declared].sort();
  // Where each declared field sits among the sorted pairs, to give values the system's field order.
  const position = declared.map((name) => sorted.indexOf(name));
  const unsafeNames = declared.includes('__proto__');
  // Records holding every declared field start as a copy of this one: their shape is made once, not field by field.
  const template: Record<string, Value> = {};
  if (!unsafeNames) for (const name of declared) template[name] = null;
  const records: CrmRecord[] = [];
  let start = rest < body.length ? rest : body.length + 1;
  while (start <= body.length) {
    const end = nextNewline(body, start);
    const row = parseRow(body, start, end);
    const pairs = row[2];
    let values: Record<string, Value>;
    if (!unsafeNames && matchesSorted(pairs, sorted)) {
      values = { ...template };
      for (let i = 0; i < declared.length; i += 1) values[declared[i] as string] = decodeValue((pairs[position[i] as number] as [string, unknown])[1]);
    } else {
      values = {};
      for (const [name, value] of pairs) setValue(values, name, decodeValue(value));
    }
    records.push({ id: row[0], values, deleted: row[1] });
    start = end + 1;
  }
  if (records.length !== header.records) throw new ChunkFormatError(`its header says ${header.records} records but it holds ${records.length}`);
  for (const [row, field, text] of header.nonFinite ?? []) {
    const record = records[row];
    if (record) record.values[field] = Number(text);
  }
  return { header, records };
}

function toJsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return toJsonSafe(json.call(value));
    // fromEntries makes own properties even of a key named __proto__.
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonSafe(inner)]));
  }
  return value;
}

/** Serializes a blob: header line, then its JSON with binary values as `{"$b": base64}`. */
export function encodeBlob(name: string, value: unknown): Buffer {
  const header: BlobChunkHeader = { format: CHUNK_FORMAT, type: 'blob', name };
  const json = JSON.stringify(toJsonSafe(value)) ?? 'null';
  return Buffer.from(`${JSON.stringify(header)}\n${json}`, 'utf8');
}

/** The value of a blob chunk; `{"$b": base64}` objects become Uint8Array again. */
export function decodeBlob(body: Buffer): { header: BlobChunkHeader; value: unknown } {
  const { header, rest } = parseHeader(body);
  const h = header as Partial<BlobChunkHeader>;
  if (h.type !== 'blob' || typeof h.name !== 'string') throw new ChunkFormatError('it is not a blob chunk');
  try {
    const value = JSON.parse(body.toString('utf8', rest), (_key, inner: unknown) => {
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
        const keys = Object.keys(inner);
        const b64 = (inner as { $b?: unknown }).$b;
        if (keys.length === 1 && typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
      }
      return inner;
    }) as unknown;
    return { header: h as BlobChunkHeader, value };
  } catch (error) {
    throw new ChunkFormatError('its value is not JSON', { cause: error });
  }
}

const brotliCompress = promisify(zlib.brotliCompress);
const brotliDecompress = promisify(zlib.brotliDecompress);

/** Brotli quality 1, text mode: measured about twice as fast as gzip level 1 for a better ratio on CRM records. */
export function compressBody(body: Buffer): Promise<Buffer> {
  return brotliCompress(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 1,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
    // Node's async zlib hands each output chunk back to the main thread; the 16 KiB default made it twice as slow as the sync
    // call. Half the input holds the output of any useful compression in one chunk.
    chunkSize: Math.max(64 * 1024, Math.ceil(body.length / 2)),
  });
}

/** Inverse of {@link compressBody}. */
export async function decompressBody(data: Buffer): Promise<Buffer> {
  try {
    return await brotliDecompress(data, { chunkSize: inflateChunkSize(data) });
  } catch (error) {
    throw new ChunkFormatError('it does not decompress', { cause: error });
  }
}

/**
 * {@link decompressBody} on the calling thread. Reads use it: on the thread
 * pool, each of libuv's threads kept its own malloc arena of freed decoder
 * memory, which grew a 1M-record restore by tens of megabytes, and measured
 * no faster for a caller that parses the records anyway.
 */
export function decompressBodyHere(data: Buffer): Buffer {
  try {
    return zlib.brotliDecompressSync(data, { chunkSize: inflateChunkSize(data) });
  } catch (error) {
    throw new ChunkFormatError('it does not decompress', { cause: error });
  }
}

/** Room for the usual ratio (about 5 on records) in one output chunk; more just takes another round. */
function inflateChunkSize(data: Buffer): number {
  return Math.min(16 * 1024 * 1024, Math.max(64 * 1024, data.length * 8));
}
