/**
 * The delayed rollback's reconciliation steps. Before the restore, the plan:
 * per record of the export, what will be done in the source (create, update,
 * delete, or a conflict for a person), compared with the source as it is
 * then, written as a file people can edit. After the restore, with
 * `--apply-reconciliation`, what is clear is carried into the source, every
 * write in the ledger; conflicts (and what depends on them) wait for a
 * person and `cutover reconcile --apply <file>`. The source must then
 * differ from its backup in exactly the records written.
 */
import { readFileSync } from 'node:fs';
import { backupSource } from '../../backup/backup-chain.js';
import { CutoverError } from '../../core/errors.js';
import { connectorSource, diffSources } from '../../diff/index.js';
import type { RunbookStep, StepPlan } from '../engine/runbook.js';
import { appliedEntries, applyReconciliation } from './reconcile-apply.js';
import { checkPlan } from './reconcile-check.js';
import { goLiveBackup } from './go-live-backup.js';
import { planReconciliation } from './reconcile-plan.js';
import type { ReconciliationPlan } from './reconcile-types.js';
import type { RollbackContext } from './rollback-context.js';

export const planReconciliationStep: RunbookStep<RollbackContext> = {
  name: 'plan-reconciliation',
  title: 'Plan the reconciliation',
  async plan(context, earlier) {
    const exported = earlier.get('export-delta');
    const records = (exported?.counts.created ?? 0) + (exported?.counts.updated ?? 0) + (exported?.counts.deleted ?? 0);
    return { summary: `decide, per record of the export (${records}), what the source gets after the restore, by the policy ${context.plan.plan.rollback?.reconcile?.policy ?? 'target-wins'}`, counts: { records } };
  },
  async apply(context, _plan, handle) {
    const archive = handle.earlier.get('export-delta')?.data?.archive;
    if (typeof archive !== 'string') throw new CutoverError('internal', 'The reconciliation found no export to plan from.');
    const planned = await planReconciliation({
      plan: context.plan,
      state: context.state,
      archive,
      secret: context.secret,
      sourceName: context.source.name,
      source: await context.open(context.source),
      goLive: context.goLive,
      output: context.runDir,
    });
    const counts = { ...planned.counts } as unknown as Record<string, number>;
    return {
      summary: `${planned.plan.entries.length} entries (${describeCounts(counts)}) in ${planned.path}`,
      counts,
      data: { path: planned.path, summary: planned.summary },
    };
  },
};

export const applyReconciliationStep: RunbookStep<RollbackContext> = {
  name: 'apply-reconciliation',
  title: 'Apply the reconciliation',
  async plan(context, earlier): Promise<StepPlan> {
    const file = earlier.get('plan-reconciliation')?.data?.path;
    if (!context.applyReconciliation) {
      return { summary: 'not asked for', counts: {}, skip: `apply it after a review: cutover reconcile --check ${String(file)}, then cutover reconcile --apply ${String(file)}` };
    }
    const plan = readPlan(file);
    const clear = applicable(plan);
    return { summary: `carry ${clear.applied} entries into ${context.source.name}; ${clear.held} wait for a person`, counts: { apply: clear.applied, held: clear.held } };
  },
  async apply(context, _plan, handle) {
    const file = handle.earlier.get('plan-reconciliation')?.data?.path;
    const plan = readPlan(file);
    const { plan: clear, held, heldEntries } = applicable(plan);
    const source = await context.open(context.source);
    const problems = await checkPlan(clear, { description: await source.describe(), source });
    if (problems.length > 0) {
      throw new CutoverError('plan.invalid', `The reconciliation plan ${String(file)} has ${problems.length} problem(s); nothing was carried into ${context.source.name}.`, {
        details: problems.slice(0, 20).map((problem) => `entry ${problem.entry ?? '-'}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`),
        hints: [`fix the file, then cutover reconcile --apply ${String(file)}`],
      });
    }
    const result = await applyReconciliation({ plan: clear, state: context.state, system: context.source.name, source, runId: handle.runId, ...(handle.signal ? { signal: handle.signal } : {}) });
    if (result.failed > 0) {
      throw new CutoverError('write.failed', `${result.failed} reconciliation entries could not be written into ${context.source.name}.`, {
        details: result.failures.slice(0, 20).map((failure) => `entry ${failure.entry} (${failure.object} ${failure.id ?? 'new'}, ${failure.step}): ${failure.message}`),
      });
    }
    // What the ledger says is applied, by this attempt or one stopped before it: the same totals however often it ran.
    const done = await appliedEntries(clear, context.state, context.source.name);
    const carried = { create: 0, update: 0, delete: 0 };
    for (const index of done) {
      const action = clear.entries[index]?.action;
      if (action === 'create' || action === 'update' || action === 'delete') carried[action] += 1;
    }
    // The source is now the backup plus exactly what was carried over.
    const { chain, id } = await goLiveBackup(context.state, context.goLive, context.secret);
    const diff = await diffSources(backupSource(chain, `backup ${id}`), connectorSource(source, context.source.name));
    const differing = diff.objects.reduce((sum, object) => sum + object.onlyInA + object.onlyInB + object.changed, 0);
    const expected = carried.create + carried.update + carried.delete;
    if (differing > expected) {
      throw new CutoverError('restore.mismatch', `${context.source.name} differs from backup ${id} in ${differing} records, more than the ${expected} the reconciliation wrote.`);
    }
    return {
      summary: `carried ${carried.create} created, ${carried.update} updated and ${carried.delete} deleted record(s) into ${context.source.name}${held > 0 ? `; ${held} wait for a person (entries ${heldEntries.slice(0, 10).join(', ')}${held > 10 ? ' …' : ''}): cutover reconcile --apply ${String(file)}` : ''}`,
      counts: { created: carried.create, updated: carried.update, deleted: carried.delete, held, differingFromBackup: differing },
      data: { file },
    };
  },
};

function readPlan(file: unknown): ReconciliationPlan {
  if (typeof file !== 'string') throw new CutoverError('internal', 'The reconciliation plan was not written.');
  return JSON.parse(readFileSync(file, 'utf8')) as ReconciliationPlan;
}

/**
 * The plan with what needs a person held back: conflicts become `skip`, and
 * so does every entry linking to a skipped one (its reference could not be
 * set). The file itself is left as it is, for people to finish.
 */
function applicable(plan: ReconciliationPlan): { plan: ReconciliationPlan; applied: number; held: number; heldEntries: number[] } {
  const entries = plan.entries.map((entry) => ({ ...entry }));
  const heldEntries: number[] = [];
  let changed = true;
  entries.forEach((entry, index) => {
    if (entry.action === 'conflict') (entry.action = 'skip'), heldEntries.push(index);
  });
  while (changed) {
    changed = false;
    entries.forEach((entry, index) => {
      if (entry.action !== 'skip' && entry.links.some((link) => entries[link.entry]?.action === 'skip')) {
        entry.action = 'skip';
        heldEntries.push(index);
        changed = true;
      }
    });
  }
  const applied = entries.filter((entry) => entry.action !== 'skip').length;
  return { plan: { ...plan, entries }, applied, held: heldEntries.length, heldEntries: heldEntries.sort((a, b) => a - b) };
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, value]) => value > 0)
    .map(([key, value]) => `${value} ${key}`)
    .join(', ');
}
