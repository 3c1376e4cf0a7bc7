/** `cutover reset <system>`: undo the migration on a system, then compare it with its baseline snapshot. */
import type { Command } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import { backupSource, openBackupChain } from '../../backup/backup-chain.js';
import { CutoverError } from '../../core/errors.js';
import { connectorSource, diffSources, formatDiffReport } from '../../diff/index.js';
import { openSystem } from '../../operations/open-system.js';
import { resolveSystem } from '../../plan/systems.js';
import { runReset, type ResetReport } from '../../runbooks/reset/run-reset.js';
import { confirmProduction } from '../confirm.js';
import type { CliContext } from '../context.js';
import { count, duration, table } from '../format.js';
import { safetyBackup } from '../safety-backup.js';
import { liveGoLive } from '../../runbooks/rollback/live-go-live.js';

interface ResetCliOptions {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  keyFile?: string;
}

/** Adds the command. */
export function registerReset(program: Command, context: CliContext): void {
  program
    .command('reset')
    .argument('<system>', 'the system to reset (the migration target)')
    .description(
      'undo what cutover did to a system, from the ledger: delete the records it created (children first), put back prior values of those it changed, re-create those it deleted; then diff the system against its baseline snapshot (exit 0 only when equal)',
    )
    .option('--dry-run', 'show what would be deleted, reverted and re-created; write nothing')
    .option('--yes', 'confirm writing a system marked production')
    .option('--force', 'reset a system that went live')
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .action(async (systemArg: string, options: ResetCliOptions) => {
      const plan = context.plan();
      const target = resolveSystem(systemArg, { plan, cwd: context.io.cwd, env: context.io.env });
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const baseline = await state.baselines.get(target.name);
      const baselineRow = baseline ? await state.backups.get(baseline.backupId) : undefined;
      if (!baseline || !baselineRow) {
        throw new CutoverError('baseline.missing', `${target.name} has no baseline snapshot to reset to.`, {
          hints: [`a baseline is taken before the first migration: cutover snapshot ${target.name}`],
        });
      }
      const dryRun = options.dryRun ?? false;
      const live = await liveGoLive(state, target.name);
      if (live && !dryRun && !options.force) {
        throw new CutoverError('usage', `${target.name} went live at ${live.at}; a reset would delete what people entered there since.`, {
          hints: ['a rollback keeps that data: see `cutover status`; if you mean to reset, run again with --force'],
        });
      }
      if (!dryRun) await confirmProduction(context, target, options.yes ?? false, 'a reset deletes the records cutover created there', 'Reset');
      const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const chain = await openBackupChain(baselineRow.path, secret, state);
      const connector = await openSystem(target);
      let safety: string | undefined;
      try {
        const report = await runReset({
          system: target.name,
          connector,
          state,
          dryRun,
          beforeWrite: async () => {
            safety = await safetyBackup(context, target, secret, 'resetting');
          },
          compare: () => diffSources(backupSource(chain, `baseline ${baseline.backupId}`), connectorSource(connector, target.name)),
        });
        if (!dryRun) await context.audit('reset', 'succeeded', `run ${report.id}: ${target.name}, equal to baseline: ${report.diff?.equal ? 'yes' : 'no'}`);
        if (report.failures.length > 0) context.exitCode = 3;
        else if (report.diff && !report.diff.equal) context.exitCode = 1;
        context.emit({ ...report, baseline: baseline.backupId, safetyBackup: safety ?? null, equal: report.diff?.equal ?? null }, () =>
          formatReset(report, baseline.backupId, safety),
        );
      } finally {
        await connector.close();
      }
    });
}

function formatReset(report: ResetReport, baseline: string, safety: string | undefined): string {
  const lines = [
    report.dryRun ? `Dry run: resetting ${report.system} would:` : `Reset ${report.system}, run ${report.id}, in ${duration(report.seconds)}${safety ? ` (safety backup ${safety} first)` : ''}:`,
    table(
      report.objects.map((o) =>
        report.dryRun
          ? [o.object, `${count(o.delete)} delete`, `${count(o.revert)} revert`, `${count(o.recreate)} re-create`]
          : [o.object, `${count(o.deleted)} deleted`, `${count(o.reverted)} reverted`, `${count(o.recreated)} re-created`, o.failed ? `${count(o.failed)} failed` : ''],
      ),
      { indent: 2 },
    ),
  ];
  if (report.objects.length === 0) lines.push('  nothing: the ledger has no effect on this system');
  for (const failure of report.failures.slice(0, 10)) lines.push(`  ${failure.step} ${failure.object} ${failure.id}: ${failure.code}: ${failure.message}`);
  if (report.diff) {
    lines.push(report.diff.equal ? `${report.system} equals its baseline snapshot ${baseline}.` : `${report.system} differs from its baseline snapshot ${baseline}:`);
    if (!report.diff.equal) lines.push(formatDiffReport(report.diff, { limit: 10 }));
  }
  return lines.join('\n');
}
