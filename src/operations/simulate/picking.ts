/**
 * Deterministic choices of a simulation: every draw is a function of the
 * seed, a purpose and a key (an object, a user, a record id), never of the
 * order records happened to be read in, so the same seed and go-live give
 * the same use of the same target.
 */
import { hash32, rngFor, tagOf, type Rng } from '../../generate/random.js';
import { compareIds } from '../../diff/index.js';

/** The random stream of one purpose and key (e.g. `create:Account`, index 3). */
export function streamOf(base: number, purpose: string, key: string | number): Rng {
  return rngFor(base, tagOf(purpose), typeof key === 'number' ? key : tagOf(key));
}

/** The ids in a seeded order that depends on the ids themselves, not on how they were listed. */
export function shuffledIds(ids: Iterable<string>, base: number, purpose: string): string[] {
  const tag = tagOf(purpose);
  return [...ids]
    .map((id) => ({ id, key: hash32(base, tag, tagOf(id)) }))
    .sort((a, b) => a.key - b.key || compareIds(a.id, b.id))
    .map((entry) => entry.id);
}

/** `total` split over weights (largest remainders; ties to the earlier entry); all weights 0 share equally. */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const effective = sum > 0 ? weights : weights.map(() => 1);
  const effectiveSum = sum > 0 ? sum : weights.length;
  const exact = effective.map((weight) => (total * weight) / effectiveSum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

/** A share in percent of a count, rounded to the nearest record (half up). */
export function percentOf(count: number, percent: number): number {
  return Math.min(count, Math.floor((count * percent) / 100 + 0.5));
}
