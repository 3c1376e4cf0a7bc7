/**
 * Writing an archive. Each `append` serializes its page at once (the
 * canonical texts and their hashes, on the caller's thread), then
 * compression (thread pool), encryption and the fsync'd chunk file happen in
 * the background while the caller reads the next page; journal lines are
 * appended strictly in order, and a chunk counts only once its line is on
 * disk. At most {@link IN_FLIGHT} chunks are pending; a background failure
 * is thrown by the next call.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CrmRecord } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { chunkAad, MAX_CHUNKS_PER_KEY, newArchiveKeys, sealChunk, sha256Hex, type ArchiveKeys } from './archive-crypto.js';
import { compressBody, encodeBlob, encodeRecordChunk } from './chunk-codec.js';
import { writeDurable, syncFolder, writeAtomic } from './durable-files.js';
import { FILES, type ArchiveHeader, type ArchiveMeta, type Manifest } from './format.js';
import { appendJournal, type JournalEntry } from './journal.js';
import { buildHeader, buildManifest, cleanMeta, writeManifest } from './manifest.js';
import { resumeArchive } from './writer-resume.js';
import { chunkFileName, WriterState } from './writer-state.js';

/** Chunks compressed, encrypted and written in the background at most. */
export const IN_FLIGHT = 3;

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
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private finished = false;

  private constructor(dir: string, keys: ArchiveKeys, header: ArchiveHeader, state: WriterState) {
    this.dir = dir;
    this.keys = keys;
    this.header = header;
    this.meta = cleanMeta(header);
    this.state = state;
    this.sequence = state.lastSequence;
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
    const encoded = encodeRecordChunk(object, spec.fields, records);
    const file = this.nextFile(object);
    const { body, ...facts } = encoded;
    const entry = this.seal(file, body).then((sealed): JournalEntry => ({ t: 'chunk', object, file, ...sealed, records: facts.records, deleted: facts.deleted, lastId: facts.lastId, digest: facts.digest }));
    this.pending.push(this.schedule(entry));
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
    this.schedule(this.seal(file, body).then((sealed): JournalEntry => ({ t: 'blob', name, file, ...sealed })));
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

  /** Compresses, encrypts and durably writes one chunk file. */
  private async seal(file: string, body: Buffer): Promise<{ sha256: string; bytes: number }> {
    const compressed = await compressBody(body);
    const data = sealChunk(this.keys.chunk, chunkAad(this.meta.id, file), compressed);
    await writeDurable(path.join(this.dir, file), data);
    return { sha256: sha256Hex(data), bytes: data.length };
  }

  /** Commits an entry after all earlier ones: journal line (fsync'd), then state. */
  private schedule(entry: Promise<JournalEntry>): Promise<void> {
    entry.catch(() => undefined);
    const commit = this.tail.then(async () => {
      if (this.failure) return;
      try {
        const ready = await entry;
        await appendJournal(this.dir, this.keys.mac, ready);
        const replaced = this.state.apply(ready);
        if (replaced) await rm(path.join(this.dir, replaced), { force: true });
      } catch (error) {
        this.failure = { error };
      }
    });
    this.tail = commit;
    return commit;
  }

  private async drain(): Promise<void> {
    this.pending = [];
    await this.tail;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private assertWritable(): void {
    if (this.finished) throw new CutoverError('internal', `Backup ${this.meta.id} is already finished.`);
    this.throwIfFailed();
  }
}
