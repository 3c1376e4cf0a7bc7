/**
 * Figures as the drill reports show them to people: durations in the unit
 * that reads best (0.84 s, 2 min 5 s, 3 h 10 min), counts with thin
 * grouping (14 400). Deterministic: nothing here depends on the locale or
 * the time zone of the machine that renders the report.
 */

/** The group separator: a narrow no-break space, as SI writes 14 400. */
export const GROUP_SEPARATOR = '\u202f';

/**
 * A number with its thousands grouped by {@link GROUP_SEPARATOR} and at most
 * `decimals` decimals (trailing zeros kept, so columns line up): 14400 →
 * "14 400", 1234.5 with 2 → "1 234.50". Negative numbers keep their sign.
 */
export function groupedNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP_SEPARATOR);
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * Seconds as an exact figure, for lines that compare with an objective in
 * seconds: whole seconds from 100 s up ("14 395 s"), two decimals below
 * ("4.82 s").
 */
export function exactSeconds(seconds: number): string {
  return `${groupedNumber(seconds, Math.abs(seconds) >= 100 ? 0 : 2)} s`;
}

/**
 * A duration for people, in at most two units: "0 s", "< 0.01 s", "0.84 s",
 * "42.5 s", "2 min 5 s", "3 h 10 min", "2 d 4 h". Rounds before it picks
 * the unit, so 59.97 s reads "1 min", never "60.0 s". Negative durations
 * read with a leading minus.
 */
export function humanSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${humanSeconds(-seconds)}`;
  if (seconds === 0) return '0 s';
  if (seconds < 0.005) return '< 0.01 s';
  if (seconds < 9.995) return `${seconds.toFixed(2)} s`;
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 3600) return twoUnits(Math.floor(wholeSeconds / 60), 'min', wholeSeconds % 60, 's');
  const minutes = Math.round(seconds / 60);
  if (minutes < 24 * 60) return twoUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(seconds / 3600);
  return twoUnits(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

/** "3 h 10 min", or "3 h" when the smaller unit is zero. */
function twoUnits(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${groupedNumber(big)} ${bigUnit}` : `${groupedNumber(big)} ${bigUnit} ${small} ${smallUnit}`;
}

/** A step's seconds, or a dash when it has none (a step that did not run). */
export function stepSeconds(seconds: number | null): string {
  return seconds === null ? '—' : humanSeconds(seconds);
}

/**
 * An ISO 8601 instant as "2025-03-14 09:26:53 UTC": always UTC, so the
 * report reads the same wherever it is rendered. Text that is not a date is
 * returned as it is.
 */
export function utcTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
