/**
 * Reset from the ledger, on every database: records cutover created are
 * deleted even when they point at each other, a record that was there before
 * gets the values cutover overwrote back, one cutover deleted is created
 * again; the system then equals what it was, and a second reset does nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition } from '../../../src/connectors/contract.js';
import { openConnector } from '../../../src/connectors/registry.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { jsonValue } from '../../../src/core/record-hash.js';
import { connectorSource, diffSources } from '../../../src/diff/index.js';
import { runReset } from '../../../src/runbooks/reset/run-reset.js';
import { StateStore } from '../../../src/state/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../support/databases.js';
import { arraySource } from '../../diff/array-source.js';

const TABLES: ObjectDefinition[] = [
  {
    name: 'companies',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'name', type: 'string', length: 80, nullable: false },
      { name: 'parent_id', type: 'integer', references: { object: 'companies', field: 'id', constraint: true } },
    ],
  },
  {
    name: 'people',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'name', type: 'string', length: 80, nullable: false },
      { name: 'company_id', type: 'integer', nullable: false, references: { object: 'companies', field: 'id', constraint: true } },
    ],
  },
];

async function readAll(connector: SqlConnector, object: string): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object)) records.push(...batch.records);
  return records;
}

for (const kind of databaseKinds()) {
  describe(`reset on ${kind}`, () => {
    let db: TestDatabase;
    let target: SqlConnector;
    let state: StateStore;
    let baseline: Array<{ name: string; fields: string[]; records: CrmRecord[] }>;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      target = await openConnector({ kind, url: db.url, profile: resolveProfile('generic'), baseDir: process.cwd(), displayName: 'crm' }, { create: true });
      await target.createObjects(TABLES);
      await target.write('companies', 'insert', [
        { id: '1', values: { name: 'Before One', parent_id: null } },
        { id: '2', values: { name: 'Before Two', parent_id: null } },
      ]);
      await target.write('people', 'insert', [{ id: '1', values: { name: 'Ada', company_id: 1 } }]);
      baseline = [];
      for (const definition of TABLES) baseline.push({ name: definition.name, fields: definition.fields.map((f) => f.name), records: await readAll(target, definition.name) });
      state = await StateStore.openFile(path.join(mkdtempSync(path.join(tmpdir(), 'cutover-reset-')), 'state.db'));
    });

    afterAll(async () => {
      await state?.close();
      await target?.close();
      await db?.drop();
    });

    const compare = () => diffSources(arraySource('baseline', baseline), connectorSource(target, 'crm'));

    it('deletes what cutover created, puts back what it changed, re-creates what it deleted, and ends equal', async () => {
      const run = await state.runs.start({ id: `migrate-by-hand-${kind}`, kind: 'migrate', system: 'crm', source: 'legacy', dryRun: false });
      // What a migration (or a later reconciliation) did, each effect ledgered as cutover ledgers it.
      const [c3, c4, c5] = await target.newIds('companies', 3);
      await target.write('companies', 'insert', [{ id: c3!, values: { name: 'New Parent', parent_id: null } }]);
      await target.write('companies', 'insert', [{ id: c4!, values: { name: 'New Child', parent_id: Number(c3) } }]);
      // A cycle: the parent points back at its child.
      await target.write('companies', 'update', [{ id: c3!, values: { parent_id: Number(c4) } }]);
      await target.write('companies', 'insert', [{ id: c5!, values: { name: 'Child of Before', parent_id: 1 } }]);
      const [p2] = await target.newIds('people', 1);
      await target.write('people', 'insert', [{ id: p2!, values: { name: 'Grace', company_id: Number(c4) } }]);
      await target.write('companies', 'update', [{ id: '1', values: { name: 'Renamed by the migration' } }]);
      const before2 = (await target.get('companies', ['2']))[0]!;
      await target.delete('companies', ['2'], { mode: 'hard' });
      await state.ledger.record(run.id, 'crm', [
        { object: 'companies', sourceObject: 'accounts', sourceId: 'a3', targetId: c3!, operation: 'created', hash: 'h3', prior: null },
        { object: 'companies', sourceObject: 'accounts', sourceId: 'a4', targetId: c4!, operation: 'created', hash: 'h4', prior: null },
        { object: 'companies', sourceObject: null, sourceId: null, targetId: c3!, operation: 'updated', hash: null, prior: { parent_id: null } },
        { object: 'companies', sourceObject: 'accounts', sourceId: 'a5', targetId: c5!, operation: 'created', hash: 'h5', prior: null },
        { object: 'people', sourceObject: 'contacts', sourceId: 'p2', targetId: p2!, operation: 'created', hash: 'h6', prior: null },
        { object: 'companies', sourceObject: 'accounts', sourceId: 'a1', targetId: '1', operation: 'updated', hash: 'h1', prior: { name: 'Before One' } },
        {
          object: 'companies',
          sourceObject: null,
          sourceId: null,
          targetId: '2',
          operation: 'deleted',
          hash: null,
          prior: Object.fromEntries(Object.entries(before2.values).map(([field, value]) => [field, jsonValue(value)])),
        },
      ]);
      await state.runs.finish(run.id, { status: 'succeeded' });
      expect((await compare()).equal).toBe(false);

      const dry = await runReset({ system: 'crm', connector: target, state, dryRun: true, compare });
      expect(dry.objects).toEqual([
        { object: 'companies', delete: 3, revert: 1, recreate: 1, deleted: 0, reverted: 0, recreated: 0, failed: 0 },
        { object: 'people', delete: 1, revert: 0, recreate: 0, deleted: 0, reverted: 0, recreated: 0, failed: 0 },
      ]);
      expect((await compare()).equal).toBe(false);

      let backedUp = 0;
      const report = await runReset({ system: 'crm', connector: target, state, compare, beforeWrite: async () => void (backedUp += 1) });
      expect(backedUp).toBe(1);
      expect(report.failures).toEqual([]);
      expect(report.diff?.equal).toBe(true);
      expect(report.objects.find((o) => o.object === 'companies')).toMatchObject({ deleted: 3, reverted: 1, recreated: 1 });
      // Nothing the migration wrote is left, so a next migration writes everything again.
      expect(await state.ledger.idMap('crm')).toEqual([]);
      // Nothing left to do: a second reset writes nothing and takes no safety backup.
      const again = await runReset({ system: 'crm', connector: target, state, compare, beforeWrite: async () => void (backedUp += 1) });
      expect(backedUp).toBe(1);
      expect(again.objects.every((o) => o.delete + o.revert + o.recreate === 0)).toBe(true);
      expect(again.diff?.equal).toBe(true);
    });

    it('forgets a reverted record in the id map when the reset that reverted it was killed before confirming', async () => {
      const migration = await state.runs.start({ id: `migrate-again-${kind}`, kind: 'migrate', system: 'crm', source: 'legacy', dryRun: false });
      await target.write('companies', 'update', [{ id: '1', values: { name: 'Renamed again' } }]);
      await state.ledger.record(migration.id, 'crm', [{ object: 'companies', sourceObject: 'accounts', sourceId: 'a1', targetId: '1', operation: 'updated', hash: 'h1', prior: { name: 'Before One' } }]);
      await state.runs.finish(migration.id, { status: 'succeeded' });
      // The reset's intent and write happened; the process died before the confirmation.
      const crashed = await state.runs.start({ id: `reset-killed-${kind}`, kind: 'reset', system: 'crm', source: null, dryRun: false });
      await state.ledger.intend(crashed.id, 'crm', [{ object: 'companies', sourceObject: null, sourceId: null, targetId: '1', operation: 'updated', hash: null, prior: { name: 'Renamed again' } }]);
      await target.write('companies', 'update', [{ id: '1', values: { name: 'Before One' } }]);
      await state.runs.finish(crashed.id, { status: 'failed', error: 'killed' });
      expect((await state.ledger.idMap('crm')).map((entry) => entry.sourceId)).toEqual(['a1']);

      const report = await runReset({ system: 'crm', connector: target, state, compare });
      expect(report.recovered).toEqual({ confirmed: 1, dropped: 0 });
      expect(report.diff?.equal).toBe(true);
      // A next migration writes the record again rather than taking the baseline's values for its own.
      expect(await state.ledger.idMap('crm')).toEqual([]);
    });
  });
}
