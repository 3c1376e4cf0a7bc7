/**
 * Relative times in trigger conditions: `now`, `today`, each optionally
 * plus or minus a duration (`now-30m`, `now+1h`, `today-1d`). A probe's
 * condition is written once in the plan and measured at every evaluation,
 * so its times are resolved against the evaluation's moment, in UTC, into
 * the canonical values of the field compared: a datetime field gets an ISO
 * 8601 UTC moment, a date field the UTC day of that moment. Values of any
 * other field type are left as they are (`status equals "today"` means the
 * text).
 */
import type { ConditionInput, Scalar } from '../core/mapping/mapping-input.js';
import { canonicalDate, canonicalDatetime, type FieldType } from '../core/values.js';
import { spanMs } from '../plan/triggers-schema.js';

/** A relative time as written: its base and its offset from it in milliseconds (negative: before). */
export interface RelativeTime {
  /** `now`: the evaluation's moment; `today`: midnight UTC of its day. */
  base: 'now' | 'today';
  offsetMs: number;
}

const RELATIVE = /^(now|today)(?:\s*([+-])\s*(\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)))?$/i;
const LOOKS_RELATIVE = /^(now|today)\b/i;

/**
 * Parses `now`, `today`, `now-30m`, `now+1h`, `today-1d` (durations in ms,
 * s, m, h or d, as elsewhere in the plan; case and spaces around the sign
 * do not matter). `undefined` for text that is not a relative time.
 */
export function parseRelativeTime(text: string): RelativeTime | undefined {
  const match = RELATIVE.exec(text.trim());
  if (!match) return undefined;
  const base = (match[1] as string).toLowerCase() as RelativeTime['base'];
  if (match[3] === undefined) return { base, offsetMs: 0 };
  const size = spanMs(match[3]);
  return { base, offsetMs: match[2] === '-' ? -size : size };
}

/** The moment a relative time stands for at `now`. `today` is midnight UTC. */
export function relativeMoment(time: RelativeTime, now: Date): Date {
  const base = time.base === 'now' ? now.getTime() : Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(base + time.offsetMs);
}

/**
 * A value compared with a field of `type`, with a relative time resolved:
 * for datetime fields the canonical UTC datetime, for date fields the UTC
 * day (`YYYY-MM-DD`). Other values and other field types pass unchanged.
 * Throws a RangeError for text that starts like a relative time but is not
 * one (`now-30x`), naming the forms that are.
 */
export function resolveRelativeValue<T extends Scalar>(value: T, type: FieldType | undefined, now: Date): T | string {
  if (typeof value !== 'string' || (type !== 'date' && type !== 'datetime')) return value;
  const relative = parseRelativeTime(value);
  if (!relative) {
    if (LOOKS_RELATIVE.test(value.trim())) {
      throw new RangeError(`"${value}" is not a relative time; write now, today, or either with + or - a duration, e.g. now-30m, now+1h, today-1d`);
    }
    return value;
  }
  const moment = relativeMoment(relative, now);
  return type === 'date' ? canonicalDate(moment) : canonicalDatetime(moment);
}

/**
 * A copy of a condition with every relative time resolved at `now`, by the
 * type of the field each comparison reads (`typeOf` answers `undefined`
 * for a field the object does not have; such values stay as written and the
 * condition's compiler reports the field). Throws like {@link resolveRelativeValue}.
 */
export function resolveConditionTimes(condition: ConditionInput, typeOf: (field: string) => FieldType | undefined, now: Date): ConditionInput {
  const resolved: ConditionInput = { ...condition };
  if (condition.all) resolved.all = condition.all.map((part) => resolveConditionTimes(part, typeOf, now));
  if (condition.any) resolved.any = condition.any.map((part) => resolveConditionTimes(part, typeOf, now));
  if (condition.not) resolved.not = resolveConditionTimes(condition.not, typeOf, now);
  if (condition.field === undefined) return resolved;
  const type = typeOf(condition.field);
  const one = <T extends Scalar>(value: T): T | string => resolveRelativeValue(value, type, now);
  if (condition.equals !== undefined) resolved.equals = one(condition.equals);
  if (condition.notEquals !== undefined) resolved.notEquals = one(condition.notEquals);
  if (condition.in) resolved.in = condition.in.map(one);
  if (condition.notIn) resolved.notIn = condition.notIn.map(one);
  if (condition.after !== undefined) resolved.after = one(condition.after);
  if (condition.before !== undefined) resolved.before = one(condition.before);
  return resolved;
}
