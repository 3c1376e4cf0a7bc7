/** Thresholds written as a count (`10`) or a share (`1%`). */

/** Whether `count` of `total` is beyond the limit: more than N, or a larger share than P%. */
export function exceeds(count: number, total: number, limit: number | string): boolean {
  if (typeof limit === 'number') return count > limit;
  const share = Number(limit.replace('%', '')) / 100;
  return total > 0 && count / total > share;
}

/** A limit for people: `0`, `1%`. */
export function formatLimit(limit: number | string): string {
  return typeof limit === 'number' ? String(limit) : limit;
}

/** A share written as `50%`, as a fraction. */
export function shareOf(text: string): number {
  return Number(text.replace('%', '')) / 100;
}

/** A fraction as people read it, to a tenth of a percent: `4.8%`. */
export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}
