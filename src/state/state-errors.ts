/**
 * Errors of the state store. SQLite's and PostgreSQL's errors are wrapped at
 * this boundary into {@link CutoverError}s that name the state and what was
 * being done, keeping the original as `cause`.
 */
import { CutoverError, isCutoverError } from '../core/errors.js';

/** SQLite result codes that mean another process holds the lock. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);

/** SQLite result codes that mean the file is not a usable database. */
const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** PostgreSQL SQLSTATEs that mean another session holds a lock: lock_not_available, deadlock_detected, serialization_failure. */
const PG_LOCKED = new Set(['55P03', '40P01', '40001']);

/** Socket errors: the state's server cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** PostgreSQL SQLSTATEs of a refused login or a missing database or privilege. */
const PG_REFUSED = new Set(['28P01', '28000', '3D000', '42501']);

/**
 * Turns an error thrown while working on the state into a
 * {@link CutoverError}: `state.locked` when another command holds it,
 * `state.failed` otherwise. `where` is the state file, or the PostgreSQL
 * URL without password. CutoverErrors pass through unchanged.
 */
export function stateError(error: unknown, doing: string, where: string): CutoverError {
  if (isCutoverError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const file = !/^postgres(ql)?:/i.test(where);
  const store = file ? `The state file ${where}` : `The state store ${where}`;
  if (typeof code === 'string' && (BUSY_CODES.has(code) || PG_LOCKED.has(code))) {
    return new CutoverError('state.locked', `${store} is busy: another cutover command is using it (while ${doing}).`, {
      hints: ['wait for the other command to finish, then run this one again'],
      cause: error,
    });
  }
  if (typeof code === 'string' && NOT_A_DATABASE.has(code)) {
    return new CutoverError('state.failed', `${where} is not a readable cutover state file (while ${doing}).`, {
      hints: ['check that the path names a state.db written by cutover; restore it from a copy if it was damaged'],
      cause: error,
    });
  }
  if (!file && typeof code === 'string' && (UNREACHABLE.has(code) || PG_REFUSED.has(code))) {
    const reason = error instanceof Error ? error.message : String(error);
    return new CutoverError('state.failed', `${store} cannot be reached (while ${doing}): ${reason}.`, {
      hints: ['check the plan\'s state.url and state.password, that PostgreSQL is running there, and that the role may create a schema in that database'],
      cause: error,
    });
  }
  return new CutoverError('state.failed', `${store} could not be used (while ${doing})${file ? '' : `: ${error instanceof Error ? error.message : String(error)}`}.`, {
    hints: [file ? 'check that the folder is writable by the user running cutover and the disk is not full' : 'check that the role of state.url may write the state schema'],
    cause: error,
  });
}

/** Whether an error comes from the state's database (better-sqlite3's SqliteError, or a PostgreSQL error or socket error). */
export function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && (code.startsWith('SQLITE_') || /^[0-9A-Z]{5}$/.test(code) || UNREACHABLE.has(code));
}

/** Runs `fn`, wrapping whatever it throws with {@link stateError}. */
export async function guard<T>(where: string, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw stateError(error, doing, where);
  }
}
