/**
 * Quick verify: everything that can be checked without a target system.
 * The manifest's MAC; every chunk present, of its size and SHA-256, with a
 * valid GCM tag; and per object, the record count, deleted count and set
 * digest recomputed from the decrypted records (the SHA-256 of each stored
 * line is the record's hash, so no record is parsed). Chunk workers hash,
 * decrypt, decompress and hash the lines; this thread reads the files and
 * counts.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { isCutoverError } from '../core/errors.js';
import { describePlace, type ChunkPlace } from './archive-errors.js';
import { ChunkFormatError, decodeBlob, summarizeRecordChunk } from './chunk-codec.js';
import { ChunkProblem, loadChunk, type ArchiveContext } from './chunk-io.js';
import { DigestSum } from './digest-sum.js';
import { FILES, type ArchiveObjectEntry, type ArchiveProblem, type Manifest, type VerifyReport } from './format.js';
import { loadAhead } from './lookahead.js';
import { openArchive } from './open-archive.js';

/** Chunks loaded ahead of the one being summarized: enough to keep every chunk worker busy. */
const VERIFY_AHEAD = 4;

interface Tally {
  problems: ArchiveProblem[];
  chunks: number;
  records: number;
  bytes: number;
}

function problemOf(error: unknown, place: ChunkPlace): ArchiveProblem {
  const message =
    error instanceof ChunkProblem
      ? error.message
      : error instanceof ChunkFormatError
        ? `${describePlace(place)} cannot be read: ${error.message}.`
        : error instanceof Error
          ? error.message
          : String(error);
  return place.object !== undefined ? { object: place.object, chunk: place.chunk, message } : { chunk: place.chunk, message };
}

async function verifyObject(ctx: ArchiveContext, object: ArchiveObjectEntry, tally: Tally, signal: AbortSignal | undefined): Promise<void> {
  const name = object.name;
  const digest = DigestSum.empty();
  let records = 0;
  let deleted = 0;
  let complete = true;
  const load = (chunk: ArchiveObjectEntry['chunks'][number]) => loadChunk(ctx, { object: name, chunk: chunk.file }, chunk, { digestLines: true });
  for await (const loaded of loadAhead(object.chunks, load, VERIFY_AHEAD, signal, `Verifying backup ${ctx.id}`)) {
    const chunk = loaded.item;
    const place = { object: name, chunk: chunk.file };
    tally.chunks += 1;
    if (!loaded.ok) {
      tally.problems.push(problemOf(loaded.error, place));
      complete = false;
      continue;
    }
    tally.bytes += chunk.bytes;
    try {
      const { body, lines } = loaded.value;
      if (!lines) throw new Error('the chunk worker did not hash the lines');
      const scan = summarizeRecordChunk(body, lines);
      const wrong: string[] = [];
      if (scan.header.object !== name) wrong.push(`holds records of ${scan.header.object}`);
      if (scan.records !== chunk.records || scan.header.records !== chunk.records) wrong.push(`holds ${scan.records} records where the manifest says ${chunk.records}`);
      if (scan.lastId !== chunk.lastId) wrong.push(`ends with id ${String(scan.lastId)} where the manifest says ${chunk.lastId}`);
      for (const message of wrong) tally.problems.push({ ...place, message: `chunk ${chunk.file} of object ${name} ${message}.` });
      digest.merge(scan.digest);
      records += scan.records;
      deleted += scan.deleted;
      tally.records += scan.records;
    } catch (error) {
      tally.problems.push(problemOf(error, place));
      complete = false;
    }
  }
  const listed = object.chunks.reduce((sum, chunk) => sum + chunk.records, 0);
  if (listed !== object.records) tally.problems.push({ object: name, message: `object ${name}: the manifest says ${object.records} records but its chunks list ${listed}.` });
  if (!complete) return;
  if (records !== object.records) tally.problems.push({ object: name, message: `object ${name} holds ${records} records where the manifest says ${object.records}.` });
  if (deleted !== object.deleted) tally.problems.push({ object: name, message: `object ${name} holds ${deleted} deleted records where the manifest says ${object.deleted}.` });
  if (digest.hex() !== object.digest) tally.problems.push({ object: name, message: `object ${name}: the digest of its records is ${digest.hex()} where the manifest says ${object.digest}.` });
}

async function verifyBlobs(ctx: ArchiveContext, manifest: Manifest, tally: Tally): Promise<void> {
  for (const blob of manifest.blobs) {
    const place = { blob: blob.name, chunk: blob.file };
    tally.chunks += 1;
    try {
      const decoded = decodeBlob((await loadChunk(ctx, place, blob)).body);
      if (decoded.header.name !== blob.name) tally.problems.push({ chunk: blob.file, message: `chunk ${blob.file} of blob ${blob.name} holds the blob ${decoded.header.name}.` });
      tally.bytes += blob.bytes;
    } catch (error) {
      tally.problems.push(problemOf(error, place));
    }
  }
}

/**
 * Quick verify: manifest MAC, every chunk present, hash and GCM tag OK,
 * record counts and per-object digests recomputed from the decrypted records
 * equal the manifest. Never throws for a finding (a wrong key is a finding
 * too, with the `archive.key` message); each problem names its object and
 * chunk file (a blob's problem names its chunk file and, in the message, the blob).
 */
export async function verifyArchive(dir: string, secret: string, options: { signal?: AbortSignal } = {}): Promise<VerifyReport> {
  const started = performance.now();
  const tally: Tally = { problems: [], chunks: 0, records: 0, bytes: 0 };
  const report = (): VerifyReport => ({ ok: tally.problems.length === 0, ...tally, seconds: (performance.now() - started) / 1000 });
  let opening;
  try {
    opening = await openArchive(dir, secret);
  } catch (error) {
    if (!isCutoverError(error)) throw error;
    tally.problems.push({ message: error.message });
    return report();
  }
  if (!opening.ok) tally.problems.push({ message: opening.error.message });
  const manifest = opening.manifest;
  const ctx = opening.ctx;
  // Without the right key nothing more can be checked; with it, an edited manifest is still checked against the chunks.
  if (!manifest || !ctx) return report();
  for (const object of manifest.objects) await verifyObject(ctx, object, tally, options.signal);
  await verifyBlobs(ctx, manifest, tally);
  const records = manifest.objects.reduce((sum, object) => sum + object.records, 0);
  if (records !== manifest.records) tally.problems.push({ message: `the manifest's total of ${manifest.records} records differs from its objects' ${records}.` });
  const bytes = manifest.objects.reduce((sum, o) => sum + o.chunks.reduce((s, c) => s + c.bytes, 0), 0) + manifest.blobs.reduce((sum, b) => sum + b.bytes, 0);
  if (bytes !== manifest.bytes) tally.problems.push({ message: `the manifest's total of ${manifest.bytes} bytes differs from its files' ${bytes}.` });
  return report();
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** `complete` when the folder has a manifest.json, `incomplete` when it has only a header or journal (resumable), else `absent`. */
export async function archiveState(dir: string): Promise<'complete' | 'incomplete' | 'absent'> {
  if (await exists(path.join(dir, FILES.manifest))) return 'complete';
  if ((await exists(path.join(dir, FILES.header))) || (await exists(path.join(dir, FILES.journal)))) return 'incomplete';
  return 'absent';
}
