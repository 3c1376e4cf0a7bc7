/** The date rule: time zones, patterns, and every direction between text, dates and datetimes. */
import { describe, expect, it } from 'vitest';
import { formatPattern, readDate, readPatternProblem, writeDate, writePatternProblem, type DateMoment } from '../../../src/core/mapping/transform-date.js';
import { epochOfWallTime, isTimeZone, offsetAt, wallTimeAt } from '../../../src/core/mapping/time-zones.js';
import type { DateRuleInput } from '../../../src/core/mapping/mapping-input.js';
import type { FieldType } from '../../../src/core/values.js';

/** Reads then writes, as the rule does. */
function convert(value: string, from: FieldType, to: FieldType, rule: DateRuleInput): string {
  const read = readDate(value, from, rule);
  if (!read.ok) return `error: ${read.message}`;
  const written = writeDate(read.value, to, rule);
  return written.ok ? written.value : `error: ${written.message}`;
}

describe('time zones', () => {
  it('knows IANA zones and their offsets, summer and winter', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(offsetAt(Date.parse('2024-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(Date.parse('2024-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(offsetAt(Date.parse('2024-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(19_800_000);
    expect(wallTimeAt(Date.parse('2024-07-15T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({ year: 2024, month: 7, day: 16, hour: 8, minute: 30 });
  });

  it('finds the moment of a wall-clock time, across clock changes', () => {
    const wall = (text: string) => {
      const [date, time] = text.split('T') as [string, string];
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      return { year, month, day, hour, minute, second: 0, millisecond: 0 };
    };
    expect(new Date(epochOfWallTime(wall('2024-03-01T10:00'), 'America/New_York')).toISOString()).toBe('2024-03-01T15:00:00.000Z');
    // 02:30 does not exist on 2024-03-10 in New York: clocks move it to 03:30 EDT.
    expect(new Date(epochOfWallTime(wall('2024-03-10T02:30'), 'America/New_York')).toISOString()).toBe('2024-03-10T07:30:00.000Z');
    // 01:30 happens twice on 2024-11-03: the first (EDT) is taken.
    expect(new Date(epochOfWallTime(wall('2024-11-03T01:30'), 'America/New_York')).toISOString()).toBe('2024-11-03T05:30:00.000Z');
  });
});

describe('date rule', () => {
  it('reads ISO text in the zone and writes canonical UTC', () => {
    expect(convert('2024-03-01 10:00', 'string', 'datetime', { timezone: 'Europe/Berlin' })).toBe('2024-03-01T09:00:00.000Z');
    expect(convert('2024-07-01T10:00:00.5', 'string', 'datetime', { timezone: 'Europe/Berlin' })).toBe('2024-07-01T08:00:00.500Z');
    expect(convert('2024-07-01T10:00:00+05:30', 'string', 'datetime', { timezone: 'Europe/Berlin' })).toBe('2024-07-01T04:30:00.000Z');
    expect(convert('2024-07-01', 'string', 'datetime', { timezone: 'Asia/Tokyo' })).toBe('2024-06-30T15:00:00.000Z');
    expect(convert('2024-07-01 10:00', 'string', 'datetime', {})).toBe('2024-07-01T10:00:00.000Z');
  });

  it('reads text by a pattern', () => {
    const rule = { format: 'DD.MM.YYYY HH:mm', timezone: 'Europe/Berlin' };
    expect(convert('01.02.2024 13:45', 'string', 'datetime', rule)).toBe('2024-02-01T12:45:00.000Z');
    expect(convert('3/7/2024', 'text', 'date', { format: 'M/D/YYYY' })).toBe('2024-03-07');
    expect(convert('2024-03-07 10:00:00 +0100', 'text', 'datetime', { format: 'YYYY-MM-DD HH:mm:ss Z' })).toBe('2024-03-07T09:00:00.000Z');
    expect(convert('07.03.2024 10:11:12.345', 'text', 'datetime', { format: 'DD.MM.YYYY HH:mm:ss.SSS' })).toBe('2024-03-07T10:11:12.345Z');
  });

  it('takes the day of a datetime in the zone, and a date as midnight there', () => {
    expect(convert('2024-07-01T02:00:00.000Z', 'datetime', 'date', { timezone: 'America/New_York' })).toBe('2024-06-30');
    expect(convert('2024-07-01T02:00:00.000Z', 'datetime', 'date', {})).toBe('2024-07-01');
    expect(convert('2024-07-01', 'date', 'datetime', { timezone: 'America/New_York' })).toBe('2024-07-01T04:00:00.000Z');
    expect(convert('2024-07-01', 'date', 'date', { timezone: 'Asia/Tokyo' })).toBe('2024-07-01');
    expect(convert('2024-07-01T02:00:00.000Z', 'datetime', 'time', { timezone: 'Asia/Kolkata' })).toBe('07:30:00');
  });

  it('reinterprets a datetime stored as local time with local: true', () => {
    expect(convert('2024-07-01T10:00:00.000Z', 'datetime', 'datetime', { timezone: 'Europe/Berlin', local: true })).toBe('2024-07-01T08:00:00.000Z');
    expect(convert('2024-07-01T10:00:00.000Z', 'datetime', 'datetime', { timezone: 'Europe/Berlin' })).toBe('2024-07-01T10:00:00.000Z');
  });

  it('writes text in the zone, ISO with the offset by default, or by an output pattern', () => {
    expect(convert('2024-07-01T10:00:00.000Z', 'datetime', 'string', { timezone: 'Europe/Berlin' })).toBe('2024-07-01T12:00:00+02:00');
    expect(convert('2024-07-01T10:00:00.000Z', 'datetime', 'text', {})).toBe('2024-07-01T10:00:00Z');
    expect(convert('2024-07-01T10:00:00.000Z', 'datetime', 'string', { timezone: 'America/St_Johns', output: 'DD/MM/YYYY H:mm Z' })).toBe('01/07/2024 7:30 -02:30');
    expect(convert('2024-07-01', 'date', 'string', {})).toBe('2024-07-01');
    expect(convert('01.02.2024', 'string', 'string', { format: 'DD.MM.YYYY', output: 'YYYY/MM/DD' })).toBe('2024/02/01');
  });

  it('fails on text that is no date, impossible dates and times, and non-date targets', () => {
    expect(convert('next tuesday', 'string', 'datetime', {})).toBe('error: "next tuesday" is not an ISO 8601 date or date-time (give the text\'s pattern with date.format)');
    expect(convert('2024-02-30', 'string', 'date', {})).toBe('error: "2024-02-30" is not a valid date');
    expect(convert('2023-02-29', 'string', 'date', {})).toBe('error: "2023-02-29" is not a valid date');
    expect(convert('2024-02-29', 'string', 'date', {})).toBe('2024-02-29');
    expect(convert('2024-02-01 25:00', 'string', 'datetime', {})).toBe('error: "2024-02-01 25:00" is not a valid time of day');
    expect(convert('1.2.24', 'string', 'date', { format: 'DD.MM.YYYY' })).toBe('error: "1.2.24" does not match the pattern "DD.MM.YYYY"');
    expect(convert('2024-02-01', 'string', 'integer', {})).toBe('error: a date cannot be written into a field of type integer');
  });

  it('checks patterns', () => {
    expect(readPatternProblem('DD.MM.YYYY')).toBeUndefined();
    expect(readPatternProblem('MM/YYYY')).toBe('the pattern "MM/YYYY" must contain YYYY, MM (or M) and DD (or D)');
    expect(readPatternProblem('DD.MM.YYYY DD')).toBe('the pattern "DD.MM.YYYY DD" has DD twice');
    expect(readPatternProblem('DD.MM.YYYY mm')).toBe('the pattern "DD.MM.YYYY mm" has minutes (mm) without hours (HH)');
    expect(writePatternProblem('hello')).toBe('the pattern "hello" has no date or time tokens (YYYY MM DD HH mm ss SSS Z)');
    const day: DateMoment = { kind: 'day', year: 2024, month: 3, day: 7 };
    expect(formatPattern(day, '[D.M.YYYY]', 'UTC')).toBe('[7.3.2024]');
  });
});
