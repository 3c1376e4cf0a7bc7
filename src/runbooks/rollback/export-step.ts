/**
 * The rollback's export: everything entered in the new CRM since go-live —
 * records created, migrated records changed, migrated records deleted —
 * mapped back to the source's objects, fields and ids, written as an
 * encrypted, verified archive and one CSV per source object before anything
 * is restored. Each attempt writes a new folder: an attempt that fails
 * removes its own incomplete folder, one killed leaves it, and a finished
 * export is never overwritten or deleted.
 */
import path from 'node:path';
import { CutoverError } from '../../core/errors.js';
import type { RunbookStep } from '../engine/runbook.js';
import { exportDelta } from './export-delta.js';
import type { RollbackContext } from './rollback-context.js';

export const exportDeltaStep: RunbookStep<RollbackContext> = {
  name: 'export-delta',
  title: 'Export what was entered in the new CRM',
  async plan(context) {
    const counted = await exportDelta({ ...(await options(context)), dryRun: true });
    const { created, updated, deleted, lossy } = counted.totals;
    return {
      summary: `export ${created} created, ${updated} changed and ${deleted} deleted record(s) of ${context.target.name} since go-live${lossy > 0 ? `, ${lossy} not mapping back exactly` : ''}`,
      counts: { created, updated, deleted, lossy },
    };
  },
  async apply(context) {
    const written = await exportDelta(await options(context));
    if (!written.verified || !written.archive || !written.path) {
      throw new CutoverError('archive.corrupt', `The export of ${context.target.name} did not verify; nothing will be restored until it does.`, { hints: ['check the disk and run the step again: cutover rollback --resume'] });
    }
    const { created, updated, deleted, lossy } = written.totals;
    return {
      summary: `exported ${created} created, ${updated} changed and ${deleted} deleted record(s) to ${written.path} (archive verified, ${written.csv.length} CSV file(s))`,
      counts: { created, updated, deleted, lossy },
      data: { id: written.id, path: written.path, archive: written.archive, csv: written.csv, objects: written.objects },
    };
  },
};

async function options(context: RollbackContext) {
  return {
    plan: context.plan,
    state: context.state,
    goLive: context.goLive,
    target: await context.open(context.target),
    output: path.join(context.runDir, 'export'),
    secret: context.secret,
    env: context.env,
  };
}
