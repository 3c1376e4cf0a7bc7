/**
 * The delta export of a rollback: what people entered in the new CRM since
 * go-live, mapped back into the SOURCE's terms, so that nothing they typed
 * is lost when the old CRM is restored. Per object mapping (parents first):
 * records created in the target after go-live (read back whole), migrated
 * records updated since (the source fields their changed target fields
 * read, before and after), and migrated records deleted since (gone, or
 * soft-deleted). Each carries who and when, links to new records it refers
 * to, and what cannot be carried back exactly (lossy) or only nearly
 * (approximate). Written as an encrypted archive in the cutover format and
 * one CSV per source object (export-delta-files.ts); a dry run counts the
 * same and writes nothing. Reads the target in batches; holds the delta
 * records of one object mapping at a time.
 */
import path from 'node:path';
import { openBackupChain, type BackupChain } from '../../backup/backup-chain.js';
import { newBackupId } from '../../backup/run-backup.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { matchUsers } from '../../core/mapping/index.js';
import { compileReverseMapping, sourceUsersByTarget } from '../../core/mapping/reverse-mapping.js';
import { compilePlanMapping, migrationSystems } from '../../operations/migration-setup.js';
import type { StateStore, GoLive } from '../../state/index.js';
import { backupMigrationSource, type MigrationSource } from '../migrate/migration-source.js';
import { DeltaUsers, TargetKnowledge } from './export-delta-context.js';
import { archiveObjectName, DeltaFiles, DELTA_FORMAT, EXPORT_KIND, type DeltaSummary } from './export-delta-files.js';
import { scanObject, type ScanScope } from './export-delta-scan.js';
import type { ExportDeltaOptions, ExportDeltaResult, ObjectDelta } from './export-delta-types.js';

export type * from './export-delta-types.js';
export { readDeltaArchive, csvHeader, csvRow, fromArchiveRecord, archiveObjectName, ARCHIVE_DIR, DELTA_BLOB, DELTA_FIELDS, DELTA_FORMAT, EXPORT_KIND, type DeltaSummary } from './export-delta-files.js';

/** Records per read of the target. */
const BATCH = 1000;

/** The backup whose records tell what the migration wrote: the one the go-live's migration read, else the go-live's. */
export async function comparedBackup(state: StateStore, goLive: GoLive): Promise<string> {
  const run = goLive.migrateRun ? await state.runs.get(goLive.migrateRun) : undefined;
  if (run?.source?.startsWith('backup ')) return run.source.slice('backup '.length);
  if (goLive.backupId) return goLive.backupId;
  throw new CutoverError('archive.not_found', `Go-live ${goLive.id} names no backup of the source to tell what the migration wrote.`, {
    hints: ['record the go-live again after a verified backup: cutover go-live --force'],
  });
}

async function openChain(state: StateStore, backupId: string, secret: string, what: string): Promise<BackupChain> {
  const row = await state.backups.get(backupId);
  if (!row) throw new CutoverError('archive.not_found', `Backup ${backupId}, ${what}, is not in the state store.`, { hints: ['cutover backups'] });
  return openBackupChain(row.path, secret, state);
}

/** Finds the delta since go-live and writes it (unless `dryRun`); see the module comment. */
export async function exportDelta(options: ExportDeltaOptions): Promise<ExportDeltaResult> {
  const started = performance.now();
  const measuredAt = new Date();
  const { state, goLive, target, signal } = options;
  const systems = migrationSystems(options.plan, options.env ?? process.env);
  const targetName = systems.target.name;
  if (goLive.system !== targetName) {
    throw new CutoverError('usage', `Go-live ${goLive.id} is of ${goLive.system}, but the plan's mapping goes into ${targetName}.`, { hints: [`use the go-live of ${targetName}: cutover status`] });
  }
  const description = await target.describe(signal ? { signal } : {});
  const comparedWith = options.source?.backupId ?? (options.source ? options.source.label : await comparedBackup(state, goLive));
  const source: MigrationSource = options.source ?? (await backupMigrationSource(await openChain(state, comparedWith, options.secret, 'which the migration read')));
  const mapping = options.mapping ?? compilePlanMapping(systems, source.description, description).mapping;
  const reverse = compileReverseMapping(systems.mapping, source.description, description, { source: systems.source.name, target: targetName });
  const targetUsers = description.usersObject ? await target.listUsers() : [];
  const match = matchUsers(mapping.users, source.users, targetUsers);
  const baselineRow = await state.baselines.get(targetName);
  const baseline = baselineRow ? await openChain(state, baselineRow.backupId, options.secret, `the baseline snapshot of ${targetName}`) : undefined;

  const scope: ScanScope = {
    state,
    system: mapping.target,
    mapping,
    reverse,
    source,
    target,
    knowledge: new TargetKnowledge({ state, system: mapping.target, target, description, goLiveAt: Date.parse(goLive.at), baseline, signal }),
    users: new DeltaUsers(targetUsers, sourceUsersByTarget(match.targets)),
    userOf: match.userOf,
    usersObject: description.usersObject,
    batchSize: options.batchSize ?? BATCH,
    signal,
  };
  const pairs = mapping.objects.map((object) => {
    const back = reverse.objects.find((candidate) => candidate.index === object.path[2]);
    if (!back) throw new CutoverError('internal', `The mapping of ${object.source} to ${object.target} has no reverse.`);
    return { object, back };
  });
  const columns = new Map<string, string[]>();
  for (const { back } of pairs) columns.set(back.source, [...new Set([...(columns.get(back.source) ?? []), ...back.fields])]);

  const id = newBackupId(`${targetName}-delta`, measuredAt);
  const dir = path.join(path.resolve(options.output), id);
  const files = options.dryRun
    ? undefined
    : await DeltaFiles.create(dir, options.secret, { id, system: targetName, connector: target.kind, kind: 'full', startedAt: measuredAt.toISOString() }, columns);
  try {
    const objects: ObjectDelta[] = [];
    const summary: DeltaSummary = {
      format: DELTA_FORMAT,
      kind: EXPORT_KIND,
      goLive: { id: goLive.id, at: goLive.at },
      source: systems.source.name,
      target: targetName,
      comparedWith,
      baseline: baselineRow?.backupId ?? null,
      objects: [],
    };
    for (const { object, back } of pairs) {
      throwIfAborted(signal, 'the delta export');
      const scanned = await scanObject(scope, object, back);
      objects.push(scanned.delta);
      await files?.writeObject(object.source, object.target, scanned.records);
      summary.objects.push({
        archiveObject: archiveObjectName(object.source, object.target),
        source: object.source,
        target: object.target,
        csv: DeltaFiles.csvName(object.source),
        fields: columns.get(object.source) ?? [],
        counts: { ...scanned.delta },
        plan: back.plan,
      });
    }
    const written = files
      ? await files.finish(summary, { kind: EXPORT_KIND, format: DELTA_FORMAT, goLive: goLive.id, goLiveAt: goLive.at, source: systems.source.name, target: targetName, comparedWith })
      : undefined;
    const totals = { created: 0, updated: 0, deleted: 0, lossy: 0 };
    for (const object of objects) {
      totals.created += object.created;
      totals.updated += object.updated;
      totals.deleted += object.deleted;
      totals.lossy += object.lossy;
    }
    return {
      id,
      dryRun: options.dryRun ?? false,
      ...(written ? { path: dir, archive: written.archive } : {}),
      csv: written?.csv ?? [],
      verified: written !== undefined,
      goLive: { id: goLive.id, at: goLive.at },
      source: systems.source.name,
      target: targetName,
      comparedWith,
      baseline: baselineRow?.backupId ?? null,
      objects,
      totals,
      measuredAt: measuredAt.toISOString(),
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } catch (error) {
    await files?.abort();
    throw error;
  }
}
