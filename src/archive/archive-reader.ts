/**
 * Reading a complete archive: the manifest is authenticated at open, every
 * chunk when it is read (size, SHA-256, GCM tag, record count), and a chunk
 * that fails stops the read with an error naming the object and the file.
 */
import type { CrmRecord } from '../connectors/contract.js';
import { archiveCorruptError, archiveNotFoundError } from './archive-errors.js';
import { ChunkFormatError, decodeBlob, decodeRecordChunk } from './chunk-codec.js';
import { ChunkProblem, loadChunk, type ArchiveContext } from './chunk-io.js';
import type { ArchiveBlobEntry, ArchiveObjectEntry, Manifest } from './format.js';
import { loadAhead } from './lookahead.js';
import { openArchive } from './open-archive.js';

/** Chunks read ahead of the one being consumed. */
const READ_AHEAD = 2;

/** A complete archive opened for reading. */
export class ArchiveReader {
  /** The authenticated manifest. */
  readonly manifest: Manifest;
  /** The archive's folder. */
  readonly dir: string;
  private readonly ctx: ArchiveContext;

  private constructor(manifest: Manifest, ctx: ArchiveContext) {
    this.manifest = manifest;
    this.dir = ctx.dir;
    this.ctx = ctx;
  }

  /**
   * Opens the archive in `dir` and verifies its manifest's MAC. Throws
   * `archive.key` for a wrong key, `archive.corrupt` for an edited manifest,
   * `archive.incomplete` for a folder without a manifest, `archive.not_found`
   * when there is no archive.
   */
  static async open(dir: string, secret: string): Promise<ArchiveReader> {
    const opening = await openArchive(dir, secret);
    if (!opening.ok) throw opening.error;
    return new ArchiveReader(opening.manifest, opening.ctx);
  }

  /** The manifest entry of an object, if the archive holds it. */
  object(name: string): ArchiveObjectEntry | undefined {
    return this.manifest.objects.find((object) => object.name === name);
  }

  /** Whether the archive holds a blob of that name. */
  hasBlob(name: string): boolean {
    return this.manifest.blobs.some((blob) => blob.name === name);
  }

  /**
   * Records of one object in archive order, one batch per chunk; each
   * chunk's size, SHA-256, tag and record count are checked before its
   * records are yielded. Throws `archive.not_found` for an object the archive
   * does not hold, `archive.corrupt` at the first damaged chunk.
   */
  async *records(object: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<CrmRecord[]> {
    const entry = this.object(object);
    if (!entry) throw archiveNotFoundError(`The object ${object} in backup ${this.manifest.id}`);
    const load = (chunk: ArchiveObjectEntry['chunks'][number]) => loadChunk(this.ctx, { object, chunk: chunk.file }, chunk);
    for await (const loaded of loadAhead(entry.chunks, load, READ_AHEAD, options.signal, `Reading ${object} from backup ${this.manifest.id}`)) {
      if (!loaded.ok) throw this.damaged(loaded.error);
      const chunk = loaded.item;
      const place = { object, chunk: chunk.file };
      let records: CrmRecord[];
      try {
        const decoded = decodeRecordChunk(loaded.value.body);
        if (decoded.header.object !== object) throw new ChunkProblem(place, `holds records of ${decoded.header.object}`);
        records = decoded.records;
      } catch (error) {
        throw this.damaged(error instanceof ChunkFormatError ? new ChunkProblem(place, `cannot be read: ${error.message}`, error) : error);
      }
      if (records.length !== chunk.records) throw this.damaged(new ChunkProblem(place, `holds ${records.length} records where the manifest says ${chunk.records}`));
      yield records;
    }
  }

  /** A blob's value (binary values inside come back as Uint8Array). Throws `archive.not_found` when absent. */
  async blob<T = unknown>(name: string): Promise<T> {
    const entry: ArchiveBlobEntry | undefined = this.manifest.blobs.find((blob) => blob.name === name);
    if (!entry) throw archiveNotFoundError(`The blob ${name} in backup ${this.manifest.id}`);
    const place = { blob: name, chunk: entry.file };
    try {
      const decoded = decodeBlob((await loadChunk(this.ctx, place, entry)).body);
      if (decoded.header.name !== name) throw new ChunkProblem(place, `holds the blob ${decoded.header.name}`);
      return decoded.value as T;
    } catch (error) {
      throw this.damaged(error instanceof ChunkFormatError ? new ChunkProblem(place, `cannot be read: ${error.message}`, error) : error);
    }
  }

  private damaged(error: unknown): unknown {
    return error instanceof ChunkProblem ? archiveCorruptError(this.manifest.id, error.message, error) : error;
  }
}
