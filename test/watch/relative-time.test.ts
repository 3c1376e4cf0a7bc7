/**
 * Relative times in trigger conditions resolve against the evaluation's
 * moment, in UTC, into the canonical value of the field they are compared
 * with; anything else passes unchanged, and a misspelt one is an error.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionInput } from '../../src/core/mapping/mapping-input.js';
import type { FieldType } from '../../src/core/values.js';
import { parseRelativeTime, relativeMoment, resolveConditionTimes, resolveRelativeValue } from '../../src/watch/relative-time.js';

const NOW = new Date('2030-03-15T10:20:30.456Z');

describe('parseRelativeTime', () => {
  it('reads now and today with an optional signed duration', () => {
    expect(parseRelativeTime('now')).toEqual({ base: 'now', offsetMs: 0 });
    expect(parseRelativeTime('today')).toEqual({ base: 'today', offsetMs: 0 });
    expect(parseRelativeTime('now-30m')).toEqual({ base: 'now', offsetMs: -1_800_000 });
    expect(parseRelativeTime('now+1h')).toEqual({ base: 'now', offsetMs: 3_600_000 });
    expect(parseRelativeTime('today-1d')).toEqual({ base: 'today', offsetMs: -86_400_000 });
    expect(parseRelativeTime(' Now - 1.5h ')).toEqual({ base: 'now', offsetMs: -5_400_000 });
    expect(parseRelativeTime('now-500ms')).toEqual({ base: 'now', offsetMs: -500 });
  });

  it('is undefined for anything else', () => {
    for (const text of ['', 'yesterday', '2030-03-15', 'now-30x', 'now-', 'today1d', 'nowadays', '30m']) expect(parseRelativeTime(text)).toBeUndefined();
  });
});

describe('relativeMoment', () => {
  it('counts now from the evaluation moment and today from midnight UTC', () => {
    expect(relativeMoment({ base: 'now', offsetMs: -1_800_000 }, NOW).toISOString()).toBe('2030-03-15T09:50:30.456Z');
    expect(relativeMoment({ base: 'today', offsetMs: 0 }, NOW).toISOString()).toBe('2030-03-15T00:00:00.000Z');
    expect(relativeMoment({ base: 'today', offsetMs: -86_400_000 }, NOW).toISOString()).toBe('2030-03-14T00:00:00.000Z');
  });
});

describe('resolveRelativeValue', () => {
  it('gives datetime fields canonical UTC datetimes and date fields UTC days', () => {
    expect(resolveRelativeValue('now-30m', 'datetime', NOW)).toBe('2030-03-15T09:50:30.456Z');
    expect(resolveRelativeValue('today', 'datetime', NOW)).toBe('2030-03-15T00:00:00.000Z');
    expect(resolveRelativeValue('now', 'date', NOW)).toBe('2030-03-15');
    expect(resolveRelativeValue('today-1d', 'date', NOW)).toBe('2030-03-14');
    expect(resolveRelativeValue('now-11h', 'date', NOW)).toBe('2030-03-14');
  });

  it('leaves other values and other field types alone', () => {
    expect(resolveRelativeValue('now', 'string', NOW)).toBe('now');
    expect(resolveRelativeValue('today', undefined, NOW)).toBe('today');
    expect(resolveRelativeValue('2030-01-01T00:00:00Z', 'datetime', NOW)).toBe('2030-01-01T00:00:00Z');
    expect(resolveRelativeValue(17, 'datetime', NOW)).toBe(17);
    expect(resolveRelativeValue(null, 'date', NOW)).toBeNull();
  });

  it('refuses text that starts like a relative time but is not one', () => {
    expect(() => resolveRelativeValue('now-30x', 'datetime', NOW)).toThrow(/"now-30x" is not a relative time; write now, today/);
    expect(() => resolveRelativeValue('today minus one', 'date', NOW)).toThrow(RangeError);
  });
});

describe('resolveConditionTimes', () => {
  const types: Record<string, FieldType> = { created_at: 'datetime', due: 'date', status: 'string' };
  const typeOf = (field: string): FieldType | undefined => types[field];

  it('resolves every comparison, nested, by the type of the field it reads, without changing the input', () => {
    const condition: ConditionInput = {
      all: [
        { field: 'created_at', before: 'now-30m' },
        { any: [{ field: 'due', in: ['today', 'today+1d'] }, { not: { field: 'due', equals: 'today-1d' } }] },
        { field: 'status', equals: 'today' },
        { field: 'missing', after: 'now' },
      ],
    };
    const copy = structuredClone(condition);
    expect(resolveConditionTimes(condition, typeOf, NOW)).toEqual({
      all: [
        { field: 'created_at', before: '2030-03-15T09:50:30.456Z' },
        { any: [{ field: 'due', in: ['2030-03-15', '2030-03-16'] }, { not: { field: 'due', equals: '2030-03-14' } }] },
        { field: 'status', equals: 'today' },
        { field: 'missing', after: 'now' },
      ],
    });
    expect(condition).toEqual(copy);
  });

  it('resolves notEquals, notIn and after as well', () => {
    expect(resolveConditionTimes({ field: 'created_at', after: 'today' }, typeOf, NOW)).toEqual({ field: 'created_at', after: '2030-03-15T00:00:00.000Z' });
    expect(resolveConditionTimes({ field: 'due', notEquals: 'today' }, typeOf, NOW)).toEqual({ field: 'due', notEquals: '2030-03-15' });
    expect(resolveConditionTimes({ field: 'due', notIn: ['today', null] }, typeOf, NOW)).toEqual({ field: 'due', notIn: ['2030-03-15', null] });
  });
});
