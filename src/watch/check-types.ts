/**
 * What a rollback trigger check is and what it reports. Each kind of check
 * (data loss, workflow probes, integrations, adoption, security) is a
 * function from a {@link CheckContext} to {@link Evaluation}s; the watch runs
 * them all, stores the evaluations with their evidence and recommends.
 */
import type { Connector } from '../connectors/contract.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { GoLive, StateStore } from '../state/index.js';

/** How bad a fired trigger is: `critical` recommends a rollback, `warning` asks people to look. */
export type Severity = 'critical' | 'warning';

/**
 * The outcome of one check: `ok` (healthy), `fired` (its threshold is
 * crossed), `unknown` (it could not be measured: system down, query invalid,
 * timeout; never counted as healthy).
 */
export type CheckStatus = 'ok' | 'fired' | 'unknown';

/** One check's result at one moment. */
export interface Evaluation {
  /** The check's name, unique in the plan: `<kind>.<name>`, e.g. `integration.billing-api`. */
  check: string;
  /** The kind of criterion: `data-loss`, `workflow`, `integration`, `adoption`, `security`. */
  kind: CheckKind;
  severity: Severity;
  status: CheckStatus;
  /** What was measured, for people: `3.2%`, `412 ms`, `17 records`. */
  measured: string | null;
  /** The threshold it is compared with, for people: `> 1%`, `< 2000 ms`. */
  threshold: string;
  /** Why it is unknown, or a one-line explanation of a fired check. */
  reason?: string;
  /** Facts behind the status, kept with the evaluation (ids, counts, samples, response excerpts). Plain JSON, no secrets. */
  evidence: Record<string, unknown>;
  /** ISO 8601 UTC moment the check started. */
  at: string;
  seconds: number;
}

export type CheckKind = 'data-loss' | 'workflow' | 'integration' | 'adoption' | 'security';

/** What a check may use. */
export interface CheckContext {
  /** The moment of this evaluation (injectable in tests). */
  now: Date;
  plan: LoadedPlan;
  state: StateStore;
  /** The go-live the checks measure from. */
  goLive: GoLive;
  /** Opens a system of the plan by name, once per evaluation (closed by the watch). */
  system(name: string): Promise<Connector>;
  /** Environment for secrets (`env:` references). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** A check that ran into a problem it could not measure through: an `unknown` evaluation saying why. */
export function unknownEvaluation(base: Pick<Evaluation, 'check' | 'kind' | 'severity' | 'threshold'>, started: { at: string; t0: number }, error: unknown): Evaluation {
  const reason = error instanceof Error ? error.message : String(error);
  return { ...base, status: 'unknown', measured: null, reason, evidence: {}, at: started.at, seconds: Math.round(performance.now() - started.t0) / 1000 };
}
