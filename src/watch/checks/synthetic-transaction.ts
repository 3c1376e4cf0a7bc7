/**
 * Synthetic transactions, the workflow probes that act: create a test
 * record marked as cutover's own ({@link PROBE_MARKER}), watch until the
 * system's automation has done its part or the wait has passed, and always
 * clean up, also after a failed write, a timeout or a stopped watch. What
 * cleanup could not remove is reported as left behind, never dropped.
 */
import { randomBytes } from 'node:crypto';
import type { Connector, CrmRecord, FieldDescription, ObjectDescription, SystemDescription, WriteResult } from '../../connectors/contract.js';
import type { RecordPredicate } from '../../core/mapping/condition.js';
import type { ConditionInput } from '../../core/mapping/mapping-input.js';
import type { Value } from '../../core/values.js';
import { spanMs, type ProbeConfig } from '../../plan/triggers-schema.js';
import { resolveRelativeValue } from '../relative-time.js';
import { compile, fieldOf, objectOf, reasonOf, SAMPLE_IDS, stopper, within, type Outcome } from './probe-support.js';

/**
 * How cutover marks a synthetic test record as its own: the first text
 * field the probe's `values` give gets ` [cutover probe <token>]` appended
 * (the value is shortened when the field's length needs it); when `values`
 * give no text, the first free text field of the object gets
 * `[cutover probe <token>]` alone. The token is ten hex digits, new for
 * every run, so that a record left behind can be found and told apart.
 */
export const PROBE_MARKER = /\[cutover probe ([0-9a-f]{10})\]$/;

/** How long cleaning up after a synthetic transaction may take on top of the probe's timeout. */
export const CLEANUP_LIMIT_MS = 30_000;

/** A probe's synthetic transaction, as the plan gives it. */
export type Synthetic = NonNullable<ProbeConfig['synthetic']>;

/** A synthetic transaction ready to run: everything that can be wrong with it is found before the test record is created. */
interface Prepared {
  object: ObjectDescription;
  values: Record<string, Value>;
  marker: { field: string; text: string };
  /** The test record's own field the automation sets. */
  expectation?: { field: string; predicate: RecordPredicate };
  related?: { object: string; field: string; min: number };
  /** The id is taken from `newIds` (the system would not assign one). */
  needsId: boolean;
}

function prepare(probe: ProbeConfig, synthetic: Synthetic, description: SystemDescription, connector: Connector, now: Date, token: string): Prepared {
  const object = objectOf(description, probe.object, probe.system);
  const values: Record<string, Value> = {};
  for (const [name, value] of Object.entries(synthetic.values)) values[name] = resolveRelativeValue(value, fieldOf(object, name).type, now);
  const { expect } = synthetic;
  let expectation: Prepared['expectation'];
  if (expect.field !== undefined) {
    fieldOf(object, expect.field);
    const condition: ConditionInput = expect.equals !== undefined ? { field: expect.field, equals: expect.equals } : { field: expect.field, isNull: expect.notNull === false };
    expectation = { field: expect.field, predicate: compile(condition, object, new Set()).predicate };
  }
  let related: Prepared['related'];
  if (expect.related) {
    fieldOf(objectOf(description, expect.related.object, probe.system), expect.related.field);
    related = { object: expect.related.object, field: expect.related.field, min: expect.related.min };
  }
  if (!connector.capabilities.deletes.includes('hard')) {
    throw new Error(`${probe.system} cannot delete records for good, so cutover does not create a test record it could not remove`);
  }
  const idField = object.fields.find((field) => field.name === object.idField);
  const needsId =
    !Object.hasOwn(values, object.idField) && (!connector.capabilities.assignsIds || !idField || !(idField.autoAssigned || idField.defaultValue !== undefined));
  if (needsId && !connector.capabilities.acceptsIds) throw new Error(`${object.name} in ${probe.system} needs an id for a new record, and its connector cannot give one`);
  const marker = mark(object, values, token, new Set([object.idField, ...(expect.field === undefined ? [] : [expect.field])]));
  values[marker.field] = marker.text;
  return { object, values, marker, needsId, ...(expectation ? { expectation } : {}), ...(related ? { related } : {}) };
}

/** Chooses the field that carries the marker and its text (see {@link PROBE_MARKER}). */
function mark(object: ObjectDescription, values: Record<string, Value>, token: string, taken: Set<string>): { field: string; text: string } {
  const free = object.fields.filter(
    (field) =>
      (field.type === 'string' || field.type === 'text') &&
      !taken.has(field.name) &&
      !field.autoAssigned &&
      !field.primaryKey &&
      field.references === undefined &&
      !field.picklistValues?.length &&
      field.role === undefined,
  );
  const tag = `[cutover probe ${token}]`;
  const fits = (field: FieldDescription, length: number): boolean => field.length === undefined || length <= field.length;
  for (const name of Object.keys(values)) {
    const field = free.find((candidate) => candidate.name === name);
    const value = values[name];
    if (!field || typeof value !== 'string' || !fits(field, tag.length + 1)) continue;
    const room = field.length === undefined ? value.length : Math.min(value.length, field.length - tag.length - 1);
    const kept = value.slice(0, room).trimEnd();
    return { field: name, text: kept ? `${kept} ${tag}` : tag };
  }
  const field = free.find((candidate) => !Object.hasOwn(values, candidate.name) && fits(candidate, tag.length));
  if (field) return { field: field.name, text: tag };
  throw new Error(`${object.name} has no text field that can carry cutover's marker ${tag}, so a test record could not be recognised; give one in synthetic.values`);
}

/** What the poll saw of the automation's work. */
interface Observation {
  testRecordFound: boolean;
  field?: { name: string; value: Value; ok: boolean };
  related?: { count: number; ids: string[]; ok: boolean };
}

/** The test record being created: the pending write and the id it is written with, when cutover chose it. */
interface Creation {
  writing?: Promise<WriteResult[]>;
  id?: string;
}

/** What polling has seen so far; read when the probe decides, also when its time ran out. */
interface Progress {
  polls: number;
  observed?: Observation;
  /** Seconds from the test record's creation until the expectation held; null when it did not. */
  actedAfterSeconds?: number | null;
}

/**
 * Runs one synthetic transaction within `signal` (the probe's timeout and
 * the watch's stop), then cleans up within {@link CLEANUP_LIMIT_MS}: the
 * outcome is `ok` when the automation did its part in time and nothing was
 * left behind, `fired` when it did not, `unknown` when it could not be told.
 */
export async function syntheticProbe(probe: ProbeConfig, synthetic: Synthetic, connector: Connector, description: SystemDescription, now: Date, signal: AbortSignal): Promise<Outcome> {
  const token = randomBytes(5).toString('hex');
  const prepared = prepare(probe, synthetic, description, connector, now, token);
  const { object } = prepared;
  const creation: Creation = {};
  let testId: string | null = null;
  const progress: Progress = { polls: 0 };
  let result: Omit<Outcome, 'evidence'>;
  try {
    if (prepared.needsId) creation.id = (await within(connector.newIds(object.name, 1), signal))[0];
    const record = { ...(creation.id === undefined ? {} : { id: creation.id }), values: prepared.values };
    // Not given the probe's signal: a write cut off half way would leave cutover unsure whether the record exists.
    creation.writing = connector.write(object.name, 'insert', [record]);
    const [written] = await within(creation.writing, signal).catch((error: unknown) => {
      throw signal.aborted ? error : new Error(`could not create the test record in ${object.name}: ${reasonOf(error)}`);
    });
    if (!written?.ok) {
      const error = written?.error;
      result = { status: 'unknown', measured: null, reason: `could not create the test record in ${object.name}: ${error ? `${error.message}${error.field ? ` (${error.field})` : ''}` : 'no result'}` };
    } else {
      testId = written.id;
      result = await within(poll(prepared, connector, testId, synthetic.wait, progress, signal), signal);
    }
  } catch (error) {
    result = { status: 'unknown', measured: null, reason: reasonOf(error) };
  }
  // A snapshot: a poll cut off by the timeout may still be finishing in the background.
  const seen = structuredClone(progress);
  const cleanup = await cleanUp(connector, prepared, creation, token);
  const evidence: Record<string, unknown> = {
    system: probe.system,
    object: object.name,
    testRecord: { id: testId ?? creation.id ?? null, marker: prepared.marker },
    values: prepared.values,
    ...(seen.observed ? { observed: seen.observed } : {}),
    polls: seen.polls,
    actedAfterSeconds: seen.actedAfterSeconds ?? null,
    cleanup,
  };
  if (cleanup.leftBehind.length === 0) return { ...result, evidence };
  const left = cleanup.leftBehind.map((item) => `${item.object} ${item.id ?? `(id unknown, marked ${prepared.marker.text})`}: ${item.error}`).join('; ');
  const note = `cleanup failed, left behind: ${left}`;
  return {
    ...result,
    status: result.status === 'ok' ? 'unknown' : result.status,
    reason: result.reason ? `${result.reason}; ${note}` : `the automation did its part, but ${note}`,
    evidence,
  };
}

/** Watches the test record until the expectation holds or the wait has passed. */
async function poll(prepared: Prepared, connector: Connector, testId: string, wait: string, progress: Progress, signal: AbortSignal): Promise<Omit<Outcome, 'evidence'>> {
  const waitMs = spanMs(wait);
  const created = performance.now();
  const deadline = created + waitMs;
  const interval = Math.min(1000, waitMs / 10);
  for (;;) {
    const t0 = performance.now();
    const observation = await observe(prepared, connector, testId, signal);
    const observed = performance.now();
    if (signal.aborted) throw signal.reason;
    progress.polls += 1;
    progress.observed = observation;
    if ((observation.field?.ok ?? true) && (observation.related?.ok ?? true)) {
      const after = Math.round(observed - created) / 1000;
      progress.actedAfterSeconds = after;
      return { status: 'ok', measured: `done in ${after} s` };
    }
    const remaining = deadline - observed;
    if (remaining <= 0) break;
    // A slow system is not polled faster than it answers.
    await sleep(Math.min(Math.max(interval, observed - t0), remaining), signal);
  }
  progress.actedAfterSeconds = null;
  return { status: 'fired', measured: `not done in ${wait}`, reason: `after ${wait}: ${missing(prepared, progress.observed as Observation)}` };
}

async function observe(prepared: Prepared, connector: Connector, testId: string, signal: AbortSignal): Promise<Observation> {
  const observation: Observation = { testRecordFound: false };
  const [record] = await connector.get(prepared.object.name, [testId], { signal });
  observation.testRecordFound = record !== undefined && !record.deleted;
  if (prepared.expectation) {
    const { field, predicate } = prepared.expectation;
    const value = record?.values[field] ?? null;
    observation.field = { name: field, value: value instanceof Uint8Array ? `${value.length} bytes` : value, ok: observation.testRecordFound && predicate(record as CrmRecord) };
  }
  if (prepared.related) {
    const { min } = prepared.related;
    const found = await pointingAt(connector, prepared.related, testId, signal, min);
    const ids = found.filter((item) => !item.deleted).map((item) => item.id);
    observation.related = { count: ids.length, ids: ids.slice(0, SAMPLE_IDS), ok: ids.length >= min };
  }
  return observation;
}

/** What the automation did not do, for the reason of a fired probe. */
function missing(prepared: Prepared, observation: Observation): string {
  const parts: string[] = [];
  const field = observation.field;
  if (field && !field.ok) {
    const expect = prepared.expectation as NonNullable<Prepared['expectation']>;
    if (!observation.testRecordFound) parts.push(`the test record is gone, so ${expect.field} cannot be checked`);
    else if (field.value === null) parts.push(`${field.name} is still empty`);
    else parts.push(`${field.name} is ${JSON.stringify(field.value)}, not as expected`);
  }
  const related = observation.related;
  if (related && !related.ok) {
    const { object, field: pointer, min } = prepared.related as NonNullable<Prepared['related']>;
    parts.push(related.count === 0 ? `no ${object} record points at it (${object}.${pointer})` : `only ${related.count} of at least ${min} ${object} records point at it (${object}.${pointer})`);
  }
  return parts.join('; ');
}

/**
 * Records of `related.object` whose `related.field` holds `id`, soft-deleted
 * ones included and flagged. Reads that one field of the whole object,
 * batch by batch; stops early once `enough` live records are found.
 */
async function pointingAt(connector: Connector, related: NonNullable<Prepared['related']>, id: string, signal: AbortSignal, enough = Infinity): Promise<Array<{ id: string; deleted: boolean }>> {
  const found: Array<{ id: string; deleted: boolean }> = [];
  let live = 0;
  for await (const batch of connector.read(related.object, { fields: [related.field], includeDeleted: true, signal })) {
    if (signal.aborted) throw signal.reason;
    for (const record of batch.records) {
      const value = record.values[related.field];
      if (value === null || value === undefined || value instanceof Uint8Array || String(value) !== id) continue;
      found.push({ id: record.id, deleted: record.deleted });
      if (!record.deleted) live += 1;
    }
    if (live >= enough) break;
  }
  return found;
}

/** Records of the object whose marker field ends with this run's marker (when the test record's id is not known). */
async function marked(connector: Connector, prepared: Prepared, token: string, signal: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  const tag = `[cutover probe ${token}]`;
  for await (const batch of connector.read(prepared.object.name, { fields: [prepared.marker.field], includeDeleted: true, signal })) {
    if (signal.aborted) throw signal.reason;
    for (const record of batch.records) {
      const value = record.values[prepared.marker.field];
      if (typeof value === 'string' && value.endsWith(tag)) ids.push(record.id);
    }
  }
  return ids;
}

/** What cleaning up after a synthetic transaction did and did not do. */
interface Cleanup {
  /** Every test and related record is gone. */
  ok: boolean;
  deleted: Array<{ object: string; id: string }>;
  leftBehind: Array<{ object: string; id: string | null; error: string }>;
  /** The test record's id was not known (its write failed or did not finish), so it was looked for by its marker. */
  searchedByMarker?: boolean;
  /** Why the write of the test record failed, when it threw. */
  writeError?: string;
}

/**
 * Deletes, for good, the records the automation created pointing at the
 * test record and then the test record, whatever happened before: also
 * after a failed write, a fired probe, a timeout or a stopped watch.
 * Bounded by {@link CLEANUP_LIMIT_MS}; whatever is not confirmed gone is
 * listed as left behind, never dropped.
 */
async function cleanUp(connector: Connector, prepared: Prepared, creation: Creation, token: string): Promise<Cleanup> {
  const report: Cleanup = { ok: false, deleted: [], leftBehind: [] };
  if (!creation.writing) {
    report.ok = true;
    return report;
  }
  const object = prepared.object.name;
  // What is not yet known to be gone, so that a cleanup cut off still says what it left.
  const pending = new Map<string, { object: string; id: string | null }>([[`${object}:?`, { object, id: creation.id ?? null }]]);
  const stop = stopper(CLEANUP_LIMIT_MS, undefined, 'cleanup');
  const signal = stop.signal;
  const leave = (item: { object: string; id: string | null }, error: string): void => {
    report.leftBehind.push({ ...item, error });
  };
  try {
    await within(
      (async () => {
        let testIds: string[];
        let written: WriteResult | undefined;
        let writeError: unknown;
        try {
          [written] = await creation.writing!;
        } catch (error) {
          writeError = error;
        }
        if (written?.ok) testIds = [written.id];
        else if (written) testIds = [];
        else if (creation.id !== undefined) testIds = [creation.id];
        else {
          report.searchedByMarker = true;
          // The write failed or never said: it may still have created the record. Its marker finds it.
          testIds = await marked(connector, prepared, token, signal);
          if (writeError !== undefined) report.writeError = reasonOf(writeError);
        }
        pending.delete(`${object}:?`);
        for (const id of testIds) pending.set(`${object}:${id}`, { object, id });
        for (const id of testIds) {
          if (prepared.related) {
            const related = prepared.related.object;
            const found = await pointingAt(connector, prepared.related, id, signal);
            for (const item of found) pending.set(`${related}:${item.id}`, { object: related, id: item.id });
            await deleteAll(connector, related, found.map((item) => item.id), signal, report, pending);
          }
        }
        await deleteAll(connector, object, testIds, signal, report, pending);
        if (testIds.length > 0) {
          for (const still of await connector.get(object, testIds, { signal })) {
            const at = report.deleted.findIndex((item) => item.object === object && item.id === still.id);
            if (at >= 0) {
              report.deleted.splice(at, 1);
              leave({ object, id: still.id }, 'still there after it was deleted');
            }
          }
        }
      })(),
      signal,
    );
  } catch (error) {
    const reason = reasonOf(error);
    for (const item of pending.values()) leave(item, item.id === null ? `the test record may exist: ${reason}` : reason);
    pending.clear();
  } finally {
    stop.dispose();
  }
  for (const item of pending.values()) leave(item, 'not deleted');
  report.ok = report.leftBehind.length === 0;
  return report;
}

/** Hard-deletes records, noting each one deleted or left behind; one that is already gone is neither. */
async function deleteAll(connector: Connector, object: string, ids: string[], signal: AbortSignal, report: Cleanup, pending: Map<string, unknown>): Promise<void> {
  const size = Math.max(1, connector.capabilities.maxBatchSize);
  for (let start = 0; start < ids.length; start += size) {
    const slice = ids.slice(start, start + size);
    const results = await connector.delete(object, slice, { mode: 'hard', signal });
    slice.forEach((id, i) => {
      const result = results[i];
      if (result?.ok) report.deleted.push({ object, id });
      else if (result?.error.code === 'not_found') {
        // Already gone (the write that failed did not create it, or the automation removed it): nothing left.
      } else {
        report.leftBehind.push({ object, id, error: result ? result.error.message : 'no result from the delete' });
      }
      pending.delete(`${object}:${id}`);
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
