/**
 * The connector contract, run over every SQL connector (SQLite, PostgreSQL,
 * MariaDB) and every shape `generate` makes. Narrow the databases with
 * CUTOVER_TEST_DATABASES=sqlite for speed; CI always runs all of them.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDescription } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { isSalesforceId18 } from '../../src/core/ids.js';
import { generateInto, shapeFacts, type GenerateResult, type ShapeName } from '../../src/generate/index.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/databases.js';

const SHAPES: ShapeName[] = ['legacy', 'suitecrm', 'salesforce'];
const AS_OF = new Date('2026-06-30T00:00:00Z');
const RECORDS = 400;

async function readAll(connector: SqlConnector, object: string, batchSize = 50): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object, { batchSize })) records.push(...batch.records);
  return records;
}

function digest(records: CrmRecord[]): string {
  const hash = createHash('sha256');
  for (const record of records) {
    hash.update(JSON.stringify([record.id, record.deleted, Object.entries(record.values).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v])]));
  }
  return hash.digest('hex');
}

/** Per shape: object → digest, per database kind; compared at the end. */
const digests = new Map<ShapeName, Map<DatabaseKind, Map<string, string>>>();

for (const shape of SHAPES) {
  describe(`contract: ${shape} shape`, () => {
    for (const kind of databaseKinds()) {
      describe(`on ${kind}`, () => {
        const facts = shapeFacts(shape);
        let db: TestDatabase;
        let connector: SqlConnector;
        let generated: GenerateResult;
        let objects: ObjectDescription[];

        beforeAll(async () => {
          db = await createTestDatabase(kind);
          connector = await openConnector(
            { kind, url: db.url, profile: resolveProfile(facts.profile), baseDir: process.cwd(), displayName: `${kind} test` },
            { create: true },
          );
          generated = await generateInto(connector, { shape, records: RECORDS, seed: 7, asOf: AS_OF });
          objects = (await connector.describe({ counts: true })).objects;
        });

        /** A picklist field of the accounts object, as the connector describes it. */
        const accountPicklist = (): string => {
          const field = objects.find((object) => object.name === facts.accounts)?.fields.find((candidate) => candidate.picklistValues?.length);
          expect(field, `${facts.accounts} has a picklist`).toBeDefined();
          return field!.name;
        };

        afterAll(async () => {
          await connector?.close();
          await db?.drop();
        });

        it('checks as reachable, with its users and activity found and nothing missing', async () => {
          const report = await connector.check({ write: true });
          expect(report.reachable).toBe(true);
          expect(report.version).toMatch(/\d/);
          expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
          expect(report.facts).toContain(`users: ${facts.users}`);
          expect(report.facts).toContain(`activity: ${facts.activity}`);
        });

        it('describes every generated object with its counts, keys and time columns', () => {
          for (const object of generated.objects) {
            const described = objects.find((candidate) => candidate.name === object.name);
            expect(described, object.name).toBeDefined();
            expect(described?.recordCount, object.name).toBe(object.records);
            expect(described?.unsupported).toBeUndefined();
            expect(described?.fields.some((field) => field.name === described.idField && field.primaryKey)).toBe(true);
          }
          const accounts = objects.find((object) => object.name === facts.accounts);
          expect(accounts?.modifiedAtField).toBeTruthy();
          expect(accounts?.createdAtField).toBeTruthy();
          expect(accounts?.softDelete).toBeTruthy();
          const picklist = objects.find((object) => object.name === facts.picklist.object)?.fields.find((field) => field.name === facts.picklist.field);
          expect(picklist?.picklistValues?.slice().sort()).toEqual(facts.picklist.values.slice().sort());
        });

        it('finds relationships, including the self-reference, and orders parents first', async () => {
          const description = await connector.describe();
          const self = description.relationships.find(
            (relationship) => relationship.from.object === facts.selfReference.object && relationship.from.field === facts.selfReference.field,
          );
          expect(self?.to.object).toBe(facts.selfReference.object);
          expect(description.usersObject).toBe(facts.users);
          expect(description.activityObject).toBe(facts.activity);
          const order = description.objects.map((object) => object.name);
          for (const relationship of description.relationships) {
            if (relationship.polymorphic || relationship.to.object === relationship.from.object) continue;
            const back = description.relationships.some((r) => r.from.object === relationship.to.object && r.to.object === relationship.from.object);
            if (!back) expect(order.indexOf(relationship.to.object), `${relationship.from.object}.${relationship.from.field}`).toBeLessThan(order.indexOf(relationship.from.object));
          }
        });

        it('reads every record once, in key order, across batches, with soft-deleted rows flagged', async () => {
          const perObject = new Map<string, string>();
          for (const object of generated.objects) {
            const records = await readAll(connector, object.name, 37);
            expect(records.length, object.name).toBe(object.records);
            expect(new Set(records.map((record) => record.id)).size, object.name).toBe(records.length);
            expect(records.filter((record) => record.deleted).length, object.name).toBe(object.deleted);
            perObject.set(object.name, digest(records));
          }
          const byKind = digests.get(shape) ?? new Map();
          byKind.set(kind, perObject);
          digests.set(shape, byKind);
        });

        it('continues after a cursor and reads only what changed since a moment', async () => {
          const all = await readAll(connector, facts.accounts, 1000);
          const first = connector.read(facts.accounts, { batchSize: 10 })[Symbol.asyncIterator]();
          const page = (await first.next()).value as { cursor: string };
          await first.return?.();
          const rest = await (async () => {
            const records: CrmRecord[] = [];
            for await (const batch of connector.read(facts.accounts, { after: page.cursor, batchSize: 100 })) records.push(...batch.records);
            return records;
          })();
          expect(rest.map((r) => r.id)).toEqual(all.slice(10).map((r) => r.id));

          const modifiedAt = objects.find((object) => object.name === facts.accounts)?.modifiedAtField as string;
          const times = all.map((record) => String(record.values[modifiedAt])).sort();
          const since = new Date(times[Math.floor(times.length / 2)] as string);
          const expected = all.filter((record) => new Date(String(record.values[modifiedAt])) >= since).length;
          expect(await connector.count(facts.accounts, { since })).toBe(expected);
          let seen = 0;
          for await (const batch of connector.read(facts.accounts, { since, batchSize: 25 })) seen += batch.records.length;
          expect(seen).toBe(expected);
          expect(await connector.count(facts.accounts, { includeDeleted: false })).toBe(all.filter((record) => !record.deleted).length);
        });

        it('inserts, with ids given and assigned, and fails single records without stopping the batch', async () => {
          const before = await connector.count(facts.accounts);
          const good = facts.newAccount(900_001);
          const results = await connector.write(facts.accounts, 'insert', [
            { values: facts.newAccount(900_002) },
            { values: { ...facts.newAccount(900_003), [facts.requiredAccountField]: null } },
            { values: { ...facts.newAccount(900_004), [accountPicklist()]: 'Nope' } },
            { values: good },
            { values: { ...facts.newAccount(900_005), no_such_field: 1 } },
          ]);
          expect(results.map((result) => result.ok)).toEqual([true, false, false, true, false]);
          expect(results[1]).toMatchObject({ ok: false, error: { code: 'required', field: facts.requiredAccountField } });
          expect(results[2]).toMatchObject({ ok: false, error: { code: 'invalid_value' } });
          expect(results[4]).toMatchObject({ ok: false, error: { code: 'unknown_field', field: 'no_such_field' } });
          expect(await connector.count(facts.accounts)).toBe(before + 2);
          const assigned = results[0] as { ok: true; id: string };
          if (facts.profile === 'salesforce') expect(isSalesforceId18(assigned.id) && assigned.id.startsWith('001')).toBe(true);
          if (facts.profile === 'suitecrm') expect(assigned.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          if (facts.profile === 'generic') expect(assigned.id).toMatch(/^\d+$/);

          const duplicate = await connector.write(facts.accounts, 'insert', [{ id: assigned.id, values: facts.newAccount(900_006) }, { values: facts.newAccount(900_007) }]);
          expect(duplicate[0]).toMatchObject({ ok: false, error: { code: 'duplicate' } });
          expect(duplicate[1]?.ok).toBe(true);
          const [readBack] = await readIds(connector, facts.accounts, [assigned.id]);
          const accounts = objects.find((object) => object.name === facts.accounts) as ObjectDescription;
          for (const [field, value] of Object.entries(facts.newAccount(900_002))) expect(readBack?.values[field], field).toEqual(value);
          expect(readBack?.values[accounts.createdAtField as string]).toBeTruthy();
        });

        it('updates and upserts, reporting records that do not exist', async () => {
          const [target] = await readAll(connector, facts.accounts, 5);
          const nameField = Object.keys(facts.newAccount(1)).find((field) => field !== accountPicklist() && typeof facts.newAccount(1)[field] === 'string') as string;
          const missing = facts.profile === 'generic' ? '999999999' : facts.profile === 'salesforce' ? '001000000000000AAA' : '00000000-0000-4000-8000-000000000000';
          const updates = await connector.write(facts.accounts, 'update', [
            { id: target!.id, values: { [nameField]: 'Renamed Ünïcødé 名前' } },
            { id: missing, values: { [nameField]: 'nobody' } },
          ]);
          expect(updates[0]).toEqual({ ok: true, id: target!.id, created: false });
          expect(updates[1]).toMatchObject({ ok: false, error: { code: 'not_found' } });
          const upserts = await connector.write(facts.accounts, 'upsert', [
            { id: target!.id, values: { [nameField]: 'Upserted' } },
            { id: facts.profile === 'generic' ? '800000001' : facts.profile === 'salesforce' ? '001000000000001AAA' : '00000000-0000-4000-8000-000000000001', values: facts.newAccount(900_010) },
          ]);
          expect(upserts[0]).toMatchObject({ ok: true, created: false });
          expect(upserts[1]).toMatchObject({ ok: true, created: true });
          const [after] = await readIds(connector, facts.accounts, [target!.id]);
          expect(after?.values[nameField]).toBe('Upserted');
        });

        it('deletes softly and for good', async () => {
          const fresh = await connector.write(facts.accounts, 'insert', [{ values: facts.newAccount(900_020) }, { values: facts.newAccount(900_021) }]);
          const [soft, hard] = fresh.map((result) => (result as { id: string }).id) as [string, string];
          const before = await connector.count(facts.accounts);
          const results = await connector.delete(facts.accounts, [soft], { mode: 'soft' });
          expect(results[0]).toMatchObject({ ok: true });
          expect((await readIds(connector, facts.accounts, [soft]))[0]?.deleted).toBe(true);
          expect(await connector.count(facts.accounts)).toBe(before);
          const hardResults = await connector.delete(facts.accounts, [hard, hard], { mode: 'hard' });
          expect(hardResults.map((result) => result.ok)).toEqual([true, false]);
          expect(await connector.count(facts.accounts)).toBe(before - 1);
        });

        it('lists users, and freezes and unfreezes them back exactly', async () => {
          const users = await connector.listUsers();
          expect(users.length).toBeGreaterThan(3);
          expect(users.some((user) => user.isAdmin)).toBe(true);
          expect(users.every((user) => user.email === null || user.email.includes('@'))).toBe(true);
          const active = users.filter((user) => user.active);
          const inactive = users.find((user) => !user.active);
          const chosen = [...active.slice(0, 3).map((user) => user.id), ...(inactive ? [inactive.id] : [])];
          const beforeRows = await readIds(connector, facts.users, chosen);
          const frozen = await connector.freezeUsers(chosen);
          expect(frozen.every((result) => result.ok)).toBe(true);
          const afterFreeze = await connector.listUsers();
          for (const id of chosen) expect(afterFreeze.find((user) => user.id === id)?.active).toBe(false);
          const untouched = active.slice(3).map((user) => user.id);
          expect(afterFreeze.filter((user) => untouched.includes(user.id)).every((user) => user.active)).toBe(true);
          const again = await connector.freezeUsers(chosen.slice(0, 1));
          expect(again[0]).toMatchObject({ ok: true, changed: false });
          const states = frozen.flatMap((result) => (result.ok ? [result.state] : []));
          const unfrozen = await connector.unfreezeUsers(states);
          expect(unfrozen.every((result) => result.ok && result.changed)).toBe(true);
          // The system may stamp its modified-at column on any update (the legacy shape's trigger does); everything else is back.
          const usersModifiedAt = objects.find((object) => object.name === facts.users)?.modifiedAtField;
          const withoutStamp = (records: CrmRecord[]) => records.map((record) => ({ ...record, values: { ...record.values, [usersModifiedAt ?? '']: null } }));
          expect(withoutStamp(await readIds(connector, facts.users, chosen))).toEqual(withoutStamp(beforeRows));
          const missingUser = facts.profile === 'generic' ? '987654321' : facts.profile === 'salesforce' ? '005000000000000AAA' : '00000000-0000-4000-8000-0000000000ff';
          const missing = await connector.freezeUsers([missingUser]);
          expect(missing[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
        });

        it('lists user activity since a moment, in time order', async () => {
          const since = new Date(AS_OF.getTime() - 30 * 86_400_000);
          const events = [];
          for await (const batch of connector.userActivity(since)) events.push(...batch);
          expect(events.length).toBeGreaterThan(0);
          expect(events.every((event) => new Date(event.at) >= since)).toBe(true);
          expect(events.map((event) => event.at)).toEqual(events.map((event) => event.at).slice().sort());
          const userIds = new Set((await connector.listUsers()).map((user) => user.id));
          expect(events.every((event) => userIds.has(event.userId))).toBe(true);
          expect(events.some((event) => event.kind === 'login')).toBe(true);
          const total = await connector.count(facts.activity);
          let all = 0;
          for await (const batch of connector.userActivity(new Date(0))) all += batch.length;
          expect(all).toBe(total);
        });

        it("exports configuration: DDL for every table, and the shape's views, triggers and routines", async () => {
          const artifacts = await connector.exportConfiguration();
          const tables = artifacts.filter((artifact) => artifact.kind === 'table').map((artifact) => artifact.name);
          for (const object of generated.objects) expect(tables, object.name).toContain(object.name);
          for (const artifact of artifacts) expect(artifact.definition.length, artifact.name).toBeGreaterThan(10);
          if (shape === 'legacy') {
            expect(artifacts.some((artifact) => artifact.kind === 'view')).toBe(true);
            expect(artifacts.some((artifact) => artifact.kind === 'trigger')).toBe(true);
            if (kind !== 'sqlite') expect(artifacts.some((artifact) => artifact.kind === 'function' || artifact.kind === 'procedure')).toBe(true);
          }
        });
      });
    }

    it('reads the same records from every database for the same seed', () => {
      const byKind = digests.get(shape);
      const kinds = [...(byKind?.keys() ?? [])];
      expect(kinds.length).toBe(databaseKinds().length);
      const [first, ...others] = kinds;
      for (const other of others) expect(byKind?.get(other), `${first} vs ${other}`).toEqual(byKind?.get(first as DatabaseKind));
    });
  });
}

async function readIds(connector: SqlConnector, object: string, ids: string[]): Promise<CrmRecord[]> {
  const wanted = new Set(ids);
  const found = new Map<string, CrmRecord>();
  for await (const batch of connector.read(object, { batchSize: 1000 })) for (const record of batch.records) if (wanted.has(record.id)) found.set(record.id, record);
  return ids.map((id) => found.get(id)).filter((record): record is CrmRecord => record !== undefined);
}
