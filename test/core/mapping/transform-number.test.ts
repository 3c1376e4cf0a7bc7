/** The scale rule and the conversion of values into target fields. */
import { describe, expect, it } from 'vitest';
import type { DescribedField } from '../../../src/core/mapping/described-system.js';
import { toTargetValue } from '../../../src/core/mapping/target-value.js';
import { scaleNumber } from '../../../src/core/mapping/transform-number.js';

const field = (type: DescribedField['type'], more: Partial<DescribedField> = {}): DescribedField => ({ name: 'F', type, nullable: true, autoAssigned: false, ...more });

describe('scale rule', () => {
  it('multiplies exactly and rounds half away from zero to the scale', () => {
    expect(scaleNumber(15, 60, 0)).toEqual({ ok: true, value: '900' });
    expect(scaleNumber('0.1', 3, undefined)).toEqual({ ok: true, value: '0.3' });
    expect(scaleNumber('1234.565', 1, 2)).toEqual({ ok: true, value: '1234.57' });
    expect(scaleNumber('-2.5', 1, 0)).toEqual({ ok: true, value: '-3' });
    expect(scaleNumber(12345, 0.01, 2)).toEqual({ ok: true, value: '123.45' });
    expect(scaleNumber('99999999999999999999.99', 100, 0)).toEqual({ ok: true, value: '9999999999999999999999' });
    expect(scaleNumber(' 42 ', 1, 0)).toEqual({ ok: true, value: '42' });
  });

  it('fails on values that are not numbers', () => {
    expect(scaleNumber('12 apples', 1, 0)).toEqual({ ok: false, message: '"12 apples" is not a number' });
    expect(scaleNumber(true, 1, 0)).toEqual({ ok: false, message: 'true is not a number' });
    expect(scaleNumber(new Uint8Array([1]), 1, 0)).toEqual({ ok: false, message: 'binary data is not a number' });
  });
});

describe('target values', () => {
  it('converts to each canonical type', () => {
    expect(toTargetValue(12, field('string'))).toEqual({ ok: true, value: '12' });
    expect(toTargetValue(true, field('text'))).toEqual({ ok: true, value: 'true' });
    expect(toTargetValue('42', field('integer'))).toEqual({ ok: true, value: 42 });
    expect(toTargetValue('9007199254740993', field('integer'))).toEqual({ ok: true, value: '9007199254740993' });
    expect(toTargetValue(false, field('integer'))).toEqual({ ok: true, value: 0 });
    expect(toTargetValue(3, field('decimal', { scale: 2 }))).toEqual({ ok: true, value: '3.00' });
    expect(toTargetValue('1.005', field('decimal', { scale: 2 }))).toEqual({ ok: true, value: '1.01' });
    expect(toTargetValue('2.5', field('float'))).toEqual({ ok: true, value: 2.5 });
    expect(toTargetValue(1, field('boolean'))).toEqual({ ok: true, value: true });
    expect(toTargetValue('false', field('boolean'))).toEqual({ ok: true, value: false });
    expect(toTargetValue('2024-03-01', field('date'))).toEqual({ ok: true, value: '2024-03-01' });
    expect(toTargetValue('2024-03-01', field('datetime'))).toEqual({ ok: true, value: '2024-03-01T00:00:00.000Z' });
    expect(toTargetValue('2024-03-01 10:00:00', field('datetime'))).toEqual({ ok: true, value: '2024-03-01T10:00:00.000Z' });
    expect(toTargetValue('07:30', field('time'))).toEqual({ ok: true, value: '07:30:00' });
    expect(toTargetValue('{"b":1,"a":2}', field('json'))).toEqual({ ok: true, value: '{"a":2,"b":1}' });
    expect(toTargetValue(new Uint8Array([1]), field('binary'))).toEqual({ ok: true, value: new Uint8Array([1]) });
    expect(toTargetValue(null, field('integer', { nullable: false }))).toEqual({ ok: true, value: null });
  });

  it('fails with the type rule and says why', () => {
    expect(toTargetValue('2.5', field('integer'))).toEqual({ ok: false, rule: 'type', message: '"2.5" cannot go into F (integer): not a whole number (scale: 1 rounds it)' });
    expect(toTargetValue(2.5, field('integer'))).toMatchObject({ ok: false, rule: 'type' });
    expect(toTargetValue('abc', field('decimal'))).toEqual({ ok: false, rule: 'type', message: '"abc" cannot go into F (decimal): not a decimal: abc' });
    expect(toTargetValue('12345.6', field('decimal', { precision: 5, scale: 2 }))).toEqual({ ok: false, rule: 'type', message: '"12345.6" cannot go into F (decimal): more than 3 digits before the point' });
    expect(toTargetValue('yes', field('boolean'))).toEqual({ ok: false, rule: 'type', message: '"yes" cannot go into F (boolean): expected true/false or 1/0' });
    expect(toTargetValue('2024-03-01T10:00:00Z', field('date'))).toMatchObject({ ok: false, rule: 'type', message: expect.stringContaining('a date rule converts') });
    expect(toTargetValue('soon', field('datetime'))).toMatchObject({ ok: false, rule: 'type' });
    expect(toTargetValue('25:00', field('time'))).toMatchObject({ ok: false, rule: 'type' });
    expect(toTargetValue('{bad', field('json'))).toMatchObject({ ok: false, rule: 'type' });
    expect(toTargetValue('x', field('binary'))).toMatchObject({ ok: false, rule: 'type' });
    expect(toTargetValue(new Uint8Array([1]), field('string'))).toEqual({ ok: false, rule: 'type', message: 'binary data (1 bytes) cannot go into F (string)' });
    expect(toTargetValue('x', field('float'))).toMatchObject({ ok: false, rule: 'type' });
  });

  it('checks the length in characters, or truncates', () => {
    const name = field('string', { length: 3 });
    expect(toTargetValue('a😀c', name)).toEqual({ ok: true, value: 'a😀c' });
    expect(toTargetValue('abcd', name)).toEqual({ ok: false, rule: 'length', message: '4 characters; F holds at most 3 (truncate: true cuts it)' });
    expect(toTargetValue('abcd', name, { truncate: true })).toEqual({ ok: true, value: 'abc' });
  });

  it('checks picklist values', () => {
    const stage = field('string', { picklistValues: ['Open', 'Closed'] });
    expect(toTargetValue('Open', stage)).toEqual({ ok: true, value: 'Open' });
    expect(toTargetValue('open', stage)).toEqual({ ok: false, rule: 'picklist', message: '"open" is not a value of F ("Open", "Closed"); map it with map/otherwise' });
  });
});
