/**
 * Committing journal lines strictly in order, off the writer's thread. An
 * entry commits once it and every earlier one are ready: all ready lines are
 * appended in one write and one fsync, in a chunk worker, and then applied
 * to the writer's state. A backup's thread reaches its event loop only
 * between pages; fsyncing each line there blocked it (about 2 ms a chunk on
 * a busy disk), and four awaited file operations per line stalled the
 * pipeline. The first failure (of an entry or of a write) stops all later
 * commits and is kept for the writer to throw.
 */
import path from 'node:path';
import { archiveIoError } from './archive-errors.js';
import { appendInWorker, ChunkWriteError } from './chunk-pool.js';
import { FILES } from './format.js';
import { journalLine, type JournalEntry } from './journal.js';

interface Queued {
  entry: Promise<JournalEntry>;
  outcome?: { ok: true; entry: JournalEntry } | { ok: false; error: unknown };
  committed(): void;
}

/** The journal of one archive being written, committed in order. */
export class JournalCommits {
  /** The first failure; once set, nothing more is committed. */
  failure: { error: unknown } | undefined;
  private readonly file: string;
  private readonly macKey: Buffer;
  private readonly apply: (entry: JournalEntry) => Promise<void>;
  private readonly queue: Queued[] = [];
  private writing = false;

  /** `apply` runs for each entry once its line is on disk, in order. */
  constructor(dir: string, macKey: Buffer, apply: (entry: JournalEntry) => Promise<void>) {
    this.file = path.join(dir, FILES.journal);
    this.macKey = macKey;
    this.apply = apply;
  }

  /** Commits an entry after all earlier ones; resolves once it is committed, or once committing has failed. */
  commit(entry: Promise<JournalEntry>): Promise<void> {
    return new Promise((committed) => {
      const queued: Queued = { entry, committed };
      this.queue.push(queued);
      entry.then(
        (ready) => (queued.outcome = { ok: true, entry: ready }),
        (error: unknown) => (queued.outcome = { ok: false, error }),
      ).finally(() => void this.writeReady());
    });
  }

  private async writeReady(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (let group = this.readyGroup(); group.length > 0; group = this.readyGroup()) {
        try {
          await appendInWorker(this.file, group.map((entry) => journalLine(this.macKey, entry)).join(''));
          for (const entry of group) await this.apply(entry);
        } catch (error) {
          this.failure ??= { error: error instanceof ChunkWriteError ? archiveIoError('write', this.file, error) : error };
        }
        for (let i = 0; i < group.length; i += 1) this.queue.shift()?.committed();
      }
      if (this.failure) for (const queued of this.queue.splice(0)) queued.committed();
    } finally {
      this.writing = false;
    }
  }

  /** The entries ready at the head of the queue, in order; none after a failure (which a failed entry sets). */
  private readyGroup(): JournalEntry[] {
    const group: JournalEntry[] = [];
    for (const queued of this.queue) {
      if (this.failure || !queued.outcome) break;
      if (!queued.outcome.ok) {
        if (group.length === 0) this.failure = { error: queued.outcome.error };
        break;
      }
      group.push(queued.outcome.entry);
    }
    return group;
  }
}
