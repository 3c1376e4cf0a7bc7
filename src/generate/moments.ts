/** Instants and dates of generated data: milliseconds since the epoch in UTC, written as canonical text. */

/** One day in milliseconds. */
export const DAY = 86_400_000;
/** One minute in milliseconds. */
export const MINUTE = 60_000;

/** A canonical datetime (`…T…Z`, milliseconds), truncated to the second as most CRMs store them. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** A canonical date (`YYYY-MM-DD`) of an instant, in UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today at 00:00 UTC: the default "now" of generated data. */
export function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
