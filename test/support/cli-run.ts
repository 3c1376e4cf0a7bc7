/** The CLI run in process on a folder, with its output kept and parsed when it is JSON. */
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** The backup key flow tests give as CUTOVER_KEY. */
export const TEST_KEY = 'Fp9cQ2m1rVdXGkqJ0HbLrW7sYtTz3uNvA8eCiOjKlMo=';

/** How a run ended: exit code, output, and the output parsed when it is JSON. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
  json: any;
}

/** Runs `cutover <args>` in `dir` (CUTOVER_KEY set to {@link TEST_KEY}, and `env` besides). */
export async function runCliRaw(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const io = bufferIo({ cwd: dir, env: { ...process.env, CUTOVER_KEY: TEST_KEY, ...env } });
  const code = await main(args, io);
  let json: unknown;
  try {
    json = JSON.parse(io.out);
  } catch {
    json = undefined;
  }
  return { code, out: io.out, err: io.err, json };
}

/** The same with `--json`. */
export function runCli(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliRaw(dir, [...args, '--json'], env);
}
