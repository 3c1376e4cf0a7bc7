/**
 * The migration engine over real databases, with a mapping written by hand
 * (the plan's mapping compiler has its own tests): a generated legacy CRM in
 * SQLite migrated into two tables of a target on every database. Parents
 * before children, self-references in a second pass, a ledger entry per
 * effect, nothing written twice, changes since written as updates with their
 * prior values, failures in the run's files, a dry run that writes nothing,
 * and intents of a crashed run settled against the target.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition } from '../../../src/connectors/contract.js';
import { openConnector } from '../../../src/connectors/registry.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import type { CompiledMapping, CompiledObjectMapping, LookupRule, SourceRecord, TransformContext, TransformResult } from '../../../src/core/mapping/mapping-types.js';
import { generateInto } from '../../../src/generate/index.js';
import { liveMigrationSource } from '../../../src/runbooks/migrate/migration-source.js';
import { runMigration } from '../../../src/runbooks/migrate/run-migration.js';
import { StateStore } from '../../../src/state/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../support/databases.js';

const TARGET_TABLES: ObjectDefinition[] = [
  {
    name: 't_accounts',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'name', type: 'string', length: 150, nullable: false },
      { name: 'parent_id', type: 'integer', references: { object: 't_accounts', field: 'id', constraint: true } },
    ],
  },
  {
    name: 't_contacts',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'string', length: 24 },
      { name: 'last_name', type: 'string', length: 20, nullable: false },
      { name: 'account_id', type: 'integer', references: { object: 't_accounts', field: 'id', constraint: true } },
    ],
  },
];

const parentRule: LookupRule = { targetField: 'parent_id', sourceField: 'parent_id', sourceObject: 'accounts' };
const accountRule: LookupRule = { targetField: 'account_id', sourceField: 'account_id', sourceObject: 'accounts' };

/** A lookup by hand: the parent's target id, deferred when `deferrable` and not yet migrated. */
function lookup(rule: LookupRule, record: SourceRecord, context: TransformContext, deferrable: boolean): { value: number | null; deferred?: LookupRule; error?: string } {
  const source = record.values[rule.sourceField];
  if (source === null || source === undefined) return { value: null };
  const id = String(source);
  if (context.failed('accounts', id)) return { value: null, error: `references accounts ${id}, which failed` };
  const target = context.targetIdOf('accounts', id);
  if (target !== undefined) return { value: /^\d+$/.test(target) ? Number(target) : null };
  return deferrable ? { value: null, deferred: rule } : { value: null, error: `references accounts ${id}, not migrated` };
}

function objectMapping(source: string, target: string, lookups: LookupRule[], transform: (record: SourceRecord, context: TransformContext) => TransformResult): CompiledObjectMapping {
  return {
    source,
    target,
    path: ['mapping', 'objects', source],
    lookups,
    sourceFields: [],
    includeDeleted: false,
    accepts: (record) => record.values.name !== 'Skip me',
    references: (record) =>
      lookups.flatMap((rule) => (record.values[rule.sourceField] == null ? [] : [{ sourceObject: 'accounts', sourceId: String(record.values[rule.sourceField]) }])),
    users: () => [],
    transform,
  };
}

const MAPPING: CompiledMapping = {
  source: 'legacy',
  target: 'crm',
  users: { by: 'email', table: {} },
  objects: [
    objectMapping('accounts', 't_accounts', [parentRule], (record, context) => {
      const parent = lookup(parentRule, record, context, true);
      if (parent.error) return { ok: false, errors: [{ field: 'parent_id', rule: 'lookup', message: parent.error }] };
      return { ok: true, values: { name: record.values.name as string, parent_id: parent.value }, deferred: parent.deferred ? [parent.deferred] : [] };
    }),
    objectMapping('contacts', 't_contacts', [accountRule], (record, context) => {
      const account = lookup(accountRule, record, context, false);
      if (account.error) return { ok: false, errors: [{ field: 'account_id', rule: 'lookup', message: account.error }] };
      const lastName = String(record.values.last_name);
      // The target column is short on purpose: long names fail on write, with the database's reason.
      return { ok: true, values: { last_name: lastName, account_id: account.value }, deferred: [] };
    }),
  ],
};

async function readAll(connector: SqlConnector, object: string): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object)) records.push(...batch.records);
  return records;
}

for (const kind of databaseKinds()) {
  describe(`migration engine: legacy in SQLite → ${kind}`, () => {
    const databases: TestDatabase[] = [];
    let source: SqlConnector;
    let target: SqlConnector;
    let state: StateStore;
    let runsDir: string;

    beforeAll(async () => {
      const sourceDb = await createTestDatabase('sqlite');
      const targetDb = await createTestDatabase(kind);
      databases.push(sourceDb, targetDb);
      source = await openConnector({ kind: 'sqlite', url: sourceDb.url, profile: resolveProfile('generic'), baseDir: process.cwd(), displayName: 'legacy' }, { create: true });
      await generateInto(source, { shape: 'legacy', records: 150, seed: 3, asOf: new Date('2026-06-30T00:00:00Z') });
      target = await openConnector({ kind, url: targetDb.url, profile: resolveProfile('generic'), baseDir: process.cwd(), displayName: 'crm' }, { create: true });
      await target.createObjects(TARGET_TABLES);
      const dir = mkdtempSync(path.join(tmpdir(), 'cutover-migrate-'));
      state = await StateStore.openFile(path.join(dir, 'state.db'));
      runsDir = path.join(dir, 'runs');
    });

    afterAll(async () => {
      await state?.close();
      await source?.close();
      await target?.close();
      for (const db of databases) await db.drop();
    });

    const migrate = async (dryRun = false) => runMigration({ mapping: MAPPING, source: await liveMigrationSource(source, 'legacy'), target, state, runsDir, dryRun });

    it('a dry run counts what it would do and writes nothing', async () => {
      const report = await migrate(true);
      const accounts = report.objects.find((object) => object.source === 'accounts');
      expect(accounts?.created).toBeGreaterThan(0);
      expect(report.links.set).toBeGreaterThan(0);
      expect(await readAll(target, 't_accounts')).toEqual([]);
      expect(await state.ledger.entries({ system: 'crm', withPending: true })).toEqual([]);
      expect(await state.runs.get(report.id)).toMatchObject({ status: 'succeeded', dryRun: true });
    });

    it('migrates parents first, sets self-references in a second pass, and ledgers every effect', async () => {
      const sourceAccounts = (await readAll(source, 'accounts')).filter((record) => !record.deleted);
      const sourceContacts = await readAll(source, 'contacts');
      const report = await migrate();
      const accounts = report.objects.find((object) => object.source === 'accounts')!;
      const contacts = report.objects.find((object) => object.source === 'contacts')!;
      expect(accounts.read).toBe(sourceAccounts.length + (accounts.skipped['deleted in the source'] ?? 0));
      expect(accounts.created).toBe(sourceAccounts.length);
      expect(accounts.failed).toBe(0);

      // Every record read is written, skipped for a reason, or failed with its reason in the files.
      expect(contacts.created + contacts.failed + Object.values(contacts.skipped).reduce((a, b) => a + b, 0)).toBe(sourceContacts.length);
      const tooLong = sourceContacts.filter((record) => !record.deleted && String(record.values.last_name).length > 20);
      const ofDeleted = sourceContacts.filter((record) => !record.deleted && record.values.account_id !== null && !sourceAccounts.some((a) => a.id === String(record.values.account_id)));
      expect(contacts.failed).toBe(new Set([...tooLong, ...ofDeleted].map((record) => record.id)).size);
      if (report.failures.count > 0) {
        const csv = readFileSync(report.failures.csv!, 'utf8');
        expect(csv.split('\r\n')[0]).toBe('object,sourceObject,sourceId,targetId,step,field,rule,message');
        for (const record of tooLong) expect(csv).toContain(`,contacts,${record.id},`);
        expect(readFileSync(report.failures.jsonl!, 'utf8').trim().split('\n')).toHaveLength(report.failures.count);
      }

      const targetAccounts = await readAll(target, 't_accounts');
      expect(targetAccounts).toHaveLength(sourceAccounts.length);
      const idMap = new Map((await state.ledger.idMap('crm', 't_accounts')).map((entry) => [entry.sourceId, entry.targetId]));
      expect(idMap.size).toBe(sourceAccounts.length);
      const byTargetId = new Map(targetAccounts.map((record) => [record.id, record]));
      for (const account of sourceAccounts) {
        const migrated = byTargetId.get(idMap.get(account.id)!)!;
        expect(migrated.values.name).toBe(account.values.name);
        const parent = account.values.parent_id === null ? null : idMap.get(String(account.values.parent_id));
        expect(migrated.values.parent_id === null ? null : String(migrated.values.parent_id)).toBe(parent ?? null);
      }
      expect(sourceAccounts.some((account) => account.values.parent_id !== null)).toBe(true);
      // Parents come before children in key order mostly; those that do not are set in the second pass.
      expect(report.links.set).toBeLessThanOrEqual(sourceAccounts.filter((account) => account.values.parent_id !== null).length);

      const created = (await state.ledger.entries({ system: 'crm', object: 't_accounts' })).filter((entry) => entry.operation === 'created');
      expect(created).toHaveLength(sourceAccounts.length);
      expect((await state.ledger.entries({ system: 'crm', withPending: true })).every((entry) => entry.state === 'done')).toBe(true);
      expect(await state.ledger.deferredLinks('crm')).toEqual([]);
    });

    it('writes nothing when run again, and updates only what changed in the source, keeping the prior values', async () => {
      const again = await migrate();
      for (const object of again.objects) {
        expect(object.created).toBe(0);
        expect(object.updated).toBe(0);
      }
      expect(again.links.set).toBe(0);

      const account = (await readAll(source, 'accounts')).find((record) => !record.deleted)!;
      await source.write('accounts', 'update', [{ id: account.id, values: { name: 'Renamed Ltd' } }]);
      const third = await migrate();
      expect(third.objects.find((object) => object.source === 'accounts')).toMatchObject({ created: 0, updated: 1 });
      const targetId = (await state.ledger.targets('crm', 'accounts', [account.id])).get(account.id)!.targetId;
      const update = (await state.ledger.entries({ system: 'crm', targetId })).find((entry) => entry.operation === 'updated')!;
      expect(update.prior).toEqual({ name: account.values.name });
      expect((await target.get('t_accounts', [targetId]))[0]?.values.name).toBe('Renamed Ltd');
    });

    it('settles intents left by a crash: a write that happened is kept, one that did not is done again', async () => {
      const run = await state.runs.start({ id: `crashed-${kind}`, kind: 'migrate', system: 'crm', source: 'legacy', dryRun: false });
      await state.runs.finish(run.id, { status: 'failed', error: 'killed' });
      // Crashed after writing: a new account exists in the target, its intent still pending.
      const [writtenId, unwrittenId] = await target.newIds('t_accounts', 2);
      await target.write('t_accounts', 'insert', [{ id: writtenId!, values: { name: 'Orphan candidate', parent_id: null } }]);
      const [written, unwritten] = await state.ledger.intend(run.id, 'crm', [
        { object: 't_accounts', sourceObject: 'ghost', sourceId: 'g1', targetId: writtenId!, operation: 'created', hash: 'h1', prior: null },
        { object: 't_accounts', sourceObject: 'ghost', sourceId: 'g2', targetId: unwrittenId!, operation: 'created', hash: 'h2', prior: null },
      ]);
      const report = await migrate();
      expect(report.recovered).toEqual({ confirmed: 1, dropped: 1 });
      const entries = await state.ledger.entries({ system: 'crm', withPending: true });
      expect(entries.find((entry) => entry.id === written)?.state).toBe('done');
      expect(entries.find((entry) => entry.id === unwritten)).toBeUndefined();
      expect((await state.ledger.targets('crm', 'ghost', ['g1'])).get('g1')?.targetId).toBe(writtenId);
      expect((await state.ledger.targets('crm', 'ghost', ['g2'])).size).toBe(0);
    });
  });
}
