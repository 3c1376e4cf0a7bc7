/** `cutover dashboard` as a real child process on a free port, for tests that talk to it or open it in a browser. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './child-cli.js';

/** A running dashboard: where it listens, the token it printed, and how to stop it. */
export interface DashboardProcess {
  url: string;
  token: string;
  child: ChildProcess;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** Sends SIGINT (to its process group when started as one, as Ctrl-C in a terminal does) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `cutover dashboard --port 0 --json` in `cwd` (leading a process group of its own with `group`) and waits for its start-up line. */
export async function startDashboard(cwd: string, env: NodeJS.ProcessEnv, args: string[] = [], options: { group?: boolean } = {}): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0', '--json', ...args], { cwd, env: { ...process.env, ...env }, detached: options.group === true });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const started = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line from cutover dashboard: ${out}${err}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`cutover dashboard exited with ${code}: ${err}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        const parsed = JSON.parse(out);
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not all of it yet
      }
    });
  });
  return {
    ...started,
    child,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        if (options.group) process.kill(-child.pid!, 'SIGINT');
        else child.kill('SIGINT');
      }),
  };
}
