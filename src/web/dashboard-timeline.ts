/**
 * The migration as one time axis: backups (with their verification),
 * runs (migrations, resets, simulations, rollbacks, drills), go-lives,
 * watch rounds and decisions, oldest first.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import type { StateStore } from '../state/index.js';

/** One event of the timeline. */
export interface TimelineEvent {
  at: string;
  kind: 'backup' | 'run' | 'go-live' | 'watch' | 'decision';
  id: string;
  system: string;
  /** What happened, in a few words. */
  title: string;
  /** ok, failed, fired…: how it ended, for the page's colour. */
  status: string;
}

/** Every event about the plan's systems, oldest first. */
export async function dashboardTimeline(loaded: LoadedPlan, state: StateStore): Promise<TimelineEvent[]> {
  const systems = Object.keys(loaded.plan.systems);
  const events: TimelineEvent[] = [];
  for (const backup of await state.backups.list()) {
    const verification = await state.backups.lastVerification(backup.id);
    events.push({
      at: backup.finishedAt ?? backup.startedAt,
      kind: 'backup',
      id: backup.id,
      system: backup.system,
      title: `${backup.kind} backup of ${backup.system}, ${backup.records} records${verification ? `, ${verification.mode} verification ${verification.ok ? 'passed' : 'failed'}` : ', not verified'}`,
      status: backup.status !== 'complete' ? backup.status : verification ? (verification.ok ? 'ok' : 'failed') : 'unverified',
    });
  }
  for (const run of (await state.runs.list()).filter((each) => !each.dryRun)) {
    events.push({ at: run.startedAt, kind: 'run', id: run.id, system: run.system, title: `${run.kind}${typeof run.options?.['mode'] === 'string' ? ` (${run.options['mode']})` : ''} of ${run.system}${run.seconds === null ? '' : `, ${run.seconds} s`}`, status: run.status });
  }
  for (const system of systems) {
    for (const goLive of await state.goLives.list(system)) events.push({ at: goLive.at, kind: 'go-live', id: goLive.id, system, title: `${system} went live`, status: 'ok' });
    for (const round of await state.watch.list(system)) events.push({ at: round.at, kind: 'watch', id: round.id, system, title: `watch: ${round.verdict}`, status: round.verdict });
    for (const decision of await state.decisions.list(system)) events.push({ at: decision.at, kind: 'decision', id: decision.id, system, title: `decision: ${decision.decision} — ${decision.reason}`, status: decision.decision });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}
