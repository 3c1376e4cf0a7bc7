/**
 * The journal of an archive being written: one JSON line per finished step,
 * each with its own MAC, appended and fsync'd before the step counts
 * (journal-commits.ts). After a crash it tells what was written; a torn last
 * line is ignored.
 */
import path from 'node:path';
import { macHex, macMatches } from './archive-crypto.js';
import { archiveCorruptError } from './archive-errors.js';
import { readIfExists, writeAtomic } from './durable-files.js';
import { FILES } from './format.js';

/** An object was started, with its id field and fields. */
export interface BeginEntry {
  t: 'begin';
  object: string;
  idField: string;
  fields: string[];
}

/** A record chunk was written: enough to resume after it and to rebuild the object's digest. */
export interface ChunkEntry {
  t: 'chunk';
  object: string;
  file: string;
  sha256: string;
  bytes: number;
  records: number;
  deleted: number;
  lastId: string;
  /** SetDigest hex of this chunk's records. */
  digest: string;
}

/** An object was finished. */
export interface EndEntry {
  t: 'end';
  object: string;
}

/** A blob was written (replacing an earlier one of the same name). */
export interface BlobEntry {
  t: 'blob';
  name: string;
  file: string;
  sha256: string;
  bytes: number;
}

/** One line of the journal. */
export type JournalEntry = BeginEntry | ChunkEntry | EndEntry | BlobEntry;

/** A journal line as read: the entry and its exact text. */
export interface JournalLine {
  entry: JournalEntry;
  text: string;
}

/** The text of a journal line (with its newline). */
export function journalLine(macKey: Buffer, entry: JournalEntry): string {
  return `${JSON.stringify({ ...entry, mac: macHex(macKey, 'journal', entry) })}\n`;
}

/** Replaces the journal with these lines (after a resume dropped some). */
export async function rewriteJournal(dir: string, lines: JournalLine[]): Promise<void> {
  await writeAtomic(dir, FILES.journal, lines.map((line) => line.text).join(''));
}

function parseLine(text: string, macKey: Buffer | null): JournalEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { mac, ...entry } = value as { mac?: unknown } & Record<string, unknown>;
  if (!['begin', 'chunk', 'end', 'blob'].includes(String(entry.t))) return null;
  if (macKey && !macMatches(macHex(macKey, 'journal', entry), mac)) return null;
  return entry as unknown as JournalEntry;
}

/**
 * The journal's lines. A last line that is torn or fails its MAC was being
 * written during a crash and is dropped (`dropped` is then true); such a line
 * anywhere else means the journal was damaged. Without a MAC key, lines are
 * parsed but not authenticated (to probe for a wrong key).
 */
export async function readJournal(dir: string, id: string, macKey: Buffer | null): Promise<{ lines: JournalLine[]; dropped: boolean }> {
  const data = await readIfExists(path.join(dir, FILES.journal));
  if (!data) return { lines: [], dropped: false };
  const texts = data.toString('utf8').split('\n');
  const complete = texts.pop() === '';
  const lines: JournalLine[] = [];
  let dropped = !complete;
  texts.forEach((text, index) => {
    const entry = parseLine(text, macKey);
    if (entry) {
      lines.push({ entry, text: `${text}\n` });
    } else if (index === texts.length - 1) {
      // A crash can leave the last line cut short, or full of zeros where the data never reached the disk.
      dropped = true;
    } else if (macKey) {
      throw archiveCorruptError(id, `line ${index + 1} of ${FILES.journal} is damaged, so the backup cannot be resumed.`);
    }
  });
  return { lines, dropped };
}
