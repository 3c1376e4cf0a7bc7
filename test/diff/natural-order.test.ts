import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds, SmallestIds } from '../../src/diff/natural-order.js';

describe('natural id order', () => {
  it('sorts numeric ids as numbers and text with numbers naturally', () => {
    const ids = ['10', '9', '100', '2', '1', 'acc-10', 'acc-2', 'Acc-3', '0010', '001C000001', '001B000002', 'x'];
    expect([...ids].sort(compareIds)).toEqual(['1', '001B000002', '001C000001', '2', '9', '0010', '10', '100', 'Acc-3', 'acc-2', 'acc-10', 'x']);
  });

  it('is a total order: antisymmetric, and zero only for equal ids', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', 'a', 'B', '-', 'é') }), fc.string({ unit: fc.constantFrom('0', '1', '9', 'a', 'B', '-', 'é') }), (a, b) => {
        const ab = compareIds(a, b);
        expect(Math.sign(ab) + Math.sign(compareIds(b, a))).toBe(0);
        expect(ab === 0).toBe(a === b);
      }),
    );
  });

  it('keeps the smallest ids of a stream in bounded memory', () => {
    const kept = new SmallestIds(5);
    for (let i = 10_000; i > 0; i -= 1) kept.add(String(i));
    expect(kept.sorted()).toEqual(['1', '2', '3', '4', '5']);
    const all = new SmallestIds(Infinity);
    for (const id of ['3', '20', '1']) all.add(id);
    expect(all.sorted()).toEqual(['1', '3', '20']);
    const none = new SmallestIds(0);
    none.add('1');
    expect(none.sorted()).toEqual([]);
  });
});
