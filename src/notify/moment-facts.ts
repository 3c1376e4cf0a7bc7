/**
 * The facts of a moment, gathered from the plan and the state store: the
 * project and its systems, the go-live, the decision and the trigger
 * evaluations behind it, a runbook run with every step and its time, what
 * it exported and restored, the recovery time and the contacts. The
 * rollback's messages and `cutover notify` both build their facts here.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import type { Decision, GoLive, RunRow, RunStep, StateStore, StoredEvaluation } from '../state/index.js';
import { recoveryFacts, type FactsInput } from './facts.js';

type StepFacts = NonNullable<FactsInput['runbook']>['steps'];

/** The project, the source and target of the plan, the contacts and the RTO: what every message has. */
export function planFacts(loaded: LoadedPlan, event: NonNullable<FactsInput['event']>, now: Date = new Date()): FactsInput {
  const { plan } = loaded;
  const systemFacts = (role: 'source' | 'target') => {
    const entry = Object.entries(plan.systems).find(([, system]) => system.role === role);
    if (!entry) return { name: `(no ${role} in the plan)` };
    const [name, system] = entry;
    return { name, kind: system.url.split(':')[0] ?? 'unknown', ...(system.environment ? { environment: system.environment } : {}), ...(system.description ? { description: system.description } : {}) };
  };
  const contacts = plan.communications?.contacts ?? [];
  return {
    event,
    generated_at: now.toISOString(),
    project: { name: plan.project.name, ...(plan.project.owner ? { owner: plan.project.owner } : {}), ...(plan.project.timezone ? { timezone: plan.project.timezone } : {}) },
    systems: { source: systemFacts('source'), target: systemFacts('target') },
    recovery: recoveryFacts(plan.rollback?.rto ?? '4h'),
    contacts: contacts.length > 0 ? contacts : plan.project.owner ? [{ name: plan.project.owner, role: 'owner of the migration' }] : [],
  };
}

/** A go-live as templates read it. */
export function goLiveFacts(goLive: GoLive): FactsInput['go_live'] {
  return { id: goLive.id, at: goLive.at };
}

/** A decision as templates read it. */
export function decisionFacts(decision: Decision): FactsInput['decision'] {
  return { decision: decision.decision, reason: decision.reason, by: decision.user, at: decision.at };
}

/** Trigger evaluations that did not pass, fired ones first (the evidence people need). */
export function triggerFacts(evaluations: ReadonlyArray<Pick<StoredEvaluation, 'check' | 'status' | 'measured'> & Partial<Pick<StoredEvaluation, 'threshold' | 'reason' | 'at'>>>): NonNullable<FactsInput['triggers']> {
  return [...evaluations]
    .filter((evaluation) => evaluation.status !== 'ok')
    .sort((a, b) => Number(b.status === 'fired') - Number(a.status === 'fired'))
    .map((evaluation) => ({
      check: evaluation.check,
      status: evaluation.status,
      measured: evaluation.measured,
      ...(evaluation.threshold ? { threshold: evaluation.threshold } : {}),
      ...(evaluation.reason ? { reason: evaluation.reason } : {}),
      ...(evaluation.at ? { at: evaluation.at } : {}),
    }));
}

/** The evaluations a decision was taken on, from its evidence. */
export function decisionEvaluations(decision: Decision | undefined): Array<Pick<StoredEvaluation, 'check' | 'status' | 'measured' | 'threshold'> & { reason?: string; at?: string }> {
  const evaluations = decision?.evidence['evaluations'];
  return Array.isArray(evaluations) ? (evaluations as Array<Pick<StoredEvaluation, 'check' | 'status' | 'measured' | 'threshold'>>) : [];
}

/**
 * A runbook run with its steps, and the counts its export and restore
 * steps measured. `running` names a step still under way (the one sending
 * the messages); `now` ends the total for a run still running.
 */
export function runFacts(run: RunRow, steps: readonly RunStep[], options: { running?: string; status?: 'running' | 'succeeded' | 'failed'; now?: Date } = {}): Pick<FactsInput, 'runbook' | 'counts'> {
  const started = new Date(run.startedAt);
  const status = options.status ?? run.status;
  const finishedAt = run.finishedAt ?? (status === 'running' ? undefined : (options.now ?? new Date()).toISOString());
  const end = finishedAt ? new Date(finishedAt) : options.now;
  const stepFacts: StepFacts = steps.map((step) => ({
    name: step.name,
    title: step.title,
    status: step.name === options.running ? 'running' : step.status,
    seconds: step.seconds,
    ...(step.result && typeof step.result['summary'] === 'string' ? { summary: step.result['summary'] } : step.error ? { summary: step.error } : {}),
  }));
  const counts = (name: string): Record<string, number> => (steps.find((step) => step.name === name)?.result?.['counts'] as Record<string, number> | undefined) ?? {};
  const exported = counts('export-delta');
  const restored = counts('restore-source');
  const hasCounts = steps.some((step) => (step.name === 'export-delta' || step.name === 'restore-source') && step.status === 'succeeded');
  return {
    runbook: {
      id: run.id,
      name: run.kind,
      ...(typeof run.options?.['mode'] === 'string' ? { mode: run.options['mode'] } : {}),
      status,
      started_at: run.startedAt,
      ...(finishedAt ? { finished_at: finishedAt } : {}),
      steps: stepFacts,
      total_seconds: end ? Math.max(0, Math.round((end.getTime() - started.getTime()) / 100) / 10) : null,
    },
    ...(hasCounts
      ? {
          counts: {
            exported: (exported['created'] ?? 0) + (exported['updated'] ?? 0) + (exported['deleted'] ?? 0),
            restored: (restored['created'] ?? 0) + (restored['updated'] ?? 0) + (restored['pruned'] ?? 0),
          },
        }
      : {}),
  };
}

/**
 * The facts as the state has them now, for `cutover notify`: the plan's,
 * the target's latest go-live, the decision about it, the latest watch
 * round's evaluations (else the decision's), and the latest rollback with
 * its steps and counts.
 */
export async function currentFacts(loaded: LoadedPlan, state: StateStore, event: NonNullable<FactsInput['event']>, now: Date = new Date()): Promise<FactsInput> {
  const facts = planFacts(loaded, event, now);
  const target = facts.systems.target.name;
  const goLive = await state.goLives.latest(target);
  if (!goLive) return facts;
  const latestDecision = await state.decisions.latest(target);
  const decision = latestDecision?.goLive === goLive.id ? latestDecision : undefined;
  const round = await state.watch.latest(target);
  const evaluations = round && round.goLive === goLive.id ? round.evaluations : decisionEvaluations(decision);
  const rollback = (await state.runs.list({ kind: 'rollback', system: target })).find((run) => !run.dryRun && run.options?.['goLive'] === goLive.id);
  const run = rollback ? runFacts(rollback, await state.steps.list(rollback.id), { now }) : {};
  return {
    ...facts,
    go_live: goLiveFacts(goLive),
    triggers: triggerFacts(evaluations),
    ...(decision ? { decision: decisionFacts(decision) } : {}),
    ...run,
    recovery: recoveryFacts(loaded.plan.rollback?.rto ?? '4h', rollback ? new Date(rollback.startedAt) : undefined),
  };
}
