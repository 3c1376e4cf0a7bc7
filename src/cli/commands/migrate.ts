/** `cutover migrate`: source → target through the plan's mapping, with a ledger of every effect. */
import path from 'node:path';
import type { Command } from 'commander';
import type { Connector } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { openSystem } from '../../operations/open-system.js';
import { compilePlanMapping, formatMappingProblem, migrationSystems } from '../../operations/migration-setup.js';
import { runMigration, type MigrationReport } from '../../runbooks/migrate/run-migration.js';
import { STATE_DIR } from '../../state/index.js';
import { confirmProduction } from '../confirm.js';
import type { CliContext } from '../context.js';
import { openMigrationSource } from '../open-migration-source.js';
import { count, duration, table } from '../format.js';
import { liveGoLive } from '../../runbooks/rollback/live-go-live.js';

interface MigrateCliOptions {
  fromBackup?: string;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  keyFile?: string;
}

/** Adds the command. */
export function registerMigrate(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description(
      "move the source's records into the target through the plan's mapping, parents first, keeping a ledger of every effect; re-running writes only what changed, and a killed run resumes",
    )
    .option('--from-backup <backup>', 'read a backup of the source (id, folder, latest) instead of the live system, so the migrated data is exactly what was backed up')
    .option('--dry-run', 'transform and validate every record, write nothing')
    .option('--yes', 'confirm writing a target marked production')
    .option('--force', 'migrate into a target that went live')
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .action(async (options: MigrateCliOptions) => {
      const loaded = context.plan();
      const systems = migrationSystems(loaded, context.io.env);
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const dryRun = options.dryRun ?? false;
      if (!dryRun) {
        const live = await liveGoLive(state, systems.target.name);
        if (live && !options.force) {
          throw new CutoverError('usage', `${systems.target.name} went live at ${live.at}; a migration now would overwrite what people entered there since.`, {
            hints: ['preview with --dry-run; if you mean it, run again with --force'],
          });
        }
        if (!(await state.baselines.get(systems.target.name))) {
          throw new CutoverError('baseline.missing', `${systems.target.name} has no baseline snapshot, so a migration into it could not be undone.`, {
            hints: [`take one first: cutover snapshot ${systems.target.name}`],
          });
        }
        await confirmProduction(context, systems.target, options.yes ?? false, 'a migration writes records into it', 'Migrate into');
      }
      const opened: Connector[] = [];
      try {
        const target = await openSystem(systems.target);
        opened.push(target);
        const source = await openMigrationSource(context, loaded, systems, state, options, opened);
        const { mapping, warnings } = compilePlanMapping(systems, source.description, await target.describe());
        for (const warning of warnings) context.note(`Warning: ${formatMappingProblem(warning)}`);
        const report = await runMigration({
          mapping,
          source,
          target,
          state,
          runsDir: path.join(loaded.dir, STATE_DIR, 'runs'),
          dryRun,
          onObject: (counts) =>
            context.note(
              `  ${counts.source} → ${counts.target}: ${count(counts.read)} read, ${count(counts.created)} ${dryRun ? 'to create' : 'created'}, ${count(counts.updated)} ${dryRun ? 'to update' : 'updated'}, ${count(counts.failed)} failed`,
            ),
        });
        if (!dryRun) await context.audit('migrate', 'succeeded', `run ${report.id}: ${systems.source.name} → ${systems.target.name}, ${report.failures.count} failure(s)`);
        if (report.failures.count > 0) context.exitCode = 1;
        context.emit({ ...report, path: report.failures.csv ?? null }, () => formatMigration(report));
      } finally {
        for (const connector of opened) await connector.close();
      }
    });
}

function formatMigration(report: MigrationReport): string {
  const skipped = (counts: MigrationReport['objects'][number]): number => Object.values(counts.skipped).reduce((sum, n) => sum + n, 0);
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written)' : 'Migrated'} ${report.source} → ${report.target}, run ${report.id}, in ${duration(report.seconds)}`,
    table(
      [
        ['source', 'target', 'read', report.dryRun ? 'would create' : 'created', report.dryRun ? 'would update' : 'updated', 'unchanged', 'skipped', 'failed'],
        ...report.objects.map((o) => [o.source, o.target, count(o.read), count(o.created), count(o.updated), count(o.unchanged), count(skipped(o)), count(o.failed)]),
      ],
      { indent: 2 },
    ),
    `  references set in the second pass: ${count(report.links.set)}${report.links.failed ? `, ${count(report.links.failed)} failed` : ''}`,
  ];
  if (report.recovered.confirmed + report.recovered.dropped > 0) {
    lines.push(`  an interrupted run was settled first: ${count(report.recovered.confirmed)} change(s) found done, ${count(report.recovered.dropped)} to do again`);
  }
  for (const o of report.objects) {
    for (const [reason, n] of Object.entries(o.skipped)) lines.push(`  ${o.source}: ${count(n)} skipped, ${reason}`);
  }
  if (report.failures.count > 0) {
    lines.push(`${count(report.failures.count)} record(s) failed; every one with its reason in ${report.failures.csv}`);
    for (const failure of report.failures.examples.slice(0, 5)) {
      lines.push(`  ${failure.sourceObject} ${failure.sourceId} → ${failure.object}${failure.field ? `.${failure.field}` : ''}: ${failure.rule}: ${failure.message}`);
    }
    lines.push('Fix the mapping or the data, then run `cutover migrate` again: it writes only what is missing or changed.');
  } else if (!report.dryRun) lines.push('Next: cutover verify-migration');
  return lines.join('\n');
}
