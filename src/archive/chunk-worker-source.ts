/**
 * The code a chunk worker runs (see chunk-pool.ts): the CPU-heavy steps of a
 * chunk that need no record values, so that they run beside the thread that
 * reads and serializes records. Sealing compresses (brotli, quality 1, text
 * mode), encrypts (AES-256-GCM, random nonce, `nonce ‖ ciphertext ‖ tag`),
 * hashes the file, sums the SHA-256 of every record line, and writes the
 * file and fsyncs it; opening checks the file's SHA-256, decrypts,
 * decompresses and, when asked, sums the lines' hashes. Appending writes
 * journal lines and fsyncs them.
 * docs/archive-format.md describes every step.
 *
 * It is a CommonJS string evaluated by the worker, so that it runs the same
 * from `dist/` and from the TypeScript sources under the test runner.
 * Buffers go both ways as transferred ArrayBuffers (a view of part of a
 * buffer is copied first).
 */
export const CHUNK_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const NEWLINE = 0x0a;
const TWO_32 = 4294967296;
const sha256 = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();
// One character per byte: a short string costs less than a Buffer per line (measured: the digest a third faster).
const sha256Latin1 = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'latin1')
  : (data) => crypto.createHash('sha256').update(data).digest('latin1');

function word(text, at) {
  return ((text.charCodeAt(at) << 24) | (text.charCodeAt(at + 1) << 16) | (text.charCodeAt(at + 2) << 8) | text.charCodeAt(at + 3)) >>> 0;
}

// The SetDigest of the lines from \`from\` on (src/core/record-hash.ts): each line's SHA-256 as four big-endian
// 64-bit lanes, added lane by lane modulo 2^64. Each lane is kept as two 32-bit halves: no BigInt per line.
function lineDigest(body, from) {
  const halves = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let start = from < body.length ? from : body.length + 1;
  while (start <= body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end < 0) end = body.length;
    const hash = sha256Latin1(body.subarray(start, end));
    for (let lane = 0; lane < 4; lane += 1) {
      let low = halves[2 * lane + 1] + word(hash, 8 * lane + 4);
      let carry = 0;
      if (low >= TWO_32) { low -= TWO_32; carry = 1; }
      halves[2 * lane + 1] = low;
      halves[2 * lane] = (halves[2 * lane] + word(hash, 8 * lane) + carry) % TWO_32;
    }
    count += 1;
    start = end + 1;
  }
  return { digest: halves.map((half) => half.toString(16).padStart(8, '0')).join(''), count };
}

// A view that owns its whole ArrayBuffer can be transferred; anything else (a slice of a pool) is copied first.
function owned(view) {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy;
}

function seal(job) {
  const body = Buffer.from(job.body, job.offset, job.length);
  const lines = job.linesFrom >= 0 ? lineDigest(body, job.linesFrom) : null;
  // The settings of compressBody in chunk-codec.ts.
  const compressed = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 1,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
    chunkSize: Math.max(64 * 1024, Math.ceil(body.length / 2)),
  });
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', job.key, nonce);
  cipher.setAAD(job.aad);
  const encrypted = cipher.update(compressed);
  const last = cipher.final();
  const data = new Uint8Array(NONCE_BYTES + encrypted.length + last.length + TAG_BYTES);
  data.set(nonce, 0);
  data.set(encrypted, NONCE_BYTES);
  data.set(last, NONCE_BYTES + encrypted.length);
  data.set(cipher.getAuthTag(), NONCE_BYTES + encrypted.length + last.length);
  // Blocking here blocks only this worker; on the caller's thread each awaited file operation waited for its event loop.
  try {
    const fd = fs.openSync(job.path, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return { result: { io: { code: error && error.code, message: String(error && error.message) }, body: job.body }, transfer: [job.body] };
  }
  const result = { bytes: data.length, sha256: sha256(data).toString('hex'), lines, body: job.body };
  return { result, transfer: [job.body] };
}

function open(job) {
  const data = Buffer.from(job.data, job.offset, job.length);
  if (sha256(data).toString('hex') !== job.sha256) return { result: { problem: 'sha256' }, transfer: [] };
  let compressed = null;
  if (data.length >= NONCE_BYTES + TAG_BYTES) {
    const decipher = crypto.createDecipheriv('aes-256-gcm', job.key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(job.aad);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      const part = decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES));
      const last = decipher.final();
      compressed = last.length === 0 ? part : Buffer.concat([part, last]);
    } catch {
      compressed = null;
    }
  }
  if (!compressed) return { result: { problem: 'tag' }, transfer: [] };
  let body;
  try {
    // Room for the usual ratio (about 5 on records) in one output chunk; more just takes another round.
    body = owned(zlib.brotliDecompressSync(compressed, { chunkSize: Math.min(16 * 1024 * 1024, Math.max(64 * 1024, compressed.length * 8)) }));
  } catch (error) {
    return { result: { problem: 'decompress', message: String(error && error.message) }, transfer: [] };
  }
  let lines = null;
  if (job.digestLines) {
    const header = body.indexOf(NEWLINE);
    lines = lineDigest(body, header < 0 ? body.length + 1 : header + 1);
  }
  return { result: { body, lines }, transfer: [body.buffer] };
}

// Appends journal lines and fsyncs them, so that the thread that orders them need not wait for its event loop.
function append(job) {
  try {
    const fd = fs.openSync(job.path, 'a');
    try {
      fs.writeFileSync(fd, job.text);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return { result: { io: { code: error && error.code, message: String(error && error.message) } }, transfer: [] };
  }
  return { result: {}, transfer: [] };
}

const JOBS = { seal, open, append };

parentPort.on('message', (job) => {
  try {
    const { result, transfer } = JOBS[job.op](job);
    parentPort.postMessage({ id: job.id, ...result }, transfer);
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.stack || error) });
  }
});
`;
