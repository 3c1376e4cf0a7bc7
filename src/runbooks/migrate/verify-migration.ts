/**
 * `cutover verify-migration`: the source (or the backup a migration read)
 * compared with the target through the mapping and the ledger. Every source
 * record the mapping takes is transformed again and looked up where the id
 * map says it went: missing when it is not there, corrupted when a mapped
 * field holds another value than the mapping gives. Target records the
 * ledger knows nothing of are counted as extra.
 *
 * Measured after go-live (`since`), a migrated record that is gone or
 * soft-deleted in the target counts as deleted rather than missing, and one
 * whose values differ but that was modified after go-live counts as edited
 * (people's work), not as corrupted.
 */
import type { Connector, CrmRecord } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import { matchUsers, type CompiledMapping, type CompiledObjectMapping, type SourceRecord, type TransformContext } from '../../core/mapping/index.js';
import { valuesEqual, type Value } from '../../core/values.js';
import { compareIds } from '../../diff/index.js';
import type { StateStore } from '../../state/index.js';
import { referencedTargets } from './migrate-object.js';
import type { MigrationSource } from './migration-source.js';

/** A migrated record whose mapped fields differ from what the mapping gives now. */
export interface Corruption {
  sourceId: string;
  targetId: string;
  fields: Array<{ field: string; expected: Value; actual: Value }>;
}

/** One object mapping checked. */
export interface ObjectVerification {
  source: string;
  target: string;
  /** Source records the mapping takes (passing `where`; soft-deleted ones only with `deleted: migrate`). */
  expected: number;
  /** Found in the target with every mapped field as expected. */
  matched: number;
  missing: number;
  corrupted: number;
  /** Target records the id map does not know (created outside the migration, or baseline records). */
  extra: number;
  /** With `since`: migrated records removed or soft-deleted in the target since. */
  deleted: number;
  /** With `since`: migrated records whose values differ because they were modified since. */
  edited: number;
  /** Examples of deleted records: target ids. */
  deletedIds: string[];
  /** Examples, by natural id order of the source ids (up to the limit). */
  missingIds: string[];
  corruptions: Corruption[];
  extraIds: string[];
}

/** The whole check. */
export interface MigrationVerification {
  source: string;
  target: string;
  /** Nothing missing, nothing corrupted. */
  ok: boolean;
  objects: ObjectVerification[];
  seconds: number;
  measuredAt: string;
}

/** Settings of {@link verifyMigration}. */
export interface VerifyMigrationOptions {
  mapping: CompiledMapping;
  source: MigrationSource;
  target: Connector;
  state: StateStore;
  /** Examples kept per list; default 20. */
  limit?: number;
  /** The go-live: classify changes made after it as deleted and edited (see the module comment). */
  since?: Date;
  signal?: AbortSignal;
}

/** Compares source and target through the mapping and the ledger. */
export async function verifyMigration(options: VerifyMigrationOptions): Promise<MigrationVerification> {
  const startedAt = new Date();
  const started = performance.now();
  const description = await options.target.describe();
  const targetUsers = description.usersObject ? await options.target.listUsers() : [];
  const users = matchUsers(options.mapping.users, options.source.users, targetUsers).userOf;
  const objects: ObjectVerification[] = [];
  for (const mapping of options.mapping.objects) objects.push(await verifyObject(options, mapping, users));
  // Extra records are counted per target object once, against every id the map holds for it.
  const targets = [...new Set(options.mapping.objects.map((mapping) => mapping.target))];
  for (const target of targets) {
    const extra = await extraRecords(options, target);
    const first = objects.find((object) => object.target === target)!;
    first.extra = extra.count;
    first.extraIds = extra.ids;
  }
  return {
    source: options.source.label,
    target: options.mapping.target,
    ok: objects.every((object) => object.missing === 0 && object.corrupted === 0),
    objects,
    seconds: Math.round(performance.now() - started) / 1000,
    measuredAt: startedAt.toISOString(),
  };
}

async function verifyObject(options: VerifyMigrationOptions, mapping: CompiledObjectMapping, userOf: (id: string) => string | undefined): Promise<ObjectVerification> {
  const limit = options.limit ?? 20;
  const system = options.mapping.target;
  const result: ObjectVerification = {
    source: mapping.source,
    target: mapping.target,
    expected: 0,
    matched: 0,
    missing: 0,
    corrupted: 0,
    extra: 0,
    deleted: 0,
    edited: 0,
    missingIds: [],
    corruptions: [],
    extraIds: [],
    deletedIds: [],
  };
  const since = options.since?.toISOString();
  const modifiedAt = since ? (await options.target.describe()).objects.find((object) => object.name === mapping.target)?.modifiedAtField : undefined;
  for await (const batch of options.source.records(mapping.source, options.signal)) {
    throwIfAborted(options.signal, `verifying ${mapping.source}`);
    const records = batch.filter((record) => (!record.deleted || mapping.includeDeleted) && mapping.accepts(record));
    if (records.length === 0) continue;
    result.expected += records.length;
    const placed = await options.state.ledger.targets(system, mapping.source, records.map((record) => record.id));
    const found = new Map(
      (await options.target.get(mapping.target, [...placed.values()].map((entry) => entry.targetId), options.signal ? { signal: options.signal } : {})).map((record) => [record.id, record]),
    );
    const context = await lookupContext(options.state, system, mapping, records, userOf);
    for (const record of records) {
      const entry = placed.get(record.id);
      const actual = entry ? found.get(entry.targetId) : undefined;
      if (since && entry && (!actual || (actual.deleted && !record.deleted))) {
        result.deleted += 1;
        result.deletedIds.push(entry.targetId);
        continue;
      }
      if (!entry || !actual) {
        result.missing += 1;
        result.missingIds.push(record.id);
        continue;
      }
      const fields = differences(mapping, record, actual, context);
      if (fields.length === 0) result.matched += 1;
      else if (since && modifiedAt && modifiedAfter(actual.values[modifiedAt] ?? null, since)) result.edited += 1;
      else {
        result.corrupted += 1;
        result.corruptions.push({ sourceId: record.id, targetId: entry.targetId, fields });
      }
    }
    // Keep the smallest ids as examples without holding every one.
    result.missingIds = result.missingIds.sort(compareIds).slice(0, limit);
    result.corruptions = result.corruptions.sort((a, b) => compareIds(a.sourceId, b.sourceId)).slice(0, limit);
    result.deletedIds = result.deletedIds.sort(compareIds).slice(0, limit);
  }
  return result;
}

/** Whether a modified-at value (canonical datetime text) is after the moment. */
function modifiedAfter(value: Value, since: string): boolean {
  return typeof value === 'string' && Date.parse(value) > Date.parse(since);
}

/** The mapped fields of one migrated record that differ from what the mapping gives now. */
function differences(mapping: CompiledObjectMapping, record: SourceRecord, actual: CrmRecord, context: TransformContext): Corruption['fields'] {
  const transformed = mapping.transform(record, context);
  if (!transformed.ok) return transformed.errors.map((error) => ({ field: error.field, expected: `(${error.rule}: ${error.message})`, actual: actual.values[error.field] ?? null }));
  // A reference whose record is not migrated has no expected value to hold it to.
  const unknown = new Set(transformed.deferred.map((rule) => rule.targetField));
  const fields: Corruption['fields'] = [];
  for (const [field, expected] of Object.entries(transformed.values)) {
    if (unknown.has(field)) continue;
    const value = actual.values[field] ?? null;
    if (!valuesEqual(value, expected)) fields.push({ field, expected, actual: value });
  }
  return fields;
}

async function lookupContext(state: StateStore, system: string, mapping: CompiledObjectMapping, records: SourceRecord[], userOf: (id: string) => string | undefined): Promise<TransformContext> {
  const found = await referencedTargets(state, system, mapping, records);
  return { targetIdOf: (object, id) => found.get(object)?.get(id)?.targetId, failed: () => false, userOf };
}

/** Records of a target object the id map does not hold. */
async function extraRecords(options: VerifyMigrationOptions, target: string): Promise<{ count: number; ids: string[] }> {
  const known = new Set((await options.state.ledger.idMap(options.mapping.target, target)).map((entry) => entry.targetId));
  let count = 0;
  const ids: string[] = [];
  const description = (await options.target.describe()).objects.find((object) => object.name === target);
  const idField = description?.idField;
  for await (const batch of options.target.read(target, { includeDeleted: true, ...(idField ? { fields: [idField] } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
    for (const record of batch.records) {
      if (known.has(record.id)) continue;
      count += 1;
      if (ids.length < (options.limit ?? 20)) ids.push(record.id);
    }
  }
  return { count, ids: ids.sort(compareIds) };
}
