/**
 * Each rollback trigger as the dashboard shows it: its state in the latest
 * watch round (measured value, threshold, evidence) and its history over
 * the recent rounds of the same go-live.
 */
import type { StateStore, StoredEvaluation } from '../state/index.js';

/** A trigger now and before. */
export interface TriggerView {
  check: string;
  kind: string;
  severity: StoredEvaluation['severity'];
  current: Pick<StoredEvaluation, 'status' | 'measured' | 'threshold' | 'reason' | 'evidence' | 'at'>;
  /** Oldest first: each round's status and measured value. */
  history: Array<Pick<StoredEvaluation, 'status' | 'measured' | 'at'>>;
}

/** The triggers of the latest round about `system`, with up to `rounds` rounds of history. */
export async function dashboardTriggers(state: StateStore, system: string, rounds = 20): Promise<{ roundId: string | null; verdict: string | null; triggers: TriggerView[] }> {
  const latest = await state.watch.latest(system);
  if (!latest) return { roundId: null, verdict: null, triggers: [] };
  const recent = (await state.watch.list(system, rounds)).filter((round) => round.goLive === latest.goLive).reverse();
  const full = await Promise.all(recent.map((round) => state.watch.get(round.id)));
  const triggers = latest.evaluations.map((evaluation): TriggerView => ({
    check: evaluation.check,
    kind: evaluation.kind,
    severity: evaluation.severity,
    current: { status: evaluation.status, measured: evaluation.measured, threshold: evaluation.threshold, evidence: evaluation.evidence, at: evaluation.at, ...(evaluation.reason ? { reason: evaluation.reason } : {}) },
    history: full.flatMap((round) => round?.evaluations.filter((each) => each.check === evaluation.check).map((each) => ({ status: each.status, measured: each.measured, at: each.at })) ?? []),
  }));
  return { roundId: latest.id, verdict: latest.verdict, triggers };
}
