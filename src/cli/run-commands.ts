/**
 * Running `cutover` commands in this process, as the drill and the demo do:
 * each one is the same command a person would type, run with `--json` in a
 * folder, its output parsed and its error kept in words.
 */
import { bufferIo } from './io.js';

/** How one command ended. */
export interface CommandRun {
  code: number;
  /** The command's JSON result (or its `{ error }`), when it printed one. */
  json: any;
  /** Its error in one line, when it failed. */
  error: string | undefined;
  seconds: number;
}

/** Runs commands on the plan in `dir`. `main` is passed in, as the CLI's entry point imports this module's callers. */
export function commandRunner(dir: string, env: NodeJS.ProcessEnv, main: (argv: string[], io: ReturnType<typeof bufferIo>) => Promise<number>) {
  return async (args: string[], extraEnv: Record<string, string> = {}): Promise<CommandRun> => {
    const io = bufferIo({ cwd: dir, env: { ...env, ...extraEnv } });
    const started = performance.now();
    const code = await main([...args, '--json'], io);
    const seconds = Math.round(performance.now() - started) / 1000;
    let json: any;
    try {
      json = JSON.parse(io.out);
    } catch {
      json = undefined;
    }
    const said = io.err.split('\n').filter((line) => line.trim() !== '').slice(-3).join(' ');
    // A command that did its work with failures says so in its result (restore, migrate: `failures`).
    const failures: Array<{ object?: string; id?: string; message?: string }> = Array.isArray(json?.failures) ? json.failures : Array.isArray(json?.failures?.examples) ? json.failures.examples : [];
    const failed = failures.length > 0 ? `${failures.length} failure(s): ${failures.slice(0, 3).map((f) => `${f.object ?? ''} ${f.id ?? ''}: ${f.message ?? ''}`.trim()).join('; ')}` : '';
    const error = json?.error ? [json.error.message, ...(json.error.details ?? []).slice(0, 3)].join(' ') : code !== 0 ? failed || said || `exit ${code}` : undefined;
    return { code, json, error, seconds };
  };
}

/** Runs one command: its arguments, and environment variables to add. */
export type CommandRunner = (args: string[], extraEnv?: Record<string, string>) => Promise<CommandRun>;

/** `run`, where a command must end with one of the `accept`ed exit codes (default 0); another is an error naming the command and why. */
export function mustRun(run: CommandRunner): (args: string[], accept?: number[], extraEnv?: Record<string, string>) => Promise<CommandRun> {
  return async (args, accept = [0], extraEnv = {}) => {
    const ran = await run(args, extraEnv);
    if (!accept.includes(ran.code)) throw new Error(`cutover ${args.join(' ')}: ${ran.error ?? `exit ${ran.code}`}`);
    return ran;
  };
}
