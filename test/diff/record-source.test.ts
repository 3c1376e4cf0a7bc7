import { describe, expect, it } from 'vitest';
import type { Connector, ReadOptions, RecordBatch, SystemDescription } from '../../src/connectors/contract.js';
import { connectorSource, DIFF_READ_BATCH } from '../../src/diff/index.js';

describe('connectorSource', () => {
  it('lists readable objects and reads all records, soft-deleted too, in small batches', async () => {
    const calls: Array<[string, ReadOptions | undefined]> = [];
    const connector: Pick<Connector, 'describe' | 'read'> = {
      describe: async () =>
        ({
          objects: [
            { name: 'accounts', idField: 'id', kind: 'object', fields: [{ name: 'id' }, { name: 'name' }] },
            { name: 'odd', idField: 'a', kind: 'object', fields: [{ name: 'a' }], unsupported: 'no single-column key' },
          ],
        }) as unknown as SystemDescription,
      async *read(object: string, options?: ReadOptions): AsyncIterable<RecordBatch> {
        calls.push([object, options]);
        yield { object, cursor: '1', records: [{ id: '1', values: { id: 1, name: 'x' }, deleted: true }] };
      },
    };
    const source = connectorSource(connector, 'live');
    expect(source.label).toBe('live');
    expect(await source.objects()).toEqual([{ name: 'accounts', idField: 'id', fields: ['id', 'name'] }]);
    const signal = new AbortController().signal;
    const batches = [];
    for await (const batch of source.records('accounts', { signal })) batches.push(batch);
    expect(batches).toEqual([[{ id: '1', values: { id: 1, name: 'x' }, deleted: true }]]);
    expect(calls).toEqual([['accounts', { includeDeleted: true, batchSize: DIFF_READ_BATCH, signal }]]);
    for await (const _ of connectorSource(connector, 'live', { batchSize: 5000 }).records('accounts')) void _;
    expect(calls[1]).toEqual(['accounts', { includeDeleted: true, batchSize: 5000 }]);
    expect(source.digest).toBeUndefined();
  });
});
