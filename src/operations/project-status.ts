/**
 * Where the migration stands, from the state store: the source's last
 * backup and its verification, the target's baseline, the last migration
 * and reset, the go-live and its rollback window, the last watch verdict,
 * open findings, messages waiting or not sent, the decision, and the last
 * rollback and drill. `cutover status` prints it; the dashboard serves it.
 */
import { latestBackup } from '../backup/backup-ref.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { MessageRecord, RunRow, StateStore } from '../state/index.js';
import { migrationSystems } from './migration-setup.js';

const HOUR = 3_600_000;

/** A run as the status shows it. */
function runOf(run: RunRow | undefined) {
  return run ? { id: run.id, status: run.status, at: run.startedAt, seconds: run.seconds, summary: run.summary, error: run.error } : null;
}

/** The status, and the waiting and unsent messages behind its counts. */
export async function projectStatus(loaded: LoadedPlan, state: StateStore, env: NodeJS.ProcessEnv, now = Date.now()) {
  const systems = migrationSystems(loaded, env);
  const source = systems.source.name;
  const target = systems.target.name;
  const backup = await latestBackup(state, source);
  const verification = backup ? await state.backups.lastVerification(backup.id) : undefined;
  const baseline = await state.baselines.get(target);
  const runs = async (kind: string): Promise<RunRow[]> => (await state.runs.list({ kind, system: target })).filter((run) => !run.dryRun);
  const goLive = await state.goLives.latest(target);
  const watched = await state.watch.latest(target);
  const decision = await state.decisions.latest(target);
  const findings = await state.findings.list(target, { open: true });
  const waiting: MessageRecord[] = await state.messages.list({ status: 'awaiting_approval' });
  const unsent: MessageRecord[] = await state.messages.list({ status: 'failed' });
  const hoursSince = goLive ? Math.round(((now - Date.parse(goLive.at)) / HOUR) * 10) / 10 : null;
  const window = hoursSince === null ? 'not live' : hoursSince <= 24 ? 'immediate (0-24 h)' : hoursSince <= 24 * 7 ? 'delayed (1-7 days)' : 'past the delayed window (over 7 days)';
  return {
    project: loaded.plan.project.name,
    source,
    target,
    backup: backup ? { id: backup.id, at: backup.finishedAt, records: backup.records, verification: verification ? { mode: verification.mode, ok: verification.ok, at: verification.at } : null } : null,
    baseline: baseline ?? null,
    migration: runOf((await runs('migrate'))[0]),
    reset: runOf((await runs('reset'))[0]),
    goLive: goLive ? { id: goLive.id, at: goLive.at, hoursSince, window, backupId: goLive.backupId, frozenUsers: goLive.frozenUsers.length } : null,
    watch: watched ? { id: watched.id, at: watched.at, verdict: watched.verdict, recommendation: watched.recommendation, fired: watched.evaluations.filter((e) => e.status === 'fired').map((e) => e.check) } : null,
    decision: decision ? { id: decision.id, decision: decision.decision, reason: decision.reason, by: decision.user, at: decision.at, procedure: decision.procedure, roundId: decision.roundId } : null,
    openFindings: findings.length,
    messages: { awaitingApproval: waiting.map((message) => message.id), failed: unsent.map((message) => message.id) },
    rollback: runOf((await runs('rollback'))[0]),
    drill: runOf((await runs('drill'))[0]),
    measuredAt: new Date(now).toISOString(),
    /** The messages themselves, for the human text; not part of the JSON. */
    waiting,
    unsent,
  };
}
