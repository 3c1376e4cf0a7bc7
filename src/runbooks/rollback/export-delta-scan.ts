/**
 * Finding the delta of one object mapping, in batches. Migrated records:
 * the backup the migration read, transformed again, is what was written;
 * the target record found through the id map is what is there now: gone or
 * soft-deleted since is deleted, changed fields are an update, read back
 * into the source's fields. Created records: target records the id map does
 * not know, neither in the baseline snapshot nor created before go-live,
 * read back whole.
 */
import { literalDefault } from '../../core/default-value.js';
import type { Connector, CrmRecord, FieldDescription, ObjectDescription } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import type { CompiledMapping, CompiledObjectMapping, SourceRecord } from '../../core/mapping/index.js';
import type { ReverseContext, ReverseMapping, ReverseObjectMapping, ReverseResult } from '../../core/mapping/reverse-mapping.js';
import { valuesEqual, type Value } from '../../core/values.js';
import { referencedTargets } from '../migrate/migrate-object.js';
import type { MigrationSource } from '../migrate/migration-source.js';
import type { StateStore } from '../../state/index.js';
import { whoFields, type DeltaUsers, type TargetKnowledge } from './export-delta-context.js';
import type { DeltaRecord, ObjectDelta, TargetFieldChange } from './export-delta-types.js';

/** What scanning needs, shared by every object mapping. */
export interface ScanScope {
  state: StateStore;
  /** The target's plan name, as the ledger records it. */
  system: string;
  mapping: CompiledMapping;
  reverse: ReverseMapping;
  source: MigrationSource;
  target: Connector;
  knowledge: TargetKnowledge;
  users: DeltaUsers;
  /** Source user → target user, as the migration matched them. */
  userOf: (sourceUserId: string) => string | undefined;
  usersObject: string | undefined;
  batchSize: number;
  signal: AbortSignal | undefined;
}

/** The delta of one object mapping and its records. */
export interface ScannedObject {
  delta: ObjectDelta;
  records: DeltaRecord[];
}

/** Finds the delta of one object mapping. */
export async function scanObject(scope: ScanScope, mapping: CompiledObjectMapping, reverse: ReverseObjectMapping): Promise<ScannedObject> {
  const delta: ObjectDelta = {
    source: mapping.source,
    target: mapping.target,
    created: 0,
    updated: 0,
    deleted: 0,
    lossy: 0,
    approximate: 0,
    compared: 0,
    skipped: { baseline: 0, beforeGoLive: 0, createdAndDeleted: 0, otherMapping: 0, sourceUnchanged: 0, notComparable: 0 },
  };
  const records: DeltaRecord[] = [];
  await scanMigrated(scope, mapping, reverse, delta, records);
  await scanCreated(scope, mapping, reverse, delta, records);
  for (const record of records) {
    delta[record.change] += 1;
    if (record.lossy.length > 0 || record.targetOnly.length > 0) delta.lossy += 1;
    if (record.approximate.length > 0) delta.approximate += 1;
  }
  return { delta, records };
}

/** When and by whom, as the target record says. */
function stamp(scope: ScanScope, object: ObjectDescription | undefined, record: CrmRecord | undefined): Pick<DeltaRecord, 'at' | 'by'> {
  if (!record) return { at: null, by: null };
  const atField = object?.modifiedAtField ?? object?.createdAtField;
  const at = atField ? record.values[atField] : undefined;
  const who = whoFields(object, scope.usersObject).map((field) => record.values[field]).find((value) => value !== null && value !== undefined);
  return { at: typeof at === 'string' ? at : null, by: scope.users.user(who) };
}

function context(prefetched: Pick<ReverseContext, 'sourceOf' | 'isNew'>, scope: ScanScope, extra: Pick<ReverseContext, 'before' | 'changed'> = {}): ReverseContext {
  return { ...prefetched, sourceUsersOf: scope.users.sourceUsersOf, userLabel: scope.users.label, ...extra };
}

async function scanMigrated(scope: ScanScope, mapping: CompiledObjectMapping, reverse: ReverseObjectMapping, delta: ObjectDelta, out: DeltaRecord[]): Promise<void> {
  const object = scope.knowledge.object(mapping.target);
  // Stamps the target sets itself do not make a change people made.
  const stamps = new Set(object?.fields.filter((field) => field.role === 'modifiedAt' || field.role === 'createdAt').map((field) => field.name) ?? []);
  const signal = scope.signal ? { signal: scope.signal } : {};
  for await (const batch of scope.source.records(mapping.source, scope.signal)) {
    throwIfAborted(scope.signal, `exporting the delta of ${mapping.target}`);
    const records = batch.filter((record) => (!record.deleted || mapping.includeDeleted) && mapping.accepts(record));
    if (records.length === 0) continue;
    const placed = await scope.state.ledger.targets(scope.system, mapping.source, records.map((record) => record.id));
    const migrated = records.filter((record) => placed.get(record.id)?.object === mapping.target);
    if (migrated.length === 0) continue;
    const current = new Map((await scope.target.get(mapping.target, migrated.map((record) => placed.get(record.id)!.targetId), signal)).map((record) => [record.id, record]));
    const found = await referencedTargets(scope.state, scope.system, mapping, migrated);
    const forward = { targetIdOf: (o: string, id: string) => found.get(o)?.get(id)?.targetId, failed: () => false, userOf: scope.userOf };
    const edited: Array<{ record: SourceRecord; now: CrmRecord; changes: TargetFieldChange[] }> = [];
    for (const record of migrated) {
      delta.compared += 1;
      const targetId = placed.get(record.id)!.targetId;
      const now = current.get(targetId);
      if (!now || (now.deleted && !record.deleted)) {
        out.push({ change: 'deleted', ...base(mapping, targetId, record.id), ...stamp(scope, object, now) });
        continue;
      }
      const transformed = mapping.transform(record, forward);
      if (!transformed.ok) {
        delta.skipped.notComparable += 1;
        continue;
      }
      const deferred = new Set(transformed.deferred.map((rule) => rule.targetField));
      const changes: TargetFieldChange[] = [];
      for (const [field, written] of Object.entries(transformed.values)) {
        const value = now.values[field] ?? null;
        if (!deferred.has(field) && !valuesEqual(value, written)) changes.push({ field, before: written, after: value });
      }
      if (changes.some((change) => !stamps.has(change.field))) edited.push({ record, now, changes });
    }
    if (edited.length === 0) continue;
    const prefetched = await scope.knowledge.prefetch(reverse, edited.map((item) => item.now));
    for (const { record, now, changes } of edited) {
      const updated = updatedRecord(scope, reverse, record, now, changes, prefetched);
      if (!updated) delta.skipped.sourceUnchanged += 1;
      else out.push({ change: 'updated', ...base(mapping, now.id, record.id), ...updated, ...stamp(scope, object, now) });
    }
  }
}

function base(mapping: CompiledObjectMapping, targetId: string, sourceId: string): Pick<DeltaRecord, 'targetObject' | 'targetId' | 'sourceObject' | 'sourceId' | 'values' | 'links' | 'lossy' | 'approximate' | 'targetOnly'> {
  return { targetObject: mapping.target, targetId, sourceObject: mapping.source, sourceId, values: {}, links: [], lossy: [], approximate: [], targetOnly: [] };
}

/** An update in the source's terms: the source fields the changed target fields read, where they come back different (or lossy). */
function updatedRecord(
  scope: ScanScope,
  reverse: ReverseObjectMapping,
  record: SourceRecord,
  now: CrmRecord,
  changes: TargetFieldChange[],
  prefetched: Pick<ReverseContext, 'sourceOf' | 'isNew'>,
): Pick<DeltaRecord, 'values' | 'before' | 'targetChanges' | 'links' | 'lossy' | 'approximate'> | undefined {
  const changed = new Set(changes.map((change) => change.field));
  const result: ReverseResult = reverse.reverse(now.values, context(prefetched, scope, { before: record, changed }));
  const values: Record<string, Value> = {};
  const before: Record<string, Value> = {};
  const kept = new Set<string>();
  for (const field of reverse.affected(changed)) {
    const was = record.values[field] ?? null;
    const link = result.links.some((entry) => entry.field === field);
    const lossy = result.lossy.some((note) => note.field === field);
    const has = Object.hasOwn(result.values, field);
    if (!link && !lossy && (!has || valuesEqual(result.values[field] ?? null, was))) continue;
    kept.add(field);
    before[field] = was;
    if (has) values[field] = result.values[field] ?? null;
  }
  if (kept.size === 0) return undefined;
  return {
    values,
    before,
    targetChanges: changes,
    links: result.links.filter((entry) => kept.has(entry.field)),
    lossy: result.lossy.filter((note) => kept.has(note.field)),
    approximate: result.approximate.filter((note) => kept.has(note.field)),
  };
}

async function scanCreated(scope: ScanScope, mapping: CompiledObjectMapping, reverse: ReverseObjectMapping, delta: ObjectDelta, out: DeltaRecord[]): Promise<void> {
  const object = scope.knowledge.object(mapping.target);
  const baseline = await scope.knowledge.baselineIds(mapping.target);
  // Object mappings into the same target object: a new record goes to the first whose `where` takes it back.
  const siblings = scope.mapping.objects
    .filter((other) => other.target === mapping.target)
    .map((other) => scope.reverse.objects.find((candidate) => candidate.index === other.path[2]))
    .filter((candidate): candidate is ReverseObjectMapping => candidate !== undefined)
    .sort((a, b) => a.index - b.index);
  const read = scope.target.read(mapping.target, { includeDeleted: true, batchSize: scope.batchSize, ...(scope.signal ? { signal: scope.signal } : {}) });
  for await (const batch of read) {
    throwIfAborted(scope.signal, `exporting the delta of ${mapping.target}`);
    const known = await scope.knowledge.known(mapping.target, batch.records.map((record) => record.id));
    const fresh: CrmRecord[] = [];
    for (const record of batch.records) {
      if (known.has(record.id)) continue;
      const why = scope.knowledge.classify(object, record, baseline);
      if (why === 'created') fresh.push(record);
      // Skips are counted once per target object, by its first object mapping.
      else if (siblings[0] === reverse) delta.skipped[why] += 1;
    }
    if (fresh.length === 0) continue;
    const prefetched = new Map<ReverseObjectMapping, Pick<ReverseContext, 'sourceOf' | 'isNew'>>();
    for (const candidate of siblings.length > 1 ? siblings : [reverse]) prefetched.set(candidate, await scope.knowledge.prefetch(candidate, fresh));
    for (const record of fresh) {
      const result = reverse.reverse(record.values, context(prefetched.get(reverse)!, scope));
      if (siblings.length > 1 && owner(siblings, reverse, result, record, prefetched, scope) !== reverse) {
        delta.skipped.otherMapping += 1;
        continue;
      }
      out.push({
        change: 'created',
        targetObject: mapping.target,
        targetId: record.id,
        sourceObject: mapping.source,
        sourceId: null,
        values: result.values,
        links: result.links,
        lossy: result.lossy,
        approximate: result.approximate,
        targetOnly: targetOnly(scope, object, reverse, record),
        ...stamp(scope, object, record),
      });
    }
  }
}

/** The object mapping a new record belongs to: the first whose `where` takes its values back, else the first. */
function owner(
  siblings: ReverseObjectMapping[],
  self: ReverseObjectMapping,
  own: ReverseResult,
  record: CrmRecord,
  prefetched: ReadonlyMap<ReverseObjectMapping, Pick<ReverseContext, 'sourceOf' | 'isNew'>>,
  scope: ScanScope,
): ReverseObjectMapping {
  for (const candidate of siblings) {
    const values = candidate === self ? own.values : candidate.reverse(record.values, context(prefetched.get(candidate)!, scope)).values;
    if (candidate.accepts(values)) return candidate;
  }
  return siblings[0]!;
}

/** A field's default as the system states it (`0`, `'Open'`, `(false)`), compared with a value. */
function isDefault(value: Value, field: FieldDescription): boolean {
  const fallback = literalDefault(field.defaultValue, typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'decimal' : 'string');
  return fallback !== undefined && fallback === value;
}

/** Values of a new target record in fields the mapping does not fill: nothing in the source receives them. */
function targetOnly(scope: ScanScope, object: ObjectDescription | undefined, reverse: ReverseObjectMapping, record: CrmRecord): DeltaRecord['targetOnly'] {
  if (!object) return [];
  const mapped = new Set(reverse.targetFields);
  // A second stamp the system keeps (Salesforce's SystemModstamp) holds the record's own created-at or modified-at.
  const stamps = [object.createdAtField, object.modifiedAtField].flatMap((name) => (name ? [record.values[name] ?? null] : []));
  const out: DeltaRecord['targetOnly'] = [];
  for (const field of object.fields) {
    if (mapped.has(field.name) || field.name === object.idField || field.role !== undefined || field.autoAssigned) continue;
    if (field.name === object.modifiedAtField || field.name === object.createdAtField || field.name === object.softDelete?.field) continue;
    // Who created or changed a record is the system's to say, not people's work.
    if (scope.usersObject !== undefined && field.references?.object === scope.usersObject) continue;
    const value = record.values[field.name] ?? null;
    if (value === null || isDefault(value, field) || (field.type === 'datetime' && stamps.some((stamp) => valuesEqual(stamp, value)))) continue;
    out.push({ field: field.name, value });
  }
  return out;
}
