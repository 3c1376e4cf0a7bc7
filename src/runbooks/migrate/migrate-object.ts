/**
 * One object of a migration: read the source in batches, transform through
 * the mapping, and per batch create what the id map lacks, update what
 * changed since it was written, skip what did not. Every write is preceded
 * by its intent in the ledger (with the id a new record will get) and
 * followed by its confirmation, so a run killed at any point resumes
 * without duplicates (recover.ts).
 */
import type { Connector, SystemDescription, WriteResult } from '../../connectors/contract.js';
import { resolveReference, type CompiledObjectMapping, type LookupRule, type SourceRecord, type TransformContext } from '../../core/mapping/index.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { jsonValue } from '../../core/record-hash.js';
import { valuesEqual, type Value } from '../../core/values.js';
import type { DeferredLink, IdMapEntry, LedgerIntent, StateStore } from '../../state/index.js';
import type { FailuresFile } from './failures-file.js';
import { logicalHash } from './logical-hash.js';
import type { MigrationSource } from './migration-source.js';

/** What one run shares between its objects. */
export interface RunContext {
  runId: string;
  /** The target system's name: the ledger's `system`. */
  system: string;
  target: Connector;
  targetDescription: SystemDescription;
  state: StateStore;
  source: MigrationSource;
  /** Target user id for a source user id (the plan's user mapping, without its fallback). */
  users: (sourceUserId: string) => string | undefined;
  failures: FailuresFile;
  /** Source ids that failed in this run, per source object: their children fail too. */
  failed: Map<string, Set<string>>;
  dryRun: boolean;
  /** In a dry run, the ids records would have been created with, per source object and source id (nothing is in the id map). */
  planned: Map<string, Map<string, string>>;
  /** In a dry run, references that would be set in the second pass. */
  plannedLinks: number;
  signal: AbortSignal | undefined;
}

/** What happened to one object's records. */
export interface ObjectCounts {
  source: string;
  target: string;
  /** Records read from the source, soft-deleted ones included. */
  read: number;
  created: number;
  updated: number;
  /** Migrated before and unchanged since: nothing written. */
  unchanged: number;
  /** Not migrated, by reason (deleted in the source, excluded by the mapping's `where`). */
  skipped: Record<string, number>;
  failed: number;
}

interface Transformed {
  record: SourceRecord;
  values: Record<string, Value>;
  deferred: LookupRule[];
  hash: string;
}

/** Migrates one object mapping. */
export async function migrateObject(run: RunContext, mapping: CompiledObjectMapping): Promise<ObjectCounts> {
  const counts: ObjectCounts = { source: mapping.source, target: mapping.target, read: 0, created: 0, updated: 0, unchanged: 0, skipped: {}, failed: 0 };
  const skip = (reason: string): void => {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
  };
  for await (const batch of run.source.records(mapping.source, run.signal)) {
    throwIfAborted(run.signal, `migrating ${mapping.source}`);
    counts.read += batch.length;
    const candidates: SourceRecord[] = [];
    for (const record of batch) {
      if (record.deleted && !mapping.includeDeleted) skip('deleted in the source');
      else if (!mapping.accepts(record)) skip("excluded by the mapping's where");
      else candidates.push(record);
    }
    if (candidates.length === 0) continue;

    const existing = await run.state.ledger.targets(run.system, mapping.source, candidates.map((record) => record.id));
    const context = await transformContext(run, mapping, candidates);
    const creates: Transformed[] = [];
    const updates: Array<Transformed & { targetId: string }> = [];
    for (const record of candidates) {
      const result = mapping.transform(record, context);
      if (!result.ok) {
        for (const error of result.errors) {
          fail(run, mapping, record.id, { step: 'transform', field: error.field, rule: error.rule, message: error.message });
        }
        counts.failed += 1;
        continue;
      }
      const transformed = { record, values: result.values, deferred: result.deferred, hash: logicalHash(result.values, mapping.lookups, record) };
      const before = existing.get(record.id);
      if (!before) creates.push(transformed);
      else if (before.hash === transformed.hash) counts.unchanged += 1;
      else updates.push({ ...transformed, targetId: before.targetId });
    }
    if (run.dryRun) {
      counts.created += creates.length;
      counts.updated += updates.length;
      // Ids the target hands out without writing anything, so children see parents' ids of the right form.
      const ids = creates.length > 0 ? await run.target.newIds(mapping.target, creates.length) : [];
      const planned = run.planned.get(mapping.source) ?? new Map<string, string>();
      creates.forEach((create, index) => planned.set(create.record.id, ids[index] as string));
      run.planned.set(mapping.source, planned);
      run.plannedLinks += [...creates, ...updates].reduce((sum, item) => sum + item.deferred.length, 0);
      continue;
    }
    const created = await createRecords(run, mapping, creates);
    const updated = await updateRecords(run, mapping, updates);
    counts.created += created.written;
    counts.updated += updated.written;
    counts.unchanged += updated.unchanged;
    counts.failed += created.failed + updated.failed;
  }
  return counts;
}

/** Where the records these records refer to went, per source object and source id: the id map, asked once per batch. */
export async function referencedTargets(state: StateStore, system: string, mapping: CompiledObjectMapping, records: SourceRecord[]): Promise<Map<string, Map<string, IdMapEntry>>> {
  const wanted = new Map<string, Set<string>>();
  for (const record of records) {
    for (const reference of mapping.references(record)) wanted.set(reference.sourceObject, (wanted.get(reference.sourceObject) ?? new Set<string>()).add(reference.sourceId));
  }
  const found = new Map<string, Map<string, IdMapEntry>>();
  for (const [object, ids] of wanted) found.set(object, await state.ledger.targets(system, object, [...ids]));
  return found;
}

/** The ledger's answers for one batch, fetched at once. */
async function transformContext(run: RunContext, mapping: CompiledObjectMapping, records: SourceRecord[]): Promise<TransformContext> {
  const found = await referencedTargets(run.state, run.system, mapping, records);
  return {
    targetIdOf: (object, id) => found.get(object)?.get(id)?.targetId ?? run.planned.get(object)?.get(id),
    failed: (object, id) => run.failed.get(object)?.has(id) ?? false,
    userOf: run.users,
  };
}

function fail(run: RunContext, mapping: CompiledObjectMapping, sourceId: string, failure: { step: 'transform' | 'create' | 'update'; field?: string; rule: string; message: string; targetId?: string }): void {
  const ids = run.failed.get(mapping.source) ?? new Set<string>();
  ids.add(sourceId);
  run.failed.set(mapping.source, ids);
  run.failures.add({ object: mapping.target, sourceObject: mapping.source, sourceId, ...failure });
}

/** The references of a record to set in the second pass. */
function deferredLinks(mapping: CompiledObjectMapping, item: Transformed, targetId: string): DeferredLink[] {
  const links: DeferredLink[] = [];
  for (const rule of item.deferred) {
    const reference = resolveReference(rule, item.record.values);
    if (reference) {
      const { sourceObject, sourceId } = reference;
      links.push({
        object: mapping.target,
        targetId,
        field: rule.targetField,
        sourceObject,
        sourceId,
        fromObject: mapping.source,
        fromId: item.record.id,
        ...(rule.missingAsNull ? { missingAsNull: true } : {}),
      });
    }
  }
  return links;
}

async function createRecords(run: RunContext, mapping: CompiledObjectMapping, creates: Transformed[]): Promise<{ written: number; failed: number }> {
  if (creates.length === 0) return { written: 0, failed: 0 };
  const ids = await run.target.newIds(mapping.target, creates.length);
  const intents: LedgerIntent[] = creates.map((item, index) => ({
    object: mapping.target,
    sourceObject: mapping.source,
    sourceId: item.record.id,
    targetId: ids[index] as string,
    operation: 'created',
    hash: item.hash,
    prior: null,
    deferred: deferredLinks(mapping, item, ids[index] as string),
  }));
  const ledgerIds = await run.state.ledger.intend(run.runId, run.system, intents);
  const results = await run.target.write(
    mapping.target,
    'insert',
    creates.map((item, index) => ({ id: ids[index] as string, values: item.values })),
    run.signal ? { signal: run.signal } : {},
  );
  return settle(run, mapping, creates, intents, ledgerIds, results, 'create');
}

async function updateRecords(
  run: RunContext,
  mapping: CompiledObjectMapping,
  updates: Array<Transformed & { targetId: string }>,
): Promise<{ written: number; unchanged: number; failed: number }> {
  if (updates.length === 0) return { written: 0, unchanged: 0, failed: 0 };
  const current = new Map((await run.target.get(mapping.target, updates.map((item) => item.targetId), run.signal ? { signal: run.signal } : {})).map((record) => [record.id, record]));
  const writes: Array<Transformed & { targetId: string; changed: Record<string, Value>; intent: LedgerIntent }> = [];
  const alreadyThere: LedgerIntent[] = [];
  let failed = 0;
  for (const item of updates) {
    const record = current.get(item.targetId);
    if (!record) {
      fail(run, mapping, item.record.id, {
        step: 'update',
        targetId: item.targetId,
        rule: 'missing',
        message: `${mapping.target} ${item.targetId}, migrated from ${mapping.source} ${item.record.id}, is no longer in the target; reset the target to migrate it again`,
      });
      failed += 1;
      continue;
    }
    const deferred = new Set(item.deferred.map((rule) => rule.targetField));
    const changed: Record<string, Value> = {};
    const prior: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(item.values)) {
      if (deferred.has(field) || valuesEqual(record.values[field] ?? null, value)) continue;
      changed[field] = value;
      prior[field] = jsonValue(record.values[field] ?? null);
    }
    const intent: LedgerIntent = { object: mapping.target, sourceObject: mapping.source, sourceId: item.record.id, targetId: item.targetId, operation: 'updated', hash: item.hash, prior, deferred: deferredLinks(mapping, item, item.targetId) };
    if (Object.keys(changed).length === 0) alreadyThere.push(intent);
    else writes.push({ ...item, changed, intent });
  }
  // The target already holds these values (someone made the same change): only the ledger moves on.
  if (alreadyThere.length > 0) await run.state.ledger.record(run.runId, run.system, alreadyThere);
  if (writes.length === 0) return { written: 0, unchanged: alreadyThere.length, failed };
  const intents = writes.map((item) => item.intent);
  const ledgerIds = await run.state.ledger.intend(run.runId, run.system, intents);
  const results = await run.target.write(
    mapping.target,
    'update',
    writes.map((item) => ({ id: item.targetId, values: item.changed })),
    run.signal ? { signal: run.signal } : {},
  );
  const settled = await settle(run, mapping, writes, intents, ledgerIds, results, 'update');
  return { written: settled.written, unchanged: alreadyThere.length, failed: failed + settled.failed };
}

/** Confirms the intents whose writes succeeded and forgets the others, reporting each failure. */
async function settle(
  run: RunContext,
  mapping: CompiledObjectMapping,
  items: Transformed[],
  intents: LedgerIntent[],
  ledgerIds: number[],
  results: WriteResult[],
  step: 'create' | 'update',
): Promise<{ written: number; failed: number }> {
  if (results.length !== items.length) {
    throw new CutoverError('internal', `${run.system} answered ${results.length} results for ${items.length} ${mapping.target} record(s) written.`);
  }
  const confirmed: number[] = [];
  const dropped: number[] = [];
  const moved: LedgerIntent[] = [];
  results.forEach((result, index) => {
    const intent = intents[index] as LedgerIntent;
    const ledgerId = ledgerIds[index] as number;
    if (result.ok) {
      // A system that gave the record another id than the one asked for: the ledger follows the system.
      if (result.id !== intent.targetId) {
        dropped.push(ledgerId);
        moved.push({ ...intent, targetId: result.id, deferred: (intent.deferred ?? []).map((link) => ({ ...link, targetId: result.id })) });
      } else confirmed.push(ledgerId);
      return;
    }
    dropped.push(ledgerId);
    const error = result.error;
    fail(run, mapping, (items[index] as Transformed).record.id, {
      step,
      rule: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(step === 'update' ? { targetId: intent.targetId } : {}),
    });
  });
  await run.state.transaction(async () => {
    await run.state.ledger.confirm(confirmed);
    await run.state.ledger.drop(dropped);
    if (moved.length > 0) await run.state.ledger.record(run.runId, run.system, moved);
  });
  return { written: confirmed.length + moved.length, failed: results.length - confirmed.length - moved.length };
}
