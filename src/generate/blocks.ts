/**
 * Children assigned to parents in contiguous blocks of uneven size (contacts
 * of an account, opportunities of an account), computed from hashes alone: a
 * child's parent and a parent's children are both found without a table, so
 * memory stays flat however many records there are.
 */
import { unit } from './random.js';

/** A parent → children layout over `children` records. */
export class Blocks {
  private readonly mean: number;

  constructor(
    /** Number of parents. */
    readonly parents: number,
    /** Number of children. */
    readonly children: number,
    private readonly base: number,
    private readonly tag: number,
  ) {
    this.mean = parents > 0 ? children / parents : 0;
  }

  /**
   * Index of the first child of parent `a` (for `a` = parents: the number of
   * children). Boundaries jitter by almost half a block each way, so blocks
   * range from empty to about twice the mean and never overlap.
   */
  start(a: number): number {
    if (a <= 0) return 0;
    if (a >= this.parents) return this.children;
    const jitter = (unit(this.base, this.tag, a) - 0.5) * 0.98 * this.mean;
    return Math.min(this.children, Math.max(0, Math.round(a * this.mean + jitter)));
  }

  /** The children of parent `a`: `[start, end)`. */
  range(a: number): [number, number] {
    return [this.start(a), this.start(a + 1)];
  }

  /** The parent of child `i`, or -1 when there are no parents. */
  parentOf(i: number): number {
    if (this.parents === 0) return -1;
    let lo = 0;
    let hi = this.parents - 1;
    // The largest a with start(a) <= i; start() is non-decreasing.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.start(mid) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
