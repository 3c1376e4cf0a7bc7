/**
 * What an archive being written holds so far, built from journal entries in
 * order: the same code serves the live writer (after each fsync'd line) and
 * resume (replaying the journal).
 */
import { DigestSum } from './digest-sum.js';
import type { ArchiveBlobEntry, ArchiveObjectEntry } from './format.js';
import type { JournalEntry } from './journal.js';

/** One object as far as it was written. */
export interface ObjectProgress {
  entry: ArchiveObjectEntry;
  digest: DigestSum;
  done: boolean;
}

/** Objects and blobs written so far, in journal order. */
export class WriterState {
  readonly objects = new Map<string, ObjectProgress>();
  readonly blobs = new Map<string, ArchiveBlobEntry>();
  /** Highest chunk sequence number used. */
  lastSequence = 0;

  /** Applies one entry; returns the file of a blob it replaced, which is no longer needed. */
  apply(entry: JournalEntry): string | undefined {
    switch (entry.t) {
      case 'begin': {
        const existing = this.objects.get(entry.object);
        if (existing) {
          existing.entry.idField = entry.idField;
          existing.entry.fields = [...entry.fields];
          existing.done = false;
        } else {
          this.objects.set(entry.object, {
            entry: { name: entry.object, idField: entry.idField, fields: [...entry.fields], records: 0, deleted: 0, digest: DigestSum.empty().hex(), chunks: [] },
            digest: DigestSum.empty(),
            done: false,
          });
        }
        return undefined;
      }
      case 'chunk': {
        const object = this.objects.get(entry.object);
        if (!object) throw new RangeError(`chunk of object ${entry.object} before it began`);
        object.entry.chunks.push({ file: entry.file, sha256: entry.sha256, bytes: entry.bytes, records: entry.records, lastId: entry.lastId });
        object.entry.records += entry.records;
        object.entry.deleted += entry.deleted;
        object.entry.digest = object.digest.merge(entry.digest).hex();
        this.noteFile(entry.file);
        return undefined;
      }
      case 'end': {
        const object = this.objects.get(entry.object);
        if (!object) throw new RangeError(`end of object ${entry.object} before it began`);
        object.done = true;
        return undefined;
      }
      case 'blob': {
        const replaced = this.blobs.get(entry.name)?.file;
        this.blobs.set(entry.name, { name: entry.name, file: entry.file, sha256: entry.sha256, bytes: entry.bytes });
        this.noteFile(entry.file);
        return replaced;
      }
    }
  }

  /** Progress of one object: done or not, records so far, last id written. */
  progress(object: string): { done: boolean; records: number; lastId: string | null } {
    const state = this.objects.get(object);
    if (!state) return { done: false, records: 0, lastId: null };
    const last = state.entry.chunks[state.entry.chunks.length - 1];
    return { done: state.done, records: state.entry.records, lastId: last ? last.lastId : null };
  }

  /** Every chunk and blob file the archive holds now. */
  files(): Set<string> {
    const files = new Set<string>();
    for (const object of this.objects.values()) for (const chunk of object.entry.chunks) files.add(chunk.file);
    for (const blob of this.blobs.values()) files.add(blob.file);
    return files;
  }

  private noteFile(file: string): void {
    const sequence = Number.parseInt(file, 10);
    if (Number.isFinite(sequence) && sequence > this.lastSequence) this.lastSequence = sequence;
  }
}

/** The sequence number a chunk file name starts with. */
export function chunkFileName(sequence: number, label: string): string {
  const slug = label.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 48);
  return `${String(sequence).padStart(6, '0')}-${slug}.chunk`;
}
