/** PostgreSQL failures as record errors (one record's fault) or user-facing errors (everything else), by SQLSTATE. */
import type { RecordError } from '../contract.js';
import { CutoverError } from '../../core/errors.js';

/** The fields of a `pg` DatabaseError (or a socket error) this module reads. */
interface PgErrorLike {
  code?: string;
  message: string;
  detail?: string;
  column?: string;
  table?: string;
  constraint?: string;
  errors?: unknown[];
}

/** Where the connector points, for messages. Never holds the password. */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  database: string;
}

const NETWORK_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT']);

function asPgError(error: unknown): PgErrorLike | undefined {
  return error instanceof Error ? (error as PgErrorLike) : undefined;
}

/** A SQLSTATE is five digits or capitals; socket errors have codes like `ECONNREFUSED`. */
function sqlState(error: PgErrorLike | undefined): string | undefined {
  return error?.code && /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
}

/** The single column a `Key (email)=(…) already exists.` detail names. */
function keyColumn(detail: string | undefined): string | undefined {
  const match = /^Key \(([^)]*)\)=/.exec(detail ?? '');
  const columns = match?.[1]?.split(',').map((column) => column.trim().replace(/^"(.*)"$/, '$1'));
  return columns?.length === 1 ? columns[0] : undefined;
}

/** The column of a column CHECK constraint, which PostgreSQL names `<table>_<column>_check`. */
function checkColumn(error: PgErrorLike): string | undefined {
  const prefix = `${error.table ?? ''}_`;
  const name = error.constraint ?? '';
  return error.table && name.startsWith(prefix) && name.endsWith('_check') ? name.slice(prefix.length, -'_check'.length) || undefined : undefined;
}

/** A failure caused by one record's values, as a record error; `undefined` for anything else. */
export function postgresRecordError(error: unknown): RecordError | undefined {
  const pgError = asPgError(error);
  const state = sqlState(pgError);
  if (!pgError || !state) return undefined;
  // Key details (`Key (email)=(…) already exists.`) help; "Failing row contains (…)" would only repeat the record.
  const message = pgError.detail && /^Key /.test(pgError.detail) ? `${pgError.message} (${pgError.detail})` : pgError.message;
  const withField = (code: string, field: string | undefined): RecordError => (field ? { code, message, field } : { code, message });
  switch (state) {
    case '23502':
      return withField('required', pgError.column);
    case '23505':
      return withField('duplicate', keyColumn(pgError.detail));
    case '23503':
      return { code: 'reference', message: `${message}: a referenced record does not exist, or others still point at this one` };
    case '23514':
      return withField('invalid_value', checkColumn(pgError));
    case '22001':
      return withField('too_long', pgError.column);
    default:
      // Class 22 is "data exception" (bad number, date, encoding, …); class 23 the other integrity rules.
      return state.startsWith('22') || state.startsWith('23') ? withField('invalid_value', pgError.column) : undefined;
  }
}

function networkCode(error: PgErrorLike | undefined): string | undefined {
  if (!error) return undefined;
  if (error.code && NETWORK_UNREACHABLE.has(error.code)) return error.code;
  // Node reports every address it tried (IPv6 and IPv4 of `localhost`) in an AggregateError.
  for (const inner of error.errors ?? []) {
    const code = asPgError(inner)?.code;
    if (code && NETWORK_UNREACHABLE.has(code)) return code;
  }
  return /timeout|timed out/i.test(error.message) ? 'ETIMEDOUT' : undefined;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOENT: 'no socket at that path',
};

/**
 * Any other PostgreSQL failure as a {@link CutoverError} naming the server,
 * with a hint the user can act on. `secrets` (the password) are blanked out
 * of every message, should a server or library ever echo one.
 */
export function postgresError(error: unknown, context: string, target: PostgresTarget, secrets: readonly string[] = []): CutoverError {
  if (error instanceof CutoverError) return error;
  const pgError = asPgError(error);
  const where = `PostgreSQL at ${target.host}:${target.port}`;
  const redact = (text: string): string => secrets.filter((secret) => secret.length > 0).reduce((out, secret) => out.split(secret).join('***'), text);
  const detail = redact(pgError?.message ?? String(error));
  const make = (code: ConstructorParameters<typeof CutoverError>[0], message: string, hints: string[]): CutoverError =>
    new CutoverError(code, redact(message), { hints: hints.map(redact), cause: error });

  const network = sqlState(pgError) ? undefined : networkCode(pgError);
  if (network) {
    return make('connect.unreachable', `${where} is not reachable (${REASONS[network] ?? network}) while ${context}.`, [
      'check the host and port, and that the server runs',
    ]);
  }
  if (/password must be a string|SASL|no password/i.test(detail) && !sqlState(pgError)) {
    return make('connect.auth', `${where} asks for a password for user "${target.user}" and none was given (while ${context}).`, [
      'give the password in the plan as password: env:NAME and set that environment variable',
    ]);
  }
  switch (sqlState(pgError)) {
    case '28P01':
    case '28000':
      return make('connect.auth', `${where} refused the login of user "${target.user}" while ${context}: ${detail}.`, [
        'check the user in the URL, and the password given by `password: env:NAME` in the plan',
      ]);
    case '3D000':
      return make('connect.database_missing', `${where} has no database "${target.database}" (while ${context}).`, [
        `create it (createdb ${target.database}) or fix the database name in the URL`,
      ]);
    case '42P01':
      return make('schema.object_missing', `${detail} in database ${target.database} (while ${context}).`, ['run `cutover describe` to see the tables']);
    case '42501':
      return make('query.failed', `User "${target.user}" may not do this on ${target.database}: ${detail} (while ${context}).`, [
        `grant the missing privilege to ${target.user}, or use a login that has it`,
      ]);
    case '428C9':
      return make('query.failed', `PostgreSQL refused to write a value into a GENERATED ALWAYS column: ${detail} (while ${context}).`, [
        'records keep their ids only if the id column accepts them: ALTER TABLE <table> ALTER COLUMN <id> SET GENERATED BY DEFAULT',
      ]);
    case '53300':
    case '57P01':
    case '57P03':
      return make('connect.failed', `${where} cannot take the connection now: ${detail} (while ${context}).`, [
        'wait for the server to accept connections, then run the command again',
      ]);
    default:
      if (/SSL|certificate/i.test(detail)) {
        return make('connect.failed', `${where}: the TLS connection failed: ${detail} (while ${context}).`, [
          'set ?sslmode= in the URL to what the server supports (disable, require, verify-full)',
        ]);
      }
      return make('query.failed', `PostgreSQL failed while ${context}: ${detail}`, []);
  }
}
