/**
 * The steps of a runbook run: each step's plan (computed before it writes),
 * its progress checkpoints (so that a step interrupted halfway knows what it
 * already did), its outcome with counts, and its timing. A resumed run
 * continues at the first step that did not succeed.
 */
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

export type StepStatus = 'not_run' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface RunStep {
  runId: string;
  position: number;
  name: string;
  title: string;
  status: StepStatus;
  /** What the step planned: a summary line, counts, and its own data. */
  plan: Record<string, unknown> | null;
  /** The last checkpoint of a step that was running. */
  progress: unknown;
  /** What it did: a summary line, counts, and its own data. */
  result: Record<string, unknown> | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  /** How many times it was started (more than one after a resume). */
  attempts: number;
}

export interface RunStepsRepository {
  /** Records the steps of a new run, all not run. */
  create(runId: string, steps: Array<{ name: string; title: string }>): Promise<void>;
  list(runId: string): Promise<RunStep[]>;
  /** A step starts (its planning counts in its time): running; attempts count up. */
  start(runId: string, position: number): Promise<void>;
  /** Records what a running step planned. */
  planned(runId: string, position: number, plan: Record<string, unknown>): Promise<void>;
  /** Saves what a running step has done so far. */
  checkpoint(runId: string, position: number, progress: unknown): Promise<void>;
  /** A step ends. Its seconds add up over attempts. */
  finish(runId: string, position: number, outcome: { status: 'succeeded' | 'failed' | 'skipped'; result?: Record<string, unknown>; error?: string }): Promise<void>;
}

interface StepDbRow {
  run_id: string;
  position: number;
  name: string;
  title: string;
  status: StepStatus;
  plan: string | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  attempts: number;
}

export class SqlRunStepsRepository implements RunStepsRepository {
  constructor(private readonly db: StateDb) {}

  create(runId: string, steps: Array<{ name: string; title: string }>): Promise<void> {
    return guard(this.db.where, `recording the steps of run ${runId}`, () =>
      this.db.transaction(async () => {
        for (const [position, step] of steps.entries()) {
          await this.db.run("INSERT INTO run_steps (run_id, position, name, title, status) VALUES (?, ?, ?, ?, 'not_run')", [runId, position, step.name, step.title]);
        }
      }),
    );
  }

  async list(runId: string): Promise<RunStep[]> {
    const rows = await guard(this.db.where, `reading the steps of run ${runId}`, () => this.db.all<StepDbRow>('SELECT * FROM run_steps WHERE run_id = ? ORDER BY position', [runId]));
    return rows.map(stepOf);
  }

  start(runId: string, position: number): Promise<void> {
    return this.update(runId, position, 'starting', "status = 'running', error = NULL, started_at = ?, finished_at = NULL, attempts = attempts + 1", [new Date().toISOString()]);
  }

  planned(runId: string, position: number, plan: Record<string, unknown>): Promise<void> {
    return this.update(runId, position, 'recording the plan of', 'plan = ?', [redactText(JSON.stringify(plan))]);
  }

  checkpoint(runId: string, position: number, progress: unknown): Promise<void> {
    return this.update(runId, position, 'saving the progress of', 'progress = ?', [redactText(JSON.stringify(progress ?? null))]);
  }

  finish(runId: string, position: number, outcome: { status: 'succeeded' | 'failed' | 'skipped'; result?: Record<string, unknown>; error?: string }): Promise<void> {
    return guard(this.db.where, `ending step ${position} of run ${runId}`, () =>
      this.db.transaction(async () => {
        const row = await this.db.get<StepDbRow>('SELECT * FROM run_steps WHERE run_id = ? AND position = ?', [runId, position]);
        if (!row) throw new CutoverError('state.failed', `Run ${runId} has no step ${position}.`);
        const finishedAt = new Date().toISOString();
        const seconds = row.started_at ? Math.max(0, Date.parse(finishedAt) - Date.parse(row.started_at)) / 1000 : 0;
        await this.db.run('UPDATE run_steps SET status = ?, result = ?, error = ?, finished_at = ?, seconds = ? WHERE run_id = ? AND position = ?', [
          outcome.status,
          outcome.result === undefined ? null : redactText(JSON.stringify(outcome.result)),
          outcome.error === undefined ? null : redactText(outcome.error),
          finishedAt,
          Math.round(((row.seconds ?? 0) + seconds) * 1000) / 1000,
          runId,
          position,
        ]);
      }),
    );
  }

  private update(runId: string, position: number, doing: string, set: string, params: Array<string | number | null>): Promise<void> {
    return guard(this.db.where, `${doing} step ${position} of run ${runId}`, async () => {
      const changed = await this.db.run(`UPDATE run_steps SET ${set} WHERE run_id = ? AND position = ?`, [...params, runId, position]);
      if (changed === 0) throw new CutoverError('state.failed', `Run ${runId} has no step ${position}.`);
    });
  }
}

function stepOf(row: StepDbRow): RunStep {
  const parse = (text: string | null): any => (text === null ? null : JSON.parse(text));
  return {
    runId: row.run_id,
    position: Number(row.position),
    name: row.name,
    title: row.title,
    status: row.status,
    plan: parse(row.plan),
    progress: parse(row.progress),
    result: parse(row.result),
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    seconds: row.seconds === null ? null : Number(row.seconds),
    attempts: Number(row.attempts),
  };
}
