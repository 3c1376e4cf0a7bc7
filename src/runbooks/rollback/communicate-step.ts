/**
 * The rollback's last step: tell people. The built-in templates for the
 * team, management and the next steps are rendered with the facts of this
 * run — the go-live, the decision and the triggers behind it, every step
 * with its time, what was exported and restored, the recovery time — and
 * sent through the outbox channel (a file per message beside the plan).
 * A message that cannot be sent is reported, never a reason to fail the
 * rollback. Audiences, email and chat come with the plan's communications.
 */
import { readBuiltinTemplate, recoveryFacts, renderTemplate, send, createMessage, type FactsInput, type SendResult } from '../../notify/index.js';
import type { RunbookStep, StepOutcome } from '../engine/runbook.js';
import type { RollbackContext } from './rollback-context.js';

const MESSAGES = [
  { template: 'internal-team', audience: 'team' },
  { template: 'management-escalation', audience: 'management' },
  { template: 'post-rollback-next-steps', audience: 'team' },
] as const;

export const communicate: RunbookStep<RollbackContext> = {
  name: 'communicate',
  title: 'Communicate the rollback',
  async plan(context) {
    return { summary: `send ${MESSAGES.length} messages (${MESSAGES.map((message) => message.template).join(', ')}) to the outbox ${context.outbox}`, counts: { messages: MESSAGES.length } };
  },
  async apply(context, _plan, handle) {
    const facts = await rollbackFacts(context, handle.runId, handle.earlier);
    const results: SendResult[] = [];
    for (const { template, audience } of MESSAGES) {
      const rendered = await renderTemplate(await readBuiltinTemplate(template), template, facts, context.plan.plan.project.timezone ? { timezone: context.plan.plan.project.timezone } : {});
      results.push(await send(createMessage(rendered, { audience, event: 'rollback_completed' }), { kind: 'outbox', dir: context.outbox }));
    }
    const failed = results.filter((result) => result.status === 'failed');
    return {
      summary: `sent ${results.length - failed.length} of ${results.length} messages to the outbox ${context.outbox}${failed.length > 0 ? `; not sent: ${failed.map((result) => `${result.messageId} (${result.reason ?? 'unknown'})`).join(', ')}` : ''}`,
      counts: { sent: results.length - failed.length, failed: failed.length },
      data: { messages: results.map((result) => ({ id: result.messageId, status: result.status, target: result.target, ...(result.reason ? { reason: result.reason } : {}) })) },
    };
  },
};

/** The facts of this rollback, as the templates read them. */
async function rollbackFacts(context: RollbackContext, runId: string, earlier: ReadonlyMap<string, StepOutcome>): Promise<FactsInput> {
  const run = await context.state.runs.get(runId);
  const steps = await context.state.steps.list(runId);
  const evaluations = (context.decision?.evidence.evaluations as Array<{ check: string; status: 'ok' | 'fired' | 'unknown'; measured: string | null; threshold?: string; reason?: string }> | undefined) ?? [];
  const exported = earlier.get('export-delta')?.counts ?? {};
  const restored = earlier.get('restore-source')?.counts ?? {};
  const startedAt = run ? new Date(run.startedAt) : new Date();
  const plan = context.plan.plan;
  return {
    event: 'rollback_completed',
    generated_at: new Date().toISOString(),
    project: { name: plan.project.name, ...(plan.project.owner ? { owner: plan.project.owner } : {}), ...(plan.project.timezone ? { timezone: plan.project.timezone } : {}) },
    systems: {
      source: { name: context.source.name, kind: context.source.kind, environment: context.source.environment },
      target: { name: context.target.name, kind: context.target.kind, environment: context.target.environment },
    },
    go_live: { id: context.goLive.id, at: context.goLive.at },
    triggers: [...evaluations]
      .sort((a, b) => Number(b.status === 'fired') - Number(a.status === 'fired'))
      .filter((evaluation) => evaluation.status !== 'ok')
      .map((evaluation) => ({
        check: evaluation.check,
        status: evaluation.status,
        measured: evaluation.measured,
        ...(evaluation.threshold ? { threshold: evaluation.threshold } : {}),
        ...(evaluation.reason ? { reason: evaluation.reason } : {}),
      })),
    ...(context.decision ? { decision: { decision: context.decision.decision, reason: context.decision.reason, by: context.decision.user, at: context.decision.at } } : {}),
    runbook: {
      id: runId,
      name: 'rollback',
      mode: typeof run?.options?.mode === 'string' ? run.options.mode : undefined,
      status: 'running',
      started_at: startedAt.toISOString(),
      steps: steps.map((step) => ({
        name: step.name,
        title: step.title,
        // This step is the one running; the others ended before it.
        status: step.name === 'communicate' ? 'running' : step.status,
        seconds: step.seconds,
        ...(step.result?.summary ? { summary: String(step.result.summary) } : {}),
      })),
      total_seconds: null,
    },
    counts: {
      exported: (exported.created ?? 0) + (exported.updated ?? 0) + (exported.deleted ?? 0),
      restored: (restored.created ?? 0) + (restored.updated ?? 0) + (restored.pruned ?? 0),
    },
    recovery: recoveryFacts(plan.rollback?.rto ?? '4h', startedAt),
    next_steps: [
      `Carry what was entered in ${context.target.name} since go-live into ${context.source.name}: the export of run ${runId}${earlier.has('plan-reconciliation') ? ' and its reconciliation plan' : ''}.`,
      `Reset ${context.target.name} to its baseline when the team is ready to migrate again: cutover reset ${context.target.name}.`,
      'Fix what made the triggers fire, rehearse, and plan the next go-live.',
    ],
    ...(plan.project.owner ? { contacts: [{ name: plan.project.owner, role: 'owner of the migration' }] } : {}),
  };
}
