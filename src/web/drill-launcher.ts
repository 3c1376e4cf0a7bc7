/**
 * Starting a drill from the dashboard: `cutover drill` in a child process
 * (a drill restores, migrates and rolls back for minutes; in the
 * dashboard's own process it would stall every page), one at a time. Its
 * output goes to a log file beside the drills; the drill itself records
 * its run and phases in the state store, where the page follows it.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { STATE_DIR, type StateStore } from '../state/index.js';

/** The CLI's entry point, the same relative path from src/web and dist/web. */
const BIN = path.join(import.meta.dirname, '../../bin/cutover.js');

/** How long a started drill may take to record its run before the start is reported without an id. */
const RECORDED_WITHIN_MS = 20_000;

/** The drill options the dashboard accepts, as `cutover drill` takes them. */
export interface DrillRequest {
  /** The procedure rehearsed (default: the plan's rollback.mode). */
  mode?: 'immediate' | 'delayed';
  /** Records created after the drill go-live (default 20). */
  new?: number;
  /** Records edited after the drill go-live (default 10). */
  edits?: number;
  /** Percent of the migrated records deleted after the drill go-live (default 2). */
  deletes?: number;
  /** Days of use after the drill go-live (default 1). */
  days?: number;
}

/** A drill this dashboard started. */
export interface LaunchedDrill {
  /** The drill's run id, once it recorded its run. */
  id: string | null;
  pid: number;
  by: string;
  startedAt: string;
  /** The log of its output. */
  log: string;
  running: boolean;
  exitCode: number | null;
  /** Once it ended with an error, the CLI's lines saying it (Error, Caused by, Hint). */
  tail: string[];
}

/** Starts drills in child processes, one at a time. */
export class DrillLauncher {
  private launched: LaunchedDrill | undefined;

  constructor(
    private readonly loaded: LoadedPlan,
    private readonly state: StateStore,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The drill started last, if any. */
  current(): LaunchedDrill | undefined {
    return this.launched ? { ...this.launched, tail: [...this.launched.tail] } : undefined;
  }

  /** Starts a drill for `by` and waits until it has recorded its run (or ended first, which is an error with its last words). */
  async start(request: DrillRequest, by: string): Promise<LaunchedDrill> {
    if (this.launched?.running) throw new CutoverError('usage', `A drill is running already (${this.launched.id ?? `process ${this.launched.pid}`}, started by ${this.launched.by}); wait for it to end.`);
    const args = [BIN, '--plan', this.loaded.file, '--json', 'drill'];
    if (request.mode) args.push('--mode', request.mode);
    for (const key of ['new', 'edits', 'deletes', 'days'] as const) if (request[key] !== undefined) args.push(`--${key}`, String(request[key]));
    const startedAt = new Date();
    const logDir = path.join(this.loaded.dir, STATE_DIR, 'drills');
    mkdirSync(logDir, { recursive: true });
    const log = path.join(logDir, `dashboard-${startedAt.toISOString().replace(/[:.]/g, '-')}.log`);
    // The drill writes straight into its log and runs in its own process group: it outlives a dashboard stopped with Ctrl-C.
    const fd = openSync(log, 'a');
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(process.execPath, args, { cwd: this.loaded.dir, env: this.env, stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    child.unref();
    const launched: LaunchedDrill = { id: null, pid: child.pid ?? 0, by, startedAt: startedAt.toISOString(), log, running: true, exitCode: null, tail: [] };
    this.launched = launched;
    const ended = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        launched.tail = [error.message];
        launched.running = false;
        resolve();
      });
      child.once('exit', (code) => {
        launched.running = false;
        launched.exitCode = code;
        launched.tail = errorLines(log);
        resolve();
      });
    });
    const deadline = Date.now() + RECORDED_WITHIN_MS;
    while (launched.id === null && Date.now() < deadline) {
      launched.id = await this.recordedSince(startedAt);
      if (launched.id || !launched.running) break;
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    launched.id ??= await this.recordedSince(startedAt);
    if (!launched.id && !launched.running) {
      const error = launched.tail.filter((line) => line.startsWith('Error: ')).at(-1)?.slice('Error: '.length) ?? launched.tail.at(-1) ?? `exit ${launched.exitCode}`;
      const hints = launched.tail.filter((line) => line.startsWith('Hint: ')).map((line) => line.slice('Hint: '.length));
      throw new CutoverError('usage', `The drill did not start: ${error}`, { hints: [...new Set(hints)].concat(`its output: ${log}`) });
    }
    return { ...launched, tail: [...launched.tail] };
  }

  /** The newest drill run recorded at or after `since`. */
  private async recordedSince(since: Date): Promise<string | null> {
    const [newest] = await this.state.runs.list({ kind: 'drill' });
    return newest && Date.parse(newest.startedAt) >= since.getTime() ? newest.id : null;
  }
}

/** The error the CLI wrote into the log, as its "Error: …", "Caused by: …" and "Hint: …" lines (none when it ended well). */
function errorLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((line) => /^(Error|Caused by|Hint): /.test(line)).slice(-10);
  } catch {
    return [];
  }
}
