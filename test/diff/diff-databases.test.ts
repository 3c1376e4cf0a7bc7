/**
 * diff over real databases: the same generated CRM in two databases (whose
 * string-id orders differ) is equal; one changed, one deleted and one
 * inserted record are exactly what is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { valuesEqual } from '../../src/core/values.js';
import { connectorSource, diffSources, formatDiffReport, type DiffProgress } from '../../src/diff/index.js';
import { generateInto, shapeFacts, type GenerateResult } from '../../src/generate/index.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/databases.js';

const SHAPE = 'salesforce';
const RECORDS = 300;
const facts = shapeFacts(SHAPE);
const kinds = databaseKinds();
const pairs: Array<[DatabaseKind, DatabaseKind]> = [['sqlite', 'sqlite'], ...kinds.filter((kind) => kind !== 'sqlite').map((kind): [DatabaseKind, DatabaseKind] => ['sqlite', kind])];

async function readAll(connector: SqlConnector, object: string): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object)) records.push(...batch.records);
  return records;
}

for (const [kindA, kindB] of pairs) {
  describe(`diff: ${kindA} vs ${kindB}`, () => {
    const databases: TestDatabase[] = [];
    const connectors: SqlConnector[] = [];
    let generated: GenerateResult;

    beforeAll(async () => {
      for (const kind of [kindA, kindB]) {
        const db = await createTestDatabase(kind);
        databases.push(db);
        const connector = await openConnector({ kind, url: db.url, profile: resolveProfile(facts.profile), baseDir: process.cwd(), displayName: `${kind} test` }, { create: true });
        connectors.push(connector);
        generated = await generateInto(connector, { shape: SHAPE, records: RECORDS, seed: 11, asOf: new Date('2026-06-30T00:00:00Z') });
      }
    });

    afterAll(async () => {
      for (const connector of connectors) await connector.close();
      for (const db of databases) await db.drop();
    });

    const sources = () => [connectorSource(connectors[0] as SqlConnector, `${kindA} a`), connectorSource(connectors[1] as SqlConnector, `${kindB} b`)] as const;

    it('finds the same generated CRM equal, with one pass per side', async () => {
      const events: DiffProgress[] = [];
      const [a, b] = sources();
      const report = await diffSources(a, b, { onObject: (event) => events.push(event) });
      expect(report.objects.filter((object) => object.changed + object.onlyInA + object.onlyInB > 0)).toEqual([]);
      expect(report.equal).toBe(true);
      expect(events.every((event) => event.phase === 'digest')).toBe(true);
      const total = generated.objects.reduce((sum, object) => sum + object.records, 0);
      expect(report.records).toEqual({ a: total, b: total });
      expect(report.objects.map((object) => object.object).sort()).toEqual(generated.objects.map((object) => object.name).sort());
    });

    it('reports exactly one changed, one deleted and one inserted record', async () => {
      const target = connectors[1] as SqlConnector;
      const accountsBefore = await readAll(target, facts.accounts);
      const changedBefore = accountsBefore[Math.floor(accountsBefore.length / 2)] as CrmRecord;
      const updated = await target.write(facts.accounts, 'update', [{ id: changedBefore.id, values: { [facts.requiredAccountField]: 'Renamed Ünïcødé 名前' } }]);
      expect(updated[0]?.ok).toBe(true);
      const contacts = await readAll(target, facts.contacts);
      const deletedId = (contacts[7] as CrmRecord).id;
      expect((await target.delete(facts.contacts, [deletedId], { mode: 'hard' }))[0]?.ok).toBe(true);
      const inserted = await target.write(facts.accounts, 'insert', [{ values: facts.newAccount(1) }]);
      const insertedId = (inserted[0] as { ok: true; id: string }).id;
      expect(inserted[0]?.ok).toBe(true);

      const changedAfter = (await readAll(target, facts.accounts)).find((record) => record.id === changedBefore.id) as CrmRecord;
      const fieldOrder = (await (connectors[0] as SqlConnector).describe()).objects.find((object) => object.name === facts.accounts)?.fields.map((field) => field.name) ?? [];
      const expectedFields = fieldOrder
        .filter((field) => !valuesEqual(changedBefore.values[field] ?? null, changedAfter.values[field] ?? null))
        .map((field) => ({ field, a: changedBefore.values[field], b: changedAfter.values[field] }));
      expect(expectedFields.map((change) => change.field)).toContain(facts.requiredAccountField);

      const [a, b] = sources();
      const events: DiffProgress[] = [];
      const report = await diffSources(a, b, { onObject: (event) => events.push(event) });
      expect(report.equal).toBe(false);
      const different = report.objects.filter((object) => object.changed + object.onlyInA + object.onlyInB > 0);
      expect(different.map((object) => object.object).sort()).toEqual([facts.accounts, facts.contacts].sort());
      const accounts = report.objects.find((object) => object.object === facts.accounts);
      expect(accounts).toMatchObject({ changed: 1, onlyInA: 0, onlyInB: 1, onlyInBIds: [insertedId] });
      expect(accounts?.changes).toEqual([{ id: changedBefore.id, fields: expectedFields }]);
      const contactsDiff = report.objects.find((object) => object.object === facts.contacts);
      expect(contactsDiff).toMatchObject({ changed: 0, onlyInA: 1, onlyInB: 0, onlyInAIds: [deletedId], same: contacts.length - 1 });
      expect(events.filter((event) => event.phase === 'compare').map((event) => event.object).sort()).toEqual([facts.accounts, facts.contacts].sort());

      const text = formatDiffReport(report);
      expect(text).toContain(`- id ${changedBefore.id}: `);
      expect(text).toContain(`missing from b: ${deletedId}`);
      expect(text).toContain(`extra in b: ${insertedId}`);
    });
  });
}
