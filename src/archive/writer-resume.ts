/**
 * Resuming an unfinished archive: authenticate its header with the key,
 * replay the journal's intact prefix (a torn last line is dropped; at the
 * first chunk whose file is missing or differs, the journal is cut), and
 * delete every chunk file the journal does not hold.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import { archiveKeys, type ArchiveKeys } from './archive-crypto.js';
import { archiveCorruptError, archiveIncompleteError, archiveKeyError, archiveNotFoundError } from './archive-errors.js';
import { anyChunkOpens, chunkFileIntact } from './chunk-io.js';
import { syncFolder } from './durable-files.js';
import { FILES, type ArchiveHeader } from './format.js';
import { readJournal, rewriteJournal, type JournalLine } from './journal.js';
import { macValid, readHeader } from './manifest.js';
import { WriterState } from './writer-state.js';

/** An unfinished archive, ready to be written again. */
export interface ResumedArchive {
  header: ArchiveHeader;
  keys: ArchiveKeys;
  state: WriterState;
}

async function headerOf(dir: string): Promise<ArchiveHeader> {
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) throw archiveNotFoundError(`The backup folder ${dir}`);
  const names = await readdir(dir);
  if (names.includes(FILES.manifest)) {
    throw new CutoverError('usage', `The backup in ${dir} is already complete; there is nothing to resume.`, { hints: ['start a new backup'] });
  }
  const header = await readHeader(dir);
  if (!header) {
    if (names.length === 0) throw archiveNotFoundError(`A backup in ${dir}`);
    throw archiveCorruptError(path.basename(dir), `${FILES.header} is missing, so the backup in ${dir} cannot be resumed.`);
  }
  return header;
}

/** Keys that open this header, or the error saying why not. */
async function keysFor(dir: string, header: ArchiveHeader, secret: string): Promise<ArchiveKeys> {
  const keys = await archiveKeys(secret, header.kdf);
  if (!keys) throw archiveKeyError(header.id);
  if (macValid('header', header, keys.mac)) return keys;
  const { lines } = await readJournal(dir, header.id, null);
  const files = lines.flatMap((line) => ('file' in line.entry ? [line.entry.file] : []));
  if (await anyChunkOpens({ dir, id: header.id, keys }, files)) {
    throw archiveCorruptError(header.id, `${FILES.header} was changed after it was written: its MAC does not match.`);
  }
  throw archiveKeyError(header.id);
}

/** Opens an unfinished archive for writing. */
export async function resumeArchive(dir: string, secret: string): Promise<ResumedArchive> {
  const header = await headerOf(dir);
  const keys = await keysFor(dir, header, secret);
  const journal = await readJournal(dir, header.id, keys.mac);
  const state = new WriterState();
  const kept: JournalLine[] = [];
  for (const line of journal.lines) {
    const entry = line.entry;
    // Chunk files are fsync'd before their line, so a bad one means the disk lost or changed it: keep what came before.
    if ((entry.t === 'chunk' || entry.t === 'blob') && !(await chunkFileIntact(dir, entry))) break;
    try {
      state.apply(entry);
    } catch (error) {
      throw archiveCorruptError(header.id, `${FILES.journal} is out of order: ${error instanceof Error ? error.message : String(error)}.`, error);
    }
    kept.push(line);
  }
  if (journal.dropped || kept.length < journal.lines.length) await rewriteJournal(dir, kept);
  const live = state.files();
  const names = await readdir(dir);
  // Partly written chunks, replaced blobs and temp files of an interrupted rename.
  const stray = names.filter((name) => (name.endsWith(FILES.chunkSuffix) && !live.has(name)) || name.endsWith('.tmp'));
  for (const name of stray) await rm(path.join(dir, name), { force: true });
  if (stray.length > 0) await syncFolder(dir);
  return { header, keys, state };
}
