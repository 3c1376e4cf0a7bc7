/**
 * Writing an archive. Each `append` serializes its page at once (the
 * canonical texts, on the caller's thread), then the lines' hashes,
 * compression, encryption and the fsync'd chunk file happen in a chunk
 * worker while the caller reads the next page; journal lines are
 * appended strictly in order (journal-commits.ts), and a chunk counts only
 * once its line is on disk. At most {@link IN_FLIGHT} chunks are pending; a
 * background failure is thrown by the next call.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CrmRecord } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { archiveIoError } from './archive-errors.js';
import { chunkAad, MAX_CHUNKS_PER_KEY, newArchiveKeys, type ArchiveKeys } from './archive-crypto.js';
import { encodeBlob, encodeRecordBody, type RecordChunkBody } from './chunk-codec.js';
import { ChunkWriteError, sealCopyInWorker, sealInWorker, type SealedChunk } from './chunk-pool.js';
import { syncFolder, writeAtomic } from './durable-files.js';
import { FILES, type ArchiveHeader, type ArchiveMeta, type Manifest } from './format.js';
import type { JournalEntry } from './journal.js';
import { JournalCommits } from './journal-commits.js';
import { buildHeader, buildManifest, cleanMeta, writeManifest } from './manifest.js';
import { resumeArchive } from './writer-resume.js';
import { chunkFileName, WriterState } from './writer-state.js';

/**
 * Chunks written or committed in the background at most. A chunk commits
 * two worker round trips after its page was serialized, and a reply is
 * handled only when the caller's thread reaches its event loop (once a page):
 * fewer made the caller wait for the disk.
 */
export const IN_FLIGHT = 8;

/** Bodies' memory kept for later pages: one page is serialized while a worker seals the previous ones. */
const SPARE_BODIES = 3;

/** Writes one archive; create a new one or resume an unfinished one. */
export class ArchiveWriter {
  /** What the archive is a backup of. */
  readonly meta: ArchiveMeta;
  private readonly dir: string;
  private readonly keys: ArchiveKeys;
  private readonly header: ArchiveHeader;
  private readonly state: WriterState;
  private sequence: number;
  /** Objects begun and not yet ended, with their id field and fields. */
  private readonly open = new Map<string, { idField: string; fields: string[] }>();
  private pending: Array<Promise<void>> = [];
  /** Memory of bodies already sealed, written into again: fewer large allocations, less garbage collection. */
  private readonly spare: ArrayBuffer[] = [];
  private readonly journal: JournalCommits;
  private tail: Promise<void> = Promise.resolve();
  private finished = false;

  private constructor(dir: string, keys: ArchiveKeys, header: ArchiveHeader, state: WriterState) {
    this.dir = dir;
    this.keys = keys;
    this.header = header;
    this.meta = cleanMeta(header);
    this.state = state;
    this.sequence = state.lastSequence;
    this.journal = new JournalCommits(dir, keys.mac, async (entry) => {
      const replaced = this.state.apply(entry);
      if (replaced) await rm(path.join(this.dir, replaced), { force: true });
    });
  }

  /** Starts a new archive in `dir`, which must not exist or be empty. */
  static async create(dir: string, secret: string, meta: ArchiveMeta): Promise<ArchiveWriter> {
    if (!meta.id) throw new CutoverError('internal', 'An archive needs an id.');
    const existing = await mkdir(dir, { recursive: true })
      .then(() => readdir(dir))
      .catch((error: unknown) => {
        throw new CutoverError('io.failed', `Cannot create the backup folder ${dir}.`, { cause: error });
      });
    if (existing.length > 0) {
      const unfinished = existing.includes(FILES.header) && !existing.includes(FILES.manifest);
      throw new CutoverError('usage', `The backup folder ${dir} is not empty.`, {
        hints: [unfinished ? 'it holds an unfinished backup: resume it, or delete the folder' : 'choose a new backup id or an empty folder'],
      });
    }
    const { kdf, keys } = await newArchiveKeys(secret);
    const header = buildHeader(meta, kdf, keys.mac);
    await writeAtomic(dir, FILES.header, `${JSON.stringify(header, null, 2)}\n`);
    return new ArchiveWriter(dir, keys, header, new WriterState());
  }

  /**
   * Continues an unfinished archive: checks the key against its header,
   * keeps the journal's intact prefix, deletes chunk files the journal does
   * not hold. Use {@link progress} to learn where each object stands.
   */
  static async resume(dir: string, secret: string): Promise<ArchiveWriter> {
    const { header, keys, state } = await resumeArchive(dir, secret);
    return new ArchiveWriter(dir, keys, header, state);
  }

  /**
   * Per object already (partly) written: done or not, records so far, last
   * id written, as far as the journal holds them (chunks still being written
   * in the background are not counted yet).
   */
  progress(object: string): { done: boolean; records: number; lastId: string | null } {
    return this.state.progress(object);
  }

  /** Starts or continues an object; each call to `append` then writes one chunk of its records. */
  beginObject(name: string, idField: string, fields: string[]): void {
    this.assertWritable();
    if (this.open.has(name)) return;
    const known = this.state.objects.get(name);
    if (known?.done) throw new CutoverError('internal', `The object ${name} is already complete in backup ${this.meta.id}.`);
    if (known && (known.entry.idField !== idField || known.entry.fields.join('\u0000') !== fields.join('\u0000'))) {
      throw new CutoverError('internal', `The object ${name} changed shape since backup ${this.meta.id} began it; start a new backup.`);
    }
    this.open.set(name, { idField, fields: [...fields] });
    if (!known) this.schedule(Promise.resolve({ t: 'begin', object: name, idField, fields: [...fields] }));
  }

  /** Writes one chunk holding these records, in the order given (nothing for an empty page). */
  async append(object: string, records: CrmRecord[]): Promise<void> {
    this.assertWritable();
    const spec = this.open.get(object);
    if (!spec) throw new CutoverError('internal', `append(${object}) before beginObject(${object}) or after endObject.`);
    if (records.length === 0) return;
    const encoded = encodeRecordBody(object, spec.fields, records, this.spare.pop());
    const file = this.nextFile(object);
    const entry = this.seal(file, encoded).then(({ sha256, bytes, lines }): JournalEntry => {
      if (lines?.count !== encoded.records) throw new CutoverError('internal', `The chunk ${file} was hashed as ${String(lines?.count)} records, not ${encoded.records}.`);
      return { t: 'chunk', object, file, sha256, bytes, records: encoded.records, deleted: encoded.deleted, lastId: encoded.lastId, digest: lines.digest };
    });
    this.pending.push(this.schedule(entry));
    // A worker's reply is an event; a caller that reads pages synchronously would otherwise let replies wait until it
    // waits for a full pipeline, and the pipeline would drain in bursts.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > IN_FLIGHT) await this.pending.shift();
    this.throwIfFailed();
  }

  /** Marks an object complete, once all its chunks are on disk. */
  async endObject(object: string): Promise<void> {
    this.assertWritable();
    if (!this.open.delete(object)) throw new CutoverError('internal', `endObject(${object}) without beginObject(${object}).`);
    this.schedule(Promise.resolve({ t: 'end', object }));
    await this.drain();
  }

  /** Stores a JSON-serializable value (Uint8Array allowed inside); writing a name again replaces it. */
  async writeBlob(name: string, value: unknown): Promise<void> {
    this.assertWritable();
    const body = encodeBlob(name, value);
    const file = this.nextFile(`blob-${name}`);
    this.schedule(this.seal(file, body).then(({ sha256, bytes }): JournalEntry => ({ t: 'blob', name, file, sha256, bytes })));
    await this.drain();
  }

  /**
   * Writes the manifest (temp file, fsync, rename, fsync of the folder) and
   * removes the journal. Every begun object must have been ended.
   */
  async finish(extra: Record<string, unknown> = {}): Promise<Manifest> {
    this.assertWritable();
    await this.drain();
    const unended = [...this.open.keys()];
    if (unended.length > 0) throw new CutoverError('internal', `Cannot finish backup ${this.meta.id}: ${unended.join(', ')} not ended.`);
    const manifest = buildManifest(this.header, this.state, extra, this.keys.mac);
    await writeManifest(this.dir, manifest);
    this.finished = true;
    await rm(path.join(this.dir, FILES.journal), { force: true });
    await syncFolder(this.dir);
    return manifest;
  }

  private nextFile(label: string): string {
    this.sequence += 1;
    if (this.sequence >= MAX_CHUNKS_PER_KEY) throw new CutoverError('internal', `Backup ${this.meta.id} has too many chunks for one key.`);
    return chunkFileName(this.sequence, label);
  }

  /**
   * Has a worker seal and durably write one chunk file: a record chunk's
   * body (whose memory is kept for a later page) or a blob's.
   */
  private async seal(file: string, body: RecordChunkBody | Buffer): Promise<Omit<SealedChunk, 'body'>> {
    const target = path.join(this.dir, file);
    const aad = chunkAad(this.meta.id, file);
    try {
      const sealed = Buffer.isBuffer(body) ? await sealCopyInWorker(body, this.keys.chunk, aad, target) : await sealInWorker(body, this.keys.chunk, aad, target);
      if (!Buffer.isBuffer(body) && this.spare.length < SPARE_BODIES) this.spare.push(sealed.body);
      return { sha256: sealed.sha256, bytes: sealed.bytes, lines: sealed.lines };
    } catch (error) {
      throw error instanceof ChunkWriteError ? archiveIoError('write', target, error) : error;
    }
  }

  /** Commits an entry after all earlier ones: journal line (fsync'd), then state. */
  private schedule(entry: Promise<JournalEntry>): Promise<void> {
    this.tail = this.journal.commit(entry);
    return this.tail;
  }

  private async drain(): Promise<void> {
    this.pending = [];
    await this.tail;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.journal.failure) throw this.journal.failure.error;
  }

  private assertWritable(): void {
    if (this.finished) throw new CutoverError('internal', `Backup ${this.meta.id} is already finished.`);
    this.throwIfFailed();
  }
}
