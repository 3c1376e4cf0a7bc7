/**
 * The rollback's restore: the source CRM put back as the verified backup
 * taken before go-live holds it (after a verified safety backup of what the
 * source holds now), then compared with that backup record by record. The
 * step fails unless they are equal; records created in the source after the
 * backup count only when the plan prunes them. A restore stopped halfway
 * leaves the source restorable: running the step again finishes it.
 */
import { backupSource } from '../../backup/backup-chain.js';
import { runRestore } from '../../backup/restore.js';
import { CutoverError } from '../../core/errors.js';
import { connectorSource, diffSources } from '../../diff/index.js';
import type { RunbookStep } from '../engine/runbook.js';
import { goLiveBackup } from './go-live-backup.js';
import type { RollbackContext } from './rollback-context.js';

export const restoreSource: RunbookStep<RollbackContext> = {
  name: 'restore-source',
  title: 'Restore the source CRM',
  async plan(context) {
    const { chain, id: backupId } = await goLiveBackup(context.state, context.goLive, context.secret);
    const source = await context.open(context.source);
    const planned = await runRestore({ chain, connector: source, prune: context.prune, dryRun: true });
    const counts = { create: 0, update: 0, prune: 0, extra: 0, unchanged: 0 };
    for (const object of planned.plan.objects) {
      counts.create += object.create;
      counts.update += object.update;
      counts.prune += object.prune;
      counts.extra += object.extra;
      counts.unchanged += object.unchanged;
    }
    return {
      summary: planned.plan.inSync
        ? `${context.source.name} already equals backup ${backupId}`
        : `restore ${context.source.name} from backup ${backupId}: ${counts.create} to re-create, ${counts.update} to put back${context.prune ? `, ${counts.prune} created since to delete` : counts.extra > 0 ? `, ${counts.extra} created since kept` : ''}`,
      counts,
      data: { backupId },
    };
  },
  async apply(context, plan) {
    const { chain, id: backupId } = await goLiveBackup(context.state, context.goLive, context.secret);
    const source = await context.open(context.source);
    let safety: string | undefined;
    const report = await runRestore({
      chain,
      connector: source,
      prune: context.prune,
      dryRun: false,
      beforeWrite: async (restorePlan) => {
        if (!restorePlan.inSync) safety = await context.safetyBackup();
      },
    });
    if (report.failures.length > 0) {
      throw new CutoverError('write.failed', `${report.failures.length} record(s) of ${context.source.name} could not be restored; the source is left restorable and this step finishes it when run again.`, {
        details: report.failures.slice(0, 20).map((failure) => `${failure.object} ${failure.id} (${failure.step}): ${failure.message}`),
      });
    }
    const diff = await diffSources(backupSource(chain, `backup ${backupId}`), connectorSource(source, context.source.name));
    // Without prune, records created in the source after the backup stay, and only they may differ.
    const differing = diff.objects.filter((object) => object.onlyInA > 0 || object.changed > 0 || (context.prune && object.onlyInB > 0));
    if (differing.length > 0) {
      throw new CutoverError('restore.mismatch', `After the restore, ${context.source.name} still differs from backup ${backupId}.`, {
        details: differing.map((object) => `${object.object}: ${object.onlyInA} missing, ${object.changed} changed${context.prune ? `, ${object.onlyInB} extra` : ''}`),
      });
    }
    const kept = diff.objects.reduce((sum, object) => sum + object.onlyInB, 0);
    return {
      summary: `restored ${context.source.name} from backup ${backupId}: ${report.written.created} re-created, ${report.written.updated} put back, ${report.written.pruned} pruned; equal to the backup${kept > 0 ? ` (besides ${kept} record(s) created since, kept)` : ''}`,
      counts: { ...report.written, equalRecords: diff.objects.reduce((sum, object) => sum + object.same, 0), keptSince: kept },
      data: { backupId, planned: plan.counts, safetyBackup: safety ?? null, equal: true },
    };
  },
};
