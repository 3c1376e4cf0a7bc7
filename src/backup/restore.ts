/**
 * `cutover restore`: make a system match a backup. Records changed since
 * are updated back, records deleted since are re-created, and with prune
 * records created since are deleted. Everything that can fail is computed
 * first (the plan); a dry run stops there. A second identical restore writes
 * nothing; a killed restore finishes when run again.
 */
import type { Connector, CrmRecord, ObjectDescription, SystemDescription, WriteRecord, WriteResult } from '../connectors/contract.js';
import { CutoverError, throwIfAborted } from '../core/errors.js';
import { recordHash } from '../core/record-hash.js';
import type { Value } from '../core/values.js';
import { chainRecords, chainSchema, type BackupChain } from './backup-chain.js';
import { PendingLinks } from './restore-links.js';
import { definitionsOf } from './schema-definitions.js';

/** What a restore will do to one object. */
export interface ObjectRestorePlan {
  object: string;
  /** The object does not exist in the target and will be created from the backup's schema. */
  createObject: boolean;
  create: number;
  update: number;
  /** Records created since the backup; deleted only with prune. */
  extra: number;
  prune: number;
  unchanged: number;
}

/** What a restore will do, before any write. */
export interface RestorePlan {
  backup: string;
  objects: ObjectRestorePlan[];
  /** Nothing to write. */
  inSync: boolean;
}

/** A record that could not be written. */
export interface RestoreFailure {
  object: string;
  id: string;
  step: 'create' | 'update' | 'link' | 'prune';
  code: string;
  message: string;
}

/** What a restore did. */
export interface RestoreReport {
  plan: RestorePlan;
  dryRun: boolean;
  written: { created: number; updated: number; linked: number; pruned: number };
  failures: RestoreFailure[];
  /** Old id → new id, per object, where the target assigned new ids to re-created records. */
  idMap: Record<string, Record<string, string>>;
  seconds: number;
}

/** Settings of a restore. */
export interface RestoreOptions {
  chain: BackupChain;
  connector: Connector;
  prune: boolean;
  dryRun: boolean;
  signal?: AbortSignal;
  /** Runs after planning and before the first write (the caller exports what will be overwritten). */
  beforeWrite?: (plan: RestorePlan) => Promise<void>;
  onProgress?: (event: { object: string; step: string; done: number }) => void;
}

const BATCH = 500;

/** Plans and (unless dry-run) applies a restore. */
export async function runRestore(options: RestoreOptions): Promise<RestoreReport> {
  const started = performance.now();
  const { chain, connector } = options;
  const schema = await chainSchema(chain);
  const restorable = schema.objects.filter((object) => !object.unsupported);
  const existing = new Set((await connector.describe()).objects.map((object) => object.name));
  const missing = restorable.filter((object) => !existing.has(object.name));
  if (missing.length > 0 && !connector.capabilities.canCreateObjects) {
    throw new CutoverError('schema.object_missing', `The target lacks ${missing.map((o) => o.name).join(', ')} and its connector cannot create objects.`);
  }
  checkFields(schema, await connector.describe(), new Set(missing.map((o) => o.name)));

  const plan: RestorePlan = { backup: chain.top.manifest.id, objects: [], inSync: true };
  /** Ids of records created since the backup, per object, as the plan found them (kept only for prune). */
  const extras = new Map<string, string[]>();
  for (const object of restorable) {
    throwIfAborted(options.signal, 'the restore plan');
    const creating = missing.some((m) => m.name === object.name);
    const liveHashes = creating ? new Map<string, Buffer>() : await liveHashesOf(connector, object, options.signal);
    const entry: ObjectRestorePlan = { object: object.name, createObject: creating, create: 0, update: 0, extra: 0, prune: 0, unchanged: 0 };
    const seen = new Set<string>();
    const stored = chain.readers.length === 1 ? chain.top.object(object.name) : undefined;
    if (liveHashes.size === 0 && stored) {
      // An empty object: every backed-up record is a create, as the manifest counts them; no need to read them twice.
      entry.create = stored.records;
      if (entry.create > 0 || creating) plan.inSync = false;
      plan.objects.push(entry);
      continue;
    }
    for await (const batch of chainRecords(chain, object.name, options.signal ? { signal: options.signal } : {})) {
      for (const record of batch) {
        seen.add(record.id);
        const current = liveHashes.get(record.id);
        if (!current) entry.create += 1;
        else if (current.equals(recordHash(record))) entry.unchanged += 1;
        else entry.update += 1;
      }
    }
    const extra = [...liveHashes.keys()].filter((id) => !seen.has(id));
    entry.extra = extra.length;
    entry.prune = options.prune ? entry.extra : 0;
    if (options.prune && extra.length > 0) extras.set(object.name, extra);
    if (entry.create + entry.update + entry.prune > 0 || creating) plan.inSync = false;
    plan.objects.push(entry);
  }
  const report: RestoreReport = { plan, dryRun: options.dryRun, written: { created: 0, updated: 0, linked: 0, pruned: 0 }, failures: [], idMap: {}, seconds: 0 };
  if (options.dryRun || plan.inSync) return finish(report, started);

  await options.beforeWrite?.(plan);
  // Objects are created only now, after the plan, so that a plan that fails leaves an empty target empty.
  if (missing.length > 0) await connector.createObjects(definitionsOf(schema, new Set(missing.map((object) => object.name))));
  const live = await connector.describe();
  const order = restorable.map((object) => object.name);
  const liveObjects = new Map(live.objects.map((object) => [object.name, object]));
  const deferredFields = deferrable(schema, order);
  const pending = new PendingLinks();
  const prunes: Array<{ object: string; ids: string[] }> = [];

  // Records created since the backup go first (children before parents), so that unique values they hold are free again.
  for (const name of [...order].reverse()) {
    const ids = extras.get(name);
    if (ids) prunes.push({ object: name, ids });
  }
  for (const prune of prunes) prune.ids = await pruneRecords(connector, prune.object, prune.ids, report, false);

  for (const name of order) {
    const object = liveObjects.get(name) as ObjectDescription;
    const liveHashes = await liveHashesOf(connector, object, options.signal);
    const deferred = deferredFields.get(name) ?? [];
    let creates: CrmRecord[] = [];
    let updates: CrmRecord[] = [];
    const flush = async (): Promise<void> => {
      if (creates.length > 0) await writeBatch('create', { schema }, connector, object, creates, deferred, pending, report);
      if (updates.length > 0) await writeBatch('update', { schema }, connector, object, updates, deferred, pending, report);
      creates = [];
      updates = [];
      options.onProgress?.({ object: name, step: 'write', done: report.written.created + report.written.updated });
    };
    for await (const batch of chainRecords(chain, name, options.signal ? { signal: options.signal } : {})) {
      for (const record of batch) {
        const current = liveHashes.get(record.id);
        if (!current) creates.push(record);
        else if (!current.equals(recordHash(record))) updates.push(record);
        if (creates.length + updates.length >= BATCH) await flush();
      }
    }
    await flush();
  }

  // Second pass: references that could not be written before their target existed (self-references, cycles).
  for (const { object, updates } of pending.batches(BATCH)) {
    const name = object.name;
    const results = await stampedUpdate(connector, object, updates.map((update) => ({ id: update.id, values: relink(schema, name, update.values, report.idMap) })));
    results.forEach((result, i) => {
      if (result.ok) report.written.linked += 1;
      else report.failures.push({ object: name, id: updates[i]!.id, step: 'link', code: result.error.code, message: result.error.message });
    });
  }

  // Records created since that still had references pointing at them before the updates: try again, as long as
  // each pass deletes some (a chain of records pointing at each other, such as contacts reporting to contacts, goes
  // one level a pass); the last pass reports what is left.
  for (let remaining = prunes.reduce((sum, prune) => sum + prune.ids.length, 0); remaining > 0; ) {
    for (const prune of prunes) if (prune.ids.length > 0) prune.ids = await pruneRecords(connector, prune.object, prune.ids, report, false);
    const left = prunes.reduce((sum, prune) => sum + prune.ids.length, 0);
    if (left === remaining) {
      for (const prune of prunes) if (prune.ids.length > 0) await pruneRecords(connector, prune.object, prune.ids, report, true);
      break;
    }
    remaining = left;
  }
  return finish(report, started);
}

function finish(report: RestoreReport, started: number): RestoreReport {
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  return report;
}

function checkFields(schema: SystemDescription, live: SystemDescription, creating: Set<string>): void {
  const problems: string[] = [];
  for (const object of schema.objects) {
    if (object.unsupported || creating.has(object.name)) continue;
    const target = live.objects.find((candidate) => candidate.name === object.name);
    if (!target) continue;
    const fields = new Set(target.fields.map((field) => field.name));
    const absent = object.fields.filter((field) => !fields.has(field.name)).map((field) => field.name);
    if (absent.length > 0) problems.push(`${object.name}: the target has no field ${absent.join(', ')}`);
    if (target.idField !== object.idField) problems.push(`${object.name}: the target's key is ${target.idField}, the backup's ${object.idField}`);
  }
  if (problems.length > 0) {
    throw new CutoverError('schema.field_missing', 'The target does not have the shape of the backup; nothing was written.', {
      details: problems,
      hints: ['restore into the system the backup was taken of, or into an empty database (its objects are then created from the backup)'],
    });
  }
}

/** Id → record hash of every record of an object in the target. */
async function liveHashesOf(connector: Connector, object: ObjectDescription, signal?: AbortSignal): Promise<Map<string, Buffer>> {
  const hashes = new Map<string, Buffer>();
  for await (const batch of connector.read(object.name, signal ? { signal } : {})) {
    for (const record of batch.records) hashes.set(record.id, recordHash(record));
  }
  return hashes;
}

/**
 * Reference fields to leave out of the first write: those pointing at the
 * same object or at one restored later (a cycle). They are written in a
 * second pass, once every record exists.
 */
function deferrable(schema: SystemDescription, order: string[]): Map<string, string[]> {
  const position = new Map(order.map((name, i) => [name, i]));
  const deferred = new Map<string, string[]>();
  for (const relationship of schema.relationships) {
    const from = relationship.from.object;
    const targets = relationship.polymorphic ? Object.values(relationship.polymorphic.objects) : [relationship.to.object];
    const later = targets.some((target) => (position.get(target) ?? -1) >= (position.get(from) ?? 0));
    if (!later) continue;
    const field = schema.objects.find((object) => object.name === from)?.fields.find((f) => f.name === relationship.from.field);
    if (field?.nullable) deferred.set(from, [...(deferred.get(from) ?? []), relationship.from.field]);
  }
  return deferred;
}

/**
 * Where the target assigned new ids to re-created records, references to
 * them are rewritten to the new ids (plain references and those whose type
 * field names the object).
 */
function relink(schema: SystemDescription, object: string, values: Record<string, Value>, idMap: RestoreReport['idMap']): Record<string, Value> {
  let relinked: Record<string, Value> | undefined;
  for (const relationship of schema.relationships) {
    if (relationship.from.object !== object) continue;
    const value = values[relationship.from.field];
    if (value === null || value === undefined) continue;
    let target = relationship.to.object;
    if (relationship.polymorphic) {
      const type = relationship.polymorphic.typeField ? values[relationship.polymorphic.typeField] : String(value).slice(0, 3);
      target = relationship.polymorphic.objects[String(type)] ?? '';
    }
    const mapped = idMap[target]?.[String(value)];
    if (mapped !== undefined) {
      relinked ??= { ...values };
      relinked[relationship.from.field] = typeof value === 'number' && /^-?\d+$/.test(mapped) ? Number(mapped) : mapped;
    }
  }
  return relinked ?? values;
}

/** A record's values to write now: without its id field, and with deferred references null (`deferring` when any was not). */
function split(record: CrmRecord, deferred: string[], object: ObjectDescription): { now: Record<string, Value>; deferring: boolean } {
  const now: Record<string, Value> = {};
  let deferring = false;
  const values = record.values;
  for (const field of Object.keys(values)) {
    if (field === object.idField) continue;
    const value = values[field] as Value;
    if (value !== null && deferred.includes(field)) {
      deferring = true;
      now[field] = null;
    } else {
      now[field] = value;
    }
  }
  return { now, deferring };
}

/**
 * Creates or updates one batch of an object, with deferred references left
 * for the second pass and references re-linked to ids the target assigned.
 */
async function writeBatch(
  step: 'create' | 'update',
  context: { schema: SystemDescription },
  connector: Connector,
  object: ObjectDescription,
  records: CrmRecord[],
  deferred: string[],
  pending: PendingLinks,
  report: RestoreReport,
): Promise<void> {
  const parts = records.map((record) => split(record, deferred, object));
  const values = (i: number): Record<string, Value> => relink(context.schema, object.name, parts[i]!.now, report.idMap);
  const keepIds = connector.capabilities.acceptsIds;
  const results =
    step === 'create'
      ? await connector.write(
          object.name,
          'insert',
          records.map((record, i) => {
            if (!keepIds) return { values: values(i) };
            // split made these values for this write alone (relink copies before it changes any), so the id goes straight in.
            const withId = values(i);
            withId[object.idField] = record.values[object.idField] ?? record.id;
            return { id: record.id, values: withId };
          }),
        )
      : await stampedUpdate(connector, object, records.map((record, i) => ({ id: record.id, values: values(i) })));
  results.forEach((result, i) => {
    const record = records[i] as CrmRecord;
    if (!result.ok) {
      report.failures.push({ object: object.name, id: record.id, step, code: result.error.code, message: result.error.message });
      return;
    }
    if (step === 'create') {
      report.written.created += 1;
      if (result.id !== record.id) (report.idMap[object.name] ??= {})[record.id] = result.id;
    } else {
      report.written.updated += 1;
    }
    if (parts[i]!.deferring) pending.add(object, deferred, result.id, record);
  });
}

/**
 * Updates that keep the backup's modified-at value. Many CRM databases have
 * a trigger that stamps modified-at on every update that leaves it
 * unchanged; writing a different value first, then the backup's, keeps such
 * a trigger from overwriting what the restore writes.
 */
async function stampedUpdate(connector: Connector, object: ObjectDescription, records: WriteRecord[]): Promise<WriteResult[]> {
  const stamp = object.modifiedAtField;
  const field = object.fields.find((candidate) => candidate.name === stamp);
  if (!stamp || !field || (field.type !== 'datetime' && field.type !== 'date')) return connector.write(object.name, 'update', records);
  const sentinel = (value: Value | undefined): Value => {
    const base = field.type === 'date' ? '1970-01-01' : '1970-01-01T00:00:00.000Z';
    const other = field.type === 'date' ? '1970-01-02' : '1970-01-01T00:00:00.001Z';
    return value === base ? other : base;
  };
  const first = await connector.write(
    object.name,
    'update',
    records.map((record) => ({ id: record.id as string, values: { [stamp]: sentinel(record.values[stamp]) } })),
  );
  const second = await connector.write(object.name, 'update', records);
  return second.map((result, i) => (first[i]?.ok === false ? (first[i] as WriteResult) : result));
}

async function pruneRecords(connector: Connector, object: string, ids: string[], report: RestoreReport, final: boolean): Promise<string[]> {
  const retry: string[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const slice = ids.slice(start, start + BATCH);
    const results = await connector.delete(object, slice, { mode: 'hard' });
    results.forEach((result, i) => {
      const id = slice[i] as string;
      if (result.ok) report.written.pruned += 1;
      else if (result.error.code === 'reference' && !final) retry.push(id);
      else if (result.error.code !== 'not_found') report.failures.push({ object, id, step: 'prune', code: result.error.code, message: result.error.message });
    });
  }
  return retry;
}
