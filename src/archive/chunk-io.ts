/**
 * Reading one chunk back: present, of the size and SHA-256 the manifest
 * says, authentic under this archive's key and position, and decompressed.
 * Files are read on libuv's thread pool. A verify, which must hash every
 * line, opens chunks in chunk workers (chunk-pool.ts); a read, whose thread
 * parses the records anyway, hashes, decrypts and decompresses on its own
 * thread: workers saved it no time and cost memory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chunkAad, openChunk, sha256Hex, type ArchiveKeys } from './archive-crypto.js';
import { describePlace, type ChunkPlace } from './archive-errors.js';
import { ChunkFormatError, decompressBodyHere } from './chunk-codec.js';
import { openInWorker, type LineDigest } from './chunk-pool.js';

/** What is needed to open the chunks of one archive. */
export interface ArchiveContext {
  dir: string;
  id: string;
  keys: ArchiveKeys;
}

/** A chunk that is missing, damaged or not authentic, with where it is. */
export class ChunkProblem extends Error {
  override readonly name = 'ChunkProblem';
  readonly place: ChunkPlace;

  constructor(place: ChunkPlace, problem: string, cause?: unknown) {
    super(`${describePlace(place)} ${problem}.`, cause === undefined ? undefined : { cause });
    this.place = place;
  }
}

/** The file facts the manifest (or journal) records for a chunk. */
export interface ChunkRef {
  file: string;
  sha256: string;
  bytes: number;
}

/** Reads a chunk file, or a problem naming the chunk. */
async function readChunkFile(ctx: ArchiveContext, place: ChunkPlace, file: string): Promise<Buffer> {
  try {
    return await readFile(path.join(ctx.dir, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChunkProblem(place, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? 'error'})`, error);
  }
}

/** A chunk's plaintext body, and the digest of its record lines when asked for. */
export interface LoadedChunk {
  body: Buffer;
  lines: LineDigest | null;
}

const NOT_ITS_SHA256 = 'does not match its SHA-256 in the manifest (changed, or another chunk is in its place)';
const FAILS_ITS_TAG = 'fails its authentication tag (changed, or moved from another archive or position)';

/**
 * Reads, checks, decrypts and decompresses a chunk. With `digestLines`, the
 * SHA-256 of every line after the header is summed too (for verify).
 */
export async function loadChunk(ctx: ArchiveContext, place: ChunkPlace, ref: ChunkRef, options: { digestLines?: boolean } = {}): Promise<LoadedChunk> {
  const data = await readChunkFile(ctx, place, ref.file);
  if (data.length !== ref.bytes) throw new ChunkProblem(place, `is ${data.length} bytes where the manifest says ${ref.bytes} (truncated or replaced)`);
  const aad = chunkAad(ctx.id, ref.file);
  if (options.digestLines) {
    const opened = await openInWorker(data, ref.sha256, ctx.keys.chunk, aad, true);
    if (opened.ok) return { body: opened.body, lines: opened.lines };
    if (opened.problem === 'sha256') throw new ChunkProblem(place, NOT_ITS_SHA256);
    if (opened.problem === 'tag') throw new ChunkProblem(place, FAILS_ITS_TAG);
    throw new ChunkProblem(place, 'cannot be read: it does not decompress', new Error(opened.message ?? 'brotli failed'));
  }
  if (sha256Hex(data) !== ref.sha256) throw new ChunkProblem(place, NOT_ITS_SHA256);
  const compressed = openChunk(ctx.keys.chunk, aad, data);
  if (!compressed) throw new ChunkProblem(place, FAILS_ITS_TAG);
  try {
    return { body: decompressBodyHere(compressed), lines: null };
  } catch (error) {
    throw new ChunkProblem(place, `cannot be read: ${error instanceof ChunkFormatError ? error.message : String(error)}`, error);
  }
}

/** Checks only that a chunk file exists with the size and SHA-256 recorded (resume uses this). */
export async function chunkFileIntact(dir: string, ref: ChunkRef): Promise<boolean> {
  try {
    const data = await readFile(path.join(dir, ref.file));
    return data.length === ref.bytes && sha256Hex(data) === ref.sha256;
  } catch {
    return false;
  }
}

/** Whether any of these chunk files decrypts with the keys: tells a wrong key from an edited header or manifest. */
export async function anyChunkOpens(ctx: ArchiveContext, files: string[]): Promise<boolean> {
  for (const file of files.slice(0, 3)) {
    try {
      const data = await readFile(path.join(ctx.dir, file));
      if (openChunk(ctx.keys.chunk, chunkAad(ctx.id, file), data)) return true;
    } catch {
      // A missing probe file proves nothing either way.
    }
  }
  return false;
}
