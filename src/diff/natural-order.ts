/**
 * The order diff reports ids in: natural order, so numeric ids sort as
 * numbers (2 before 10) and ids like `acc-2` / `acc-10` do too; the same
 * result on every machine (no locale).
 */

const DIGITS = /\d+|\D+/g;

/** Compares two ids in natural order; distinct ids never compare equal. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const partsA = a.match(DIGITS) ?? [];
  const partsB = b.match(DIGITS) ?? [];
  const length = Math.min(partsA.length, partsB.length);
  for (let i = 0; i < length; i += 1) {
    const order = comparePart(partsA[i] as string, partsB[i] as string);
    if (order !== 0) return order;
  }
  if (partsA.length !== partsB.length) return partsA.length - partsB.length;
  // Equal as numbers ("007" and "7"): fall back to code-unit order so the result stays total.
  return a < b ? -1 : 1;
}

function comparePart(a: string, b: string): number {
  const digitsA = isDigit(a.charCodeAt(0));
  const digitsB = isDigit(b.charCodeAt(0));
  if (digitsA && digitsB) {
    const trimmedA = a.replace(/^0+(?=\d)/, '');
    const trimmedB = b.replace(/^0+(?=\d)/, '');
    if (trimmedA.length !== trimmedB.length) return trimmedA.length - trimmedB.length;
    return trimmedA < trimmedB ? -1 : trimmedA > trimmedB ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Keeps the `limit` smallest ids (in natural order) of a stream of ids, in
 * memory proportional to `limit`, not to the stream; `Infinity` keeps all.
 */
export class SmallestIds {
  private ids: string[] = [];

  constructor(private readonly limit: number) {}

  add(id: string): void {
    if (this.limit <= 0) return;
    this.ids.push(id);
    // Trimming only when twice the limit is reached keeps adding O(log limit) per id on average.
    if (this.ids.length >= 2 * this.limit + 1024) this.trim();
  }

  /** The kept ids, sorted. */
  sorted(): string[] {
    this.trim();
    return [...this.ids];
  }

  private trim(): void {
    this.ids.sort(compareIds);
    if (this.ids.length > this.limit) this.ids.length = this.limit;
  }
}
