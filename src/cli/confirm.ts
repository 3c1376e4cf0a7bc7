/** The confirmation a production system needs before a command writes to it. */
import { createInterface } from 'node:readline/promises';
import { CutoverError } from '../core/errors.js';
import type { SystemTarget } from '../plan/systems.js';
import type { CliContext } from './context.js';

/**
 * Refuses to write a system marked production without `--yes`; with a
 * terminal attached, also asks for the system's name to be typed.
 * `what` says what the command does to it, e.g. "a restore overwrites its records".
 */
export async function confirmProduction(context: CliContext, target: SystemTarget, yes: boolean, what: string, verb: string): Promise<void> {
  if (target.environment !== 'production') return;
  if (!yes) {
    throw new CutoverError('system.production', `${target.name} is a production system; ${what}.`, {
      hints: ['preview with --dry-run, then confirm with --yes'],
    });
  }
  if (process.stdin.isTTY && context.io.isTTY && !context.json) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await prompt.question(`${verb} production system ${target.name}? Type its name to confirm: `);
    prompt.close();
    if (answer.trim() !== target.name) throw new CutoverError('system.production', 'Not confirmed; nothing was written.');
  }
}
