/** The days a simulation spreads its use over, and the moments within them that people are at work. */
import { DAY } from '../../generate/moments.js';
import type { Rng } from '../../generate/random.js';

/** The simulated days: from the go-live on, or, without one, the days up to now. */
export interface SimulationWindow {
  /** Start, ms since the epoch (the go-live moment, when there is one). */
  from: number;
  /** End (excluded), `days` later. */
  to: number;
  days: number;
  /** The go-live the days follow, if the target has one. */
  goLive: { id: string; at: string } | null;
}

/** The window of `days` after the go-live, or of the `days` before `now` (to the second) without one. */
export function simulationWindow(goLive: { id: string; at: string } | undefined, days: number, now: Date): SimulationWindow {
  if (goLive) {
    const from = Date.parse(goLive.at);
    return { from, to: from + days * DAY, days, goLive: { id: goLive.id, at: goLive.at } };
  }
  const to = Math.floor(now.getTime() / 1000) * 1000;
  return { from: to - days * DAY, to, days, goLive: null };
}

/** The first and last whole seconds inside the window: moments are written to the second, and must stay inside it. */
export function clampToWindow(window: SimulationWindow, at: number): number {
  const first = Math.ceil(window.from / 1000) * 1000;
  const last = Math.ceil(window.to / 1000) * 1000 - 1000;
  return Math.min(Math.max(Math.floor(at / 1000) * 1000, first), last);
}

const WORKING_HOURS: ReadonlyArray<readonly [number, number]> = [
  [7, 2], [8, 6], [9, 10], [10, 10], [11, 9], [12, 5], [13, 8], [14, 9], [15, 9], [16, 8], [17, 5], [18, 2], [19, 1],
];

/**
 * A moment of the window's day `day` (the 24 hours from `from + day × 24 h`)
 * at a working hour (UTC), to the second, inside the window.
 */
export function workingMoment(window: SimulationWindow, day: number, rng: Rng): number {
  const slot = window.from + day * DAY;
  const midnight = Math.floor(slot / DAY) * DAY;
  let at = midnight + rng.weighted(WORKING_HOURS) * 3_600_000 + rng.int(3600) * 1000;
  // The hour on the slot's first calendar day may be before the slot starts: then it is that hour the next day, still inside the slot.
  if (at < slot) at += DAY;
  return clampToWindow(window, at);
}

/** Someone logged in at a moment: the session in which they create, edit and delete. */
export interface Session {
  userId: string;
  at: number;
}

/**
 * Who does something and when: a minute to two hours into one of the
 * sessions, or without sessions a working moment of a day and one of the
 * users (none when there are no users).
 */
export function actingMoment(window: SimulationWindow, sessions: readonly Session[], users: readonly string[], rng: Rng): { at: number; userId: string | undefined } {
  if (sessions.length > 0) {
    const session = rng.pick(sessions);
    return { at: clampToWindow(window, session.at + rng.between(60, 7200) * 1000), userId: session.userId };
  }
  const at = workingMoment(window, rng.int(window.days), rng);
  return { at, userId: users.length > 0 ? rng.pick(users) : undefined };
}
