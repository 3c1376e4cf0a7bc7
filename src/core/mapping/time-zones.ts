/**
 * Wall-clock time in IANA time zones, with nothing but `Intl`: the offset of
 * a zone at a moment, and the moment of a wall-clock time in a zone.
 */

/** Calendar date and wall-clock time, without a zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA time zone this Node knows (`UTC`, `Europe/Berlin`…). */
export function isTimeZone(zone: string): boolean {
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at a moment (milliseconds since the epoch) in a zone. */
export function wallTimeAt(epoch: number, zone: string): WallTime {
  if (zone === 'UTC') {
    const date = new Date(epoch);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      millisecond: date.getUTCMilliseconds(),
    };
  }
  const parts: Record<string, string> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(epoch))) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((epoch % 1000) + 1000) % 1000,
  };
}

/** Milliseconds since the epoch of a wall-clock time read as if it were UTC. */
export function utcEpochOf(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/** The zone's offset from UTC at a moment, in milliseconds (east positive). */
export function offsetAt(epoch: number, zone: string): number {
  if (zone === 'UTC') return 0;
  return utcEpochOf(wallTimeAt(epoch, zone)) - epoch;
}

const DAY = 86_400_000;

/**
 * The moment a wall-clock time happens in a zone. A time that occurs twice
 * (clocks going back) gives the earlier moment; one skipped by clocks going
 * forward is moved forward by the gap, as clocks do.
 */
export function epochOfWallTime(wall: WallTime, zone: string): number {
  const local = utcEpochOf(wall);
  if (zone === 'UTC') return local;
  // Offsets change at most once a day around any moment: try the one before and the one after.
  const before = local - offsetAt(local - DAY, zone);
  const after = local - offsetAt(local + DAY, zone);
  const valid = [before, after].filter((epoch) => epoch + offsetAt(epoch, zone) === local);
  if (valid.length > 0) return Math.min(...valid);
  return before;
}
