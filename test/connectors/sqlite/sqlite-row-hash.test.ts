/**
 * The row hash behind SQLite's range checksums: rows that differ in any way
 * (a value moved between columns, NULL against empty text, a number against
 * its text, bytes against text, order) hash differently; equal rows equally.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sqliteRowHash } from '../../../src/connectors/sqlite/sqlite-row-hash.js';

const key = (values: unknown[]): string => sqliteRowHash(values).join(':');

describe('sqliteRowHash', () => {
  it('tells apart rows that a plain concatenation would confuse', () => {
    const rows: unknown[][] = [
      ['ab', 'c'],
      ['a', 'bc'],
      ['abc'],
      ['abc', null],
      [null, 'abc'],
      [null],
      [''],
      [],
      ['1'],
      [1],
      [Buffer.from('1')],
      [1.5],
      ['1.5'],
      ['a', 'b'],
      ['b', 'a'],
      ['\u00e9'],
      ['e\u0301'],
    ];
    const keys = rows.map(key);
    expect(new Set(keys).size).toBe(rows.length);
  });

  it('gives equal rows equal hashes, and an integer the same hash as a number or a BigInt', () => {
    expect(key(['x', 12, null, Buffer.from([0, 255])])).toBe(key(['x', 12, null, new Uint8Array([0, 255])]));
    expect(key([12n])).toBe(key([12]));
  });

  it('finds no collision among many random rows', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.constant(null), fc.double({ noNaN: true })), { maxLength: 6 }), (row) => {
        const text = JSON.stringify(row);
        const hash = key(row);
        const before = seen.get(hash);
        if (before !== undefined) expect(before).toBe(text);
        seen.set(hash, text);
      }),
      { numRuns: 20_000 },
    );
  });
});
