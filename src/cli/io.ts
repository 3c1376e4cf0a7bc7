/** Where the CLI reads and writes: the process, or a test's buffers. */

/** The CLI's connection to the world. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal (colours, progress lines). */
  isTTY: boolean;
}

/** The real process. */
export function processIo(): CliIo {
  // A reader that stops early (`cutover ledger --format csv | head`) is not an error of cutover's.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

/** An io that keeps what was written, for tests. */
export function bufferIo(options: { cwd: string; env?: NodeJS.ProcessEnv }): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    cwd: options.cwd,
    env: options.env ?? { ...process.env },
    isTTY: false,
  };
  return io;
}
