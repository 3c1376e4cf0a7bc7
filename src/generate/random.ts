/**
 * Seeded randomness without state: every value the generator makes is a
 * function of (seed, object, index), so any record and any reference can be
 * recomputed on demand instead of remembered. `hash32` derives 32-bit values;
 * {@link Rng} (mulberry32) draws a short sequence for one record.
 */

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers with good avalanche. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit hash of a seed base, a tag and an index (and a lane, for several
 * independent values per index). For fixed base, tag and lane it is a
 * bijection of the index (below 2^32), so values used as ids never collide.
 */
export function hash32(base: number, tag: number, index: number, lane = 0): number {
  return mix32(mix32(mix32(base ^ tag) ^ index) ^ Math.imul(lane + 1, 0x9e3779b9));
}

/** A number in [0, 1) from a hash. */
export function unit(base: number, tag: number, index: number, lane = 0): number {
  return hash32(base, tag, index, lane) / 4294967296;
}

/** A tag for a name (FNV-1a), so that each object and purpose draws its own values. */
export function tagOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The 32-bit base of a seed. Seeds below 2^32 map one-to-one, so different seeds give different data. */
export function seedBase(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return mix32(mix32(lo ^ 0x5eed5eed) ^ hi);
}

/** mulberry32: a small, fast PRNG for the values of one record. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value by weight: `[[value, weight], …]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let r = this.next() * total;
    for (const [value, weight] of items) {
      r -= weight;
      if (r < 0) return value;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** The value, or null with probability p (optional fields). */
  orNull<T>(p: number, value: T): T | null {
    return this.next() < p ? null : value;
  }

  /** A string of digits for each `#` in the pattern. */
  digits(pattern: string): string {
    let out = '';
    for (const char of pattern) out += char === '#' ? String(this.int(10)) : char;
    return out;
  }
}

/** The PRNG of one record: seeded by (seed base, tag, index). */
export function rngFor(base: number, tag: number, index: number): Rng {
  return new Rng(hash32(base, tag, index, 7));
}
