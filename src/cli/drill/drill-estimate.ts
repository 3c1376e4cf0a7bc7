/**
 * The drill's time against the plan's RTO, and an estimate of the same
 * rollback in production: each step's throughput measured in the drill
 * (records per second) applied to the production source's record count,
 * steps that count no records taken at their drill time, with what the
 * estimate assumes said in words.
 */
import { durationSeconds } from '../../notify/index.js';
import { connectorKindOf } from '../../plan/system-url.js';
import type { DrillReport, EstimateStep, ProductionEstimate, RtoVerdict } from '../../report/drill-report-types.js';
import type { DrillOptions } from './run-drill.js';

/** Connectors whose systems take requests without a published limit. */
const UNLIMITED = new Set(['sqlite', 'postgres', 'mysql']);

/** The measured rollback time against the RTO: pass when it fits. */
export function rtoVerdict(rto: string, actualSeconds: number | null): RtoVerdict {
  const objectiveSeconds = durationSeconds(rto);
  return {
    objective: rto,
    objectiveSeconds,
    actualSeconds,
    verdict: actualSeconds !== null && actualSeconds <= objectiveSeconds ? 'pass' : 'fail',
    marginSeconds: actualSeconds === null ? null : Math.round((objectiveSeconds - actualSeconds) * 1000) / 1000,
  };
}

/** Scales the drill's steps to the production source's size. */
export function productionEstimate(options: Pick<DrillOptions, 'loaded' | 'plan'>, rollback: NonNullable<DrillReport['rollback']>, productionRecords: number, objectiveSeconds: number): ProductionEstimate {
  const restore = rollback.steps.find((step) => step.name === 'restore-source');
  const drillRecords = restore?.records ?? 0;
  const ratio = drillRecords > 0 && productionRecords > 0 ? productionRecords / drillRecords : 1;
  const steps: EstimateStep[] = rollback.steps.map((step) => {
    const seconds = step.seconds ?? 0;
    const records = step.records ?? 0;
    const perSecond = records > 0 && seconds > 0 ? records / seconds : null;
    const scaled = Math.round(records * ratio);
    return {
      name: step.name,
      title: step.title,
      drillRecords: records,
      drillSeconds: seconds,
      recordsPerSecond: perSecond === null ? null : Math.round(perSecond),
      productionRecords: scaled,
      seconds: Math.round((perSecond === null ? seconds : scaled / perSecond) * 1000) / 1000,
    };
  });
  const total = Math.round(steps.reduce((sum, step) => sum + step.seconds, 0) * 1000) / 1000;
  const systems = options.loaded.plan.systems;
  const kinds = [options.plan.source.name, options.plan.target.name].map((name) => `${name} (${kindOf(systems[name]?.url)})`);
  const sandboxKinds = [options.plan.source, options.plan.target].map((system) => kindOf(system.url));
  const assumptions = [
    ratio === 1
      ? `The sandboxes hold as many records as production: the source sandbox was restored from its latest verified backup (${productionRecords} records), so the drill's counts are production's.`
      : `Production's source holds ${productionRecords} records, ${ratio.toFixed(2)} times the drill's ${drillRecords}; steps that handle records are scaled by that, at the throughput the drill measured.`,
    'As much was entered in the new CRM after go-live as the drill simulated; the export and reconciliation scale with that, not with the whole CRM.',
    `Production runs on ${kinds.join(' and ')}; the drill ran on ${sandboxKinds.join(' and ')} sandboxes, on this machine. A slower network or database makes each step slower by as much.`,
    [options.plan.source.name, options.plan.target.name].every((name) => UNLIMITED.has(kindOf(systems[name]?.url)))
      ? 'Their connectors have no request limit, so no API quota bounds the restore.'
      : 'A connector with a request limit bounds the restore by its quota; the estimate does not include waiting for it.',
    'In a drill the messages only go to its outbox; in production the last step also waits for email and chat, at most the delivery retries times their timeout.',
  ];
  return { seconds: total, verdict: total <= objectiveSeconds ? 'pass' : 'fail', marginSeconds: Math.round((objectiveSeconds - total) * 1000) / 1000, steps, assumptions };
}

function kindOf(url: string | undefined): string {
  if (!url) return 'unknown';
  try {
    return connectorKindOf(url);
  } catch {
    return 'unknown';
  }
}
