/** The errors of the archive, with the same words and hints wherever they arise. */
import { CutoverError } from '../core/errors.js';

/** Where a chunk problem is: the object (or blob) and the chunk file. */
export interface ChunkPlace {
  object?: string;
  blob?: string;
  chunk?: string;
}

/** The message of a wrong key, also used as a verify finding. */
export function wrongKeyMessage(id: string | undefined): string {
  return id ? `The backup ${id} cannot be opened with this key.` : 'The backup cannot be opened with this key.';
}

/** The secret does not open the archive: most likely the wrong key. */
export function archiveKeyError(id: string | undefined, message = wrongKeyMessage(id), cause?: unknown): CutoverError {
  return new CutoverError('archive.key', message, {
    hints: [
      'use the key the backup was made with: backup.key in the plan, the CUTOVER_KEY environment variable, or --key-file PATH',
      'a raw key is 32 bytes in base64 or 64 hex characters; any other text is a passphrase',
    ],
    cause,
  });
}

/** Where a problem is, as words: `chunk 000003-accounts.chunk of object accounts`. */
export function describePlace(place: ChunkPlace): string {
  const owner = place.object !== undefined ? `object ${place.object}` : place.blob !== undefined ? `blob ${place.blob}` : '';
  if (place.chunk && owner) return `chunk ${place.chunk} of ${owner}`;
  return place.chunk ? `chunk ${place.chunk}` : owner;
}

/** A chunk, the manifest or the journal does not match what was written. */
export function archiveCorruptError(id: string, problem: string, cause?: unknown): CutoverError {
  return new CutoverError('archive.corrupt', `The backup ${id} is damaged: ${problem}`, {
    hints: [`run \`cutover verify ${id}\` to list every problem`, 'restore from another backup, or make a new one'],
    cause,
  });
}

/** A folder that was never finished: no manifest. */
export function archiveIncompleteError(dir: string): CutoverError {
  return new CutoverError('archive.incomplete', `The backup in ${dir} is not complete: it has no manifest.json (it was interrupted or is still being written).`, {
    hints: ['run the backup again to resume it, or delete the folder'],
  });
}

/** No archive at the place named. */
export function archiveNotFoundError(what: string): CutoverError {
  return new CutoverError('archive.not_found', `${what} cannot be found.`, { hints: ['list backups with `cutover backups`'] });
}

/** An I/O failure inside an archive folder. */
export function archiveIoError(action: string, file: string, cause: unknown): CutoverError {
  return new CutoverError('io.failed', `Cannot ${action} ${file}.`, { cause });
}
