/** `cutover restore <backup> --to <system>`: make a system match a backup. */
import type { Command } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import { openBackupChain } from '../../backup/backup-chain.js';
import { resolveBackup } from '../../backup/backup-ref.js';
import { runRestore } from '../../backup/restore.js';
import { verifyBackup } from '../../backup/verify-backup.js';
import { CutoverError } from '../../core/errors.js';
import { openSystem } from '../../operations/open-system.js';
import { resolveSystem } from '../../plan/systems.js';
import { confirmProduction } from '../confirm.js';
import type { CliContext } from '../context.js';
import { safetyBackup } from '../safety-backup.js';
import { count, duration, table } from '../format.js';

interface RestoreCliOptions {
  to: string;
  prune?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  keyFile?: string;
  out?: string;
}

/** Adds the command. */
export function registerRestore(program: Command, context: CliContext): void {
  program
    .command('restore')
    .argument('<backup>', 'a backup id, its folder, latest or latest:<system>')
    .description('make a system match a backup: changed records updated back, deleted ones re-created, and with --prune records created since deleted; an empty database gets the objects first')
    .requiredOption('--to <system>', 'the system to restore into (name in the plan, or URL; sqlite:<new file> is created)')
    .option('--prune', 'also delete records created after the backup')
    .option('--dry-run', 'print what would change, per object, and write nothing')
    .option('--yes', 'confirm writing a system marked production')
    .option('--key-file <file>', 'file holding the key')
    .option('--out <dir>', 'storage folder for the safety backup taken before overwriting (default: the plan\'s)')
    .action(async (ref: string, options: RestoreCliOptions) => {
      const plan = context.planIfAny();
      const state = await context.state(options.out);
      const handle = await resolveBackup(ref, { state, plan, cwd: context.io.cwd });
      const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const target = resolveSystem(options.to, { plan, cwd: context.io.cwd, env: context.io.env });
      if (!options.dryRun) await confirmProduction(context, target, options.yes ?? false, 'a restore overwrites its records', 'Restore into');
      if (!options.dryRun) {
        // A restore writes from the backup; every chunk is authenticated first, so a damaged backup writes nothing.
        const verified = await verifyBackup(handle, { secret, deep: false, ...(state ? { state } : {}) });
        if (!verified.ok) {
          throw new CutoverError('archive.corrupt', `The backup ${handle.id} did not verify; nothing was restored.`, {
            details: verified.problems,
            hints: ['restore from another backup (`cutover backups` lists them with their verification)'],
          });
        }
      }
      const chain = await openBackupChain(handle.dir, secret, state);
      const connector = await openSystem(target, { create: target.kind === 'sqlite' && !target.inPlan ? true : target.environment === 'sandbox' });
      let safety: string | undefined;
      try {
        const report = await runRestore({
          chain,
          connector,
          prune: options.prune ?? false,
          dryRun: options.dryRun ?? false,
          beforeWrite: async (restorePlan) => {
            const destructive = restorePlan.objects.some((object) => object.update > 0 || object.prune > 0);
            if (destructive) safety = await safetyBackup(context, target, secret, 'overwriting', options.out);
          },
        });
        if (report.failures.length > 0) context.exitCode = 3;
        if (!report.dryRun && !report.plan.inSync) {
          await context.audit('restore', report.failures.length > 0 ? 'failed' : 'succeeded', `restored ${handle.id} into ${target.name}: ${report.written.created} created, ${report.written.updated} updated, ${report.written.pruned} pruned`, options.out);
          if (state && handle.row) await state.backups.addReference(handle.id, 'restore', target.name);
        }
        context.emit({ id: handle.id, path: handle.dir, target: target.name, safetyBackup: safety ?? null, ...report }, () => renderRestore(handle.id, target.name, report, safety));
      } finally {
        await connector.close();
      }
    });
}

/**
 * Before a restore changes or deletes records of a system, a backup of that
 * system is taken and verified, so that nothing the restore overwrites is lost.
 */
function renderRestore(id: string, target: string, report: Awaited<ReturnType<typeof runRestore>>, safety: string | undefined): string {
  const header = report.dryRun
    ? `Dry run: restoring ${id} into ${target} would:`
    : report.plan.inSync
      ? `${target} already matches backup ${id}; nothing was written.`
      : `Restored ${id} into ${target} in ${duration(report.seconds)}: ${count(report.written.created)} created, ${count(report.written.updated)} updated, ${count(report.written.linked)} references linked, ${count(report.written.pruned)} pruned.`;
  const rows = report.plan.objects.map((object) => [
    object.object,
    object.createObject ? 'new object' : '',
    `${count(object.create)} create`,
    `${count(object.update)} update`,
    `${count(object.prune)} delete`,
    `${count(object.unchanged)} unchanged`,
    object.extra > object.prune ? `(${count(object.extra - object.prune)} created since the backup kept; --prune deletes them)` : '',
  ]);
  return [
    header,
    table(rows, { indent: 2 }),
    ...(safety ? [`Safety backup of ${target} taken first: ${safety}`] : []),
    ...report.failures.slice(0, 20).map((failure) => `  failed: ${failure.object} ${failure.id} (${failure.step}): ${failure.message}`),
    ...(report.failures.length > 20 ? [`  … and ${report.failures.length - 20} more (all of them with --json)`] : []),
    ...(report.dryRun ? ['Run without --dry-run to apply.'] : []),
  ].join('\n');
}
