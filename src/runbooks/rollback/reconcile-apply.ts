/**
 * Applies a checked reconciliation plan to the restored source: creates
 * first (with ids from the source's `newIds` where it accepts ids), then
 * the references among created records in a second pass, then updates,
 * then deletes (softly where the object has a soft-delete rule).
 *
 * Every write is an intent in the ledger first (system: the source's name)
 * and confirmed after, under the caller's run: a killed apply leaves pending
 * intents that the next one settles against the source before writing
 * (recover.ts), and each entry's ledger hash (`reconcile:<digest>`) says it
 * was applied, so running the same plan again writes nothing. Updates and
 * deletes record the values they replaced, so the changes can be undone.
 */
import { createHash } from 'node:crypto';
import type { Connector, CrmRecord, FieldDescription, ObjectDescription, SystemDescription, WriteResult } from '../../connectors/contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { jsonValue, valueFromJson } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';
import type { DeferredLink, LedgerIntent, StateStore } from '../../state/index.js';
import { recoverPending, type Recovery } from '../migrate/recover.js';
import type { ReconcileEntry, ReconciliationPlan } from './reconcile-types.js';

/** Settings of {@link applyReconciliation}. */
export interface ApplyReconciliationOptions {
  /** A plan that passed `checkReconciliation` (no conflict left). */
  plan: ReconciliationPlan;
  state: StateStore;
  /** The source's name: the ledger's `system`. */
  system: string;
  /** The restored source, open. */
  source: Connector;
  /** The run the writes are recorded under; its `runs` row must exist (a rollback's, or a `reconcile` run). */
  runId: string;
  /** Called once before the first write, only when there is something to write (the CLI's safety backup). */
  beforeWrite?: () => Promise<void>;
  signal?: AbortSignal;
}

/** One entry (or reference) that could not be written, with why. */
export interface ReconcileFailure {
  entry: number;
  object: string;
  id: string | null;
  step: 'create' | 'link' | 'update' | 'delete';
  field?: string;
  code: string;
  message: string;
}

/** What {@link applyReconciliation} did. */
export interface ApplyReconciliationResult {
  runId: string;
  /** Pending intents of an interrupted apply, settled first. */
  recovered: Recovery;
  created: number;
  /** References among created records set in the second pass. */
  linked: number;
  updated: number;
  deleted: number;
  /** Entries the ledger says were applied before. */
  alreadyApplied: number;
  /** Entries whose action is skip. */
  skipped: number;
  failed: number;
  failures: ReconcileFailure[];
  /** Whether anything was written (false: `beforeWrite` was not called). */
  wrote: boolean;
}

/** The ledger hash that marks an entry of this plan as applied. */
export function entryKey(plan: ReconciliationPlan, entry: ReconcileEntry): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([plan.export.id, entry.from.object, entry.from.id, entry.action, entry.object, entry.id, Object.entries(entry.values).sort(([a], [b]) => (a < b ? -1 : 1)), entry.links.map((link) => [link.field, link.entry])]))
    .digest('hex');
  return `reconcile:${digest.slice(0, 40)}`;
}

/** Indexes of the plan's entries the ledger holds as applied (confirmed) in `system`. */
export async function appliedEntries(plan: ReconciliationPlan, state: StateStore, system: string): Promise<Set<number>> {
  const done = new Set((await state.ledger.entries({ system })).map((entry) => entry.hash).filter((hash): hash is string => !!hash && hash.startsWith('reconcile:')));
  const applied = new Set<number>();
  plan.entries.forEach((entry, index) => {
    if (entry.action !== 'skip' && entry.action !== 'conflict' && done.has(entryKey(plan, entry))) applied.add(index);
  });
  return applied;
}

interface Run {
  options: ApplyReconciliationOptions;
  description: SystemDescription;
  result: ApplyReconciliationResult;
}

/** Applies the plan; per-record failures are in the result, never dropped. */
export async function applyReconciliation(options: ApplyReconciliationOptions): Promise<ApplyReconciliationResult> {
  const { plan, state, system, source } = options;
  const conflicts = plan.entries.filter((entry) => entry.action === 'conflict').length;
  if (conflicts > 0) throw new CutoverError('usage', `The reconciliation plan still has ${conflicts} conflict(s); nothing was written.`, { hints: ['decide each one, then run cutover reconcile --check <file>'] });
  if (!(await state.runs.get(options.runId))) throw new CutoverError('internal', `There is no run ${options.runId} to record the reconciliation under.`);
  const recovered = await recoverPending(state, system, source, options.signal);
  const applied = await appliedEntries(plan, state, system);
  const result: ApplyReconciliationResult = { runId: options.runId, recovered, created: 0, linked: 0, updated: 0, deleted: 0, alreadyApplied: applied.size, skipped: 0, failed: 0, failures: [], wrote: false };
  const todo = new Map<ReconcileEntry['proposed'], Array<[number, ReconcileEntry]>>([['create', []], ['update', []], ['delete', []]]);
  plan.entries.forEach((entry, index) => {
    if (entry.action === 'skip') result.skipped += 1;
    else if (!applied.has(index) && entry.action !== 'conflict') todo.get(entry.action)!.push([index, entry]);
  });
  const links = await state.ledger.deferredLinks(system);
  if ([...todo.values()].every((list) => list.length === 0) && links.length === 0) return result;
  await options.beforeWrite?.();
  result.wrote = true;
  const run: Run = { options, description: await source.describe(options.signal ? { signal: options.signal } : {}), result };
  for (const [object, entries] of byObject(todo.get('create')!)) await createRecords(run, object, entries);
  await setLinks(run);
  for (const [object, entries] of byObject(todo.get('update')!)) await updateRecords(run, object, entries);
  for (const [object, entries] of byObject(todo.get('delete')!)) await deleteRecords(run, object, entries);
  result.failed = result.failures.length;
  return result;
}

function byObject(entries: Array<[number, ReconcileEntry]>): Map<string, Array<[number, ReconcileEntry]>> {
  const grouped = new Map<string, Array<[number, ReconcileEntry]>>();
  for (const item of entries) grouped.set(item[1].object, [...(grouped.get(item[1].object) ?? []), item]);
  return grouped;
}

function objectOf(run: Run, name: string): ObjectDescription {
  const object = run.description.objects.find((candidate) => candidate.name === name);
  if (!object) throw new CutoverError('schema.object_missing', `${run.options.system} has no object ${name}.`, { hints: ['check the plan file: cutover reconcile --check <file>'] });
  return object;
}

/** A JSON value of the plan as the field's canonical value (ids written as numbers where the field holds whole numbers). */
function valueOf(field: FieldDescription | undefined, value: unknown): Value {
  const canonical = valueFromJson(value);
  if (field?.type === 'integer' && typeof canonical === 'string' && /^-?\d+$/.test(canonical) && Number.isSafeInteger(Number(canonical))) return Number(canonical);
  return canonical;
}

function valuesOf(object: ObjectDescription, values: Record<string, unknown>): Record<string, Value> {
  const fields = new Map(object.fields.map((field) => [field.name, field]));
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, valueOf(fields.get(name), value)]));
}

const signalOf = (run: Run): { signal?: AbortSignal } => (run.options.signal ? { signal: run.options.signal } : {});

/** Intents first, then the write, then confirmations and drops in one transaction; failures reported. */
async function writeWithIntents(
  run: Run,
  items: Array<{ index: number; entry: ReconcileEntry; intent: LedgerIntent }>,
  step: ReconcileFailure['step'],
  write: () => Promise<WriteResult[]>,
): Promise<boolean[]> {
  const { state, system, runId } = run.options;
  const ids = await state.ledger.intend(runId, system, items.map((item) => item.intent));
  const results = await write();
  const confirmed: number[] = [];
  const dropped: number[] = [];
  results.forEach((outcome, position) => {
    const item = items[position]!;
    if (outcome.ok) confirmed.push(ids[position]!);
    else {
      dropped.push(ids[position]!);
      run.result.failures.push({ entry: item.index, object: item.entry.object, id: item.entry.id, step, ...(outcome.error.field ? { field: outcome.error.field } : {}), code: outcome.error.code, message: outcome.error.message });
    }
  });
  await state.transaction(async () => {
    await state.ledger.confirm(confirmed);
    await state.ledger.drop(dropped);
  });
  return results.map((outcome) => outcome.ok);
}

const written = (ok: boolean[]): number => ok.filter(Boolean).length;

async function createRecords(run: Run, name: string, entries: Array<[number, ReconcileEntry]>): Promise<void> {
  const { source, plan, state, system, runId } = run.options;
  const object = objectOf(run, name);
  for (let start = 0; start < entries.length; start += source.capabilities.maxBatchSize) {
    throwIfAborted(run.options.signal, `creating ${name} records`);
    const batch = entries.slice(start, start + source.capabilities.maxBatchSize);
    const records = batch.map(([, entry]) => ({ values: valuesOf(object, entry.values) }));
    const deferred = (entry: ReconcileEntry, id: string): DeferredLink[] =>
      entry.links.map((link) => ({ object: name, targetId: id, field: link.field, sourceObject: plan.entries[link.entry]!.from.object, sourceId: plan.entries[link.entry]!.from.id, fromObject: entry.from.object, fromId: entry.from.id }));
    const intentOf = (entry: ReconcileEntry, id: string): LedgerIntent => ({
      object: name,
      sourceObject: entry.from.object,
      sourceId: entry.from.id,
      targetId: id,
      operation: 'created',
      hash: entryKey(plan, entry),
      prior: null,
      deferred: deferred(entry, id),
    });
    if (source.capabilities.acceptsIds) {
      const ids = await source.newIds(name, batch.length);
      run.result.created += written(await writeWithIntents(
        run,
        batch.map(([index, entry], position) => ({ index, entry, intent: intentOf(entry, ids[position]!) })),
        'create',
        () => source.write(name, 'insert', records.map((record, position) => ({ id: ids[position]!, values: record.values })), signalOf(run)),
      ));
      continue;
    }
    // A source that assigns its own ids cannot take an intent naming the id beforehand: the effect is recorded as soon as it is known.
    const results = await source.write(name, 'insert', records, signalOf(run));
    const done: LedgerIntent[] = [];
    results.forEach((outcome, position) => {
      const [index, entry] = batch[position]!;
      if (outcome.ok) done.push(intentOf(entry, outcome.id));
      else run.result.failures.push({ entry: index, object: name, id: null, step: 'create', code: outcome.error.code, message: outcome.error.message });
    });
    if (done.length > 0) await state.ledger.record(runId, system, done);
    run.result.created += done.length;
  }
}

/** The second pass: references among created records, now that they all exist. */
async function setLinks(run: Run): Promise<void> {
  const { state, system, source, plan } = run.options;
  const links = await state.ledger.deferredLinks(system);
  const entryOf = new Map(plan.entries.map((entry, index) => [`${entry.from.object}\u0000${entry.from.id}`, index]));
  for (const [name, ofObject] of groupLinks(links)) {
    const object = objectOf(run, name);
    const current = new Map((await source.get(name, [...new Set(ofObject.map((link) => link.targetId))], signalOf(run))).map((record) => [record.id, record]));
    const writes: Array<{ index: number; entry: ReconcileEntry; id: string; values: Record<string, Value>; links: number; intent: LedgerIntent }> = [];
    const settled: DeferredLink[] = [];
    for (const [id, recordLinks] of groupBy(ofObject, (link) => link.targetId)) {
      const index = entryOf.get(`${recordLinks[0]!.fromObject}\u0000${recordLinks[0]!.fromId}`) ?? -1;
      const entry = plan.entries[index];
      const record = current.get(id);
      const values: Record<string, Value> = {};
      const prior: Record<string, unknown> = {};
      for (const link of recordLinks) {
        settled.push(link);
        const parent = (await state.ledger.targets(system, link.sourceObject, [link.sourceId])).get(link.sourceId);
        if (!parent || !record) {
          run.result.failures.push({ entry: index, object: name, id, step: 'link', field: link.field, code: 'reference', message: record ? `${link.sourceObject} ${link.sourceId} was not created in ${system}, so ${link.field} stays empty` : `${name} ${id} is no longer in ${system}` });
          continue;
        }
        values[link.field] = valueOf(object.fields.find((field) => field.name === link.field), parent.targetId);
        prior[link.field] = jsonValue(record.values[link.field] ?? null);
      }
      if (Object.keys(values).length === 0 || !entry) continue;
      // Setting a reference is not a change a person made: the record keeps the modified-at it was created with.
      const stamp = object.modifiedAtField;
      if (stamp && record && !(stamp in values)) values[stamp] = record.values[stamp] ?? null;
      const linkCount = Object.keys(values).length - (stamp && !recordLinks.some((link) => link.field === stamp) ? 1 : 0);
      writes.push({ index, entry, id, values, links: linkCount, intent: { object: name, sourceObject: null, sourceId: null, targetId: id, operation: 'updated', hash: null, prior } });
    }
    if (writes.length > 0) {
      const ok = await writeWithIntents(run, writes, 'link', () => source.write(name, 'update', writes.map(({ id, values }) => ({ id, values })), signalOf(run)));
      run.result.linked += writes.filter((_, position) => ok[position]).reduce((sum, write) => sum + write.links, 0);
    }
    await state.ledger.clearLinks(system, settled);
  }
}

function groupLinks(links: DeferredLink[]): Map<string, DeferredLink[]> {
  return groupBy(links, (link) => link.object);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(key(item));
    if (list) list.push(item);
    else grouped.set(key(item), [item]);
  }
  return grouped;
}

async function currentRecords(run: Run, name: string, ids: string[]): Promise<Map<string, CrmRecord>> {
  return new Map((await run.options.source.get(name, ids, signalOf(run))).map((record) => [record.id, record]));
}

async function updateRecords(run: Run, name: string, entries: Array<[number, ReconcileEntry]>): Promise<void> {
  const { source, plan } = run.options;
  const object = objectOf(run, name);
  for (let start = 0; start < entries.length; start += source.capabilities.maxBatchSize) {
    throwIfAborted(run.options.signal, `updating ${name} records`);
    const batch = entries.slice(start, start + source.capabilities.maxBatchSize);
    const current = await currentRecords(run, name, batch.map(([, entry]) => entry.id!));
    const items: Array<{ index: number; entry: ReconcileEntry; intent: LedgerIntent; values: Record<string, Value> }> = [];
    for (const [index, entry] of batch) {
      const record = current.get(entry.id!);
      if (!record) {
        run.result.failures.push({ entry: index, object: name, id: entry.id, step: 'update', code: 'not_found', message: `${name} ${entry.id} is not in ${run.options.system}` });
        continue;
      }
      const values = valuesOf(object, entry.values);
      const prior = Object.fromEntries(Object.keys(values).map((field) => [field, jsonValue(record.values[field] ?? null)]));
      items.push({ index, entry, values, intent: { object: name, sourceObject: entry.from.object, sourceId: entry.from.id, targetId: entry.id!, operation: 'updated', hash: entryKey(plan, entry), prior } });
    }
    if (items.length === 0) continue;
    run.result.updated += written(await writeWithIntents(run, items, 'update', () => source.write(name, 'update', items.map((item) => ({ id: item.entry.id!, values: item.values })), signalOf(run))));
  }
}

async function deleteRecords(run: Run, name: string, entries: Array<[number, ReconcileEntry]>): Promise<void> {
  const { source, plan } = run.options;
  const object = objectOf(run, name);
  const soft = object.softDelete && source.capabilities.deletes.includes('soft') ? object.softDelete : undefined;
  for (let start = 0; start < entries.length; start += source.capabilities.maxBatchSize) {
    throwIfAborted(run.options.signal, `deleting ${name} records`);
    const batch = entries.slice(start, start + source.capabilities.maxBatchSize);
    const current = await currentRecords(run, name, batch.map(([, entry]) => entry.id!));
    const items: Array<{ index: number; entry: ReconcileEntry; intent: LedgerIntent }> = [];
    for (const [index, entry] of batch) {
      const record = current.get(entry.id!);
      if (!record) {
        run.result.failures.push({ entry: index, object: name, id: entry.id, step: 'delete', code: 'not_found', message: `${name} ${entry.id} is not in ${run.options.system}` });
        continue;
      }
      const hash = entryKey(plan, entry);
      // A soft delete changes the flag (and the modified-at): an update of those fields, which their prior values undo.
      const intent: LedgerIntent = soft
        ? {
            object: name,
            sourceObject: entry.from.object,
            sourceId: entry.from.id,
            targetId: entry.id!,
            operation: 'updated',
            hash,
            prior: Object.fromEntries([soft.field, ...(object.modifiedAtField ? [object.modifiedAtField] : [])].map((field) => [field, jsonValue(record.values[field] ?? null)])),
          }
        : { object: name, sourceObject: entry.from.object, sourceId: entry.from.id, targetId: entry.id!, operation: 'deleted', hash, prior: Object.fromEntries(Object.entries(record.values).map(([field, value]) => [field, jsonValue(value)])) };
      items.push({ index, entry, intent });
    }
    if (items.length === 0) continue;
    run.result.deleted += written(await writeWithIntents(run, items, 'delete', () => source.delete(name, items.map((item) => item.entry.id!), { mode: soft ? 'soft' : 'hard', ...signalOf(run) })));
  }
}
