/**
 * The rollback's last step: tell people. Until the communications issue
 * brings templates people edit and channels that send, the messages are
 * written, one Markdown file per audience, into the outbox folder beside
 * the plan, with the facts of the moment: the go-live, the decision and the
 * triggers behind it, every step with its time, what was exported and
 * restored, and what comes next.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunbookStep, StepOutcome } from '../engine/runbook.js';
import type { RollbackContext } from './rollback-context.js';

const AUDIENCES = [
  { name: 'team', title: 'Internal team: the rollback is done' },
  { name: 'management', title: 'Management: rollback of the CRM go-live' },
  { name: 'next-steps', title: 'After the rollback: next steps' },
] as const;

export const communicate: RunbookStep<RollbackContext> = {
  name: 'communicate',
  title: 'Communicate the rollback',
  async plan(context) {
    return {
      summary: `write ${AUDIENCES.length} messages (${AUDIENCES.map((audience) => audience.name).join(', ')}) into ${path.relative(context.plan.dir, context.outbox) || '.'}`,
      counts: { messages: AUDIENCES.length },
    };
  },
  async apply(context, _plan, handle) {
    mkdirSync(context.outbox, { recursive: true });
    const facts = factsOf(context, handle.earlier);
    const files = AUDIENCES.map((audience) => {
      const file = path.join(context.outbox, `${handle.runId}-${audience.name}.md`);
      writeFileSync(file, message(audience.name, audience.title, facts));
      return file;
    });
    return { summary: `wrote ${files.length} messages into ${context.outbox}`, counts: { messages: files.length }, data: { files } };
  },
};

interface Facts {
  project: string;
  source: string;
  target: string;
  goLive: string;
  decision: string;
  triggers: string[];
  steps: Array<{ name: string; summary: string }>;
  rto: string;
}

function factsOf(context: RollbackContext, earlier: ReadonlyMap<string, StepOutcome>): Facts {
  const evaluations = (context.decision?.evidence.evaluations as Array<{ check: string; status: string; measured: string | null; reason?: string }> | undefined) ?? [];
  return {
    project: context.plan.plan.project.name,
    source: context.source.name,
    target: context.target.name,
    goLive: context.goLive.at,
    decision: context.decision ? `${context.decision.decision} by ${context.decision.user} at ${context.decision.at}: ${context.decision.reason}` : 'no recorded decision (the rollback was forced)',
    triggers: evaluations.filter((e) => e.status === 'fired').map((e) => `${e.check}: ${e.measured ?? ''}${e.reason ? ` (${e.reason})` : ''}`),
    steps: [...earlier.entries()].map(([name, outcome]) => ({ name, summary: outcome.summary })),
    rto: context.plan.plan.rollback?.rto ?? '4h',
  };
}

function message(audience: string, title: string, facts: Facts): string {
  const lines = [`# ${title}`, '', `**${facts.project}**: ${facts.target} went live at ${facts.goLive}; it has been rolled back to ${facts.source}.`, ''];
  if (audience !== 'next-steps') {
    lines.push('## Why', '', `Decision: ${facts.decision}`, '');
    if (facts.triggers.length > 0) lines.push('Triggers that fired:', '', ...facts.triggers.map((trigger) => `- ${trigger}`), '');
    lines.push('## What was done', '', ...facts.steps.map((step) => `- ${step.name}: ${step.summary}`), '');
  }
  if (audience === 'team') {
    lines.push(`Work in ${facts.source} again from now on. ${facts.target} stays frozen; what was entered there since go-live is exported and will be carried over.`, '');
  }
  if (audience === 'management') {
    lines.push(`Recovery time objective: ${facts.rto}.`, '');
  }
  lines.push(
    '## Next',
    '',
    `- Carry the data entered in ${facts.target} since go-live (the export of this rollback) into ${facts.source}.`,
    `- Reset ${facts.target} to its baseline when the team is ready to migrate again: \`cutover reset ${facts.target}\`.`,
    '- Fix what made the triggers fire, rehearse, and plan the next go-live.',
    '',
  );
  return lines.join('\n');
}
