/**
 * The `date` rule: reads text, dates and datetimes as moments or calendar
 * days in a time zone, and writes them as canonical dates, canonical UTC
 * datetimes, times, or text in a pattern.
 */
import type { FieldType } from '../values.js';
import type { DateRuleInput } from './mapping-input.js';
import { epochOfWallTime, utcEpochOf, wallTimeAt, type WallTime } from './time-zones.js';

/** A value read by the `date` rule: a calendar day (no time), or a moment. */
export type DateMoment = { kind: 'day'; year: number; month: number; day: number } | { kind: 'instant'; epoch: number };

/** Outcome of reading or writing. */
export type DateOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

type Token = 'YYYY' | 'MM' | 'M' | 'DD' | 'D' | 'HH' | 'H' | 'mm' | 'ss' | 'SSS' | 'Z';
const TOKENS: Token[] = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss', 'M', 'D', 'H', 'Z'];
const TOKEN_PATTERN: Record<Token, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{3})',
  Z: '(Z|[+-]\\d{2}:?\\d{2})',
};

/** A date pattern cut into tokens and literal text. */
export type PatternPart = { token: Token } | { literal: string };

/** Cuts a pattern into tokens (YYYY MM M DD D HH H mm ss SSS Z) and literal text. */
export function parsePattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let i = 0;
  while (i < pattern.length) {
    const token = TOKENS.find((candidate) => pattern.startsWith(candidate, i));
    if (token) {
      parts.push({ token });
      i += token.length;
      continue;
    }
    const last = parts[parts.length - 1];
    if (last && 'literal' in last) last.literal += pattern[i];
    else parts.push({ literal: pattern[i] as string });
    i += 1;
  }
  return parts;
}

/** What is wrong with a pattern used to read text (`format`), or undefined. */
export function readPatternProblem(pattern: string): string | undefined {
  const tokens = parsePattern(pattern).flatMap((part) => ('token' in part ? [part.token] : []));
  const has = (...names: Token[]): boolean => names.some((name) => tokens.includes(name));
  if (!has('YYYY') || !has('MM', 'M') || !has('DD', 'D')) return `the pattern "${pattern}" must contain YYYY, MM (or M) and DD (or D)`;
  const repeated = tokens.find((token, i) => tokens.indexOf(token) !== i);
  if (repeated) return `the pattern "${pattern}" has ${repeated} twice`;
  if (has('mm') && !has('HH', 'H')) return `the pattern "${pattern}" has minutes (mm) without hours (HH)`;
  return undefined;
}

/** What is wrong with a pattern used to write text (`output`), or undefined. */
export function writePatternProblem(pattern: string): string | undefined {
  return parsePattern(pattern).some((part) => 'token' in part) ? undefined : `the pattern "${pattern}" has no date or time tokens (YYYY MM DD HH mm ss SSS Z)`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] as number);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function offsetMinutes(text: string): number {
  if (/^z$/i.test(text)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text) as RegExpExecArray;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  time?: { hour: number; minute: number; second: number; millisecond: number };
  offset?: string;
}

function moment(fields: Fields, zone: string, original: string): DateOutcome<DateMoment> {
  const { year, month, day, time } = fields;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, message: `${JSON.stringify(original)} is not a valid date` };
  if (!time) return { ok: true, value: { kind: 'day', year, month, day } };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return { ok: false, message: `${JSON.stringify(original)} is not a valid time of day` };
  const wall: WallTime = { year, month, day, ...time };
  if (fields.offset !== undefined) return { ok: true, value: { kind: 'instant', epoch: utcEpochOf(wall) - offsetMinutes(fields.offset) * 60_000 } };
  return { ok: true, value: { kind: 'instant', epoch: epochOfWallTime(wall, zone) } };
}

function readIso(text: string, zone: string): DateOutcome<DateMoment> {
  const match = ISO.exec(text.trim());
  if (!match) return { ok: false, message: `${JSON.stringify(text)} is not an ISO 8601 date or date-time (give the text's pattern with date.format)` };
  const fields: Fields = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (match[4] !== undefined) {
    fields.time = { hour: Number(match[4]), minute: Number(match[5]), second: Number(match[6] ?? 0), millisecond: Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3)) };
  }
  if (match[8] !== undefined) fields.offset = match[8];
  return moment(fields, zone, text);
}

const compiledPatterns = new Map<string, { regex: RegExp; tokens: Token[] }>();

function readPattern(text: string, pattern: string, zone: string): DateOutcome<DateMoment> {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    const parts = parsePattern(pattern);
    const source = parts.map((part) => ('token' in part ? TOKEN_PATTERN[part.token] : part.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    compiled = { regex: new RegExp(`^${source}$`), tokens: parts.flatMap((part) => ('token' in part ? [part.token] : [])) };
    compiledPatterns.set(pattern, compiled);
  }
  const match = compiled.regex.exec(text.trim());
  if (!match) return { ok: false, message: `${JSON.stringify(text)} does not match the pattern ${JSON.stringify(pattern)}` };
  const value = (token: Token): string | undefined => {
    const at = compiled.tokens.indexOf(token);
    return at < 0 ? undefined : match[at + 1];
  };
  const fields: Fields = { year: Number(value('YYYY')), month: Number(value('MM') ?? value('M')), day: Number(value('DD') ?? value('D')) };
  const hour = value('HH') ?? value('H');
  if (hour !== undefined) fields.time = { hour: Number(hour), minute: Number(value('mm') ?? 0), second: Number(value('ss') ?? 0), millisecond: Number(value('SSS') ?? 0) };
  const offset = value('Z');
  if (offset !== undefined) fields.offset = offset;
  return moment(fields, zone, text);
}

/**
 * Reads a value for the `date` rule. `sourceType` is the type of the value
 * at this point of the rule: a canonical `date` is a day, a canonical
 * `datetime` a moment (or, with `local`, wall-clock time in the zone), text
 * is read by `format` (default ISO 8601; text without an offset is
 * wall-clock time in the zone).
 */
export function readDate(value: string, sourceType: FieldType, rule: DateRuleInput): DateOutcome<DateMoment> {
  const zone = rule.timezone ?? 'UTC';
  if (sourceType === 'datetime') {
    const read = readIso(value, 'UTC');
    if (!read.ok || !rule.local || read.value.kind !== 'instant') return read;
    return { ok: true, value: { kind: 'instant', epoch: epochOfWallTime(wallTimeAt(read.value.epoch, 'UTC'), zone) } };
  }
  if (sourceType === 'date') return readIso(value, zone);
  return rule.format ? readPattern(value, rule.format, zone) : readIso(value, zone);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function wallOf(value: DateMoment, zone: string): WallTime {
  if (value.kind === 'day') return { year: value.year, month: value.month, day: value.day, hour: 0, minute: 0, second: 0, millisecond: 0 };
  return wallTimeAt(value.epoch, zone);
}

function epochOf(value: DateMoment, zone: string): number {
  return value.kind === 'instant' ? value.epoch : epochOfWallTime(wallOf(value, zone), zone);
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Writes a wall-clock time with a pattern; `Z` writes the zone's offset then (`Z` for UTC, else `+01:00`). */
export function formatPattern(value: DateMoment, pattern: string, zone: string): string {
  const wall = wallOf(value, zone);
  const offset = Math.round((utcEpochOf(wall) - epochOf(value, zone)) / 60_000);
  const text: Record<Token, string> = {
    YYYY: pad(wall.year, 4),
    MM: pad(wall.month),
    M: String(wall.month),
    DD: pad(wall.day),
    D: String(wall.day),
    HH: pad(wall.hour),
    H: String(wall.hour),
    mm: pad(wall.minute),
    ss: pad(wall.second),
    SSS: pad(wall.millisecond, 3),
    Z: formatOffset(offset),
  };
  return parsePattern(pattern)
    .map((part) => ('token' in part ? text[part.token] : part.literal))
    .join('');
}

/**
 * Writes a read value as the target type wants it: `date` the day in the
 * zone, `datetime` canonical UTC, `time` the wall-clock time in the zone,
 * text with `output` (default `YYYY-MM-DD` for a day, ISO 8601 with the
 * offset for a moment).
 */
export function writeDate(value: DateMoment, targetType: FieldType, rule: DateRuleInput): DateOutcome<string> {
  const zone = rule.timezone ?? 'UTC';
  switch (targetType) {
    case 'date': {
      const wall = wallOf(value, zone);
      return { ok: true, value: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}` };
    }
    case 'datetime': {
      const epoch = epochOf(value, zone);
      const date = new Date(epoch);
      if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) return { ok: false, message: 'the date is out of range' };
      return { ok: true, value: date.toISOString() };
    }
    case 'time': {
      const wall = wallOf(value, zone);
      return { ok: true, value: `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}` };
    }
    case 'string':
    case 'text':
    case 'id':
      return { ok: true, value: formatPattern(value, rule.output ?? (value.kind === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DDTHH:mm:ssZ'), zone) };
    default:
      return { ok: false, message: `a date cannot be written into a field of type ${targetType}` };
  }
}
