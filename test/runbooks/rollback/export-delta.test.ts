/**
 * The delta export of a rollback, on a Salesforce-shaped target in SQLite,
 * PostgreSQL and MariaDB, migrated from the legacy CRM and gone live through
 * the CLI in process. Known changes are then made in the target: records
 * created (one pointing at another new record, one at a migrated record, one
 * at a record that was there before the migration), fields edited (one to a
 * picklist value the mapping cannot map back, one reference moved to a new
 * record, one scaled number), records soft-deleted and deleted for good, a
 * record created and deleted again, one created between migration and
 * go-live, and one in the baseline snapshot. The test asserts exactly which
 * records the export holds, with their source ids and values, lossy notes,
 * who and when; that the archive is encrypted, verifies and decrypts to the
 * same records; that each CSV parses back to the same rows; and that a dry
 * run counts the same and writes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../../src/archive/index.js';
import type { Connector, CrmRecord, CrmUser } from '../../../src/connectors/contract.js';
import type { Value } from '../../../src/core/values.js';
import { openSystem } from '../../../src/operations/open-system.js';
import { loadPlan, type LoadedPlan } from '../../../src/plan/load-plan.js';
import { systemFromPlan } from '../../../src/plan/systems.js';
import { csvHeader, csvRow, exportDelta, readDeltaArchive, type DeltaRecord, type ExportDeltaResult } from '../../../src/runbooks/rollback/export-delta.js';
import { StateStore, type GoLive } from '../../../src/state/index.js';
import { databaseKinds, type TestDatabase } from '../../support/databases.js';
import { demoOnDatabases, runCli, TEST_KEY } from '../../support/demo-databases.js';

const RECORDS = 120;
const KEY = TEST_KEY;

async function cli(dir: string, args: string[]): Promise<any> {
  const result = await runCli(dir, args);
  if (result.code !== 0) throw new Error(`cutover ${args.join(' ')} exited ${result.code}: ${result.err}${result.out}`);
  return result.json;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** RFC 4180: quoted fields with doubled quotes and line breaks, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

async function one(connector: Connector, object: string, id: string): Promise<CrmRecord> {
  const [record] = await connector.get(object, [id]);
  if (!record) throw new Error(`${object} ${id} is not there`);
  return record;
}

async function insert(connector: Connector, object: string, values: Record<string, Value>): Promise<string> {
  const [result] = await connector.write(object, 'insert', [{ values }]);
  if (!result?.ok) throw new Error(`inserting into ${object}: ${JSON.stringify(result)}`);
  return result.id;
}

async function update(connector: Connector, object: string, id: string, values: Record<string, Value>): Promise<void> {
  const [result] = await connector.write(object, 'update', [{ id, values }]);
  if (!result?.ok) throw new Error(`updating ${object} ${id}: ${JSON.stringify(result)}`);
}

/** What the test changed in the target, to compare the export with. */
interface Known {
  user: CrmUser;
  /** The legacy user matched to {@link user} by email. */
  sourceUser: number;
  newAccount: string;
  linkedContact: string;
  contactOfMigrated: string;
  contactOfBaseline: string;
  baselineAccount: string;
  migratedAccount: { source: string; target: string };
  movedContact: { source: string; target: string };
  editedTask: { source: string; target: string };
  softDeleted: { source: string; target: string };
  hardDeleted: { source: string; target: string };
  /** Source records as the backup holds them. */
  before: Map<string, CrmRecord>;
}

for (const kind of databaseKinds()) {
  describe(`delta export: legacy (SQLite) → salesforce (${kind})`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;
    let loaded: LoadedPlan;
    let known: Known;
    let goLive: GoLive;

    /** Opens the state and the target, runs `fn`, closes both. */
    async function withSystems<T>(fn: (state: StateStore, target: Connector) => Promise<T>): Promise<T> {
      const state = await StateStore.open(dir);
      const target = await openSystem(systemFromPlan(loaded, 'salesforce'));
      try {
        return await fn(state, target);
      } finally {
        await target.close();
        await state.close();
      }
    }

    const run = (output: string, dryRun: boolean): Promise<ExportDeltaResult> => withSystems((state, target) => exportDelta({ plan: loaded, state, goLive, target, output, secret: KEY, dryRun, env: { CUTOVER_KEY: KEY } }));

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-delta-'));
      databases.push(...(await demoOnDatabases(dir, { source: 'sqlite', target: kind }, { records: RECORDS, seed: 5 })));
      loaded = loadPlan(path.join(dir, 'cutover.yaml'));

      const legacy = await openSystem(systemFromPlan(loaded, 'legacy'));
      const salesforce = await openSystem(systemFromPlan(loaded, 'salesforce'));
      try {
        const sourceUsers = await legacy.listUsers();
        const user = (await salesforce.listUsers()).find((candidate) => sourceUsers.some((s) => s.email?.toLowerCase() === candidate.email?.toLowerCase()))!;
        const sourceUser = Number(sourceUsers.find((s) => s.email?.toLowerCase() === user.email?.toLowerCase())!.id);
        // In the target before the migration: in its baseline snapshot.
        const baselineAccount = await insert(salesforce, 'Account', { Name: 'Baseline Co', OwnerId: user.id });
        await cli(dir, ['snapshot', 'salesforce']);
        await cli(dir, ['backup', 'legacy']);
        await cli(dir, ['verify', 'latest']);
        await cli(dir, ['migrate', '--yes']);
        // Between the migration and go-live: not in the baseline, not after go-live.
        await insert(salesforce, 'Account', { Name: 'Pre-live Co', OwnerId: user.id });
        await pause(20);
        await cli(dir, ['go-live']);
        await pause(20);

        const state = await StateStore.open(dir);
        let mapped: Map<string, Array<{ source: string; target: string }>>;
        try {
          goLive = (await state.goLives.latest('salesforce'))!;
          mapped = new Map();
          for (const entry of await state.ledger.idMap('salesforce')) mapped.set(entry.object, [...(mapped.get(entry.object) ?? []), { source: entry.sourceId, target: entry.targetId }]);
        } finally {
          await state.close();
        }
        const before = new Map<string, CrmRecord>();
        const pick = async (object: string, sourceObject: string, test: (record: CrmRecord) => boolean, not: string[] = []): Promise<{ source: string; target: string }> => {
          for (const entry of mapped.get(object) ?? []) {
            if (not.includes(entry.target)) continue;
            const record = await one(legacy, sourceObject, entry.source);
            if (record.deleted || !test(record)) continue;
            before.set(`${sourceObject}:${entry.source}`, record);
            return entry;
          }
          throw new Error(`no ${object} to pick`);
        };
        const migratedAccount = await pick('Account', 'accounts', (r) => r.values.account_type !== null);
        const movedContact = await pick('Contact', 'contacts', (r) => r.values.account_id !== null);
        const softDeleted = await pick('Contact', 'contacts', () => true, [movedContact.target]);
        const editedTask = await pick('Task', 'activities', (r) => r.values.duration_minutes !== 5);
        const hardDeleted = await pick('Note', 'notes', () => true);

        const newAccount = await insert(salesforce, 'Account', { Name: 'Delta Works', Type: 'Customer - Direct', Customer_Tier__c: 'Gold', OwnerId: user.id });
        const linkedContact = await insert(salesforce, 'Contact', { LastName: 'Newman', FirstName: 'Nina', AccountId: newAccount, LeadSource: 'Web', OwnerId: user.id });
        const contactOfMigrated = await insert(salesforce, 'Contact', { LastName: 'Oldfield', AccountId: migratedAccount.target, OwnerId: user.id });
        const contactOfBaseline = await insert(salesforce, 'Contact', { LastName: 'Basel', AccountId: baselineAccount, OwnerId: user.id });
        const gone = await insert(salesforce, 'Lead', { LastName: 'Fleeting', Company: 'Gone Ltd', Status: 'Open - Not Contacted', OwnerId: user.id });
        await salesforce.delete('Lead', [gone], { mode: 'soft' });

        await update(salesforce, 'Account', migratedAccount.target, { Name: 'Renamed Co', Type: 'Technology Partner', LastModifiedById: user.id });
        await update(salesforce, 'Contact', movedContact.target, { LastName: 'Moved', AccountId: newAccount, LastModifiedById: user.id });
        await update(salesforce, 'Task', editedTask.target, { CallDurationInSeconds: 300, LastModifiedById: user.id });
        expect((await salesforce.delete('Contact', [softDeleted.target], { mode: 'soft' }))[0]?.ok).toBe(true);
        expect((await salesforce.delete('Note', [hardDeleted.target], { mode: 'hard' }))[0]?.ok).toBe(true);

        known = { user, sourceUser, newAccount, linkedContact, contactOfMigrated, contactOfBaseline, baselineAccount, migratedAccount, movedContact, editedTask, softDeleted, hardDeleted, before };
      } finally {
        await legacy.close();
        await salesforce.close();
      }
    });

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('finds exactly the records created, updated and deleted since go-live, in the source terms, and writes them encrypted, verified and as CSVs', async () => {
      const dryOut = path.join(dir, 'dry');
      const dry = await run(dryOut, true);
      expect(existsSync(dryOut)).toBe(false);
      expect(dry).toMatchObject({ dryRun: true, csv: [], verified: false });
      expect(dry.path).toBeUndefined();

      const result = await run(path.join(dir, 'exports'), false);
      expect(result.objects).toEqual(dry.objects);
      const counts = Object.fromEntries(result.objects.map((o) => [o.target, [o.created, o.updated, o.deleted, o.lossy]]));
      expect(counts).toEqual({ Account: [1, 1, 0, 2], Contact: [3, 1, 1, 1], Opportunity: [0, 0, 0, 0], Lead: [0, 0, 0, 0], Task: [0, 1, 0, 0], Note: [0, 0, 1, 0] });
      const accountDelta = result.objects.find((o) => o.target === 'Account')!;
      expect(accountDelta.skipped).toMatchObject({ baseline: 1, beforeGoLive: 1, createdAndDeleted: 0 });
      expect(result.objects.find((o) => o.target === 'Lead')!.skipped.createdAndDeleted).toBe(1);
      expect(result.totals).toEqual({ created: 4, updated: 3, deleted: 2, lossy: 3 });
      expect(result).toMatchObject({ verified: true, source: 'legacy', target: 'salesforce', goLive: { id: goLive.id, at: goLive.at } });

      // The archive: encrypted, verifies, and holds the delta records.
      expect((await verifyArchive(result.archive!, KEY)).ok).toBe(true);
      for (const file of readdirSync(result.archive!).filter((name) => name.endsWith('.chunk'))) expect(readFileSync(path.join(result.archive!, file)).includes('Delta Works')).toBe(false);
      await expect(readDeltaArchive(result.archive!, 'another key that is long enough')).rejects.toMatchObject({ code: 'archive.key' });
      const archived = await readDeltaArchive(result.archive!, KEY);
      expect(archived.manifest.extra).toMatchObject({ kind: 'rollback-export', goLive: goLive.id, source: 'legacy', target: 'salesforce' });
      expect(archived.manifest.records).toBe(9);
      expect([...archived.objects.keys()]).toEqual(['accounts/Account', 'contacts/Contact', 'opportunities/Opportunity', 'leads/Lead', 'activities/Task', 'notes/Note']);
      const all = [...archived.objects.values()].flat();
      const byId = new Map(all.map((record) => [record.targetId, record]));
      expect(all.map((record) => `${record.change} ${record.targetObject} ${record.targetId}`).sort()).toEqual(
        [
          `created Account ${known.newAccount}`,
          `updated Account ${known.migratedAccount.target}`,
          `created Contact ${known.linkedContact}`,
          `created Contact ${known.contactOfMigrated}`,
          `created Contact ${known.contactOfBaseline}`,
          `updated Contact ${known.movedContact.target}`,
          `deleted Contact ${known.softDeleted.target}`,
          `updated Task ${known.editedTask.target}`,
          `deleted Note ${known.hardDeleted.target}`,
        ].sort(),
      );

      const fieldsOf = (source: string): string[] => archived.summary.objects.find((o) => o.source === source)!.fields;
      const blank = (source: string, except: string[] = []): Record<string, Value> => Object.fromEntries(fieldsOf(source).filter((f) => !except.includes(f)).map((f) => [f, null]));
      const owner = { id: known.user.id, email: known.user.email, name: known.user.name, sourceUserId: String(known.sourceUser) };
      const target = await withSystems(async (_state, connector) => ({
        newAccount: await one(connector, 'Account', known.newAccount),
        linked: await one(connector, 'Contact', known.linkedContact),
        migratedAccount: await one(connector, 'Account', known.migratedAccount.target),
        moved: await one(connector, 'Contact', known.movedContact.target),
        task: await one(connector, 'Task', known.editedTask.target),
        softDeleted: await one(connector, 'Contact', known.softDeleted.target),
      }));
      const stamps = (record: CrmRecord): Record<string, Value> => ({ created_at: record.values.CreatedDate ?? null, updated_at: record.values.LastModifiedDate ?? null });

      expect(byId.get(known.newAccount)).toEqual({
        change: 'created',
        targetObject: 'Account',
        targetId: known.newAccount,
        sourceObject: 'accounts',
        sourceId: null,
        values: { ...blank('accounts'), name: 'Delta Works', account_type: 'customer', owner_id: known.sourceUser, deleted: false, ...stamps(target.newAccount) },
        links: [],
        lossy: [],
        approximate: [],
        // Salesforce's customer tier has no field in the legacy CRM.
        targetOnly: [{ field: 'Customer_Tier__c', value: 'Gold' }],
        at: target.newAccount.values.LastModifiedDate as string,
        by: owner,
      } satisfies DeltaRecord);
      expect(byId.get(known.linkedContact)).toMatchObject({
        change: 'created',
        sourceId: null,
        values: { ...blank('contacts', ['account_id']), last_name: 'Newman', first_name: 'Nina', lead_source: 'web', owner_id: known.sourceUser, do_not_call: false, email_opt_out: false, deleted: false, ...stamps(target.linked) },
        links: [{ field: 'account_id', targetObject: 'Account', targetId: known.newAccount, sourceObject: 'accounts' }],
        lossy: [],
      });
      expect(byId.get(known.linkedContact)!.values).not.toHaveProperty('account_id');
      expect(byId.get(known.contactOfMigrated)).toMatchObject({ values: { last_name: 'Oldfield', account_id: Number(known.migratedAccount.source) }, links: [], lossy: [] });
      expect(byId.get(known.contactOfBaseline)).toMatchObject({
        values: { last_name: 'Basel' },
        links: [],
        lossy: [{ field: 'account_id', reason: `AccountId "${known.baselineAccount}" is neither a migrated record nor one created since go-live (it was in the target before the migration, or it is gone)` }],
      });
      expect(byId.get(known.contactOfBaseline)!.values).not.toHaveProperty('account_id');

      const account = known.before.get(`accounts:${known.migratedAccount.source}`)!;
      expect(byId.get(known.migratedAccount.target)).toEqual({
        change: 'updated',
        targetObject: 'Account',
        targetId: known.migratedAccount.target,
        sourceObject: 'accounts',
        sourceId: known.migratedAccount.source,
        values: { name: 'Renamed Co', updated_at: target.migratedAccount.values.LastModifiedDate },
        before: { name: account.values.name, account_type: account.values.account_type, updated_at: account.values.updated_at },
        targetChanges: [
          { field: 'Name', before: account.values.name, after: 'Renamed Co' },
          { field: 'Type', before: expect.any(String), after: 'Technology Partner' },
          { field: 'LastModifiedDate', before: account.values.updated_at, after: target.migratedAccount.values.LastModifiedDate },
        ],
        links: [],
        lossy: [{ field: 'account_type', reason: 'Type "Technology Partner" is not a value the map gives (a value added in the target?): no source value becomes it' }],
        approximate: [],
        targetOnly: [],
        at: target.migratedAccount.values.LastModifiedDate,
        by: owner,
      });
      const contact = known.before.get(`contacts:${known.movedContact.source}`)!;
      expect(byId.get(known.movedContact.target)).toMatchObject({
        change: 'updated',
        sourceId: known.movedContact.source,
        values: { last_name: 'Moved', updated_at: target.moved.values.LastModifiedDate },
        before: { last_name: contact.values.last_name, account_id: contact.values.account_id, updated_at: contact.values.updated_at },
        links: [{ field: 'account_id', targetObject: 'Account', targetId: known.newAccount, sourceObject: 'accounts' }],
        lossy: [],
        by: owner,
      });
      const task = known.before.get(`activities:${known.editedTask.source}`)!;
      expect(byId.get(known.editedTask.target)).toMatchObject({
        change: 'updated',
        sourceObject: 'activities',
        sourceId: known.editedTask.source,
        values: { duration_minutes: 5, updated_at: target.task.values.LastModifiedDate },
        before: { duration_minutes: task.values.duration_minutes, updated_at: task.values.updated_at },
        lossy: [],
      });
      expect(byId.get(known.softDeleted.target)).toEqual({
        change: 'deleted',
        targetObject: 'Contact',
        targetId: known.softDeleted.target,
        sourceObject: 'contacts',
        sourceId: known.softDeleted.source,
        values: {},
        links: [],
        lossy: [],
        approximate: [],
        targetOnly: [],
        at: target.softDeleted.values.LastModifiedDate,
        by: expect.anything(),
      });
      expect(byId.get(known.hardDeleted.target)).toMatchObject({ change: 'deleted', sourceObject: 'notes', sourceId: known.hardDeleted.source, values: {}, at: null, by: null });

      // Each CSV parses back to the archive's records, row by row.
      expect(result.csv.map((file) => path.basename(file.path))).toEqual(['accounts.csv', 'contacts.csv', 'opportunities.csv', 'leads.csv', 'activities.csv', 'notes.csv']);
      for (const file of result.csv) {
        const source = file.object;
        const records = [...archived.objects.entries()].filter(([name]) => name.startsWith(`${source}/`)).flatMap(([, records]) => records);
        const rows = parseCsv(readFileSync(file.path, 'utf8'));
        expect(rows[0]).toEqual(csvHeader(fieldsOf(source)));
        expect(rows.slice(1)).toEqual(records.map((record) => csvRow(record, fieldsOf(source))));
        expect(file.rows).toBe(records.length);
      }
      const contacts = parseCsv(readFileSync(result.csv.find((file) => file.object === 'contacts')!.path, 'utf8'));
      const header = contacts[0]!;
      const linked = contacts.find((row) => row[2] === known.linkedContact)!;
      expect(linked.slice(0, 5)).toEqual(['created', '', known.linkedContact, String(target.linked.values.LastModifiedDate), known.user.email]);
      expect(linked[header.indexOf('account_id')]).toBe(`new:Account:${known.newAccount}`);
      expect(linked[header.indexOf('last_name')]).toBe('Newman');
      const accounts = parseCsv(readFileSync(result.csv.find((file) => file.object === 'accounts')!.path, 'utf8'));
      const renamed = accounts.find((row) => row[2] === known.migratedAccount.target)!;
      expect(renamed[accounts[0]!.indexOf('lossy')]).toBe('account_type: Type "Technology Partner" is not a value the map gives (a value added in the target?): no source value becomes it');
      expect(renamed[accounts[0]!.indexOf('account_type')]).toBe('');
      expect(accounts.find((row) => row[2] === known.newAccount)![accounts[0]!.indexOf('lossy')]).toBe('Customer_Tier__c (target only, no source field): Gold');
    });

    it('leaves nothing behind when it is interrupted', async () => {
      const output = path.join(dir, 'interrupted');
      const controller = new AbortController();
      controller.abort();
      await expect(
        withSystems((state, target) => exportDelta({ plan: loaded, state, goLive, target, output, secret: KEY, signal: controller.signal, env: { CUTOVER_KEY: KEY } })),
      ).rejects.toMatchObject({ code: 'aborted' });
      expect(existsSync(output) ? readdirSync(output) : []).toEqual([]);
    });
  });
}
