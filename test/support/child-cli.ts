/** The real `cutover` in a child process, for crash tests that kill it. */
import { spawn } from 'node:child_process';
import path from 'node:path';

/** The CLI's entry point. */
export const BIN = path.join(import.meta.dirname, '../../bin/cutover.js');

/** How a child run ended. */
export interface ChildRun {
  /** It was killed by the SIGKILL, not ended by itself. */
  killed: boolean;
  code: number | null;
  ms: number;
}

/** Runs the CLI in a child process and SIGKILLs it after `ms` (or lets it finish when `ms` is undefined). */
export function runAndKill(args: string[], cwd: string, ms: number | undefined, env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    const timer = ms === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code, ms: performance.now() - started });
    });
  });
}
