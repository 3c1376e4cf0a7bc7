/**
 * Telling people at a moment (go-live, a trigger fired, a decision) with
 * the facts the state has now: the plan's routes for it, rendered and
 * sent. The CLI and the dashboard both announce this way.
 */
import type { Moment } from '../plan/communications-schema.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { StateStore } from '../state/index.js';
import { currentFacts } from './moment-facts.js';
import { Notifier, type MessageReport } from './notifier.js';

/** Sends the messages of `moment` (none when no route names it) and returns their reports; throws when they cannot be prepared. */
export async function announceMoment(loaded: LoadedPlan, state: StateStore, env: NodeJS.ProcessEnv, moment: Moment, options: { system?: string; decision?: string } = {}): Promise<MessageReport[]> {
  const notifier = new Notifier(loaded, state, env);
  if (notifier.routed(moment, options).length === 0) return [];
  const facts = await currentFacts(loaded, state, moment);
  return notifier.announce({ event: moment, ...(options.system ? { system: options.system } : {}) }, facts, options.decision ? { decision: options.decision } : {});
}
