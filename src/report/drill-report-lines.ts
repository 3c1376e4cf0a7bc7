/**
 * The drill report's key sentences as plain text, shared by the Markdown
 * and HTML reports so both say the same thing in the same words: the
 * verdict, the time against the RTO, the production estimate, the
 * simulated use, and the labels of statuses.
 */
import type { DrillCheck, DrillPhase, DrillReport, DrillRollbackStep, ProductionEstimate, RtoVerdict } from './drill-report-types.js';
import { exactSeconds, groupedNumber, humanSeconds } from './report-figures.js';

/** "PASSED" or "FAILED". */
export function verdictWord(report: Pick<DrillReport, 'status'>): 'PASSED' | 'FAILED' {
  return report.status === 'passed' ? 'PASSED' : 'FAILED';
}

/**
 * What the verdict rests on: "every phase succeeded and every check passed",
 * or the names of what failed: "rollback: restore-source, restoration". A
 * failed report whose `failed` list is empty says so rather than naming nothing.
 */
export function verdictReason(report: Pick<DrillReport, 'status' | 'failed'>): string {
  if (report.status === 'passed') return 'every phase succeeded and every check passed';
  return report.failed.length > 0 ? report.failed.join(', ') : 'the report names nothing that failed';
}

/** The RTO as written with its seconds: "4h (14 400 s)". */
export function objectiveText(rto: RtoVerdict): string {
  return `${rto.objective} (${exactSeconds(rto.objectiveSeconds)})`;
}

/** "14 395 s to spare" or "600 s over"; empty when there is no margin. */
export function marginText(marginSeconds: number | null): string {
  if (marginSeconds === null) return '';
  return marginSeconds >= 0 ? `${exactSeconds(marginSeconds)} to spare` : `${exactSeconds(-marginSeconds)} over`;
}

/** A duration as exact seconds, with the human form after it when that reads differently: "125 s (2 min 5 s)". */
export function secondsWithHuman(seconds: number): string {
  const exact = exactSeconds(seconds);
  const human = humanSeconds(seconds);
  return human === exact ? exact : `${exact} (${human})`;
}

/** What the rollback's time was, or why there is none: "took 4.82 s", "did not finish (restore-source failed)", "did not run". */
export function rollbackTimeText(rto: RtoVerdict, rollback: DrillReport['rollback']): string {
  if (rto.actualSeconds !== null) return `took ${secondsWithHuman(rto.actualSeconds)}`;
  if (rollback === null) return 'did not run';
  const failed = rollback.steps.find((step) => step.status === 'failed');
  return failed ? `did not finish (${failed.name} failed)` : 'did not finish';
}

/**
 * The RTO line: "rollback took 4.82 s against an RTO of 4h (14 400 s):
 * pass, 14 395 s to spare". Lower case, so it can follow other words.
 */
export function rtoLine(rto: RtoVerdict, rollback: DrillReport['rollback']): string {
  const margin = marginText(rto.marginSeconds);
  return `rollback ${rollbackTimeText(rto, rollback)} against an RTO of ${objectiveText(rto)}: ${rto.verdict}${margin ? `, ${margin}` : ''}`;
}

/** "estimated at 125 s (2 min 5 s) in production against the same RTO: pass, 14 275 s to spare". */
export function estimateLine(estimate: ProductionEstimate): string {
  return `estimated at ${secondsWithHuman(estimate.seconds)} in production against the same RTO: ${estimate.verdict}, ${marginText(estimate.marginSeconds)}`;
}

/** "20 created, 10 edited, 3 deleted, 12 logins over 1 day". */
export function simulatedLine(simulated: DrillReport['simulated']): string {
  const { created, edited, deleted, logins, days } = simulated;
  return `${groupedNumber(created)} created, ${groupedNumber(edited)} edited, ${groupedNumber(deleted)} deleted, ${groupedNumber(logins)} login${logins === 1 ? '' : 's'} over ${groupedNumber(days)} day${days === 1 ? '' : 's'}`;
}

/** A phase's, step's or check's status in words, with a mark that survives black-and-white printing. */
export function statusLabel(status: DrillPhase['status'] | DrillRollbackStep['status'] | DrillCheck['status']): string {
  switch (status) {
    case 'succeeded':
      return '✓ succeeded';
    case 'passed':
      return '✓ passed';
    case 'failed':
      return '✗ failed';
    case 'skipped':
      return '– skipped';
    case 'not_run':
      return '○ not run';
    case 'running':
      return '… running';
  }
}

/** The sentence with its first letter upper case. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
