/**
 * Workflow probes: "core business workflows are non-functional", measured.
 * A probe is either a query expectation (count the records a condition
 * matches, e.g. leads older than 30 minutes without an owner) or a
 * synthetic transaction (create a marked test record, wait for the
 * system's automation to do its part, check, and always clean up).
 *
 * Every probe gives exactly one evaluation. A probe that cannot be
 * measured (its system is down, its object or field does not exist, it ran
 * past its timeout, the watch was stopped) is `unknown` with the reason,
 * never `ok`, and nothing a probe does throws out of {@link workflowChecks}.
 */
import { randomBytes } from 'node:crypto';
import type { Connector, CrmRecord, FieldDescription, ObjectDescription, SystemDescription, WriteResult } from '../../connectors/contract.js';
import { causeChain, isCutoverError } from '../../core/errors.js';
import { compileCondition, type RecordPredicate } from '../../core/mapping/condition.js';
import type { ConditionInput } from '../../core/mapping/mapping-input.js';
import type { MappingProblem } from '../../core/mapping/mapping-types.js';
import type { Value } from '../../core/values.js';
import { spanMs, type ProbeConfig } from '../../plan/triggers-schema.js';
import { unknownEvaluation, type CheckContext, type CheckStatus, type Evaluation } from '../check-types.js';
import { resolveConditionTimes, resolveRelativeValue } from '../relative-time.js';

/** A problem of the probes' settings, with its plan path (`triggers.probes[1].where`), for `cutover check`. */
export interface ProbeProblem {
  path: string;
  message: string;
}

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

/** Most sample ids a query expectation keeps as evidence. */
const SAMPLE_IDS = 10;

/**
 * Problems of the probes' settings that the schema cannot see: each probe
 * needs `where` (a query expectation) or `synthetic` (a synthetic
 * transaction), not both and not neither; names are unique; the keys of
 * each kind fit together. Pure; reports every problem at once.
 */
export function probeProblems(probes: ProbeConfig[]): ProbeProblem[] {
  const problems: ProbeProblem[] = [];
  const names = new Map<string, number>();
  probes.forEach((probe, index) => {
    const at = `triggers.probes[${index}]`;
    const first = names.get(probe.name);
    if (first !== undefined) problems.push({ path: `${at}.name`, message: `triggers.probes[${first}] is already named "${probe.name}"; probe names must be unique` });
    else names.set(probe.name, index);
    if (probe.where && probe.synthetic) {
      problems.push({ path: `${at}.synthetic`, message: 'where (a query expectation) and synthetic (a synthetic transaction) exclude each other; give one per probe' });
    } else if (!probe.where && !probe.synthetic) {
      problems.push({ path: at, message: 'give where (a query expectation: which records count) or synthetic (a synthetic transaction: a test record the automation must act on)' });
    }
    if (probe.expect) {
      if (!probe.where && probe.synthetic) {
        problems.push({ path: `${at}.expect`, message: 'expect counts the records of a query expectation (where); a synthetic transaction says what it expects in synthetic.expect' });
      }
      const { min, max } = probe.expect;
      if (min !== undefined && max !== undefined && min > max) problems.push({ path: `${at}.expect.min`, message: `min (${min}) is more than max (${max}), so the probe would always fire` });
    }
    if (probe.synthetic) problems.push(...syntheticProblems(probe, probe.synthetic, `${at}.synthetic`));
  });
  return problems;
}

function syntheticProblems(probe: ProbeConfig, synthetic: Synthetic, at: string): ProbeProblem[] {
  const problems: ProbeProblem[] = [];
  const expect = synthetic.expect;
  if (expect.field === undefined && expect.related === undefined) {
    problems.push({ path: `${at}.expect`, message: 'say what the automation must do: field (with notNull or equals), related, or both' });
  }
  if (expect.field === undefined && (expect.notNull !== undefined || expect.equals !== undefined)) {
    problems.push({ path: `${at}.expect.field`, message: 'notNull and equals need the field they are about' });
  }
  if (expect.notNull !== undefined && expect.equals !== undefined) problems.push({ path: `${at}.expect.equals`, message: 'notNull and equals exclude each other; give one' });
  if (expect.field !== undefined && Object.hasOwn(synthetic.values, expect.field)) {
    const given = synthetic.values[expect.field];
    const alreadyMet = expect.equals !== undefined ? given === expect.equals : expect.notNull === false ? given === null : given !== null;
    if (alreadyMet) {
      problems.push({
        path: `${at}.values.${expect.field}`,
        message: `the test record is created with ${expect.field} already as expected, so the probe could not tell whether the automation acted; leave it out of values`,
      });
    }
  }
  if (spanMs(synthetic.wait) >= spanMs(probe.timeout)) {
    problems.push({
      path: `${at}.wait`,
      message: `the automation's wait (${synthetic.wait}) must be shorter than the probe's timeout (${probe.timeout}), which also covers creating the test record`,
    });
  }
  return problems;
}

/**
 * Runs every probe, each bounded by its `timeout` and by `context.signal`:
 * one evaluation per probe, named `workflow.<name>`, in the order of
 * `probes`. Query expectations run first, side by side, then the synthetic
 * transactions, side by side, so that no query counts a test record.
 * Systems are opened through `context.system` and described once per
 * system name, and left open (the watch closes them). A probe with a
 * problem from {@link probeProblems} is `unknown` with that problem.
 */
export async function workflowChecks(probes: ProbeConfig[], context: CheckContext): Promise<Evaluation[]> {
  const problems = probeProblems(probes);
  const systems = new Map<string, Promise<Connector>>();
  const descriptions = new Map<Connector, Promise<SystemDescription>>();
  const shared: Shared = {
    system: (name) => {
      let connector = systems.get(name);
      if (!connector) {
        connector = Promise.resolve().then(() => context.system(name));
        systems.set(name, connector);
      }
      return connector;
    },
    // Shared by the probes of a system, so not cut off by one probe's signal; each probe waits for it within its own.
    describe: (connector) => {
      let description = descriptions.get(connector);
      if (!description) {
        description = connector.describe();
        descriptions.set(connector, description);
      }
      return description;
    },
  };
  const run = (probe: ProbeConfig, index: number): Promise<Evaluation> => {
    const own = problems.filter((problem) => problem.path === `triggers.probes[${index}]` || problem.path.startsWith(`triggers.probes[${index}].`));
    return runProbe(probe, own, context, shared);
  };
  const evaluations: Evaluation[] = new Array(probes.length);
  const queries = probes.flatMap((probe, index) => (probe.synthetic ? [] : [index]));
  const transactions = probes.flatMap((probe, index) => (probe.synthetic ? [index] : []));
  for (const phase of [queries, transactions]) {
    await Promise.all(
      phase.map(async (index) => {
        evaluations[index] = await run(probes[index] as ProbeConfig, index);
      }),
    );
  }
  return evaluations;
}

/** What the probes of one evaluation share: each system opened and described once. */
interface Shared {
  system(name: string): Promise<Connector>;
  describe(connector: Connector): Promise<SystemDescription>;
}

type Synthetic = NonNullable<ProbeConfig['synthetic']>;

/** What a probe measured, before the evaluation's name, timing and threshold are added. */
interface Outcome {
  status: CheckStatus;
  measured: string | null;
  reason?: string;
  evidence: Record<string, unknown>;
}

async function runProbe(probe: ProbeConfig, problems: ProbeProblem[], context: CheckContext, shared: Shared): Promise<Evaluation> {
  const started = { at: context.now.toISOString(), t0: performance.now() };
  const base = { check: `workflow.${probe.name}`, kind: 'workflow' as const, severity: probe.severity, threshold: thresholdOf(probe) };
  if (problems.length > 0) return unknownEvaluation(base, started, new Error(problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')));
  let stop: Stopper | undefined;
  try {
    stop = stopper(spanMs(probe.timeout), context.signal);
    const signal = stop.signal;
    const connector = await within(shared.system(probe.system), signal);
    const description = await within(shared.describe(connector), signal);
    const outcome = probe.synthetic
      ? await syntheticProbe(probe, probe.synthetic, connector, description, context.now, signal)
      : await within(queryProbe(probe, probe.where as ConditionInput, connector, description, context.now, signal), signal);
    return { ...base, ...outcome, at: started.at, seconds: secondsSince(started.t0) };
  } catch (error) {
    return unknownEvaluation(base, started, new Error(reasonOf(error)));
  } finally {
    stop?.dispose();
  }
}

function thresholdOf(probe: ProbeConfig): string {
  if (probe.synthetic) {
    const { expect, wait } = probe.synthetic;
    const parts: string[] = [];
    if (expect.field !== undefined) {
      parts.push(expect.equals !== undefined ? `${expect.field} = ${JSON.stringify(expect.equals)}` : expect.notNull === false ? `${expect.field} empty` : `${expect.field} set`);
    }
    if (expect.related) parts.push(`at least ${records(expect.related.min, expect.related.object)} pointing at it (${expect.related.object}.${expect.related.field})`);
    return `${parts.join(' and ') || 'the automation acts'} within ${wait}`;
  }
  const { min, max } = bounds(probe);
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${records(min)}` : `between ${min} and ${records(max)}`;
  return max !== undefined ? `at most ${records(max)}` : `at least ${records(min ?? 0)}`;
}

/** The query expectation's bounds: as written, or at most 0 when neither is given. */
function bounds(probe: ProbeConfig): { min?: number; max?: number } {
  const min = probe.expect?.min;
  const max = probe.expect?.max ?? (min === undefined ? 0 : undefined);
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

async function queryProbe(probe: ProbeConfig, where: ConditionInput, connector: Connector, description: SystemDescription, now: Date, signal: AbortSignal): Promise<Outcome> {
  const object = objectOf(description, probe.object, probe.system);
  const condition = resolveConditionTimes(where, (name) => object.fields.find((field) => field.name === name)?.type, now);
  const reads = new Set<string>();
  const { predicate, warnings } = compile(condition, object, reads);
  let count = 0;
  const sampleIds: string[] = [];
  for await (const batch of connector.read(object.name, { fields: [...reads], includeDeleted: false, signal })) {
    if (signal.aborted) throw signal.reason;
    for (const record of batch.records) {
      if (record.deleted || !predicate(record)) continue;
      count += 1;
      if (sampleIds.length < SAMPLE_IDS) sampleIds.push(record.id);
    }
  }
  const { min, max } = bounds(probe);
  const evidence: Record<string, unknown> = { system: probe.system, object: object.name, count, sampleIds, condition, ...(warnings.length > 0 ? { warnings } : {}) };
  const matching = `${records(count)} ${count === 1 ? 'matches' : 'match'}`;
  let reason: string | undefined;
  if (max !== undefined && count > max) reason = `${matching}; at most ${max} expected`;
  else if (min !== undefined && count < min) reason = `${matching}; at least ${min} expected`;
  return { status: reason ? 'fired' : 'ok', measured: records(count), ...(reason ? { reason } : {}), evidence };
}

/** A condition compiled against the described object; problems make the probe unknown, warnings go to the evidence. */
function compile(condition: ConditionInput, object: ObjectDescription, reads: Set<string>): { predicate: RecordPredicate; warnings: string[] } {
  const problems: MappingProblem[] = [];
  const predicate = compileCondition(condition, object, [], problems, reads);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((problem) => (problem.hint ? `${problem.message} (${problem.hint})` : problem.message)).join('; '));
  return { predicate, warnings: problems.map((problem) => problem.message) };
}

function objectOf(description: SystemDescription, name: string, system: string): ObjectDescription {
  const object = description.objects.find((candidate) => candidate.name === name);
  if (!object) throw new Error(`${system} has no object "${name}"; its objects: ${listed(description.objects.map((candidate) => candidate.name))}`);
  if (object.unsupported) throw new Error(`${name} in ${system} cannot be used: ${object.unsupported}`);
  return object;
}

function fieldOf(object: ObjectDescription, name: string): FieldDescription {
  const field = object.fields.find((candidate) => candidate.name === name);
  if (!field) throw new Error(`${object.name} has no field "${name}"; its fields: ${listed(object.fields.map((candidate) => candidate.name))}`);
  return field;
}

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

async function syntheticProbe(probe: ProbeConfig, synthetic: Synthetic, connector: Connector, description: SystemDescription, now: Date, signal: AbortSignal): Promise<Outcome> {
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

/** An abort signal that fires after `limitMs` or with `outer`, with a reason saying which. */
interface Stopper {
  signal: AbortSignal;
  dispose(): void;
}

function stopper(limitMs: number, outer: AbortSignal | undefined, what = 'the probe'): Stopper {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what === 'the probe' ? 'did not finish' : `${what} did not finish`} within ${seconds(limitMs)}`)), limitMs);
  const onAbort = (): void => controller.abort(new Error(`${what} was interrupted: the watch was stopped`));
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Settles with `promise`, or rejects with the signal's reason when it aborts first (the promise runs on; its outcome is then ignored). */
function within<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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

/** An error as one line: its message, what caused it, and the hints it carries. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const causes = causeChain(error).filter((cause) => !message.includes(cause));
  const hints = isCutoverError(error) ? error.hints : [];
  return [message, ...causes.map((cause) => `caused by: ${cause}`), ...hints.map((hint) => `hint: ${hint}`)].join('; ');
}

function records(count: number, object?: string): string {
  return object === undefined ? `${count} record${count === 1 ? '' : 's'}` : `${count} ${object} record${count === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function secondsSince(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}

function listed(names: string[], most = 30): string {
  if (names.length === 0) return '(none)';
  return names.length <= most ? names.join(', ') : `${names.slice(0, most).join(', ')} and ${names.length - most} more`;
}
