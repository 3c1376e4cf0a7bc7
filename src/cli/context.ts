/** What every command gets: io, the global options, the plan, and a way to print results. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadPlan, type LoadedPlan } from '../plan/load-plan.js';
import { resolveSecret } from '../plan/secrets.js';
import { StateStore } from '../state/index.js';
import type { CliIo } from './io.js';

/** Options every command accepts. */
export interface GlobalOptions {
  plan?: string;
  json?: boolean;
  debug?: boolean;
}

/** Shared state of one CLI run. */
export class CliContext {
  /** Exit code set by the command (1 when its check found a problem). */
  exitCode = 0;
  private loaded: LoadedPlan | undefined;
  private store: StateStore | undefined;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  get json(): boolean {
    return Boolean(this.globals().json);
  }

  get debug(): boolean {
    return Boolean(this.globals().debug);
  }

  /** The plan path: --plan, else ./cutover.yaml. */
  get planPath(): string {
    return path.resolve(this.io.cwd, this.globals().plan ?? 'cutover.yaml');
  }

  /** The plan; an error if there is none. Its warnings go to stderr once. */
  plan(): LoadedPlan {
    if (!this.loaded) {
      this.loaded = loadPlan(this.planPath);
      for (const warning of this.loaded.warnings) this.io.stderr(`Warning: ${warning}\n`);
    }
    return this.loaded;
  }

  /** The plan when one was named or ./cutover.yaml exists; otherwise undefined (systems must then be URLs). */
  planIfAny(): LoadedPlan | undefined {
    if (this.globals().plan === undefined && !existsSync(this.planPath)) return undefined;
    return this.plan();
  }

  /**
   * The state store the plan names (`state.url`), else the file beside the
   * plan (`.cutover/state.db`), or, without a plan, beside the folder given
   * (e.g. a backup storage folder named by --out).
   */
  async state(fallbackDir?: string): Promise<StateStore | undefined> {
    if (this.store) return this.store;
    const loaded = this.planIfAny();
    const dir = loaded?.dir ?? fallbackDir;
    if (!dir) return undefined;
    const shared = loaded?.plan.state;
    const location = shared && {
      url: shared.url,
      ...(shared.password === undefined ? {} : { password: resolveSecret(shared.password, 'state.password', loaded.dir) }),
    };
    this.store = await StateStore.open(dir, location ? { location } : {});
    return this.store;
  }

  /** Records a command that wrote something in the audit log, with its arguments redacted. */
  async audit(command: string, outcome: 'succeeded' | 'failed', summary?: string, fallbackDir?: string): Promise<void> {
    const state = await this.state(fallbackDir);
    await state?.audit.record({ command, args: this.argv, outcome, ...(summary ? { summary } : {}) });
  }

  /** The arguments this run was started with (for the audit log; redacted there). */
  argv: string[] = [];

  /** Closes what the run opened. */
  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }

  /** Prints a result: JSON with --json, else the human text. */
  emit(result: unknown, human: () => string): void {
    if (this.json) this.io.stdout(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
    else {
      const text = human();
      if (text) this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** A line for people on stderr (progress, notes); silent with --json. */
  note(text: string): void {
    if (!this.json) this.io.stderr(`${text}\n`);
  }
}

/** JSON for values cutover holds: binary as base64, bigint as text. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $binary: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return value.toString();
  return value;
}
