/**
 * The one error model of cutover. Every error that reaches a user is a
 * {@link CutoverError}: a code from {@link ErrorCode}, a message for the user,
 * hints naming the next command or setting, and the original error as `cause`.
 * Only the CLI turns these into output and exit codes.
 */

/** What went wrong, by domain. The record below keeps the set complete. */
export type ErrorCode =
  | 'usage'
  | 'plan.not_found'
  | 'plan.yaml'
  | 'plan.invalid'
  | 'plan.secret'
  | 'system.unknown'
  | 'system.url'
  | 'system.production'
  | 'connect.unreachable'
  | 'connect.auth'
  | 'connect.database_missing'
  | 'connect.failed'
  | 'schema.object_missing'
  | 'schema.field_missing'
  | 'schema.unsupported'
  | 'schema.exists'
  | 'mapping.invalid'
  | 'capability.missing'
  | 'baseline.missing'
  | 'query.failed'
  | 'write.failed'
  | 'restore.mismatch'
  | 'io.failed'
  | 'archive.key'
  | 'archive.corrupt'
  | 'archive.incomplete'
  | 'archive.not_found'
  | 'state.failed'
  | 'state.locked'
  | 'aborted'
  | 'internal';

/** How an error ends a CLI command: 2 bad usage or input, 3 an operation failed. */
export type ErrorKind = 'input' | 'operation';

const KINDS: Record<ErrorCode, ErrorKind> = {
  usage: 'input',
  'plan.not_found': 'input',
  'plan.yaml': 'input',
  'plan.invalid': 'input',
  'plan.secret': 'input',
  'system.unknown': 'input',
  'system.url': 'input',
  'system.production': 'input',
  'connect.unreachable': 'operation',
  'connect.auth': 'operation',
  'connect.database_missing': 'operation',
  'connect.failed': 'operation',
  'schema.object_missing': 'input',
  'schema.field_missing': 'input',
  'schema.unsupported': 'input',
  'schema.exists': 'input',
  'mapping.invalid': 'input',
  'capability.missing': 'input',
  'baseline.missing': 'input',
  'query.failed': 'operation',
  'write.failed': 'operation',
  'restore.mismatch': 'operation',
  'io.failed': 'operation',
  'archive.key': 'input',
  'archive.corrupt': 'operation',
  'archive.incomplete': 'operation',
  'archive.not_found': 'input',
  'state.failed': 'operation',
  'state.locked': 'operation',
  aborted: 'operation',
  internal: 'operation',
};

/** Options of a {@link CutoverError}. */
export interface CutoverErrorOptions {
  /** Next steps for the user: a command to run or a setting to change. */
  hints?: string[];
  /** Individual problems when there are several (each plan problem, with its path). */
  details?: string[];
  /** The error this one wraps; shown as `Caused by:` lines. */
  cause?: unknown;
}

/** An error a user can act on. */
export class CutoverError extends Error {
  readonly code: ErrorCode;
  readonly hints: readonly string[];
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: CutoverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CutoverError';
    this.code = code;
    this.hints = options.hints ?? [];
    this.details = options.details ?? [];
  }

  /** Whether the error is the user's input (exit 2) or a failed operation (exit 3). */
  get kind(): ErrorKind {
    return KINDS[this.code];
  }
}

/** True for any {@link CutoverError}, also across module copies. */
export function isCutoverError(error: unknown): error is CutoverError {
  return error instanceof CutoverError || (error instanceof Error && error.name === 'CutoverError' && 'code' in error);
}

/** The messages of an error's cause chain, outermost first, without repeats. */
export function causeChain(error: unknown): string[] {
  const messages: string[] = [];
  let current: unknown = error instanceof Error ? error.cause : undefined;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const message = current instanceof Error ? describeCause(current) : String(current);
    if (message && !messages.includes(message)) messages.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return messages;
}

function describeCause(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const prefix = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
  return `${prefix}${error.message}`;
}

/** Throws when the signal is aborted, with a user-facing message. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new CutoverError('aborted', `${what} was interrupted.`, { cause: signal.reason });
  }
}
