/**
 * diff's fast path (the data-diff method) between two databases of one kind:
 * equal data is proven without a record or row hash leaving the databases;
 * one changed record costs the row hashes of one small range; any mix of
 * changes, inserts and deletes gives exactly the report of the record-by-
 * record path; and a value spelled two ways in the database is not a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, RangeChecksums } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { valuesEqual } from '../../src/core/values.js';
import { compareIds, connectorSource, diffSources, type DiffOptions, type RecordSource } from '../../src/diff/index.js';
import { generateInto, shapeFacts, type ShapeName } from '../../src/generate/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.js';

const RECORDS = 400;
const OPTIONS: DiffOptions = { limit: Infinity, ranges: { parts: 4, leafRecords: 25 } };
const cases: Array<{ shape: ShapeName; kinds: ReturnType<typeof databaseKinds> }> = [
  { shape: 'legacy', kinds: databaseKinds() },
  { shape: 'salesforce', kinds: databaseKinds() },
];

interface Counted {
  source: RecordSource;
  stats: { recordsRead: number; rowsHashed: number; checksums: number; checksumsOf: Map<string, number> };
}

/** A source that counts what diff fetched from it: records, row hashes, checksum queries. */
function counted(source: RecordSource): Counted {
  const stats = { recordsRead: 0, rowsHashed: 0, checksums: 0, checksumsOf: new Map<string, number>() };
  const ranges = source.ranges as RangeChecksums;
  return {
    stats,
    source: {
      label: source.label,
      objects: () => source.objects(),
      async *records(object, options) {
        for await (const batch of source.records(object, options)) {
          stats.recordsRead += batch.length;
          yield batch;
        }
      },
      ranges: {
        ...ranges,
        rangeChecksum: (object, fields, range) => {
          stats.checksums += 1;
          stats.checksumsOf.set(object, (stats.checksumsOf.get(object) ?? 0) + 1);
          return ranges.rangeChecksum(object, fields, range);
        },
        async *rowHashes(object, fields, range, options) {
          for await (const pairs of ranges.rowHashes(object, fields, range, options)) {
            stats.rowsHashed += pairs.length;
            yield pairs;
          }
        },
      },
    },
  };
}

/** The same source without range checksums: diff compares it record by record. */
function recordByRecord(source: RecordSource): RecordSource {
  return { label: source.label, objects: () => source.objects(), records: (object, options) => source.records(object, options) };
}

async function readAll(connector: SqlConnector, object: string): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object)) records.push(...batch.records);
  return records;
}

for (const { shape, kinds } of cases) {
  const facts = shapeFacts(shape);
  for (const kind of kinds) {
    describe(`range diff: ${kind} vs ${kind}, ${shape} shape`, () => {
      const databases: TestDatabase[] = [];
      const connectors: SqlConnector[] = [];

      beforeAll(async () => {
        for (let copy = 0; copy < 2; copy += 1) {
          const db = await createTestDatabase(kind);
          databases.push(db);
          const connector = await openConnector(
            { kind, url: db.url, profile: resolveProfile(facts.profile), baseDir: process.cwd(), displayName: `${kind} ${copy === 0 ? 'a' : 'b'}` },
            { create: true },
          );
          connectors.push(connector);
          await generateInto(connector, { shape, records: RECORDS, seed: 5, asOf: new Date('2026-06-30T00:00:00Z') });
        }
      });

      afterAll(async () => {
        for (const connector of connectors) await connector.close();
        for (const db of databases) await db.drop();
      });

      const a = () => connectors[0] as SqlConnector;
      const b = () => connectors[1] as SqlConnector;
      const sides = () => [counted(connectorSource(a(), 'a')), counted(connectorSource(b(), 'b'))] as const;

      it('proves equal data equal from checksums alone', async () => {
        const [sideA, sideB] = sides();
        const report = await diffSources(sideA.source, sideB.source, OPTIONS);
        expect(report.equal).toBe(true);
        expect(report.records.a).toBeGreaterThan(RECORDS);
        expect(report.records).toEqual({ a: report.records.b, b: report.records.a });
        for (const { stats } of [sideA, sideB]) {
          expect(stats.recordsRead).toBe(0);
          expect(stats.rowsHashed).toBe(0);
          expect(stats.checksums).toBeGreaterThan(0);
        }
      });

      it('finds one changed record by hashing one small range', async () => {
        const contacts = await readAll(b(), facts.contacts);
        expect(contacts.length).toBeGreaterThan(4 * 25);
        const before = contacts[Math.floor(contacts.length * 0.6)] as CrmRecord;
        const field = Object.keys(before.values).find((name) => /last_?name/i.test(name)) as string;
        expect(field).toBeDefined();
        const written = await b().write(facts.contacts, 'update', [{ id: before.id, values: { [field]: 'Zweig-Ångström' } }]);
        expect(written[0]?.ok).toBe(true);
        // The system may stamp a modified-at field too: expect whatever changed, in field order.
        const after = (await readAll(b(), facts.contacts)).find((record) => record.id === before.id) as CrmRecord;
        const expected = Object.keys(before.values)
          .filter((name) => !valuesEqual(before.values[name] ?? null, after.values[name] ?? null))
          .map((name) => ({ field: name, a: before.values[name], b: after.values[name] }));
        expect(expected.map((change) => change.field)).toContain(field);

        const [sideA, sideB] = sides();
        const report = await diffSources(sideA.source, sideB.source, OPTIONS);
        const diff = report.objects.find((object) => object.object === facts.contacts);
        expect(diff).toMatchObject({ changed: 1, onlyInA: 0, onlyInB: 0, same: contacts.length - 1 });
        expect(diff?.changes).toEqual([{ id: before.id, fields: expected }]);
        expect(report.objects.filter((object) => object.object !== facts.contacts).every((object) => object.changed + object.onlyInA + object.onlyInB === 0)).toBe(true);
        // Cut in 4 until 25 records: far fewer row hashes than records, and no record read in full.
        for (const { stats } of [sideA, sideB]) {
          expect(stats.recordsRead).toBe(0);
          expect(stats.rowsHashed).toBeGreaterThan(0);
          expect(stats.rowsHashed).toBeLessThanOrEqual(25);
          // The sample of 4 parts of the first cut (about 16) had equal ones, so every part's checksum followed.
          expect(stats.checksumsOf.get(facts.contacts)).toBeGreaterThan(8);
        }
      });

      it('reports any mix of changes, inserts and deletes exactly as the record-by-record path does', async () => {
        const accounts = await readAll(b(), facts.accounts);
        // Changes spread everywhere in accounts (dense: the fast path stops cutting), besides the contact changed above.
        const updates = accounts.filter((_, index) => index % 3 === 0).map((record, index) => ({ id: record.id, values: { [facts.requiredAccountField]: `Renamed ${index}` } }));
        expect((await b().write(facts.accounts, 'update', updates)).every((result) => result.ok)).toBe(true);
        const inserted = await b().write(facts.accounts, 'insert', [{ values: facts.newAccount(1) }, { values: facts.newAccount(2) }]);
        expect(inserted.every((result) => result.ok)).toBe(true);
        // Hard deletes from an object no other points at, so no reference stops them.
        const description = await b().describe();
        const leaf = description.objects.find(
          (object) => object.kind === 'object' && object.name !== facts.accounts && !description.relationships.some((relationship) => relationship.to.object === object.name),
        );
        expect(leaf).toBeDefined();
        const leafRecords = await readAll(b(), leaf!.name);
        const doomed = [leafRecords[3], leafRecords[leafRecords.length - 1]].map((record) => (record as CrmRecord).id);
        expect((await b().delete(leaf!.name, doomed, { mode: 'hard' })).every((result) => result.ok)).toBe(true);

        const [sideA, sideB] = sides();
        const fast = await diffSources(sideA.source, sideB.source, OPTIONS);
        const slow = await diffSources(recordByRecord(connectorSource(a(), 'a')), recordByRecord(connectorSource(b(), 'b')), OPTIONS);
        expect(fast.objects).toEqual(slow.objects);
        expect(fast.records).toEqual(slow.records);
        const accountsDiff = fast.objects.find((object) => object.object === facts.accounts);
        expect(accountsDiff).toMatchObject({ changed: updates.length, onlyInB: 2, onlyInA: 0 });
        expect(fast.objects.find((object) => object.object === leaf!.name)).toMatchObject({ onlyInA: 2, onlyInAIds: [...doomed].sort(compareIds) });
        expect(sideA.stats.recordsRead + sideB.stats.recordsRead).toBe(0);
      });

      it('reads every row hash at once when a sample shows differences everywhere', async () => {
        const contacts = await readAll(b(), facts.contacts);
        const field = Object.keys((contacts[0] as CrmRecord).values).find((name) => /last_?name/i.test(name)) as string;
        const updates = contacts.filter((_, index) => index % 2 === 0).map((record, index) => ({ id: record.id, values: { [field]: `Moved ${index}` } }));
        expect((await b().write(facts.contacts, 'update', updates)).every((result) => result.ok)).toBe(true);

        const [sideA, sideB] = sides();
        const fast = await diffSources(sideA.source, sideB.source, OPTIONS);
        const slow = await diffSources(recordByRecord(connectorSource(a(), 'a')), recordByRecord(connectorSource(b(), 'b')), OPTIONS);
        expect(fast.objects).toEqual(slow.objects);
        expect(fast.objects.find((object) => object.object === facts.contacts)?.changed).toBeGreaterThanOrEqual(updates.length);
        for (const { stats } of [sideA, sideB]) {
          // Only the 4 sampled parts' checksums, then every contact's row hash.
          expect(stats.checksumsOf.get(facts.contacts)).toBe(4);
          expect(stats.rowsHashed).toBeGreaterThanOrEqual(contacts.length);
        }
      });
    });
  }
}

describe('range diff: one value spelled two ways', () => {
  let db: TestDatabase[] = [];
  let connectors: SqlConnector[] = [];

  afterAll(async () => {
    for (const connector of connectors) await connector.close();
    for (const one of db) await one.drop();
  });

  it('compares the records canonically where only the row hashes differ', async () => {
    db = [await createTestDatabase('sqlite'), await createTestDatabase('sqlite')];
    const facts = shapeFacts('legacy');
    for (const one of db) {
      const connector = await openConnector({ kind: 'sqlite', url: one.url, profile: resolveProfile(facts.profile), baseDir: process.cwd(), displayName: 'spelled' }, { create: true });
      connectors.push(connector);
      await generateInto(connector, { shape: 'legacy', records: 100, seed: 2, asOf: new Date('2026-06-30T00:00:00Z') });
    }
    const [a, b] = connectors as [SqlConnector, SqlConnector];
    const object = (await b.describe()).objects.find((candidate) => candidate.name === facts.contacts);
    // The modified-at field: the legacy shape's triggers stamp it on every update that does not set it.
    const datetime = object?.fields.find((field) => field.role === 'modifiedAt');
    expect(datetime).toBeDefined();
    const contacts = await readAll(b, facts.contacts);
    const record = contacts.find((candidate) => typeof candidate.values[datetime!.name] === 'string') as CrmRecord;
    const instant = Date.parse(record.values[datetime!.name] as string);
    // The same instant as epoch seconds instead of ISO text: another row hash, the same canonical value.
    await b.execute(`UPDATE "${facts.contacts}" SET "${datetime!.name}" = ? WHERE "${object!.idField}" = ?`, [Math.round(instant / 1000), record.id]);
    expect(instant % 1000).toBe(0);

    const sideA = counted(connectorSource(a, 'a'));
    const sideB = counted(connectorSource(b, 'b'));
    const report = await diffSources(sideA.source, sideB.source, OPTIONS);
    expect(sideB.stats.rowsHashed).toBeGreaterThan(0);
    expect(report.equal).toBe(true);
    expect(report.objects.find((candidate) => candidate.object === facts.contacts)).toMatchObject({ changed: 0, same: contacts.length });
  });
});
