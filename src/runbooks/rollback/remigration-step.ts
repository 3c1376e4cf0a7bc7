/**
 * The delayed rollback's plan for the next attempt: a document of what
 * triggered the rollback (the evidence the decision rests on), the records
 * the migration could not write and why (its failures file), the data
 * carried back into the source, and a checklist of what to fix and redo
 * before going live again.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../../state/index.js';
import type { RunbookStep, StepOutcome } from '../engine/runbook.js';
import type { RollbackContext } from './rollback-context.js';

/** What to fix, per kind of trigger that fired. */
const FIXES: Record<string, string> = {
  'data-loss': 'Find what deleted or altered migrated records after go-live (an integration job, a bulk update, permissions that let people delete), and stop it; check the mapping against verify-migration.',
  workflow: 'Repair the automation the probe checks, and test it in a sandbox with a synthetic transaction before the next go-live.',
  integration: 'Repair the integration (its endpoint, credentials, error rate) and watch it in a sandbox before the next go-live.',
  adoption: 'Find out why people did not use the new CRM (training, access, missing features) and agree on a plan with their managers.',
  security: 'Fix the permissions or the finding, and have it reviewed before the next go-live.',
};

export const remigrationStep: RunbookStep<RollbackContext> = {
  name: 'plan-remigration',
  title: 'Plan the re-migration',
  async plan(context) {
    return { summary: `write the plan for the next attempt into ${path.join(context.runDir, 'remigration-plan.md')}`, counts: {} };
  },
  async apply(context, _plan, handle) {
    const migration = context.goLive.migrateRun ? await context.state.runs.get(context.goLive.migrateRun) : undefined;
    const failures = migration ? path.join(context.plan.dir, STATE_DIR, 'runs', migration.id, 'failures.csv') : undefined;
    const failed = (migration?.summary as { failures?: number } | null)?.failures ?? 0;
    const evaluations = (context.decision?.evidence.evaluations as Array<{ check: string; status: string; measured: string | null; reason?: string }> | undefined) ?? [];
    const fired = evaluations.filter((evaluation) => evaluation.status === 'fired');
    const kinds = [...new Set(fired.map((evaluation) => evaluation.check.split('.')[0] as string))];
    const file = path.join(context.runDir, 'remigration-plan.md');
    writeFileSync(
      file,
      [
        `# Before migrating ${context.source.name} to ${context.target.name} again`,
        '',
        `The go-live of ${context.goLive.at} was rolled back (run ${handle.runId}).`,
        '',
        '## What triggered the rollback',
        '',
        context.decision ? `Decision by ${context.decision.user} at ${context.decision.at}: ${context.decision.reason}` : 'No decision was recorded: the rollback was forced.',
        '',
        ...(fired.length > 0 ? fired.map((evaluation) => `- ${evaluation.check}: ${evaluation.measured ?? ''}${evaluation.reason ? ` (${evaluation.reason})` : ''}`) : ['- no trigger had fired']),
        '',
        '## Records the migration did not write',
        '',
        migration
          ? `${failed} record(s) failed in migration ${migration.id}${failed > 0 && failures && existsSync(failures) ? `; each with its reason in ${failures}` : ''}.`
          : 'The go-live names no migration run.',
        '',
        '## Data carried back',
        '',
        ...carriedBack(handle.earlier),
        '',
        '## Checklist',
        '',
        ...kinds.map((kind) => `- [ ] ${FIXES[kind] ?? `Fix what made ${kind} fire.`}`),
        ...(failed > 0 ? ['- [ ] Fix the mapping or the data for the records that failed, and run `cutover migrate --dry-run` until none fails.'] : []),
        `- [ ] Reset ${context.target.name} to its baseline: \`cutover reset ${context.target.name}\`.`,
        `- [ ] Take a new backup of ${context.source.name} and verify it deeply: \`cutover backup ${context.source.name} && cutover verify latest --deep\`.`,
        '- [ ] Rehearse the migration and the rollback in the sandboxes, then migrate, verify the migration, and go live.',
        '',
      ].join('\n'),
    );
    return { summary: `wrote ${file}`, counts: { firedTriggers: fired.length, migrationFailures: failed }, data: { file } };
  },
};

function carriedBack(earlier: ReadonlyMap<string, StepOutcome>): string[] {
  const applied = earlier.get('apply-reconciliation');
  const exported = earlier.get('export-delta');
  const lines: string[] = [];
  if (exported) lines.push(`- Exported from the new CRM: ${exported.summary}.`);
  if (applied) lines.push(`- Carried into the source: ${applied.summary}.`);
  else lines.push('- Nothing was carried into the source yet: apply the reconciliation plan with `cutover reconcile --apply <file>` once it is checked.');
  return lines;
}
