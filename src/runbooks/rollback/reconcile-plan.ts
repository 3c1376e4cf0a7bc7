/**
 * Plans the delayed rollback's reconciliation: every delta record of the
 * export becomes one entry of a plan file people can review and edit —
 * create, update, delete, or a conflict for a person — before anything is
 * written. The live source is compared with the backup the go-live recorded
 * (before the restore overwrites it), so that records the source changed or
 * lost after the backup are seen.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chainRecords, type BackupChain } from '../../backup/backup-chain.js';
import type { Connector, CrmRecord, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { jsonValue } from '../../core/record-hash.js';
import { valuesEqual, type Value } from '../../core/values.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { GoLive, StateStore } from '../../state/index.js';
import type { DeltaRecord } from './export-delta-types.js';
import { readDeltaArchive } from './export-delta-files.js';
import { reconciliationSummary } from './reconcile-summary.js';
import { goLiveBackup } from './go-live-backup.js';
import {
  countActions,
  RECONCILE_KIND,
  RECONCILE_VERSION,
  type ReconcileCounts,
  type ReconcileEntry,
  type ReconcileNote,
  type ReconcilePolicy,
  type ReconciliationPlan,
} from './reconcile-types.js';

/** The plan file's name in its folder. */
export const RECONCILE_FILE = 'reconciliation.json';
/** The summary's name beside it. */
export const RECONCILE_SUMMARY = 'reconciliation.md';

/** The default policy: what people entered in the new CRM wins, deletions are applied. */
export const DEFAULT_POLICY: ReconcilePolicy = { policy: 'target-wins', deletes: 'apply' };

/** Settings of {@link planReconciliation}. */
export interface PlanReconciliationOptions {
  /** The loaded plan: its `rollback.reconcile` policy. */
  plan: LoadedPlan;
  state: StateStore;
  /** The delta export's archive folder (`<export>/archive`). */
  archive: string;
  /** The backup key: opens the export and the backup. */
  secret: string;
  /** The source system's name in the plan. */
  sourceName: string;
  /** The live source, as it is before the restore. */
  source: Connector;
  /** The go-live the delta is measured from. Default: the latest go-live of the export's target. */
  goLive?: GoLive;
  /** The backup the source is restored from. Default: the go-live's backup, opened with the key. */
  backup?: { id: string; chain: BackupChain };
  /** Overrides the plan's policy. */
  policy?: ReconcilePolicy;
  /** Folder the plan file and its summary are written to; nothing is written without it. */
  output?: string;
  signal?: AbortSignal;
}

/** What {@link planReconciliation} made. */
export interface PlannedReconciliation {
  plan: ReconciliationPlan;
  counts: ReconcileCounts;
  /** The plan file and its Markdown summary, when written. */
  path?: string;
  summary?: string;
}

/** How a migrated record the delta writes stands in the source, compared with the backup. */
interface SourceState {
  backup: CrmRecord | undefined;
  live: CrmRecord | undefined;
}

/** Makes the reconciliation plan of an export, and writes it when `output` is given. */
export async function planReconciliation(options: PlanReconciliationOptions): Promise<PlannedReconciliation> {
  const delta = await readDeltaArchive(options.archive, options.secret);
  const goLive = options.goLive ?? (await options.state.goLives.latest(delta.summary.target));
  if (!goLive) throw new CutoverError('usage', `${delta.summary.target} has no recorded go-live, so there is nothing to reconcile.`);
  const backup = options.backup ?? (await goLiveBackup(options.state, goLive, options.secret));
  const policy = options.policy ?? (options.plan.plan.rollback?.reconcile as ReconcilePolicy | undefined) ?? DEFAULT_POLICY;
  const description = await options.source.describe(options.signal ? { signal: options.signal } : {});
  const records = [...delta.objects.values()].flat();
  const states = await sourceStates(options, backup.chain, records);

  const creates = records.filter((record) => record.change === 'created');
  const createdAt = new Map(creates.map((record, index) => [`${record.targetObject}\u0000${record.targetId}`, index]));
  const entries: ReconcileEntry[] = [
    ...creates.map((record) => createEntry(record, createdAt, objectOf(description, record.sourceObject))),
    ...records.filter((record) => record.change === 'updated').map((record) => updateEntry(record, states, policy, objectOf(description, record.sourceObject))),
    ...records.filter((record) => record.change === 'deleted').map((record) => deleteEntry(record, states, policy)),
  ];
  const plan: ReconciliationPlan = {
    version: RECONCILE_VERSION,
    kind: RECONCILE_KIND,
    createdAt: new Date().toISOString(),
    source: options.sourceName,
    target: delta.summary.target,
    goLive: { id: goLive.id, at: goLive.at },
    backup: backup.id,
    export: { id: delta.manifest.id, archive: path.resolve(options.archive) },
    policy,
    entries,
  };
  const result: PlannedReconciliation = { plan, counts: countActions(plan) };
  if (options.output) Object.assign(result, await writeReconciliation(options.output, plan));
  return result;
}

/** Writes the plan file and its summary into a folder (each replaced whole, never half written). */
export async function writeReconciliation(dir: string, plan: ReconciliationPlan): Promise<{ path: string; summary: string }> {
  const file = path.join(dir, RECONCILE_FILE);
  const summary = path.join(dir, RECONCILE_SUMMARY);
  try {
    await mkdir(dir, { recursive: true });
    for (const [target, text] of [
      [file, `${JSON.stringify(plan, null, 2)}\n`],
      [summary, reconciliationSummary(plan)],
    ] as const) {
      await writeFile(`${target}.partial`, text);
      await rename(`${target}.partial`, target);
    }
  } catch (error) {
    throw new CutoverError('io.failed', `Cannot write the reconciliation plan in ${dir}.`, { cause: error });
  }
  return { path: file, summary };
}

function objectOf(description: SystemDescription, name: string): ObjectDescription | undefined {
  return description.objects.find((object) => object.name === name);
}

const json = (values: Record<string, Value>): Record<string, unknown> => Object.fromEntries(Object.entries(values).map(([field, value]) => [field, jsonValue(value)]));
const byOf = (record: DeltaRecord): string | null => (record.by ? (record.by.email ?? record.by.name ?? record.by.id) : null);
const fromOf = (record: DeltaRecord): ReconcileEntry['from'] => ({ object: record.targetObject, id: record.targetId, change: record.change, at: record.at, by: byOf(record) });

/** Lossy and approximate remarks of a record, for the fields it writes; lossy ones are conflicts. */
function valueNotes(record: DeltaRecord, written: ReadonlySet<string>): { conflicts: ReconcileNote[]; remarks: ReconcileNote[] } {
  const conflicts = record.lossy.filter((note) => written.has(note.field)).map((note): ReconcileNote => ({ kind: 'lossy', field: note.field, reason: note.reason }));
  const remarks: ReconcileNote[] = [
    ...record.lossy.filter((note) => !written.has(note.field)).map((note): ReconcileNote => ({ kind: 'lossy', field: note.field, reason: `${note.reason} (not written)` })),
    ...record.approximate.map((note): ReconcileNote => ({ kind: 'approximate', field: note.field, reason: note.reason })),
    ...record.targetOnly.map((only): ReconcileNote => ({ kind: 'target-only', field: only.field, reason: `the target field ${only.field} holds ${JSON.stringify(jsonValue(only.value))}, which no source field receives` })),
  ];
  return { conflicts, remarks };
}

function createEntry(record: DeltaRecord, createdAt: ReadonlyMap<string, number>, object: ObjectDescription | undefined): ReconcileEntry {
  const values = { ...record.values };
  const links: ReconcileEntry['links'] = [];
  const missing: ReconcileNote[] = [];
  for (const link of record.links) {
    delete values[link.field];
    const entry = createdAt.get(`${link.targetObject}\u0000${link.targetId}`);
    if (entry === undefined) missing.push({ kind: 'missing', field: link.field, reason: `refers to ${link.targetObject} ${link.targetId}, which is not among the records created in this export` });
    else links.push({ field: link.field, entry, targetObject: link.targetObject, targetId: link.targetId });
  }
  const { conflicts, remarks } = valueNotes(record, new Set(Object.keys(values)));
  const given = new Set([...Object.keys(values), ...record.links.map((link) => link.field)]);
  for (const field of object?.fields ?? []) {
    if (field.name === object?.idField || field.nullable || field.autoAssigned || field.defaultValue !== undefined || given.has(field.name)) continue;
    const lossy = record.lossy.find((note) => note.field === field.name);
    missing.push({ kind: 'missing', field: field.name, reason: `required in the source, and the new CRM gives no value${lossy ? ` (${lossy.reason})` : ''}: fill it in values` });
  }
  const notes = [...missing, ...conflicts];
  return { action: notes.length > 0 ? 'conflict' : 'create', proposed: 'create', object: record.sourceObject, id: null, from: fromOf(record), values: json(values), links, notes: [...notes, ...remarks] };
}

/** The fields whose live value differs from the backup's (the soft-delete flag included). */
function changedInSource(state: SourceState): string[] {
  if (!state.backup || !state.live) return [];
  const fields = new Set([...Object.keys(state.backup.values), ...Object.keys(state.live.values)]);
  return [...fields].filter((field) => !valuesEqual(state.backup!.values[field] ?? null, state.live!.values[field] ?? null));
}

/** Conflicts about the record's existence: gone from the source for good, or deleted there after the backup. */
function existenceNotes(record: DeltaRecord, state: SourceState | undefined): { gone: ReconcileNote[]; deletedSince: ReconcileNote[] } {
  const label = `${record.sourceObject} ${record.sourceId}`;
  if (!state || (!state.backup && !state.live)) return { gone: [{ kind: 'missing', reason: `${label} is neither in the backup nor in the source` }], deletedSince: [] };
  if (state.backup && !state.backup.deleted && (!state.live || state.live.deleted)) {
    return { gone: [], deletedSince: [{ kind: 'deleted-in-source', reason: `${label} was deleted in the source after the backup (the restore brings it back)` }] };
  }
  return { gone: [], deletedSince: [] };
}

function updateEntry(record: DeltaRecord, states: ReadonlyMap<string, SourceState>, policy: ReconcilePolicy, object: ObjectDescription | undefined): ReconcileEntry {
  const state = states.get(`${record.sourceObject}\u0000${record.sourceId}`);
  const values: Record<string, Value> = { ...record.values };
  const before: Record<string, Value> = { ...(record.before ?? {}) };
  const changed = state ? changedInSource(state) : [];
  const { gone, deletedSince } = existenceNotes(record, state);
  const conflicts: ReconcileNote[] = [...gone];
  const remarks: ReconcileNote[] = [];
  const stamp = object?.modifiedAtField;
  const overlapping = changed.filter((field) => field in values && field !== stamp);
  const sourceNow = changed.length > 0 && state?.live ? Object.fromEntries(changed.map((field) => [field, state.live!.values[field] ?? null])) : undefined;
  let skipReason: string | undefined;
  if (changed.length > 0 || deletedSince.length > 0) {
    const what = changed.length > 0 ? `the source changed ${changed.join(', ')} after the backup` : 'the source deleted the record after the backup';
    if (policy.policy === 'manual') conflicts.push(...deletedSince, ...(changed.length > 0 ? [{ kind: 'changed-in-source', reason: what } as ReconcileNote] : []));
    else if (policy.policy === 'source-wins') {
      conflicts.push(...deletedSince);
      for (const field of overlapping) {
        remarks.push({ kind: 'source-wins', field, reason: `the source changed ${field} after the backup; policy source-wins leaves it as the source has it` });
        delete values[field];
        delete before[field];
      }
      if (Object.keys(values).every((field) => field === stamp)) skipReason = `${what}, and policy source-wins leaves every field of this change to the source`;
    } else remarks.push({ kind: changed.length > 0 ? 'changed-in-source' : 'deleted-in-source', reason: `${what}; policy target-wins writes the new CRM's values` });
  }
  const valueNoted = valueNotes(record, new Set(Object.keys(values)));
  conflicts.push(...valueNoted.conflicts);
  if (skipReason) remarks.push({ kind: 'source-wins', reason: skipReason });
  const action = conflicts.length > 0 ? 'conflict' : skipReason ? 'skip' : 'update';
  return {
    action,
    proposed: 'update',
    object: record.sourceObject,
    id: record.sourceId,
    from: fromOf(record),
    values: json(values),
    before: json(before),
    ...(sourceNow ? { sourceNow: json(sourceNow) } : {}),
    links: [],
    notes: [...conflicts, ...remarks, ...valueNoted.remarks],
  };
}

function deleteEntry(record: DeltaRecord, states: ReadonlyMap<string, SourceState>, policy: ReconcilePolicy): ReconcileEntry {
  const state = states.get(`${record.sourceObject}\u0000${record.sourceId}`);
  const changed = state ? changedInSource(state) : [];
  const { gone } = existenceNotes(record, state);
  const conflicts: ReconcileNote[] = [...gone];
  const remarks: ReconcileNote[] = [];
  if (policy.deletes === 'conflict') conflicts.push({ kind: 'delete-policy', reason: 'rollback.reconcile.deletes is conflict: a person decides on every deletion' });
  let skip = false;
  if (changed.length > 0) {
    const reason = `the source changed ${changed.join(', ')} after the backup`;
    if (policy.policy === 'manual') conflicts.push({ kind: 'changed-in-source', reason });
    else if (policy.policy === 'source-wins') {
      skip = true;
      remarks.push({ kind: 'source-wins', reason: `${reason}; policy source-wins keeps the record` });
    } else remarks.push({ kind: 'changed-in-source', reason: `${reason}; policy target-wins deletes it` });
  }
  const sourceNow = changed.length > 0 && state?.live ? json(Object.fromEntries(changed.map((field) => [field, state.live!.values[field] ?? null]))) : undefined;
  return {
    action: conflicts.length > 0 ? 'conflict' : skip ? 'skip' : 'delete',
    proposed: 'delete',
    object: record.sourceObject,
    id: record.sourceId,
    from: fromOf(record),
    values: {},
    ...(sourceNow ? { sourceNow } : {}),
    links: [],
    notes: [...conflicts, ...remarks],
  };
}

/** The backup's and the live source's copy of every migrated record the delta writes, by `object NUL id`. */
async function sourceStates(options: PlanReconciliationOptions, chain: BackupChain, records: readonly DeltaRecord[]): Promise<Map<string, SourceState>> {
  const wanted = new Map<string, Set<string>>();
  for (const record of records) {
    if (record.sourceId === null) continue;
    wanted.set(record.sourceObject, (wanted.get(record.sourceObject) ?? new Set()).add(record.sourceId));
  }
  const states = new Map<string, SourceState>();
  for (const [object, ids] of wanted) {
    for (const id of ids) states.set(`${object}\u0000${id}`, { backup: undefined, live: undefined });
    for await (const batch of chainRecords(chain, object, options.signal ? { signal: options.signal } : {})) {
      throwIfAborted(options.signal, `reading backup records of ${object}`);
      for (const record of batch) if (ids.has(record.id)) states.get(`${object}\u0000${record.id}`)!.backup = record;
    }
    const list = [...ids];
    for (let start = 0; start < list.length; start += 500) {
      for (const record of await options.source.get(object, list.slice(start, start + 500), options.signal ? { signal: options.signal } : {})) {
        const state = states.get(`${object}\u0000${record.id}`);
        if (state) state.live = record;
      }
    }
  }
  return states;
}
