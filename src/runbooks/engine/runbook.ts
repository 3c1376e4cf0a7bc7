/**
 * The runbook engine: an ordered list of steps, each with a plan part (what
 * it will do, computed from the systems before it writes) and an apply part.
 * Every step's plan, progress, outcome and timing live in the state store,
 * so a run stopped by a crash, a kill or a failed step continues, with
 * `--resume`, at the step that did not finish; a step that succeeded is
 * never applied twice. A dry run plans every step and writes nothing.
 */
import { CutoverError, isCutoverError } from '../../core/errors.js';
import type { RunRow, RunStep, StateStore } from '../../state/index.js';

/** What a step plans to do, before it writes. */
export interface StepPlan {
  /** One line for people: "freeze 42 users of salesforce". */
  summary: string;
  counts: Record<string, number>;
  /** Set when the step has nothing to do here; it is then recorded skipped with this reason. */
  skip?: string;
  /** The step's own facts, handed to its apply part and kept with the run. */
  data?: Record<string, unknown>;
}

/** What a step did. */
export interface StepOutcome {
  summary: string;
  counts: Record<string, number>;
  data?: Record<string, unknown>;
}

/** What a step's apply part gets besides the runbook's context. */
export interface StepHandle {
  runId: string;
  /** The last checkpoint of an earlier attempt that stopped halfway, if any. */
  previous: unknown;
  /** Saves progress, so that a resume knows what this attempt already did. */
  checkpoint(progress: unknown): Promise<void>;
  /** The outcomes of the steps before, by name (a resume reads them from the state store). */
  earlier: ReadonlyMap<string, StepOutcome>;
  signal?: AbortSignal;
}

/** One step of a runbook over a context `C`. */
export interface RunbookStep<C> {
  name: string;
  title: string;
  plan(context: C, earlier: ReadonlyMap<string, StepOutcome>): Promise<StepPlan>;
  apply(context: C, plan: StepPlan, handle: StepHandle): Promise<StepOutcome>;
}

/** A step as it ended in this run. */
export interface StepReport {
  position: number;
  name: string;
  title: string;
  status: RunStep['status'];
  plan: StepPlan | null;
  outcome: StepOutcome | null;
  error: string | null;
  seconds: number | null;
  attempts: number;
}

/** What the engine tells the command while it runs. */
export type RunbookEvent =
  | { type: 'run'; runId: string; resumed: boolean; steps: Array<{ name: string; title: string; status: RunStep['status'] }> }
  | { type: 'step-start'; position: number; title: string; plan: StepPlan }
  | { type: 'step-end'; position: number; title: string; status: 'succeeded' | 'failed' | 'skipped'; seconds: number; summary: string };

export interface RunbookOptions<C> {
  state: StateStore;
  kind: string;
  system: string;
  source: string | null;
  steps: ReadonlyArray<RunbookStep<C>>;
  context: C;
  /** A new run's id; a resume continues `resume` instead. */
  runId: string;
  resume?: RunRow;
  dryRun?: boolean;
  /** Options kept with the run, for a resume to use the same. */
  options?: Record<string, unknown>;
  /** The command that continues the run after a failure, named in the error. */
  resumeCommand: string;
  onEvent?: (event: RunbookEvent) => void;
  signal?: AbortSignal;
}

/** The run at its end (or, for a dry run, its plans). */
export interface RunbookReport {
  id: string;
  kind: string;
  system: string;
  dryRun: boolean;
  resumed: boolean;
  status: 'succeeded' | 'failed' | 'planned';
  steps: StepReport[];
  seconds: number;
}

/** Runs (or resumes, or plans) a runbook. A failed step stops it with a CutoverError naming the command that continues. */
export async function runRunbook<C>(options: RunbookOptions<C>): Promise<RunbookReport> {
  const started = performance.now();
  if (options.dryRun) return planAll(options, started);
  const { state } = options;
  const resumed = options.resume !== undefined;
  const runId = options.resume?.id ?? options.runId;
  if (options.resume) {
    await state.runs.resume(runId);
    const recorded = await state.steps.list(runId);
    const names = options.steps.map((step) => step.name);
    if (recorded.map((step) => step.name).join() !== names.join()) {
      throw new CutoverError('state.failed', `Run ${runId} was started with other steps (${recorded.map((step) => step.name).join(', ')}) than this cutover has (${names.join(', ')}).`, {
        hints: ['finish it with the cutover version that started it'],
      });
    }
  } else {
    // The run and its steps together: a run is never recorded without its steps.
    await state.transaction(async () => {
      await state.runs.start({ id: runId, kind: options.kind, system: options.system, source: options.source, dryRun: false, ...(options.options ? { options: options.options } : {}) });
      await state.steps.create(runId, options.steps.map((step) => ({ name: step.name, title: step.title })));
    });
  }
  const recorded = await state.steps.list(runId);
  options.onEvent?.({ type: 'run', runId, resumed, steps: recorded.map((step) => ({ name: step.name, title: step.title, status: step.status })) });
  const earlier = new Map<string, StepOutcome>();
  for (const [position, step] of options.steps.entries()) {
    const row = recorded[position]!;
    if (row.status === 'succeeded' || row.status === 'skipped') {
      // Done before the resume: never applied twice.
      if (row.result) earlier.set(step.name, row.result as unknown as StepOutcome);
      continue;
    }
    const stepStarted = performance.now();
    try {
      await state.steps.start(runId, position);
      const plan = await step.plan(options.context, earlier);
      await state.steps.planned(runId, position, { ...plan });
      options.onEvent?.({ type: 'step-start', position, title: step.title, plan });
      if (plan.skip) {
        const outcome: StepOutcome = { summary: plan.skip, counts: {} };
        await state.steps.finish(runId, position, { status: 'skipped', result: { ...outcome } });
        earlier.set(step.name, outcome);
        options.onEvent?.({ type: 'step-end', position, title: step.title, status: 'skipped', seconds: secondsSince(stepStarted), summary: plan.skip });
        continue;
      }
      const outcome = await step.apply(options.context, plan, {
        runId,
        previous: row.progress,
        checkpoint: (progress) => state.steps.checkpoint(runId, position, progress),
        earlier,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      await state.steps.finish(runId, position, { status: 'succeeded', result: { ...outcome } });
      earlier.set(step.name, outcome);
      options.onEvent?.({ type: 'step-end', position, title: step.title, status: 'succeeded', seconds: secondsSince(stepStarted), summary: outcome.summary });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await state.steps.finish(runId, position, { status: 'failed', error: message }).catch(() => undefined);
      await state.runs.finish(runId, { status: 'failed', error: `step ${position + 1} (${step.name}) failed: ${message}` }).catch(() => undefined);
      options.onEvent?.({ type: 'step-end', position, title: step.title, status: 'failed', seconds: secondsSince(stepStarted), summary: message });
      throw new CutoverError(isCutoverError(error) ? error.code : 'write.failed', `Step ${position + 1} of ${options.steps.length}, ${step.title.toLowerCase()}, failed: ${message}`, {
        hints: [`fix what it says, then continue where it stopped: ${options.resumeCommand}`, `see every step: cutover run ${runId}`],
        ...(isCutoverError(error) ? { details: [...error.details] } : {}),
        cause: error,
      });
    }
  }
  const steps = await reportSteps(state, runId);
  const summary = Object.fromEntries(steps.map((step) => [step.name, { status: step.status, seconds: step.seconds, counts: step.outcome?.counts ?? {} }]));
  await state.runs.finish(runId, { status: 'succeeded', summary });
  return { id: runId, kind: options.kind, system: options.system, dryRun: false, resumed, status: 'succeeded', steps, seconds: secondsSince(started) };
}

/** The steps of a run as stored. */
export async function reportSteps(state: StateStore, runId: string): Promise<StepReport[]> {
  return (await state.steps.list(runId)).map((step) => ({
    position: step.position,
    name: step.name,
    title: step.title,
    status: step.status,
    plan: step.plan as StepPlan | null,
    outcome: step.result as StepOutcome | null,
    error: step.error,
    seconds: step.seconds,
    attempts: step.attempts,
  }));
}

/** A dry run: every step's plan, computed before anything is written, nothing stored but the audit of the command. */
async function planAll<C>(options: RunbookOptions<C>, started: number): Promise<RunbookReport> {
  const earlier = new Map<string, StepOutcome>();
  const steps: StepReport[] = [];
  for (const [position, step] of options.steps.entries()) {
    const plan = await step.plan(options.context, earlier);
    steps.push({ position, name: step.name, title: step.title, status: 'not_run', plan, outcome: null, error: null, seconds: null, attempts: 0 });
  }
  return { id: options.runId, kind: options.kind, system: options.system, dryRun: true, resumed: false, status: 'planned', steps, seconds: secondsSince(started) };
}

function secondsSince(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}
