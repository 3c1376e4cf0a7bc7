/** SQLite failures as record errors (one record's fault) or user-facing errors (everything else). */
import type { RecordError } from '../contract.js';
import { CutoverError } from '../../core/errors.js';

interface SqliteErrorLike {
  code?: string;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteErrorLike {
  return error instanceof Error && typeof (error as SqliteErrorLike).code === 'string' && (error as SqliteErrorLike).code!.startsWith('SQLITE_');
}

/** The column a constraint message names (`NOT NULL constraint failed: accounts.name`). */
function columnIn(message: string): string | undefined {
  const named = /failed: [^.\s]+\.([^\s,]+)/.exec(message);
  if (named) return named[1];
  const inCheck = /"([^"]+)"\s+IN|length\("([^"]+)"\)/i.exec(message);
  return inCheck?.[1] ?? inCheck?.[2];
}

/** A constraint failure caused by one record's values, as a record error. */
export function sqliteRecordError(error: unknown): RecordError | undefined {
  if (!isSqliteError(error)) return undefined;
  const field = columnIn(error.message);
  const withField = (code: string): RecordError => (field ? { code, message: error.message, field } : { code, message: error.message });
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return withField('required');
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return withField('duplicate');
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { code: 'reference', message: `${error.message}: a referenced record does not exist, or others still point at this one` };
    case 'SQLITE_CONSTRAINT_CHECK':
      return withField(/length\(/i.test(error.message) ? 'too_long' : 'invalid_value');
    case 'SQLITE_MISMATCH':
    case 'SQLITE_TOOBIG':
      return withField('invalid_value');
    default:
      return error.code?.startsWith('SQLITE_CONSTRAINT') ? withField('invalid_value') : undefined;
  }
}

/** Any other SQLite failure, with a hint the user can act on. */
export function sqliteError(error: unknown, context: string, file: string): CutoverError {
  if (error instanceof CutoverError) return error;
  const code = isSqliteError(error) ? error.code : (error as { code?: string })?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'SQLITE_CANTOPEN':
      return new CutoverError('connect.unreachable', `Cannot open the SQLite file ${file} (${context}).`, {
        hints: ['check the path and that the folder exists and is readable'],
        cause: error,
      });
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new CutoverError('connect.failed', `${file} is not a readable SQLite database (${context}).`, {
        hints: ['check the URL names the CRM database file; if it is damaged, restore it from a backup'],
        cause: error,
      });
    case 'SQLITE_READONLY':
      return new CutoverError('write.failed', `${file} is read-only (${context}).`, {
        hints: ['give the user running cutover write access to the file and its folder'],
        cause: error,
      });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new CutoverError('query.failed', `${file} is locked by another process (${context}).`, {
        hints: ['wait for the other process to finish, then run the command again'],
        cause: error,
      });
    case 'SQLITE_FULL':
      return new CutoverError('io.failed', `The disk holding ${file} is full (${context}).`, { hints: ['free disk space and run the command again'], cause: error });
    default:
      if (/no such table/i.test(message)) {
        return new CutoverError('schema.object_missing', `${message} in ${file} (${context}).`, { hints: ['run `cutover describe` to see the tables'], cause: error });
      }
      return new CutoverError('query.failed', `SQLite failed while ${context}: ${message}`, { cause: error });
  }
}
