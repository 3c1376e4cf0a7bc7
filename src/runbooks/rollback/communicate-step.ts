/**
 * The rollback's last step: tell people. The routes of the moment
 * `rollback_finished` name the templates and audiences (by default the
 * internal team notification, the management escalation and the
 * post-rollback next steps); each message is rendered with the facts of
 * this run — the go-live, the decision and the triggers behind it, every
 * step with its time, what was exported and restored, the recovery time —
 * recorded, kept in the outbox, and sent through email and chat. A message
 * that cannot be sent is retried, then reported: never a reason to fail
 * the rollback.
 */
import { decisionEvaluations, decisionFacts, goLiveFacts, planFacts, recoveryFacts, runFacts, triggerFacts, type FactsInput, type MessageReport } from '../../notify/index.js';
import type { RunbookStep, StepOutcome } from '../engine/runbook.js';
import type { RollbackContext } from './rollback-context.js';

export const communicate: RunbookStep<RollbackContext> = {
  name: 'communicate',
  title: 'Communicate the rollback',
  async plan(context) {
    const pairs = context.notifier.routed('rollback_finished');
    if (pairs.length === 0) return { summary: 'no route of the plan sends a message when a rollback finishes', counts: { messages: 0 }, skip: 'no route of the plan sends a message when a rollback finishes' };
    return { summary: `send ${pairs.length} message(s): ${pairs.map((pair) => `${pair.template} to ${pair.audience}`).join(', ')}`, counts: { messages: pairs.length } };
  },
  async apply(context, _plan, handle) {
    const started = (await Promise.all(context.background)).flat();
    const facts = await rollbackFacts(context, handle.runId, handle.earlier, 'succeeded');
    const finished = await context.notifier.announce({ event: 'rollback_finished', runId: handle.runId, system: context.target.name }, facts);
    return messagesOutcome([...started, ...finished]);
  },
};

/** The step's outcome for the messages of a run: how many went out, wait for approval, or failed and why. */
export function messagesOutcome(reports: readonly MessageReport[]): StepOutcome {
  const count = (status: MessageReport['status']): number => reports.filter((report) => report.status === status).length;
  const failed = reports.filter((report) => report.status === 'failed');
  const awaiting = reports.filter((report) => report.status === 'awaiting_approval');
  const parts = [`${count('sent')} of ${reports.length} message(s) sent`];
  if (awaiting.length > 0) parts.push(`${awaiting.map((report) => `${report.template} to ${report.audience}`).join(', ')} waiting for approval: cutover notify approve ${awaiting.map((report) => report.id).join(' | ')}`);
  if (failed.length > 0) parts.push(`not sent: ${failed.map((report) => `${report.id || report.template} (${failureOf(report)})`).join('; ')} — cutover notify retry <id>`);
  return {
    summary: parts.join('; '),
    counts: { sent: count('sent'), awaitingApproval: awaiting.length, failed: failed.length },
    data: { messages: reports.map((report) => ({ id: report.id, template: report.template, audience: report.audience, status: report.status, outboxFile: report.outboxFile, deliveries: report.deliveries.map((d) => ({ channel: d.channel, status: d.status, ...(d.reason ? { reason: d.reason } : {}) })) })) },
  };
}

function failureOf(report: MessageReport): string {
  if (report.reason) return report.reason;
  return report.deliveries
    .filter((delivery) => delivery.status === 'failed')
    .map((delivery) => `${delivery.channel}: ${delivery.reason ?? 'failed'}`)
    .join(', ');
}

/** The facts of this rollback as the templates read them; `status` is how the run stands at the moment. */
export async function rollbackFacts(context: RollbackContext, runId: string, earlier: ReadonlyMap<string, StepOutcome>, status: 'running' | 'succeeded' | 'failed'): Promise<FactsInput> {
  const moment = status === 'running' ? 'rollback_started' : status === 'succeeded' ? 'rollback_finished' : 'rollback_failed';
  const facts = planFacts(context.plan, moment);
  const run = await context.state.runs.get(runId);
  const steps = await context.state.steps.list(runId);
  const startedAt = run ? new Date(run.startedAt) : new Date();
  const source = context.source.name;
  const target = context.target.name;
  return {
    ...facts,
    systems: {
      source: { name: source, kind: context.source.kind, environment: context.source.environment },
      target: { name: target, kind: context.target.kind, environment: context.target.environment },
    },
    go_live: goLiveFacts(context.goLive),
    triggers: triggerFacts(decisionEvaluations(context.decision)),
    ...(context.decision ? { decision: decisionFacts(context.decision) } : {}),
    ...(run ? runFacts(run, steps, { status, ...(status === 'succeeded' ? { running: 'communicate' } : {}) }) : {}),
    recovery: recoveryFacts(context.plan.plan.rollback?.rto ?? '4h', startedAt),
    next_steps:
      status === 'running'
        ? []
        : status === 'failed'
        ? [`Fix what the failed step says, then continue the rollback where it stopped: cutover rollback --resume (see cutover run ${runId}).`, `Until then, do not enter data in ${target} or ${source}.`]
        : [
            `Carry what was entered in ${target} since go-live into ${source}: the export of run ${runId}${earlier.has('plan-reconciliation') ? ' and its reconciliation plan' : ''}.`,
            `Reset ${target} to its baseline when the team is ready to migrate again: cutover reset ${target}.`,
            'Fix what made the triggers fire, rehearse, and plan the next go-live.',
          ],
  };
}
