/** MySQL/MariaDB failures as record errors (one record's fault) or user-facing errors (everything else). */
import type { RecordError } from '../contract.js';
import { CutoverError, type ErrorCode } from '../../core/errors.js';

/** What mysql2 puts on a failed statement or connection. */
interface MysqlErrorLike {
  message: string;
  /** Server error number (1062…), or a negative system errno for network failures. */
  errno?: number;
  /** `ER_DUP_ENTRY`, or a Node.js network code such as `ECONNREFUSED`. */
  code?: string;
  sqlState?: string;
}

/** Where the connector points, for messages; the password is only used to scrub it from them. */
export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  /** The URL without password, e.g. `mysql://crm@db:3306/crm`. */
  displayName: string;
  password?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET']);

function asMysqlError(error: unknown): MysqlErrorLike | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & MysqlErrorLike;
  return typeof candidate.errno === 'number' || typeof candidate.code === 'string' ? candidate : undefined;
}

/** The column a server message names: `column 'name'`, ``column `db`.`t`.`name` ``, `Field 'name'`. */
export function columnInMessage(message: string): string | undefined {
  const quoted = /(?:column|field)\s+'([^']+)'/i.exec(message);
  if (quoted) return (quoted[1] as string).split('.').pop();
  const ticked = /column\s+((?:`[^`]+`\.?)+)/i.exec(message);
  if (ticked) return [...(ticked[1] as string).matchAll(/`([^`]+)`/g)].pop()?.[1];
  return undefined;
}

/** The key a duplicate-entry message names, as a field when it is not the primary key. */
function keyInMessage(message: string): string | undefined {
  const key = /for key '([^']+)'/i.exec(message)?.[1]?.split('.').pop();
  return key && key !== 'PRIMARY' ? key : undefined;
}

/** The column of a failed CHECK: MariaDB names column-level checks `table.column`. */
function checkColumn(message: string): string | undefined {
  const name = /CONSTRAINT\s+`([^`]+)`/i.exec(message)?.[1] ?? /Check constraint '([^']+)'/i.exec(message)?.[1];
  return name?.includes('.') ? name.split('.').pop() : undefined;
}

/** A constraint or value failure caused by one record's values, as a record error; `undefined` otherwise. */
export function mysqlRecordError(error: unknown): RecordError | undefined {
  const mysqlError = asMysqlError(error);
  if (!mysqlError || typeof mysqlError.errno !== 'number') return undefined;
  const message = mysqlError.message;
  const make = (code: string, field: string | undefined): RecordError => (field ? { code, message, field } : { code, message });
  switch (mysqlError.errno) {
    case 1048: // Column 'x' cannot be null
    case 1364: // Field 'x' doesn't have a default value
      return make('required', columnInMessage(message));
    case 1062: // Duplicate entry 'v' for key 'k'
    case 1586:
      return make('duplicate', keyInMessage(message));
    case 1216:
    case 1217:
    case 1451:
    case 1452:
      return { code: 'reference', message: `${message}: a referenced record does not exist, or others still point at this one` };
    case 1406: // Data too long for column 'x'
      return make('too_long', columnInMessage(message));
    case 3819: // MySQL: Check constraint 'c' is violated.
      return make('invalid_value', checkColumn(message));
    case 4025: // MariaDB: CONSTRAINT `t.c` failed (MySQL uses 4025 for something else, hence the SQLSTATE).
      return mysqlError.sqlState === '23000' ? make('invalid_value', checkColumn(message)) : undefined;
    case 1264: // Out of range value for column 'x'
    case 1265: // Data truncated for column 'x' (a value outside an ENUM, in strict mode)
    case 1292: // Incorrect datetime value
    case 1366: // Incorrect integer value
    case 1367:
    case 3140: // MySQL: Invalid JSON text
      return make('invalid_value', columnInMessage(message));
    default:
      return undefined;
  }
}

/** Any other failure, with the target and a hint the user can act on; never with the password. */
export function mysqlError(error: unknown, context: string, target: MysqlTarget): CutoverError {
  if (error instanceof CutoverError) return error;
  const scrub = (text: string): string => (target.password ? text.split(target.password).join('***') : text);
  const mysqlErr = asMysqlError(error);
  const raw = scrub(error instanceof Error ? error.message : String(error));
  const where = `MariaDB/MySQL at ${target.host}:${target.port}`;
  const make = (code: ErrorCode, message: string, hints: string[]): CutoverError =>
    new CutoverError(code, scrub(message), { hints: hints.map(scrub), cause: error });
  const code = mysqlErr?.code ?? '';
  if (NETWORK_CODES.has(code)) {
    return make('connect.unreachable', `${where} is not reachable (${context}): ${raw}.`, [
      'check the host and port, and that the server runs and accepts TCP connections from this machine',
    ]);
  }
  switch (mysqlErr?.errno) {
    case 1045:
      return make('connect.auth', `${where} refused the login of user "${target.user}" (${context}): ${raw}.`, [
        'check the user in the URL, and the password given by `password: env:NAME` in the plan (and that the variable is set)',
      ]);
    case 1044:
      return make('connect.auth', `User "${target.user}" may not use database "${target.database}" on ${where} (${context}): ${raw}.`, [
        `grant the login access: GRANT SELECT, INSERT, UPDATE, DELETE ON \`${target.database}\`.* TO '${target.user}'@'%'`,
      ]);
    case 1049:
      return make('connect.database_missing', `Database "${target.database}" does not exist on ${where} (${context}).`, [
        `check the database name in the URL, or create it: CREATE DATABASE \`${target.database}\` CHARACTER SET utf8mb4`,
      ]);
    case 1146:
      return make('schema.object_missing', `${raw} in ${target.displayName} (${context}).`, ['run `cutover describe` to see the tables']);
    case 1142:
    case 1143:
    case 1227:
    case 1370:
      return make('query.failed', `User "${target.user}" is not permitted to do this on ${target.displayName} (${context}): ${raw}.`, [
        `grant the missing privilege to '${target.user}', e.g. GRANT SELECT, INSERT, UPDATE, DELETE ON \`${target.database}\`.* TO '${target.user}'@'%'; \`cutover check\` lists what is missing`,
      ]);
    case 1040:
    case 1203:
      return make('connect.failed', `${where} has no free connections (${context}): ${raw}.`, ['wait for other clients to finish, or raise max_connections']);
    case 1153:
      return make('query.failed', `A statement was larger than ${where} accepts (${context}): ${raw}.`, [
        'raise max_allowed_packet on the server (e.g. SET GLOBAL max_allowed_packet = 268435456)',
      ]);
    case 1205:
    case 1213:
      return make('query.failed', `${target.displayName} is busy: a lock could not be taken (${context}): ${raw}.`, [
        'wait for the other process to finish, then run the command again',
      ]);
    default:
      break;
  }
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ER_SERVER_SHUTDOWN' || code === 'EPIPE') {
    return make('connect.failed', `${where} closed the connection (${context}): ${raw}.`, ['check that the server runs, then run the command again']);
  }
  if (/SSL|TLS|certificate/i.test(code) || /SSL|TLS|certificate/.test(raw)) {
    return make('connect.failed', `The secure connection to ${where} failed (${context}): ${raw}.`, [
      'check the ?ssl= option of the URL: ssl=true verifies the certificate, ssl=skip-verify only encrypts',
    ]);
  }
  return make('query.failed', `MariaDB/MySQL failed while ${context}: ${raw}`, []);
}
