import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerIntent, StateStore } from '../../src/state/index.js';
import { STATE_KINDS, useTestState } from './helpers.js';

function created(targetId: string, sourceId: string, patch: Partial<LedgerIntent> = {}): LedgerIntent {
  return { object: 'Account', sourceObject: 'accounts', sourceId, targetId, operation: 'created', hash: `h-${sourceId}`, prior: null, ...patch };
}

describe.each(STATE_KINDS)('the ledger in the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });
  let store: StateStore;
  beforeEach(async () => {
    store = state();
    await store.runs.start({ id: 'run-1', kind: 'migrate', system: 'target', source: 'legacy', dryRun: false });
  });

  it('records intents as pending with ids in order, and confirming moves the id map', async () => {
    const intents = Array.from({ length: 1_203 }, (_, i) => created(`T${i}`, `S${i}`));
    const ids = await store.ledger.intend('run-1', 'target', intents);
    expect(ids).toHaveLength(1_203);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const pending = await store.ledger.pending('target');
    expect(pending.map((entry) => entry.targetId)).toEqual(intents.map((intent) => intent.targetId));
    expect(pending.every((entry) => entry.state === 'pending')).toBe(true);
    expect(await store.ledger.targets('target', 'accounts', ['S0'])).toEqual(new Map());

    await store.ledger.confirm(ids);
    expect(await store.ledger.pending('target')).toEqual([]);
    const found = await store.ledger.targets('target', 'accounts', ['S0', 'S1202', 'nope']);
    expect([...found.keys()].sort()).toEqual(['S0', 'S1202']);
    expect(found.get('S1202')).toEqual({ sourceObject: 'accounts', sourceId: 'S1202', object: 'Account', targetId: 'T1202', hash: 'h-S1202', runId: 'run-1' });
    expect((await store.ledger.idMap('target')).map((entry) => entry.targetId)).toEqual(intents.map((intent) => intent.targetId));
    expect(await store.ledger.entries({ system: 'target', sourceId: 'S7' })).toMatchObject([{ targetId: 'T7', operation: 'created', state: 'done', runId: 'run-1' }]);
  });

  it('lets the newest write of a source record win in the id map, within one confirmation too', async () => {
    const ids = await store.ledger.intend('run-1', 'target', [
      created('T1', 'S1'),
      { ...created('T1', 'S1'), operation: 'updated', hash: 'h2', prior: { Name: 'old' } },
      created('T2', 'S2'),
    ]);
    await store.ledger.confirm(ids);
    expect((await store.ledger.targets('target', 'accounts', ['S1'])).get('S1')?.hash).toBe('h2');
    const [update] = await store.ledger.entries({ system: 'target', sourceId: 'S1' }).then((entries) => entries.filter((entry) => entry.operation === 'updated'));
    expect(update?.prior).toEqual({ Name: 'old' });
    // A deletion and an entry without a source leave the id map alone.
    await store.ledger.record('run-1', 'target', [{ ...created('T2', 'S2'), operation: 'deleted', hash: null, prior: { Id: 'T2' } }, created('T9', 'x', { sourceObject: null, sourceId: null })]);
    expect((await store.ledger.targets('target', 'accounts', ['S2'])).get('S2')?.targetId).toBe('T2');
    expect((await store.ledger.idMap('target')).map((entry) => entry.sourceId)).toEqual(['S1', 'S2']);
  });

  it('keeps deferred references with their intent, the last per field, and drops them with an intent that did not happen', async () => {
    const link = (targetId: string, sourceId: string) => ({ object: 'Account', targetId, field: 'ParentId', sourceObject: 'accounts', sourceId, fromObject: 'accounts', fromId: targetId });
    const ids = await store.ledger.intend('run-1', 'target', [
      created('T1', 'S1', { deferred: [link('T1', 'S9'), link('T1', 'S2')] }),
      created('T2', 'S2', { deferred: [{ ...link('T2', 'S1'), missingAsNull: true }] }),
    ]);
    expect(await store.ledger.deferredLinks('target')).toEqual([link('T1', 'S2'), { ...link('T2', 'S1'), missingAsNull: true }]);
    await store.ledger.drop([ids[1]!]);
    await store.ledger.confirm([ids[0]!]);
    expect(await store.ledger.deferredLinks('target')).toEqual([link('T1', 'S2')]);
    expect(await store.ledger.entries({ system: 'target', withPending: true })).toHaveLength(1);
    await store.ledger.clearLinks('target', [link('T1', 'S2')]);
    expect(await store.ledger.deferredLinks('target')).toEqual([]);
  });

  it('tells what it did first and last to each record, and gives the entries of some records', async () => {
    await store.ledger.record('run-1', 'target', [created('T1', 'S1'), { ...created('P1', 'S5'), operation: 'updated', prior: { Name: 'before' } }]);
    await store.ledger.record('run-1', 'target', [{ ...created('T1', 'S1'), operation: 'deleted', hash: null, prior: {} }]);
    await store.ledger.intend('run-1', 'target', [{ ...created('P1', 'S5'), operation: 'deleted', hash: null, prior: {} }]);
    expect(await store.ledger.touched('target')).toEqual([
      { object: 'Account', targetId: 'P1', first: 'updated', last: 'updated' },
      { object: 'Account', targetId: 'T1', first: 'created', last: 'deleted' },
    ]);
    expect((await store.ledger.entriesOf('target', 'Account', ['T1', 'P1'])).map((entry) => `${entry.targetId} ${entry.operation}`)).toEqual(['T1 created', 'P1 updated', 'T1 deleted']);
    expect(await store.ledger.touched('elsewhere')).toEqual([]);
  });

  it('searches a page of the entries with the count of all that match, pending ones left out', async () => {
    const ids = await store.ledger.intend('run-1', 'target', Array.from({ length: 250 }, (_, i) => created(`T${i}`, `S${i}`)));
    await store.ledger.confirm(ids.slice(0, 240));
    const page = await store.ledger.search({ runId: 'run-1' }, 100);
    expect(page.total).toBe(240);
    expect(page.entries.map((entry) => entry.targetId)).toEqual(Array.from({ length: 100 }, (_, i) => `T${i}`));
    expect(await store.ledger.search({ system: 'target', sourceId: 'S245' }, 100)).toEqual({ entries: [], total: 0 });
    expect((await store.ledger.search({ system: 'target', sourceId: 'S245', withPending: true }, 100)).total).toBe(1);
  });

  it('forgets id map entries by target', async () => {
    await store.ledger.record('run-1', 'target', [created('T1', 'S1'), created('T2', 'S2'), created('T3', 'S3')]);
    await store.ledger.unmap('target', 'Account', ['T1', 'T3']);
    expect((await store.ledger.idMap('target', 'Account')).map((entry) => entry.targetId)).toEqual(['T2']);
  });
});
