/**
 * Errors of the state store. SQLite's errors are wrapped at this boundary
 * into {@link CutoverError}s that name the state file and what was being
 * done, keeping the original as `cause`.
 */
import { CutoverError, isCutoverError } from '../core/errors.js';

/** SQLite result codes that mean another process holds the lock. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);

/** SQLite result codes that mean the file is not a usable database. */
const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Turns an error thrown while working on the state file into a
 * {@link CutoverError}: `state.locked` when another command holds the file,
 * `state.failed` otherwise. CutoverErrors pass through unchanged.
 */
export function stateError(error: unknown, doing: string, file: string): CutoverError {
  if (isCutoverError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BUSY_CODES.has(code)) {
    return new CutoverError('state.locked', `The state file ${file} is busy: another cutover command is using it (while ${doing}).`, {
      hints: ['wait for the other command to finish, then run this one again'],
      cause: error,
    });
  }
  if (typeof code === 'string' && NOT_A_DATABASE.has(code)) {
    return new CutoverError('state.failed', `${file} is not a readable cutover state file (while ${doing}).`, {
      hints: ['check that the path names a state.db written by cutover; restore it from a copy if it was damaged'],
      cause: error,
    });
  }
  return new CutoverError('state.failed', `The state file ${file} could not be used (while ${doing}).`, {
    hints: ['check that the folder is writable by the user running cutover and the disk is not full'],
    cause: error,
  });
}

/** Whether an error comes from SQLite itself (better-sqlite3's SqliteError). */
export function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

/** Runs `fn`, wrapping whatever it throws with {@link stateError}. */
export function guard<T>(file: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw stateError(error, doing, file);
  }
}
