/** Whether a target is live: its newest go-live, unless a rollback of that go-live finished. */
import type { GoLive, StateStore } from '../../state/index.js';

/** The go-live in force, or undefined when there is none or it was rolled back. */
export async function liveGoLive(state: StateStore, target: string): Promise<GoLive | undefined> {
  const goLive = await state.goLives.latest(target);
  if (!goLive) return undefined;
  const rollbacks = await state.runs.list({ kind: 'rollback', system: target });
  return rollbacks.some((run) => run.status === 'succeeded' && !run.dryRun && run.options?.goLive === goLive.id) ? undefined : goLive;
}
