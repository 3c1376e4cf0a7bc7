/**
 * Recording the go/no-go decision after go-live, from the command line or
 * the dashboard: who decided, why, and the evidence it rests on (the
 * latest watch round of this go-live, measured again when older than an
 * hour, and the open findings).
 */
import { CutoverError } from '../core/errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { newRunId } from '../runbooks/migrate/run-migration.js';
import type { Decision, Finding, StateStore, WatchRound } from '../state/index.js';
import { currentGoLive, runWatchRound } from '../watch/run-watch.js';

/** A watch round older than this is measured again before a decision rests on it. */
const FRESH_MS = 60 * 60_000;

/** What a recorded decision rested on. */
export interface RecordedDecision {
  record: Decision;
  round: WatchRound;
  findings: Finding[];
  /** The decision goes against the round's recommendation. */
  againstRecommendation: boolean;
}

/** Records `decision` for the current go-live; `note` hears when the watch is measured again first. */
export async function recordDecision(options: {
  loaded: LoadedPlan;
  state: StateStore;
  env: NodeJS.ProcessEnv;
  decision: Decision['decision'];
  reason: string;
  user: string;
  note?: (line: string) => void;
}): Promise<RecordedDecision> {
  const { loaded, state, decision } = options;
  const reason = options.reason.trim();
  if (!reason) throw new CutoverError('usage', 'The reason is empty.', { hints: ['say why: it is what the team and management will read'] });
  const goLive = await currentGoLive(loaded, state);
  let round: WatchRound | undefined = await state.watch.latest(goLive.system);
  if (!round || round.goLive !== goLive.id || Date.now() - Date.parse(round.at) > FRESH_MS) {
    options.note?.('The last watch round is missing or older than an hour: measuring again …');
    round = (await runWatchRound({ plan: loaded, state, env: options.env })).round;
  }
  const findings = await state.findings.list(goLive.system, { open: true });
  const recommended = round.recommendation as { action?: string; procedure?: string };
  const at = new Date();
  const record: Decision = {
    id: newRunId('decision', at),
    system: goLive.system,
    goLive: goLive.id,
    decision,
    reason,
    procedure: decision === 'rollback' ? (recommended.procedure ?? null) : null,
    roundId: round.id,
    evidence: {
      round: { id: round.id, at: round.at, verdict: round.verdict, recommendation: round.recommendation },
      evaluations: round.evaluations.map((e) => ({ check: e.check, severity: e.severity, status: e.status, measured: e.measured, threshold: e.threshold, ...(e.reason ? { reason: e.reason } : {}) })),
      openFindings: findings.map((f) => ({ id: f.id, severity: f.severity, text: f.text })),
    },
    user: options.user,
    at: at.toISOString(),
  };
  await state.decisions.record(record);
  return { record, round, findings, againstRecommendation: (decision === 'rollback') !== (recommended.action === 'rollback') };
}
