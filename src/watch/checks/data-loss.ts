/**
 * Data loss or corruption: the migrated records compared again, through the
 * mapping and the ledger, with the backup the migration read (or, if it read
 * the live source, the verified backup recorded at go-live). Per object:
 * migrated records deleted in the target since go-live, records the mapping
 * takes that never arrived (missing), and records whose values differ from
 * what was migrated without anyone having modified them since go-live
 * (corrupted). Edits people made after go-live are counted, not judged.
 */
import { backupSecret } from '../../backup/backup-key.js';
import { openBackupChain } from '../../backup/backup-chain.js';
import { CutoverError } from '../../core/errors.js';
import { compilePlanMapping, migrationSystems } from '../../operations/migration-setup.js';
import type { DataLossConfig } from '../../plan/triggers-schema.js';
import { backupMigrationSource } from '../../runbooks/migrate/migration-source.js';
import { verifyMigration, type ObjectVerification } from '../../runbooks/migrate/verify-migration.js';
import { type CheckContext, type Evaluation, unknownEvaluation } from '../check-types.js';
import { exceeds, formatLimit, percent } from '../limits.js';

/** Examples kept per object in the evidence. */
const EXAMPLES = 10;

export async function dataLossCheck(config: DataLossConfig, context: CheckContext): Promise<Evaluation> {
  const started = { at: context.now.toISOString(), t0: performance.now() };
  const threshold = `missing ≤ ${formatLimit(config.missing)}, corrupted ≤ ${formatLimit(config.corrupted)}, deleted since go-live ≤ ${formatLimit(config.deleted)} per object`;
  const base = { check: 'data-loss', kind: 'data-loss' as const, severity: config.severity, threshold };
  try {
    const systems = migrationSystems(context.plan, context.env);
    const backupId = await comparedBackup(context, systems.target.name);
    const row = await context.state.backups.get(backupId);
    if (!row) throw new CutoverError('archive.not_found', `Backup ${backupId}, which the migration is compared with, is not in the state store.`);
    const secret = backupSecret({ plan: context.plan, cwd: context.plan.dir, env: context.env });
    const source = await backupMigrationSource(await openBackupChain(row.path, secret, context.state));
    const target = await context.system(systems.target.name);
    const { mapping } = compilePlanMapping(systems, source.description, await target.describe());
    const verification = await verifyMigration({
      mapping,
      source,
      target,
      state: context.state,
      limit: EXAMPLES,
      since: new Date(context.goLive.at),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const objects = verification.objects.map((object) => judged(object, config));
    const breaches = objects.flatMap((object) => object.breaches);
    const worst = objects.reduce((top, object) => (object.deletedShare > top.deletedShare ? object : top), objects[0]!);
    const totals = sum(verification.objects);
    return {
      ...base,
      status: breaches.length > 0 ? 'fired' : 'ok',
      measured:
        breaches.length > 0
          ? breaches.slice(0, 3).join('; ') + (breaches.length > 3 ? `; and ${breaches.length - 3} more` : '')
          : `${totals.deleted} deleted, ${totals.missing} missing, ${totals.corrupted} corrupted of ${totals.expected} (most deleted: ${worst?.target ?? '-'} ${percent(worst?.deletedShare ?? 0)})`,
      ...(breaches.length > 0 ? { reason: `${breaches.length} threshold(s) crossed` } : {}),
      evidence: {
        comparedWith: `backup ${backupId}`,
        goLive: context.goLive.at,
        totals,
        objects: verification.objects.map((object) => ({
          source: object.source,
          target: object.target,
          expected: object.expected,
          matched: object.matched,
          deleted: object.deleted,
          missing: object.missing,
          corrupted: object.corrupted,
          editedSinceGoLive: object.edited,
          deletedIds: object.deletedIds,
          missingIds: object.missingIds,
          corruptions: object.corruptions.map((corruption) => ({ sourceId: corruption.sourceId, targetId: corruption.targetId, fields: corruption.fields.map((field) => field.field) })),
        })),
      },
      at: started.at,
      seconds: Math.round(performance.now() - started.t0) / 1000,
    };
  } catch (error) {
    return unknownEvaluation(base, started, error);
  }
}

/** The backup the migration is compared with: the one the newest migration read, else the one go-live recorded. */
async function comparedBackup(context: CheckContext, target: string): Promise<string> {
  const migration = (await context.state.runs.list({ kind: 'migrate', system: target })).find((run) => run.status === 'succeeded' && !run.dryRun);
  if (migration?.source?.startsWith('backup ')) return migration.source.slice('backup '.length);
  if (context.goLive.backupId) return context.goLive.backupId;
  throw new CutoverError('archive.not_found', `Go-live ${context.goLive.id} names no backup of the source to compare the migration with.`, {
    hints: ['record the go-live again after a verified backup: cutover go-live --force'],
  });
}

function judged(object: ObjectVerification, config: DataLossConfig): { target: string; deletedShare: number; breaches: string[] } {
  const breaches: string[] = [];
  const check = (what: string, count: number, limit: number | string): void => {
    if (exceeds(count, object.expected, limit)) breaches.push(`${object.target}: ${count} ${what} of ${object.expected} (${percent(object.expected === 0 ? 0 : count / object.expected)}, limit ${formatLimit(limit)})`);
  };
  check('deleted since go-live', object.deleted, config.deleted);
  check('missing', object.missing, config.missing);
  check('corrupted', object.corrupted, config.corrupted);
  return { target: object.target, deletedShare: object.expected === 0 ? 0 : object.deleted / object.expected, breaches };
}

function sum(objects: ObjectVerification[]): { expected: number; deleted: number; missing: number; corrupted: number; edited: number } {
  const totals = { expected: 0, deleted: 0, missing: 0, corrupted: 0, edited: 0 };
  for (const object of objects) {
    totals.expected += object.expected;
    totals.deleted += object.deleted;
    totals.missing += object.missing;
    totals.corrupted += object.corrupted;
    totals.edited += object.edited;
  }
  return totals;
}
