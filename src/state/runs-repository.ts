/** Runs in the state store: each migration, reset (and later rollback and drill) run, with its outcome. */
import { hostname } from 'node:os';
import { CutoverError } from '../core/errors.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

/** Where a run stands. A run still `running` whose process is gone was interrupted. */
export type RunStatus = 'running' | 'succeeded' | 'failed';

/** One run. Times are ISO 8601 UTC. */
export interface RunRow {
  id: string;
  /** What ran: migrate, reset… */
  kind: string;
  /** The system written (the plan's name). */
  system: string;
  /** Where the data came from: a system's name or a backup id. */
  source: string | null;
  status: RunStatus;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  /** The run's result as JSON (counts per object…). */
  summary: unknown;
  error: string | null;
  /** The machine and process that ran it. */
  host: string;
  pid: number;
  /** The options the run was started with (a rollback's mode, prune…), so that a resume uses the same. */
  options: Record<string, unknown> | null;
}

interface RunDbRow {
  id: string;
  kind: string;
  system: string;
  source: string | null;
  status: RunStatus;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  seconds: number | null;
  summary: string | null;
  error: string | null;
  host: string;
  pid: number;
  options: string | null;
}

/** Runs of runbooks. */
export interface RunsRepository {
  /** Records a new run as running; its id must be new. */
  start(run: Pick<RunRow, 'id' | 'kind' | 'system' | 'source' | 'dryRun'> & { startedAt?: string; options?: Record<string, unknown> }): Promise<RunRow>;
  /** Marks a failed or interrupted run running again, in this process (a resume). */
  resume(id: string): Promise<RunRow>;
  /** Ends a run with its outcome. */
  finish(id: string, outcome: { status: Exclude<RunStatus, 'running'>; summary?: unknown; error?: string }): Promise<RunRow>;
  get(id: string): Promise<RunRow | undefined>;
  /** Newest first, optionally of one kind and/or system. */
  list(filter?: { kind?: string; system?: string }): Promise<RunRow[]>;
  /**
   * Ends as failed (interrupted) the runs of a kind on a system still
   * recorded as running whose process is gone (same machine, no such
   * process). Returns their ids, and the runs that are still alive: on this
   * machine by their process, on another machine by assumption.
   */
  closeInterrupted(kind: string, system: string): Promise<{ closed: string[]; alive: RunRow[] }>;
}

/** {@link RunsRepository} over the state file. */
export class SqlRunsRepository implements RunsRepository {
  constructor(private readonly db: StateDb) {}

  start(run: Pick<RunRow, 'id' | 'kind' | 'system' | 'source' | 'dryRun'> & { startedAt?: string; options?: Record<string, unknown> }): Promise<RunRow> {
    return guard(this.db.where, `recording run ${run.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM runs WHERE id = ?', [run.id])) {
          throw new CutoverError('state.failed', `A run with id ${run.id} is already recorded in ${this.db.where}.`);
        }
        await this.db.run('INSERT INTO runs (id, kind, system, source, status, dry_run, started_at, host, pid, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          run.id,
          run.kind,
          run.system,
          run.source,
          'running',
          run.dryRun ? 1 : 0,
          run.startedAt ?? new Date().toISOString(),
          hostname(),
          process.pid,
          run.options === undefined ? null : JSON.stringify(run.options),
        ]);
        return (await this.get(run.id)) as RunRow;
      }),
    );
  }

  finish(id: string, outcome: { status: Exclude<RunStatus, 'running'>; summary?: unknown; error?: string }): Promise<RunRow> {
    return guard(this.db.where, `ending run ${id}`, () =>
      this.db.transaction(async () => {
        const run = await this.get(id);
        if (!run) throw new CutoverError('state.failed', `There is no run ${id} in ${this.db.where} to end.`);
        const finishedAt = new Date().toISOString();
        const seconds = Math.round(Date.parse(finishedAt) - Date.parse(run.startedAt)) / 1000;
        await this.db.run('UPDATE runs SET status = ?, finished_at = ?, seconds = ?, summary = ?, error = ? WHERE id = ?', [
          outcome.status,
          finishedAt,
          seconds,
          outcome.summary === undefined ? null : JSON.stringify(outcome.summary),
          outcome.error ?? null,
          id,
        ]);
        return (await this.get(id)) as RunRow;
      }),
    );
  }

  resume(id: string): Promise<RunRow> {
    return guard(this.db.where, `resuming run ${id}`, () =>
      this.db.transaction(async () => {
        const run = await this.get(id);
        if (!run) throw new CutoverError('state.failed', `There is no run ${id} in ${this.db.where} to resume.`);
        if (run.status === 'succeeded') throw new CutoverError('usage', `Run ${id} finished; there is nothing to resume.`);
        await this.db.run("UPDATE runs SET status = 'running', finished_at = NULL, seconds = NULL, error = NULL, host = ?, pid = ? WHERE id = ?", [hostname(), process.pid, id]);
        return (await this.get(id)) as RunRow;
      }),
    );
  }

  async get(id: string): Promise<RunRow | undefined> {
    const row = await guard(this.db.where, `reading run ${id}`, () => this.db.get<RunDbRow>('SELECT * FROM runs WHERE id = ?', [id]));
    return row ? fromDb(row) : undefined;
  }

  async list(filter: { kind?: string; system?: string } = {}): Promise<RunRow[]> {
    const clauses: string[] = [];
    const params: string[] = [];
    if (filter.kind) (clauses.push('kind = ?'), params.push(filter.kind));
    if (filter.system) (clauses.push('system = ?'), params.push(filter.system));
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    const rows = await guard(this.db.where, 'listing runs', () => this.db.all<RunDbRow>(`SELECT * FROM runs${where} ORDER BY started_at DESC, ${this.db.rowOrder} DESC`, params));
    return rows.map(fromDb);
  }

  closeInterrupted(kind: string, system: string): Promise<{ closed: string[]; alive: RunRow[] }> {
    return guard(this.db.where, 'closing interrupted runs', async () => {
      const running = (await this.db.all<RunDbRow>("SELECT * FROM runs WHERE kind = ? AND system = ? AND status = 'running'", [kind, system])).map(fromDb);
      const here = hostname();
      const closed: string[] = [];
      const alive: RunRow[] = [];
      for (const run of running) {
        if (run.host === here && !processAlive(run.pid)) {
          await this.finish(run.id, { status: 'failed', error: 'interrupted: the process stopped before the run ended' });
          closed.push(run.id);
        } else alive.push(run);
      }
      return { closed, alive };
    });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fromDb(row: RunDbRow): RunRow {
  return {
    id: row.id,
    kind: row.kind,
    system: row.system,
    source: row.source,
    status: row.status,
    dryRun: row.dry_run === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    seconds: row.seconds,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown),
    error: row.error,
    host: row.host,
    pid: row.pid,
    options: row.options === null || row.options === undefined ? null : (JSON.parse(row.options) as Record<string, unknown>),
  };
}
