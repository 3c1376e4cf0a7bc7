/** `cutover verify-migration`: the source (or the backup a migration read) against the target, through the mapping and the ledger. */
import type { Command } from 'commander';
import type { Connector } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { compilePlanMapping, migrationSystems } from '../../operations/migration-setup.js';
import { openSystem } from '../../operations/open-system.js';
import { verifyMigration, type MigrationVerification } from '../../runbooks/migrate/verify-migration.js';
import type { StateStore } from '../../state/index.js';
import type { CliContext } from '../context.js';
import { formatValue } from '../../diff/index.js';
import { count, duration, table } from '../format.js';
import { openMigrationSource } from '../open-migration-source.js';

/** Adds the command. */
export function registerVerifyMigration(program: Command, context: CliContext): void {
  program
    .command('verify-migration')
    .description(
      'compare the source with the target through the mapping and the ledger: per object, records missing in the target, extra, and corrupted (mapped fields that differ), with examples; exit 1 when anything is missing or corrupted',
    )
    .option('--from-backup <backup>', 'compare a backup of the source (default: the backup the last migration read, else the live source)')
    .option('--limit <n>', 'examples per list', (value) => Number(value), 10)
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .option('--since-go-live', 'after go-live: count migrated records removed or soft-deleted since as deleted, and records modified since as edits, not as missing or corrupted')
    .action(async (options: { fromBackup?: string; limit: number; keyFile?: string; sinceGoLive?: boolean }) => {
      const loaded = context.plan();
      const systems = migrationSystems(loaded, context.io.env);
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const fromBackup = options.fromBackup ?? (await backupOfLastMigration(state, systems.target.name));
      const opened: Connector[] = [];
      try {
        const target = await openSystem(systems.target);
        opened.push(target);
        const source = await openMigrationSource(context, loaded, systems, state, { fromBackup, keyFile: options.keyFile }, opened);
        const { mapping } = compilePlanMapping(systems, source.description, await target.describe());
        const goLive = options.sinceGoLive ? await state.goLives.latest(systems.target.name) : undefined;
        if (options.sinceGoLive && !goLive) throw new CutoverError('usage', `${systems.target.name} has not gone live: --since-go-live has no moment to count from.`, { hints: ['leave the option out, or record the go-live: cutover go-live'] });
        const result = await verifyMigration({
          mapping,
          source,
          target,
          state,
          limit: context.json ? Number.POSITIVE_INFINITY : options.limit,
          ...(goLive ? { since: new Date(goLive.at) } : {}),
        });
        if (!result.ok) context.exitCode = 1;
        context.emit(result, () => formatVerification(result, goLive !== undefined));
      } finally {
        for (const connector of opened) await connector.close();
      }
    });
}

/** The backup the newest finished migration into the target read, if it read one. */
async function backupOfLastMigration(state: StateStore, target: string): Promise<string | undefined> {
  const last = (await state.runs.list({ kind: 'migrate', system: target })).find((run) => run.status === 'succeeded' && !run.dryRun);
  return last?.source?.startsWith('backup ') ? last.source.slice('backup '.length) : undefined;
}

function formatVerification(result: MigrationVerification, since: boolean): string {
  const lines = [
    `${result.ok ? 'Verified' : 'PROBLEMS'}: ${result.source} → ${result.target}, in ${duration(result.seconds)}`,
    table(
      [
        ['source', 'target', 'expected', 'matched', 'missing', 'corrupted', 'extra', ...(since ? ['deleted since', 'edited since'] : [])],
        ...result.objects.map((o) => [
          o.source,
          o.target,
          count(o.expected),
          count(o.matched),
          count(o.missing),
          count(o.corrupted),
          count(o.extra),
          ...(since ? [count(o.deleted), count(o.edited)] : []),
        ]),
      ],
      { indent: 2 },
    ),
  ];
  for (const o of result.objects) {
    if (o.missingIds.length > 0) lines.push(`  ${o.source} missing in ${o.target}: ${o.missingIds.join(', ')}${o.missing > o.missingIds.length ? ' …' : ''}`);
    for (const corruption of o.corruptions) {
      const fields = corruption.fields.map((f) => `${f.field}: expected ${formatValue(f.expected)}, found ${formatValue(f.actual)}`).join('; ');
      lines.push(`  ${o.source} ${corruption.sourceId} → ${o.target} ${corruption.targetId}: ${fields}`);
    }
    if (o.extraIds.length > 0) lines.push(`  ${o.target} records the migration did not write: ${o.extraIds.join(', ')}${o.extra > o.extraIds.length ? ' …' : ''}`);
  }
  if (!result.ok) lines.push('Run `cutover migrate` again to write what is missing or changed, or see its failure files for why records were not written.');
  return lines.join('\n');
}
