/**
 * What a drill found, as its reports (JSON, Markdown, HTML) show it: the
 * timeline of the rehearsal, the rollback's steps with their times, the
 * verifications and smoke tests, the time against the plan's RTO, and an
 * estimate for production with its assumptions.
 */

/** How a check ended. */
export type CheckStatus = 'passed' | 'failed';

/** One part of the rehearsal, in order: building the sandboxes, migrating, going live, use, watch, decision, rollback, verification. */
export interface DrillPhase {
  name: string;
  title: string;
  status: 'succeeded' | 'failed' | 'skipped';
  /** When it started, ISO 8601. */
  startedAt: string;
  seconds: number;
  /** What it did, measured, in one line. */
  summary: string;
}

/** One step of the rollback runbook as the drill ran it. */
export interface DrillRollbackStep {
  name: string;
  title: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'not_run' | 'running';
  seconds: number | null;
  summary: string;
  /** Records the step handled, when it counts records (export, restore, reconcile). */
  records?: number;
}

/** A verification or smoke test. */
export interface DrillCheck {
  name: string;
  /** restoration: the source equals its backup; export: every simulated change is in the export with the right source id; users: users back as before; smoke: a probe against the restored source. */
  kind: 'restoration' | 'export' | 'users' | 'smoke';
  status: CheckStatus;
  /** What was found, in words with figures. */
  detail: string;
}

/** One step of the production estimate. */
export interface EstimateStep {
  name: string;
  title: string;
  drillRecords: number;
  drillSeconds: number;
  /** Records per second measured in the drill; null when the step handled no records (its time is taken as is). */
  recordsPerSecond: number | null;
  productionRecords: number;
  seconds: number;
  /** The connector limit that bounds it, when one does (an API's daily request limit). */
  limit?: string;
}

/** The time against the RTO, measured and estimated. */
export interface RtoVerdict {
  /** The plan's rollback.rto as written (4h). */
  objective: string;
  objectiveSeconds: number;
  /** The rollback's measured time in the drill, or null when it did not finish. */
  actualSeconds: number | null;
  verdict: 'pass' | 'fail';
  /** objectiveSeconds - actualSeconds: positive is to spare, negative is over. */
  marginSeconds: number | null;
}

/** The estimate of the same rollback on the production systems. */
export interface ProductionEstimate {
  seconds: number;
  verdict: 'pass' | 'fail';
  marginSeconds: number;
  steps: EstimateStep[];
  /** What the estimate assumes, in sentences. */
  assumptions: string[];
}

/** The whole report. */
export interface DrillReport {
  id: string;
  mode: 'immediate' | 'delayed';
  project: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  /** passed when every phase succeeded and every check passed. */
  status: 'passed' | 'failed';
  /** The names of the checks and phases that failed. */
  failed: string[];
  sandboxes: { source: { name: string; stands_in_for: string; url: string }; target: { name: string; stands_in_for: string; url: string } };
  /** What the simulated use after go-live did (its ground truth). */
  simulated: { created: number; edited: number; deleted: number; logins: number; days: number };
  phases: DrillPhase[];
  rollback: { runId: string; status: 'succeeded' | 'failed'; seconds: number | null; steps: DrillRollbackStep[] } | null;
  checks: DrillCheck[];
  rto: RtoVerdict;
  estimate: ProductionEstimate | null;
  /** Where the reports are. */
  files: { json: string; markdown: string; html: string };
}
