/**
 * Worker threads that seal and open chunks (chunk-worker-source.ts). A
 * backup's thread is busy reading and serializing records, a verify's is
 * free: compression, encryption and hashing in workers use the other cores
 * for both. One pool serves the process: starting a worker costs tens of
 * milliseconds, and archives come and go (a backup chain, a test suite).
 * Idle workers do not keep the process alive; one with a job in flight does.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CHUNK_WORKER_SOURCE } from './chunk-worker-source.js';

/** The SetDigest of a chunk's record lines, as a worker summed it. */
export interface LineDigest {
  /** 64 hex characters, as {@link SetDigest.hex} writes them. */
  digest: string;
  /** Lines hashed: the chunk's records. */
  count: number;
}

/** A chunk file sealed and durably written, and what the journal says about it. */
export interface SealedChunk {
  /** The file's size: nonce ‖ ciphertext ‖ tag. */
  bytes: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** The digest of the record lines; null for a blob. */
  lines: LineDigest | null;
  /** The body's memory, handed back to be written into again. */
  body: ArrayBuffer;
}

/** An opened chunk: its plaintext, or why it could not be opened. */
export type OpenedChunk =
  | { ok: true; body: Buffer; lines: LineDigest | null }
  | { ok: false; problem: 'sha256' | 'tag' | 'decompress'; message?: string };

/** Workers at most: one per core, as zlib and AES-GCM use one core per call. */
const MAX_WORKERS = Math.max(1, Math.min(availableParallelism(), 4));

interface Waiting {
  resolve(message: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** One worker and its jobs in flight. */
class ChunkWorker {
  readonly waiting = new Map<number, Waiting>();
  private readonly worker: Worker;
  private failure: Error | undefined;

  constructor(onGone: (worker: ChunkWorker) => void) {
    // None of the parent's options: the source is CommonJS (--input-type=module would break it), and V8
    // options such as --max-old-space-size are refused when passed to a worker.
    const execArgv: string[] = [];
    // A worker's garbage is short-lived (a string per hashed line): a small young generation is enough.
    this.worker = new Worker(CHUNK_WORKER_SOURCE, { eval: true, execArgv, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.worker.unref();
    this.worker.on('message', (message: { id: number; error?: string }) => {
      const waiting = this.waiting.get(message.id);
      if (!waiting) return;
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (message.error !== undefined) waiting.reject(new Error(`a chunk worker failed: ${message.error}`));
      else waiting.resolve(message as unknown as Record<string, unknown>);
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiting of this.waiting.values()) waiting.reject(this.failure);
      this.waiting.clear();
      onGone(this);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a chunk worker stopped (exit code ${code})`)));
  }

  send(id: number, job: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...job, id }, transfer);
    });
  }
}

/** The process's chunk workers, started on first use. */
class ChunkPool {
  private readonly workers: ChunkWorker[] = [];
  private next = 0;

  /** Sends a job to the worker with the fewest jobs in flight (a new one while there are fewer than {@link MAX_WORKERS}). */
  run(job: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Record<string, unknown>> {
    let worker = this.workers.reduce<ChunkWorker | undefined>((best, candidate) => (!best || candidate.waiting.size < best.waiting.size ? candidate : best), undefined);
    if (!worker || (worker.waiting.size > 0 && this.workers.length < MAX_WORKERS)) {
      worker = new ChunkWorker((gone) => this.workers.splice(this.workers.indexOf(gone) >>> 0, 1));
      this.workers.push(worker);
    }
    return worker.send(this.next++, job, transfer);
  }
}

const pool = new ChunkPool();

/**
 * The ArrayBuffer behind a view, to transfer: the view's own when the view
 * spans all of it (as a file just read does), else a copy (a Buffer may be a
 * slice of Node's shared pool, which must never be detached).
 */
function transferable(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  return new Uint8Array(view).buffer as ArrayBuffer;
}

/** What to seal: bytes 0 to `length` of `memory`, record lines from byte `linesFrom` on (negative: none, a blob). */
export interface ChunkToSeal {
  memory: ArrayBuffer;
  length: number;
  linesFrom: number;
}

/** Writing a chunk file (or the journal) failed in the worker; `code` is the system error code. */
export class ChunkWriteError extends Error {
  override readonly name = 'ChunkWriteError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/**
 * Compresses and encrypts a chunk body in a worker, hashes the file, sums
 * the SHA-256 of every record line, then writes the file to `file` and
 * fsyncs it. `memory` moves to the worker, so nothing else may use it;
 * {@link SealedChunk.body} hands it back. Throws {@link ChunkWriteError} when
 * the file cannot be written.
 */
export async function sealInWorker(chunk: ChunkToSeal, key: Buffer, aad: Buffer, file: string): Promise<SealedChunk> {
  const { memory, length, linesFrom } = chunk;
  const reply = await pool.run({ op: 'seal', body: memory, offset: 0, length, linesFrom, key, aad, path: file }, [memory]);
  const io = reply.io as { code?: string; message: string } | undefined;
  if (io) throw new ChunkWriteError(io.message, io.code);
  return reply as unknown as SealedChunk;
}

/** {@link sealInWorker} for a body that may share its memory (it is copied first) and has no record lines. */
export function sealCopyInWorker(body: Uint8Array, key: Buffer, aad: Buffer, file: string): Promise<SealedChunk> {
  return sealInWorker({ memory: new Uint8Array(body).buffer as ArrayBuffer, length: body.byteLength, linesFrom: -1 }, key, aad, file);
}

/**
 * Checks a chunk file's SHA-256, decrypts and decompresses it in a worker;
 * with `digestLines`, also sums the SHA-256 of every line after the header.
 * The file's memory may move to the worker: do not use `data` after the call.
 */
export async function openInWorker(data: Uint8Array, sha256: string, key: Buffer, aad: Buffer, digestLines: boolean): Promise<OpenedChunk> {
  const memory = transferable(data);
  const reply = await pool.run({ op: 'open', data: memory, offset: 0, length: data.byteLength, sha256, key, aad, digestLines }, [memory]);
  if (typeof reply.problem === 'string') return { ok: false, problem: reply.problem as 'sha256' | 'tag' | 'decompress', ...(typeof reply.message === 'string' ? { message: reply.message } : {}) };
  const body = reply.body as Uint8Array;
  return { ok: true, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), lines: (reply.lines as LineDigest | null) ?? null };
}

/** Appends text to `file` and fsyncs it, in a worker. Throws {@link ChunkWriteError} when it cannot. */
export async function appendInWorker(file: string, text: string): Promise<void> {
  const reply = await pool.run({ op: 'append', path: file, text }, []);
  const io = reply.io as { code?: string; message: string } | undefined;
  if (io) throw new ChunkWriteError(io.message, io.code);
}
