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
 *
 * This file holds the entry point, the probes' settings and thresholds,
 * and the query expectations; synthetic transactions run in
 * `synthetic-transaction.ts`, on helpers from `probe-support.ts`.
 */
import type { Connector, SystemDescription } from '../../connectors/contract.js';
import type { ConditionInput } from '../../core/mapping/mapping-input.js';
import { spanMs, type ProbeConfig } from '../../plan/triggers-schema.js';
import { unknownEvaluation, type CheckContext, type Evaluation } from '../check-types.js';
import { resolveConditionTimes } from '../relative-time.js';
import { compile, objectOf, reasonOf, SAMPLE_IDS, stopper, within, type Outcome, type Stopper } from './probe-support.js';
import { syntheticProbe, type Synthetic } from './synthetic-transaction.js';

export { CLEANUP_LIMIT_MS, PROBE_MARKER } from './synthetic-transaction.js';

/** A problem of the probes' settings, with its plan path (`triggers.probes[1].where`), for `cutover check`. */
export interface ProbeProblem {
  path: string;
  message: string;
}

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

function records(count: number, object?: string): string {
  return object === undefined ? `${count} record${count === 1 ? '' : 's'}` : `${count} ${object} record${count === 1 ? '' : 's'}`;
}

function secondsSince(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}
