/**
 * The `date` rule backwards: a target date, datetime or text read as a day
 * or a moment, then written as the source held it (a datetime in UTC, or
 * wall-clock time stored as UTC with `local`; a day in the zone; text in the
 * source's pattern).
 */
import type { FieldType, Value } from '../values.js';
import type { DateRuleInput } from './mapping-input.js';
import { epochOfWallTime, utcEpochOf, wallTimeAt } from './time-zones.js';
import { formatPattern, readDate, readPatternProblem, type DateMoment } from './transform-date.js';
import { show } from './reverse-values.js';

/** A date value back in the source's form, with what it could not keep. */
export type DateBack = { ok: true; value: string; approximate: string[] } | { ok: false; reason: string };

const TEXT_TYPES: readonly FieldType[] = ['string', 'text', 'id'];

/** The target value as a day or a moment, as the rule wrote it. */
function readTarget(value: string, targetType: FieldType, rule: DateRuleInput, label: string): { ok: true; moment: DateMoment } | { ok: false; reason: string } {
  const zone = rule.timezone ?? 'UTC';
  if (targetType === 'time') return { ok: false, reason: `${label} holds only a time of day; the date is not in the target` };
  if (targetType === 'date' || targetType === 'datetime') {
    const read = readDate(value, targetType, { timezone: zone });
    return read.ok ? { ok: true, moment: read.value } : { ok: false, reason: `${label}: ${read.message}` };
  }
  if (rule.output !== undefined) {
    const problem = readPatternProblem(rule.output);
    if (problem) return { ok: false, reason: `${label} is written with the pattern ${JSON.stringify(rule.output)}, which has no full date to read back` };
  }
  const read = readDate(value, 'string', rule.output === undefined ? { timezone: zone } : { timezone: zone, format: rule.output });
  return read.ok ? { ok: true, moment: read.value } : { ok: false, reason: `${label}: ${read.message}` };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Reverses the `date` step: `value` is what the step wrote into a field of
 * `targetType`; the result is in the form the step read (`readAs`: the
 * source's datetime, date, or text in `format`).
 */
export function reverseDate(value: Value, readAs: FieldType, targetType: FieldType, rule: DateRuleInput, label: string): DateBack {
  if (typeof value !== 'string') return { ok: false, reason: `${label} ${show(value)} is not a date` };
  const zone = rule.timezone ?? 'UTC';
  const read = readTarget(value, targetType, rule, `${label} ${show(value)}`);
  if (!read.ok) return read;
  const moment = read.moment;
  const approximate: string[] = [];
  if (readAs === 'datetime') {
    let epoch: number;
    if (moment.kind === 'day') {
      const midnight = { year: moment.year, month: moment.month, day: moment.day, hour: 0, minute: 0, second: 0, millisecond: 0 };
      epoch = rule.local ? utcEpochOf(midnight) : epochOfWallTime(midnight, zone);
      approximate.push(`${label} holds only the day ${show(value)}: the time is midnight${zone === 'UTC' ? ' UTC' : ` in ${zone}`}`);
    } else {
      epoch = rule.local ? utcEpochOf(wallTimeAt(moment.epoch, zone)) : moment.epoch;
    }
    const date = new Date(epoch);
    if (Number.isNaN(date.getTime())) return { ok: false, reason: `${label} ${show(value)} is out of range` };
    return { ok: true, value: date.toISOString(), approximate };
  }
  const wall = moment.kind === 'day' ? { year: moment.year, month: moment.month, day: moment.day, hour: 0, minute: 0, second: 0, millisecond: 0 } : wallTimeAt(moment.epoch, zone);
  const hasTime = wall.hour !== 0 || wall.minute !== 0 || wall.second !== 0 || wall.millisecond !== 0;
  if (readAs === 'date') {
    if (hasTime) approximate.push(`${label} ${show(value)} has a time of day; the source holds only the day (in ${zone})`);
    return { ok: true, value: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`, approximate };
  }
  if (TEXT_TYPES.includes(readAs)) {
    const pattern = rule.format ?? (moment.kind === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DDTHH:mm:ssZ');
    const written = formatPattern(moment, pattern, zone);
    const tokens = /HH|H|mm|ss/.test(pattern);
    if (!tokens && hasTime) approximate.push(`${label} ${show(value)} has a time of day; the source's pattern ${JSON.stringify(pattern)} keeps only the day`);
    if (tokens && moment.kind === 'day') approximate.push(`${label} holds only the day ${show(value)}: the time is midnight`);
    if (wall.millisecond !== 0 && !pattern.includes('SSS')) approximate.push(`${label} ${show(value)} has milliseconds; the source's pattern drops them`);
    return { ok: true, value: written, approximate };
  }
  return { ok: false, reason: `${label} ${show(value)} cannot be written back as ${readAs}` };
}
