/**
 * Writes a planned simulation: logins, new records, edits, corruptions, then
 * deletions wave by wave (children first). A record that fails is reported
 * with its reason and does not stop the others; after a failed deletion no
 * later wave runs, so that no parent goes while a child still points at it.
 */
import type { Connector, ObjectDescription, WriteRecord, WriteResult } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import type { PlannedCreate } from './plan-creates.js';
import type { PlannedChange } from './plan-changes.js';
import type { PlannedLogin } from './plan-logins.js';
import { splitKey, type RecordKey } from './target-view.js';

/** A record a simulation could not write. */
export interface SimulationFailure {
  operation: 'login' | 'create' | 'edit' | 'corrupt' | 'delete';
  object: string;
  /** The record's id, when it has one. */
  id: string | null;
  message: string;
}

/** A deletion to make, and for a soft one the stamps to set afterwards (the moment it happened in the simulated days). */
export interface PlannedDelete {
  key: RecordKey;
  mode: 'soft' | 'hard';
  /** Values written after a soft delete: the modified-at (and a timestamp deleted flag) at the simulated moment. */
  stamps: Record<string, Value>;
}

/** What was written. */
export interface Applied {
  logins: string[];
  created: Map<string, string[]>;
  edited: PlannedChange[];
  corrupted: PlannedChange[];
  deleted: Map<string, string[]>;
  failures: SimulationFailure[];
}

/** Everything to write. */
export interface ApplyInput {
  connector: Connector;
  objects: ReadonlyMap<string, ObjectDescription>;
  logins: { object: string; records: PlannedLogin[] } | null;
  creates: ReadonlyMap<string, PlannedCreate[]>;
  edits: PlannedChange[];
  corruptions: PlannedChange[];
  deletes: PlannedDelete[][];
  signal?: AbortSignal;
}

/** Writes the plan. */
export async function applySimulation(input: ApplyInput): Promise<Applied> {
  const applied: Applied = { logins: [], created: new Map(), edited: [], corrupted: [], deleted: new Map(), failures: [] };
  if (input.logins && input.logins.records.length > 0) {
    applied.logins = await insert(input, input.logins.object, input.logins.records.map((login) => login.values), 'login', applied.failures);
  }
  for (const [object, records] of input.creates) {
    applied.created.set(object, await insert(input, object, records.map((record) => record.values), 'create', applied.failures));
  }
  applied.edited = await update(input, input.edits, 'edit', applied.failures);
  applied.corrupted = await update(input, input.corruptions, 'corrupt', applied.failures);
  for (const wave of input.deletes) {
    throwIfAborted(input.signal, 'simulate');
    const before = applied.failures.length;
    await deleteWave(input, wave, applied);
    if (applied.failures.length > before) break;
  }
  return applied;
}

async function insert(input: ApplyInput, object: string, rows: Array<Record<string, Value>>, operation: SimulationFailure['operation'], failures: SimulationFailure[]): Promise<string[]> {
  const { connector } = input;
  const description = input.objects.get(object);
  const idField = description?.fields.find((field) => field.name === description.idField);
  // Ids are taken ahead where the system accepts them, as a migration takes them; otherwise the system assigns them.
  const ids = idField && connector.capabilities.acceptsIds ? await connector.newIds(object, rows.length) : undefined;
  const records: WriteRecord[] = rows.map((values, index) => (ids ? { id: ids[index] as string, values } : { values }));
  const written: string[] = [];
  for (const [chunk, results] of await chunked(input, object, records, (slice) => connector.write(object, 'insert', slice))) {
    results.forEach((result, index) => {
      if (result.ok) written.push(result.id);
      else failures.push({ operation, object, id: result.id ?? chunk[index]?.id ?? null, message: describeFailure(result) });
    });
  }
  return written;
}

async function update(input: ApplyInput, changes: PlannedChange[], operation: 'edit' | 'corrupt', failures: SimulationFailure[]): Promise<PlannedChange[]> {
  const done: PlannedChange[] = [];
  const byObject = new Map<string, PlannedChange[]>();
  for (const change of changes) {
    const list = byObject.get(change.object);
    if (list) list.push(change);
    else byObject.set(change.object, [change]);
  }
  for (const [object, list] of byObject) {
    const records = list.map((change) => ({ id: change.id, values: change.values }));
    let offset = 0;
    for (const [chunk, results] of await chunked(input, object, records, (slice) => input.connector.write(object, 'update', slice))) {
      results.forEach((result, index) => {
        const change = list[offset + index] as PlannedChange;
        if (result.ok) done.push(change);
        else failures.push({ operation, object, id: change.id, message: describeFailure(result) });
      });
      offset += chunk.length;
    }
  }
  return done;
}

async function deleteWave(input: ApplyInput, wave: PlannedDelete[], applied: Applied): Promise<void> {
  const byObject = new Map<string, PlannedDelete[]>();
  for (const entry of wave) {
    const { object } = splitKey(entry.key);
    const list = byObject.get(object);
    if (list) list.push(entry);
    else byObject.set(object, [entry]);
  }
  for (const [object, entries] of byObject) {
    const mode = entries[0]?.mode ?? 'hard';
    const ids = entries.map((entry) => splitKey(entry.key).id);
    const results: WriteResult[] = [];
    for (let start = 0; start < ids.length; start += input.connector.capabilities.maxBatchSize) {
      throwIfAborted(input.signal, 'simulate');
      results.push(...(await input.connector.delete(object, ids.slice(start, start + input.connector.capabilities.maxBatchSize), { mode, ...(input.signal ? { signal: input.signal } : {}) })));
    }
    const deleted: string[] = [];
    const stamps: WriteRecord[] = [];
    results.forEach((result, index) => {
      const entry = entries[index] as PlannedDelete;
      const id = ids[index] as string;
      if (!result.ok) {
        applied.failures.push({ operation: 'delete', object, id, message: describeFailure(result) });
        return;
      }
      deleted.push(id);
      if (mode === 'soft' && Object.keys(entry.stamps).length > 0) stamps.push({ id, values: entry.stamps });
    });
    // The connector stamps a soft delete with the real now; the simulated moment replaces it.
    for (const [, stampResults] of await chunked(input, object, stamps, (slice) => input.connector.write(object, 'update', slice))) {
      for (const result of stampResults) if (!result.ok) applied.failures.push({ operation: 'delete', object, id: result.id ?? null, message: describeFailure(result) });
    }
    applied.deleted.set(object, [...(applied.deleted.get(object) ?? []), ...deleted]);
  }
}

async function chunked(input: ApplyInput, object: string, records: WriteRecord[], write: (slice: WriteRecord[]) => Promise<WriteResult[]>): Promise<Array<[WriteRecord[], WriteResult[]]>> {
  const out: Array<[WriteRecord[], WriteResult[]]> = [];
  const size = Math.max(1, input.connector.capabilities.maxBatchSize);
  for (let start = 0; start < records.length; start += size) {
    throwIfAborted(input.signal, `simulate (writing ${object})`);
    const slice = records.slice(start, start + size);
    out.push([slice, await write(slice)]);
  }
  return out;
}

function describeFailure(result: WriteResult): string {
  if (result.ok) return '';
  return `${result.error.code}${result.error.field ? ` (${result.error.field})` : ''}: ${result.error.message}`;
}
