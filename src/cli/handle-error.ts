/** Turns any error into what the user sees and the exit code. The only place errors are printed. */
import { CommanderError } from 'commander';
import { causeChain, isCutoverError } from '../core/errors.js';
import type { CliIo } from './io.js';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, found: 1, usage: 2, failed: 3 } as const;

/** Prints an error (message, details, hints, causes; stack with --debug) and returns its exit code. */
export function handleError(error: unknown, io: CliIo, options: { debug: boolean; json: boolean }): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message already.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const code = isCutoverError(error) ? (error.kind === 'input' ? EXIT.usage : EXIT.failed) : EXIT.failed;
  const message = isCutoverError(error) ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const details = isCutoverError(error) ? [...error.details] : [];
  const hints = isCutoverError(error) ? [...error.hints] : ['this is a bug in cutover; run again with --debug and report the output'];
  const causes = causeChain(error);
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ error: { code: isCutoverError(error) ? error.code : 'internal', message, details, hints, causes } }, null, 2)}\n`,
    );
  }
  const lines = [`Error: ${message}`];
  for (const detail of details) lines.push(`  - ${detail}`);
  for (const cause of causes) lines.push(`Caused by: ${cause}`);
  for (const hint of hints) lines.push(`Hint: ${hint}`);
  if (options.debug && error instanceof Error && error.stack) lines.push('', error.stack);
  io.stderr(`${lines.join('\n')}\n`);
  return code;
}
