import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { CutoverError } from '../../src/core/errors.js';
import { DELETED_FLAG, diffSources, type DiffProgress } from '../../src/diff/index.js';
import { ACCOUNT_FIELDS, accounts, arraySource, record, shuffled } from './array-source.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-diff-test-'));
  temps.push(dir);
  return dir;
}

function phases(events: DiffProgress[], object: string): string[] {
  return events.filter((event) => event.object === object).map((event) => event.phase);
}

describe('diffSources', () => {
  it('finds equal sets in different orders equal with the digest pass alone', async () => {
    const records = accounts(200);
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records }]);
    const b = arraySource('b', [{ name: 'accounts', fields: [...ACCOUNT_FIELDS].reverse(), records: shuffled(records) }], { batchSize: 13 });
    const events: DiffProgress[] = [];
    const report = await diffSources(a, b, { onObject: (event) => events.push(event) });
    expect(report.equal).toBe(true);
    expect(report.objects).toEqual([
      { object: 'accounts', onlyInA: 0, onlyInB: 0, changed: 0, same: 200, onlyInAIds: [], onlyInBIds: [], changes: [], fieldsOnlyInA: [], fieldsOnlyInB: [] },
    ]);
    expect(phases(events, 'accounts')).toEqual(['digest']);
    expect([a.reads.get('accounts'), b.reads.get('accounts')]).toEqual([1, 1]);
    expect(report.records).toEqual({ a: 200, b: 200 });
    expect(report).toMatchObject({ a: 'a', b: 'b' });
    expect(Date.parse(report.measuredAt)).not.toBeNaN();
    expect(report.seconds).toBeGreaterThanOrEqual(0);
  });

  it('reports records missing from b, extra in b, and changed fields with both values', async () => {
    const base = accounts(50);
    const logo = new Uint8Array([0, 1, 2, 255]);
    const inA = base.map((r) => (r.id === '7' ? { ...r, values: { ...r.values, logo } } : r));
    const inB = base
      .filter((r) => r.id !== '3' && r.id !== '40')
      .map((r) => {
        switch (r.id) {
          case '5':
            return { ...r, values: { ...r.values, name: 'Ünïcødé 名前 🚀', amount: '12.00' } };
          case '8':
            return { ...r, values: { ...r.values, notes: null } };
          case '7':
            return { ...r, values: { ...r.values, logo: new Uint8Array([0, 1, 2, 254]) } };
          case '10':
            return { ...r, values: { ...r.values, logo: new Uint8Array([9]), amount: '63.5' } };
          default:
            return r;
        }
      });
    inB.push(record(51, { name: 'New', amount: '1.00', active: true, logo: null, notes: null }), record(100, { name: 'Newer', amount: '2.00', active: false, logo: null, notes: null }));
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: inA }]);
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: shuffled(inB) }]);
    const events: DiffProgress[] = [];
    const report = await diffSources(a, b, { onObject: (event) => events.push(event) });
    expect(report.equal).toBe(false);
    const [accountsDiff] = report.objects;
    expect(accountsDiff).toMatchObject({ onlyInA: 2, onlyInB: 2, changed: 4, same: 44, onlyInAIds: ['3', '40'], onlyInBIds: ['51', '100'] });
    expect(accountsDiff?.changes).toEqual([
      { id: '5', fields: [{ field: 'name', a: 'Account 5', b: 'Ünïcødé 名前 🚀' }, { field: 'amount', a: '28.50', b: '12.00' }] },
      { id: '7', fields: [{ field: 'logo', a: logo, b: new Uint8Array([0, 1, 2, 254]) }] },
      { id: '8', fields: [{ field: 'notes', a: 'note 7', b: null }] },
      // Decimal text is compared as text: '63.50' and '63.5' differ (canonical values carry the scale).
      { id: '10', fields: [{ field: 'amount', a: '63.50', b: '63.5' }, { field: 'logo', a: null, b: new Uint8Array([9]) }] },
    ]);
    expect(phases(events, 'accounts')).toEqual(['digest', 'compare']);
    expect(report.records).toEqual({ a: 50, b: 50 });
  });

  it('reports a record whose only difference is its deleted flag', async () => {
    const a = arraySource('a', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'x' })] }]);
    const b = arraySource('b', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'x' }, true)] }]);
    const report = await diffSources(a, b);
    expect(report.objects[0]?.changes).toEqual([{ id: '1', fields: [{ field: DELETED_FLAG, a: false, b: true }] }]);
  });

  it('reports objects on one side only, in the order of a then the extra ones of b', async () => {
    const a = arraySource('a', [
      { name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(3) },
      { name: 'legacy_notes', fields: ['id', 'body'], records: [record(2, { body: 'x' }), record(10, { body: 'y' })] },
    ]);
    const b = arraySource('b', [
      { name: 'tasks', fields: ['id'], records: [record('t1', {})] },
      { name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(3) },
    ]);
    const report = await diffSources(a, b);
    expect(report.objects.map((object) => object.object)).toEqual(['accounts', 'legacy_notes', 'tasks']);
    expect(report.objects[1]).toMatchObject({ missingOn: 'b', onlyInA: 2, onlyInAIds: ['2', '10'], onlyInB: 0 });
    expect(report.objects[2]).toMatchObject({ missingOn: 'a', onlyInB: 1, onlyInBIds: ['t1'], onlyInA: 0 });
    expect(report.equal).toBe(false);
    expect(report.records).toEqual({ a: 5, b: 4 });
  });

  it('reports fields on one side only and compares the common ones', async () => {
    const inA = accounts(20).map((r) => ({ ...r, values: { ...r.values, fax: '555' } }));
    const inB = accounts(20).map((r): CrmRecord => {
      const { logo: _logo, ...values } = r.values;
      return { ...r, values: { ...values, rating: 5, name: r.id === '4' ? 'Renamed' : (values.name ?? null) } };
    });
    const a = arraySource('a', [{ name: 'accounts', fields: [...ACCOUNT_FIELDS, 'fax'], records: inA }], { digests: true });
    const b = arraySource('b', [{ name: 'accounts', fields: ['rating', ...ACCOUNT_FIELDS.filter((f) => f !== 'logo')], records: inB }], { digests: true });
    const report = await diffSources(a, b);
    const [diff] = report.objects;
    expect(diff).toMatchObject({ fieldsOnlyInA: ['logo', 'fax'], fieldsOnlyInB: ['rating'], changed: 1, same: 19, onlyInA: 0, onlyInB: 0 });
    expect(diff?.changes).toEqual([{ id: '4', fields: [{ field: 'name', a: 'Account 4', b: 'Renamed' }] }]);
    // The digests cover all fields, so with different fields both sides were read.
    expect(a.reads.get('accounts')).toBe(3);

    const sameRecords = await diffSources(a, arraySource('b', [{ name: 'accounts', fields: [...ACCOUNT_FIELDS], records: accounts(20) }]));
    expect(sameRecords.objects[0]).toMatchObject({ fieldsOnlyInA: ['fax'], fieldsOnlyInB: [], same: 20, changed: 0 });
    expect(sameRecords.equal).toBe(false);
  });

  it('takes a side’s own digest instead of reading it', async () => {
    const a = arraySource('backup', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(30) }], { digests: true });
    const b = arraySource('live', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: shuffled(accounts(30)) }]);
    const report = await diffSources(a, b);
    expect(report.equal).toBe(true);
    expect(a.reads.get('accounts')).toBeUndefined();
    expect(b.reads.get('accounts')).toBe(1);

    const both = arraySource('live', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(30) }], { digests: true });
    expect((await diffSources(a, both)).equal).toBe(true);
    expect(both.reads.get('accounts')).toBeUndefined();

    const changed = arraySource('live', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(31) }]);
    const different = await diffSources(a, changed);
    expect(different.objects[0]).toMatchObject({ onlyInB: 1, onlyInBIds: ['31'], same: 30 });
    // Reading a is needed to find which records differ; no changed fields, so no third pass.
    expect(a.reads.get('accounts')).toBe(1);
    expect(changed.reads.get('accounts')).toBe(2);
  });

  it('keeps `limit` examples per list, the smallest ids in natural order, or all with Infinity', async () => {
    const inA = accounts(300);
    const inB = accounts(300)
      .filter((r) => Number(r.id) % 10 !== 1)
      .map((r) => (Number(r.id) % 10 === 2 ? { ...r, values: { ...r.values, active: !r.values.active } } : r));
    inB.push(...Array.from({ length: 30 }, (_, i) => record(`x${i}`, { name: 'extra' })));
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: shuffled(inA, 3) }]);
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: shuffled(inB, 4) }]);

    const limited = (await diffSources(a, b, { limit: 3 })).objects[0];
    expect(limited).toMatchObject({ onlyInA: 30, onlyInB: 30, changed: 30, onlyInAIds: ['1', '11', '21'], onlyInBIds: ['x0', 'x1', 'x2'] });
    expect(limited?.changes.map((change) => change.id)).toEqual(['2', '12', '22']);
    expect(limited?.changes[0]?.fields).toEqual([{ field: 'active', a: true, b: false }]);

    const all = (await diffSources(a, b, { limit: Infinity })).objects[0];
    expect(all?.onlyInAIds).toEqual(Array.from({ length: 30 }, (_, i) => String(i * 10 + 1)));
    expect(all?.onlyInBIds.slice(0, 3)).toEqual(['x0', 'x1', 'x2']);
    expect(all?.onlyInBIds.slice(-2)).toEqual(['x28', 'x29']);
    expect(all?.changes).toHaveLength(30);

    const reads = a.reads.get('accounts');
    const none = (await diffSources(a, b, { limit: 0 })).objects[0];
    expect(none).toMatchObject({ onlyInAIds: [], onlyInBIds: [], changes: [], changed: 30 });
    // No examples wanted: no changed-fields pass.
    expect(a.reads.get('accounts')).toBe((reads ?? 0) + 2);
  });

  it('stops reading a side in the changed-fields pass once it gave every example', async () => {
    const batchesPerRead: number[] = [];
    const inB = accounts(1000).map((r) => (r.id === '5' ? { ...r, values: { ...r.values, name: 'Five' } } : r));
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: inB }], {
      batchSize: 10,
      onBatch: () => {
        const read = (b.reads.get('accounts') ?? 0) - 1;
        batchesPerRead[read] = (batchesPerRead[read] ?? 0) + 1;
      },
    });
    const report = await diffSources(arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(1000) }]), b);
    expect(report.objects[0]?.changes).toEqual([{ id: '5', fields: [{ field: 'name', a: 'Account 5', b: 'Five' }] }]);
    expect(batchesPerRead).toEqual([100, 100, 1]);
  });

  it('compares through encrypted temporary files when objects exceed a partition, and removes them', async () => {
    const dir = tempDir();
    const inA = accounts(2000);
    const inB = shuffled(accounts(2000).filter((r) => r.id !== '1500').map((r) => (r.id === '777' ? { ...r, values: { ...r.values, name: 'Seven' } } : r)));
    let seen: string[] = [];
    const report = await diffSources(
      arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: inA }], { batchSize: 100 }),
      arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: inB }], { batchSize: 100 }),
      { tempDir: dir, partitionRecords: 150, limit: Infinity, onObject: () => (seen = readdirSync(dir)) },
    );
    expect(report.objects[0]).toMatchObject({ onlyInA: 1, onlyInAIds: ['1500'], onlyInB: 0, changed: 1, same: 1998 });
    expect(report.objects[0]?.changes).toEqual([{ id: '777', fields: [{ field: 'name', a: 'Account 777', b: 'Seven' }] }]);
    expect(seen).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compares only the objects asked for, and refuses names on neither side', async () => {
    const a = arraySource('a', [
      { name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(3) },
      { name: 'notes', fields: ['id'], records: [] },
    ]);
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(4) }]);
    const report = await diffSources(a, b, { objects: ['accounts'] });
    expect(report.objects.map((object) => object.object)).toEqual(['accounts']);
    await expect(diffSources(a, b, { objects: ['accounts', 'nope'] })).rejects.toMatchObject({ code: 'schema.object_missing' });
    await expect(diffSources(a, b, { limit: -1 })).rejects.toMatchObject({ code: 'usage' });
    expect(a.reads.get('notes')).toBeUndefined();
  });

  it('stops when the signal fires, and leaves no temporary files', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    let comparing = false;
    let batches = 0;
    let filesWhenAborted: string[] = [];
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(3000) }], { batchSize: 50 });
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(2999) }], {
      batchSize: 50,
      onBatch: () => {
        batches += comparing ? 1 : 0;
        if (batches === 20) {
          filesWhenAborted = readdirSync(dir);
          controller.abort(new Error('user pressed Ctrl-C'));
        }
      },
    });
    const running = diffSources(a, b, { signal: controller.signal, tempDir: dir, partitionRecords: 100, onObject: (event) => (comparing = event.phase === 'compare') });
    const error = await running.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('aborted');
    expect(filesWhenAborted).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
    await expect(diffSources(a, b, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
  });

  it('fails with the error of a side that fails, after stopping the other', async () => {
    const dir = tempDir();
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(500) }], { batchSize: 10 });
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(500) }], { batchSize: 10, failAfter: 100 });
    await expect(diffSources(a, b, { tempDir: dir, partitionRecords: 50 })).rejects.toThrow('b lost its connection');
    expect(readdirSync(dir)).toEqual([]);
  });
});
