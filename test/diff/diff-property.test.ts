/** diff against a naive in-memory model, over random record sets of every value type, in memory and through spill files. */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { valuesEqual, type Value } from '../../src/core/values.js';
import { compareIds, DELETED_FLAG, diffSources, type FieldChange } from '../../src/diff/index.js';
import { arraySource, shuffled } from './array-source.js';

const FIELDS = ['id', 'name', 'amount', 'flag', 'blob', 'score'];
const dir = mkdtempSync(path.join(tmpdir(), 'cutover-diff-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const value: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('10.00', '10.0', '-0.50'),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.uint8Array({ maxLength: 3 }),
);
const row = fc.record({ name: value, amount: value, flag: value, blob: value, score: value, deleted: fc.boolean() });
const side = fc.dictionary(fc.integer({ min: 1, max: 60 }).map(String), row, { maxKeys: 40 });

type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

function records(rows: Record<string, Row>): CrmRecord[] {
  return Object.entries(rows).map(([id, { deleted, ...values }]) => ({ id, deleted, values: { id, ...values } }));
}

function expected(a: CrmRecord[], b: CrmRecord[]) {
  const inB = new Map(b.map((r) => [r.id, r]));
  const inA = new Map(a.map((r) => [r.id, r]));
  const changes: Array<{ id: string; fields: FieldChange[] }> = [];
  let same = 0;
  for (const ra of a) {
    const rb = inB.get(ra.id);
    if (!rb) continue;
    const fields = FIELDS.filter((f) => !valuesEqual(ra.values[f] ?? null, rb.values[f] ?? null)).map((field) => ({ field, a: ra.values[field] ?? null, b: rb.values[field] ?? null }));
    if (fields.length === 0 && ra.deleted !== rb.deleted) fields.push({ field: DELETED_FLAG, a: ra.deleted, b: rb.deleted });
    if (fields.length > 0) changes.push({ id: ra.id, fields });
    else same += 1;
  }
  return {
    onlyInAIds: a.filter((r) => !inB.has(r.id)).map((r) => r.id).sort(compareIds),
    onlyInBIds: b.filter((r) => !inA.has(r.id)).map((r) => r.id).sort(compareIds),
    changes: changes.sort((x, y) => compareIds(x.id, y.id)),
    same,
  };
}

describe('diff (property)', () => {
  it('agrees with a naive comparison, whatever the order and the partitioning', async () => {
    await fc.assert(
      fc.asyncProperty(side, side, fc.array(fc.tuple(fc.constantFrom('keep', 'drop', 'flag', 'field'), value), { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), fc.integer(), async (rowsA, rowsB, edits, partitionRecords, seed) => {
        const a = records(rowsA);
        // b: a edited record by record (kept, dropped, deleted flag flipped, one field changed), plus records of its own.
        const b = a.flatMap((r, i): CrmRecord[] => {
          const [edit, replacement] = edits[i] ?? ['keep', null];
          if (edit === 'drop') return [];
          if (edit === 'flag') return [{ ...r, deleted: !r.deleted }];
          if (edit === 'field') return [{ ...r, values: { ...r.values, [FIELDS[1 + (i % 5)] as string]: replacement } }];
          return [r];
        });
        b.push(...records(rowsB).filter((r) => !(r.id in rowsA)));
        const report = await diffSources(
          arraySource('a', [{ name: 'things', fields: FIELDS, records: a }], { batchSize: 4 }),
          arraySource('b', [{ name: 'things', fields: FIELDS, records: shuffled(b, seed) }], { batchSize: 5 }),
          { limit: Infinity, partitionRecords, tempDir: dir },
        );
        const want = expected(a, b);
        const [got] = report.objects;
        expect({ onlyInAIds: got?.onlyInAIds, onlyInBIds: got?.onlyInBIds, changes: got?.changes, same: got?.same }).toEqual(want);
        expect([got?.onlyInA, got?.onlyInB, got?.changed]).toEqual([want.onlyInAIds.length, want.onlyInBIds.length, want.changes.length]);
        expect(report.equal).toBe(want.onlyInAIds.length + want.onlyInBIds.length + want.changes.length === 0);
      }),
      { numRuns: 150 },
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
