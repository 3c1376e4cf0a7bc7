import { describe, expect, it } from 'vitest';
import { canonicalRecordText, recordHash, SetDigest } from '../../src/core/record-hash.js';

describe('record hash', () => {
  it('does not depend on the order of fields', () => {
    const a = { id: '1', deleted: false, values: { b: 'x', a: 1, c: null } };
    const b = { id: '1', deleted: false, values: { c: null, a: 1, b: 'x' } };
    expect(recordHash(a).equals(recordHash(b))).toBe(true);
    expect(canonicalRecordText(a)).toBe('["1",false,[["a",1],["b","x"],["c",null]]]');
  });

  it('tells apart values that print alike', () => {
    const base = { id: '1', deleted: false, values: { v: '1' as string | number | null | Uint8Array } };
    const hashes = ['1', 1, null, new Uint8Array([49])].map((v) => recordHash({ ...base, values: { v } }).toString('hex'));
    expect(new Set(hashes).size).toBe(4);
    expect(recordHash({ ...base, deleted: true }).equals(recordHash(base))).toBe(false);
  });

  it('digests sets in any order, and changes with any record', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ id: String(i), deleted: false, values: { n: i } }));
    const forward = new SetDigest();
    const backward = new SetDigest();
    for (const record of records) forward.add(recordHash(record));
    for (const record of [...records].reverse()) backward.add(recordHash(record));
    expect(forward.hex()).toBe(backward.hex());
    const changed = new SetDigest();
    for (const record of records) changed.add(recordHash(record.id === '7' ? { ...record, values: { n: 8 } } : record));
    expect(changed.hex()).not.toBe(forward.hex());
    expect(forward.count).toBe(50);
  });
});

describe('canonical record text', () => {
  it('is exactly what JSON.stringify writes, for any values', async () => {
    const { default: fc } = await import('fast-check');
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 16 }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), value), (id, deleted, values) => {
        const pairs = Object.keys(values)
          .sort()
          .map((name) => {
            const v = values[name];
            return [name, v instanceof Uint8Array ? { $b: Buffer.from(v).toString('base64') } : (v ?? null)];
          });
        expect(canonicalRecordText({ id, deleted, values })).toBe(JSON.stringify([id, deleted, pairs]));
      }),
      { numRuns: 2000 },
    );
  });
});
