/**
 * `cutover reset <system>`: undoes on a system what cutover did to it, from
 * the ledger: records it created are deleted (children first, references
 * among them cleared before), records it changed get their prior values
 * back, records it deleted are created again. Then the system is compared
 * with its baseline snapshot. Every effect is ledgered like a migration's
 * (intent first), so a killed reset finishes when run again.
 */
import type { Connector, CrmRecord, ObjectDescription, SystemDescription, WriteResult } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import { jsonValue, recordHash, valueFromJson } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';
import type { DiffReport } from '../../diff/index.js';
import type { LedgerIntent, StateStore } from '../../state/index.js';
import { recoverPending, type Recovery } from '../migrate/recover.js';
import { newRunId } from '../migrate/run-migration.js';

/** What a reset will do to, and did to, one object. */
export interface ObjectReset {
  object: string;
  /** Records cutover created that are still there: deleted. */
  delete: number;
  /** Records that were there before whose fields cutover changed: prior values written back. */
  revert: number;
  /** Records that were there before and cutover deleted: created again. */
  recreate: number;
  /** Done (0 in a dry run). */
  deleted: number;
  reverted: number;
  recreated: number;
  failed: number;
}

/** A record a reset could not put back. */
export interface ResetFailure {
  object: string;
  id: string;
  step: 'unlink' | 'delete' | 'revert' | 'recreate';
  code: string;
  message: string;
}

/** What a reset did. */
export interface ResetReport {
  id: string;
  system: string;
  dryRun: boolean;
  objects: ObjectReset[];
  recovered: Recovery;
  failures: ResetFailure[];
  /** The system against its baseline snapshot, after the reset (absent in a dry run). */
  diff?: DiffReport;
  seconds: number;
  measuredAt: string;
}

/** Settings of a reset. */
export interface ResetOptions {
  /** The system's name in the plan: the ledger's `system`. */
  system: string;
  connector: Connector;
  state: StateStore;
  dryRun?: boolean;
  /** Called once the plan is known and before the first write (a safety backup); not in a dry run or when nothing is to do. */
  beforeWrite?: () => Promise<void>;
  /** Compares the system with its baseline once reset. */
  compare: () => Promise<DiffReport>;
  signal?: AbortSignal;
}

/** What the ledger says of one record of the system. */
interface RecordHistory {
  object: string;
  targetId: string;
  /** cutover's first effect on it was to create it: it was not there before. */
  createdByCutover: boolean;
  /** Each field's value before cutover first changed it. */
  prior: Record<string, unknown>;
  /** The whole record before cutover first deleted it, when it did. */
  deletedRecord: Record<string, unknown> | undefined;
}

/** Records per write or read. */
const CHUNK = 500;

/** Runs a reset (see the module comment). */
export async function runReset(options: ResetOptions): Promise<ResetReport> {
  const { state, connector, system } = options;
  const dryRun = options.dryRun ?? false;
  const startedAt = new Date();
  const started = performance.now();
  const id = newRunId(dryRun ? 'reset-dry' : 'reset', startedAt);
  await state.runs.start({ id, kind: 'reset', system, source: null, dryRun });
  const failures: ResetFailure[] = [];
  try {
    const recovered = dryRun ? { confirmed: 0, dropped: 0 } : await recoverPending(state, system, connector, options.signal);
    const description = await connector.describe();
    const histories = await historiesOf(state, system);
    // Parents first in the description; deletions go children first.
    const order = description.objects.map((object) => object.name).filter((name) => histories.has(name));
    const plans = new Map<string, { toDelete: string[]; toRevert: Array<{ history: RecordHistory; current: CrmRecord }>; toRecreate: RecordHistory[] }>();
    for (const object of order) plans.set(object, await planObject(connector, histories.get(object) ?? [], options.signal));
    const objects: ObjectReset[] = order.map((object) => {
      const plan = plans.get(object)!;
      return { object, delete: plan.toDelete.length, revert: plan.toRevert.length, recreate: plan.toRecreate.length, deleted: 0, reverted: 0, recreated: 0, failed: 0 };
    });
    const nothingToDo = objects.every((object) => object.delete + object.revert + object.recreate === 0);
    if (!dryRun) {
      if (!nothingToDo) await options.beforeWrite?.();
      const run = { id, system, state, connector, failures, signal: options.signal };
      // References that would stop a deletion: to the record's own object, or to one deleted before it (a cycle).
      const position = new Map(order.map((object, index) => [object, index]));
      for (const object of order) {
        const blocking = (referenced: string): boolean => (plans.get(referenced)?.toDelete.length ?? 0) > 0 && (position.get(referenced) ?? -1) >= position.get(object)!;
        await unlink(run, describedObject(description, object), plans.get(object)!.toDelete, blocking);
      }
      for (const object of [...order].reverse()) {
        const counts = objects.find((entry) => entry.object === object)!;
        counts.deleted = await deleteRecords(run, object, plans.get(object)!.toDelete);
      }
      for (const object of order) {
        const plan = plans.get(object)!;
        const counts = objects.find((entry) => entry.object === object)!;
        counts.recreated = await recreate(run, object, plan.toRecreate);
        counts.reverted = await revert(run, object, plan.toRevert);
      }
      for (const counts of objects) counts.failed = failures.filter((failure) => failure.object === counts.object).length;
      await state.ledger.clearLinks(system, await state.ledger.deferredLinks(system));
    }
    const report: ResetReport = {
      id,
      system,
      dryRun,
      objects,
      recovered,
      failures,
      ...(dryRun ? {} : { diff: await options.compare() }),
      seconds: 0,
      measuredAt: startedAt.toISOString(),
    };
    report.seconds = Math.round(performance.now() - started) / 1000;
    await state.runs.finish(id, {
      status: failures.length === 0 ? 'succeeded' : 'failed',
      summary: { objects, recovered, failures: failures.length, equalToBaseline: report.diff?.equal ?? null },
      ...(failures.length > 0 ? { error: `${failures.length} record(s) could not be put back` } : {}),
    });
    return report;
  } catch (error) {
    await state.runs.finish(id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * Per object, the records to look at: those cutover created and has not
 * deleted since (to delete), and those that were there before it (whose
 * entries give the prior values). Records it created and deleted again are
 * gone already: repeated migrate-reset cycles do not grow the plan.
 */
async function historiesOf(state: StateStore, system: string): Promise<Map<string, RecordHistory[]>> {
  const byObject = new Map<string, RecordHistory[]>();
  const add = (history: RecordHistory): void => {
    const histories = byObject.get(history.object);
    if (histories) histories.push(history);
    else byObject.set(history.object, [history]);
  };
  const preexisting = new Map<string, string[]>();
  for (const record of await state.ledger.touched(system)) {
    if (record.first === 'created') {
      if (record.last !== 'deleted') add({ object: record.object, targetId: record.targetId, createdByCutover: true, prior: {}, deletedRecord: undefined });
    } else {
      const ids = preexisting.get(record.object);
      if (ids) ids.push(record.targetId);
      else preexisting.set(record.object, [record.targetId]);
    }
  }
  for (const [object, ids] of preexisting) {
    const histories = new Map<string, RecordHistory>();
    for (const entry of await state.ledger.entriesOf(system, object, ids)) {
      let history = histories.get(entry.targetId);
      if (!history) {
        history = { object, targetId: entry.targetId, createdByCutover: false, prior: {}, deletedRecord: undefined };
        histories.set(entry.targetId, history);
      }
      if (entry.operation === 'updated') {
        for (const [field, value] of Object.entries(entry.prior ?? {})) if (!(field in history.prior)) history.prior[field] = value;
      } else if (entry.operation === 'deleted' && history.deletedRecord === undefined) history.deletedRecord = entry.prior ?? {};
    }
    for (const history of histories.values()) add(history);
  }
  return byObject;
}

async function planObject(connector: Connector, histories: RecordHistory[], signal?: AbortSignal) {
  const toDelete: string[] = [];
  const toRevert: Array<{ history: RecordHistory; current: CrmRecord }> = [];
  const toRecreate: RecordHistory[] = [];
  for (let start = 0; start < histories.length; start += CHUNK) {
    throwIfAborted(signal, 'planning the reset');
    const chunk = histories.slice(start, start + CHUNK);
    const object = chunk[0]!.object;
    const current = new Map((await connector.get(object, chunk.map((history) => history.targetId), signal ? { signal } : {})).map((record) => [record.id, record]));
    for (const history of chunk) {
      const record = current.get(history.targetId);
      if (history.createdByCutover) {
        if (record) toDelete.push(record.id);
      } else if (!record) {
        if (history.deletedRecord) toRecreate.push(history);
      } else if (Object.entries(history.prior).some(([field, value]) => JSON.stringify(jsonValue(record.values[field] ?? null)) !== JSON.stringify(value))) {
        toRevert.push({ history, current: record });
      }
    }
  }
  return { toDelete, toRevert, toRecreate };
}

interface ResetRun {
  id: string;
  system: string;
  state: StateStore;
  connector: Connector;
  failures: ResetFailure[];
  signal: AbortSignal | undefined;
}

function describedObject(description: SystemDescription, name: string): ObjectDescription {
  return description.objects.find((object) => object.name === name)!;
}

/**
 * Clears, on the records about to be deleted, nullable references to records
 * also about to be deleted, so that no deletion order is refused by a
 * foreign key (a self-reference, a cycle).
 */
async function unlink(run: ResetRun, object: ObjectDescription, ids: string[], blocking: (referenced: string) => boolean): Promise<void> {
  const fields = object.fields.filter((field) => field.nullable && field.references && blocking(field.references.object)).map((field) => field.name);
  if (fields.length === 0) return;
  for (let start = 0; start < ids.length; start += CHUNK) {
    const records = await current(run, object.name, ids.slice(start, start + CHUNK));
    const chunk = records
      .map((record) => ({ record, set: fields.filter((field) => record.values[field] !== null && record.values[field] !== undefined) }))
      .filter((item) => item.set.length > 0);
    if (chunk.length === 0) continue;
    const intents: LedgerIntent[] = chunk.map(({ record, set }) => ({
      object: object.name,
      sourceObject: null,
      sourceId: null,
      targetId: record.id,
      operation: 'updated',
      hash: null,
      prior: Object.fromEntries(set.map((field) => [field, jsonValue(record.values[field] ?? null)])),
    }));
    await apply(run, object.name, 'unlink', intents, () =>
      run.connector.write(object.name, 'update', chunk.map(({ record, set }) => ({ id: record.id, values: Object.fromEntries(set.map((field) => [field, null])) }))),
    );
  }
}

/** The records with these ids as the system has them now (a chunk at a time: a reset never holds every record). */
async function current(run: ResetRun, object: string, ids: string[]): Promise<CrmRecord[]> {
  return run.connector.get(object, ids, run.signal ? { signal: run.signal } : {});
}

async function deleteRecords(run: ResetRun, object: string, ids: string[]): Promise<number> {
  let done = 0;
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = await current(run, object, ids.slice(start, start + CHUNK));
    if (chunk.length === 0) continue;
    const intents: LedgerIntent[] = chunk.map((record) => ({
      object,
      sourceObject: null,
      sourceId: null,
      targetId: record.id,
      operation: 'deleted',
      hash: recordHash(record).toString('hex'),
      prior: Object.fromEntries(Object.entries(record.values).map(([field, value]) => [field, jsonValue(value)])),
    }));
    const ok = await apply(run, object, 'delete', intents, () => run.connector.delete(object, chunk.map((record) => record.id), { mode: 'hard', ...(run.signal ? { signal: run.signal } : {}) }), true);
    done += ok.length;
  }
  return done;
}

async function recreate(run: ResetRun, object: string, histories: RecordHistory[]): Promise<number> {
  let done = 0;
  for (let start = 0; start < histories.length; start += CHUNK) {
    const chunk = histories.slice(start, start + CHUNK);
    const intents: LedgerIntent[] = chunk.map((history) => ({ object, sourceObject: null, sourceId: null, targetId: history.targetId, operation: 'created', hash: null, prior: null }));
    const records = chunk.map((history) => ({ id: history.targetId, values: valuesOf(history.deletedRecord ?? {}) }));
    done += (await apply(run, object, 'recreate', intents, () => run.connector.write(object, 'insert', records))).length;
  }
  return done;
}

async function revert(run: ResetRun, object: string, items: Array<{ history: RecordHistory; current: CrmRecord }>): Promise<number> {
  let done = 0;
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const intents: LedgerIntent[] = chunk.map(({ history, current }) => ({
      object,
      sourceObject: null,
      sourceId: null,
      targetId: history.targetId,
      operation: 'updated',
      hash: null,
      prior: Object.fromEntries(Object.keys(history.prior).map((field) => [field, jsonValue(current.values[field] ?? null)])),
    }));
    const records = chunk.map(({ history }) => ({ id: history.targetId, values: valuesOf(history.prior) }));
    // What the migration wrote there is undone: the id map forgets it, so the next migration writes it again.
    const ok = await apply(run, object, 'revert', intents, () => run.connector.write(object, 'update', records), true);
    done += ok.length;
  }
  return done;
}

/**
 * Intents first, then the write, then confirm what succeeded; returns the ids
 * written. With `unmap`, the id map forgets them in the same state
 * transaction as the confirmation, so a crash cannot leave it naming records
 * that are gone.
 */
async function apply(run: ResetRun, object: string, step: ResetFailure['step'], intents: LedgerIntent[], write: () => Promise<WriteResult[]>, unmap = false): Promise<string[]> {
  throwIfAborted(run.signal, `resetting ${object}`);
  const ledgerIds = await run.state.ledger.intend(run.id, run.system, intents);
  const results = await write();
  const confirmed: number[] = [];
  const dropped: number[] = [];
  const ok: string[] = [];
  results.forEach((result, index) => {
    const intent = intents[index]!;
    if (result.ok) {
      confirmed.push(ledgerIds[index]!);
      ok.push(intent.targetId);
    } else {
      dropped.push(ledgerIds[index]!);
      run.failures.push({ object, id: intent.targetId, step, code: result.error.code, message: result.error.message });
    }
  });
  await run.state.transaction(async () => {
    await run.state.ledger.confirm(confirmed);
    await run.state.ledger.drop(dropped);
    if (unmap) await run.state.ledger.unmap(run.system, object, ok);
  });
  return ok;
}

function valuesOf(json: Record<string, unknown>): Record<string, Value> {
  return Object.fromEntries(Object.entries(json).map(([field, value]) => [field, valueFromJson(value)]));
}
