import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemDescription, WriteRecord, WriteResult } from '../../src/connectors/contract.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { isCutoverError } from '../../src/core/errors.js';
import { BUSINESS_RATIOS } from '../../src/generate/counts.js';
import { generateInto, SHAPE_NAMES, shapeDefinitions, shapeFacts, type ShapeName } from '../../src/generate/index.js';
import { AS_OF, dangling, dump, expectRoundTrip, generateSqlite, openEmpty, query, type Generated } from './generate-support.js';

const RECORDS = 2000;

/** Business tables per shape (activities/notes included), and how a record's kind maps to them. */
const BUSINESS: Record<ShapeName, string[]> = {
  legacy: ['accounts', 'contacts', 'leads', 'opportunities', 'activities', 'notes'],
  suitecrm: ['accounts', 'contacts', 'leads', 'opportunities', 'calls', 'tasks', 'notes'],
  salesforce: ['Account', 'Contact', 'Lead', 'Opportunity', 'Task', 'Note'],
};

/** References the profile cannot describe: a type column or an id prefix chooses the table. */
interface Polymorphic {
  table: string;
  column: string;
  /** SQL over `c` selecting rows of one target, and the target table. */
  targets: Array<{ where: string; table: string; id: string }>;
  /** SQL over `c` that every row with a value must satisfy (no unknown types). */
  covered: string;
}

function byType(table: string, column: string, typeColumn: string, types: Record<string, string>, id = 'id'): Polymorphic {
  const values = Object.keys(types);
  return {
    table,
    column,
    targets: Object.entries(types).map(([type, target]) => ({ where: `c."${typeColumn}" = '${type}'`, table: target, id })),
    covered: `c."${typeColumn}" IN (${values.map((v) => `'${v}'`).join(', ')})`,
  };
}

function byPrefix(table: string, column: string, prefixes: Record<string, string>): Polymorphic {
  return {
    table,
    column,
    targets: Object.entries(prefixes).map(([prefix, target]) => ({ where: `substr(c."${column}", 1, 3) = '${prefix}'`, table: target, id: 'Id' })),
    covered: `substr(c."${column}", 1, 3) IN (${Object.keys(prefixes).map((p) => `'${p}'`).join(', ')})`,
  };
}

const POLYMORPHIC: Record<ShapeName, Polymorphic[]> = {
  legacy: [byType('notes', 'related_id', 'related_type', { account: 'accounts', contact: 'contacts', lead: 'leads', opportunity: 'opportunities' })],
  suitecrm: [
    byType('tracker', 'item_id', 'module_name', { Users: 'users', Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Opportunities: 'opportunities' }),
  ],
  salesforce: [
    byPrefix('Task', 'WhoId', { '003': 'Contact', '00Q': 'Lead' }),
    byPrefix('Task', 'WhatId', { '001': 'Account', '006': 'Opportunity' }),
    byPrefix('Note', 'ParentId', { '001': 'Account', '003': 'Contact', '00Q': 'Lead', '006': 'Opportunity' }),
  ],
};

function checkPolymorphic(file: string, reference: Polymorphic): void {
  for (const target of reference.targets) {
    expect(dangling(file, reference.table, reference.column, target.table, target.id, target.where), `${reference.table}.${reference.column} → ${target.table}`).toBe(0);
  }
  const unknown = query<{ n: number }>(file, `SELECT COUNT(*) AS n FROM "${reference.table}" c WHERE c."${reference.column}" IS NOT NULL AND NOT (${reference.covered})`);
  expect(unknown[0]?.n, `${reference.table}.${reference.column} of an unknown type`).toBe(0);
}

describe.each(SHAPE_NAMES.map((shape) => [shape]))('generate %s', (shape) => {
  const facts = shapeFacts(shape);
  let a: Generated;
  let description: SystemDescription;

  beforeAll(async () => {
    a = await generateSqlite(shape, { records: RECORDS, seed: 7 });
    description = await a.connector.describe();
  });
  afterAll(async () => {
    await a?.cleanup();
  });

  it('is deterministic: the same seed and "now" give identical databases, whatever the batch size; another seed differs', async () => {
    const b = await generateSqlite(shape, { records: RECORDS, seed: 7, batchSize: 97 });
    const c = await generateSqlite(shape, { records: RECORDS, seed: 8 });
    try {
      const dumpA = dump(a.file);
      expect(dump(b.file)).toEqual(dumpA);
      const dumpC = dump(c.file);
      expect(dumpC.length).toBeGreaterThan(0);
      expect(dumpC).not.toEqual(dumpA);
      expect(b.result.objects).toEqual(a.result.objects);
    } finally {
      await b.cleanup();
      await c.cleanup();
    }
  });

  it('writes the counts it reports, business records by the ratios, soft-deleted rows among them', async () => {
    expect(a.result).toMatchObject({ shape, seed: 7, asOf: AS_OF.toISOString() });
    for (const object of a.result.objects) {
      expect(await a.connector.count(object.name), object.name).toBe(object.records);
      if (object.deleted > 0) expect(await a.connector.count(object.name, { includeDeleted: false })).toBe(object.records - object.deleted);
    }
    const count = (name: string): number => a.result.objects.find((object) => object.name === name)?.records ?? -1;
    expect(BUSINESS[shape].reduce((sum, name) => sum + count(name), 0)).toBe(RECORDS);
    expect(count(facts.accounts)).toBe(RECORDS * BUSINESS_RATIOS.accounts);
    expect(count(facts.contacts)).toBe(RECORDS * BUSINESS_RATIOS.contacts);
    for (const name of BUSINESS[shape]) {
      const object = a.result.objects.find((o) => o.name === name);
      const share = (object?.deleted ?? 0) / (object?.records ?? 1);
      expect(share, name).toBeGreaterThan(0.005);
      expect(share, name).toBeLessThan(0.08);
    }
    expect(count(facts.users)).toBe(10);
    expect(count(facts.activity)).toBeGreaterThan(100);
  });

  it('reads back exactly what it generated, unicode and long texts included', async () => {
    const seen = await expectRoundTrip(a.connector, shape, { records: RECORDS, seed: 7 });
    expect(seen).toMatchObject({ han: true, arabic: true, hebrew: true, emoji: true, accents: true, long: true });
    expect(seen.nulls / seen.values).toBeGreaterThan(0.1);
    expect(seen.nulls / seen.values).toBeLessThan(0.5);
  });

  it('leaves no dangling reference: declared, described, link-table and polymorphic ones', () => {
    for (const definition of shapeDefinitions(shape)) {
      for (const field of definition.fields) {
        if (!field.references) continue;
        const except = field.name === 'currency_id' ? ['-99'] : [];
        expect(dangling(a.file, definition.name, field.name, field.references.object, field.references.field, '1 = 1', except), `${definition.name}.${field.name}`).toBe(0);
      }
    }
    for (const relationship of description.relationships) {
      const { from, to, polymorphic } = relationship;
      if (polymorphic) {
        const types = Object.fromEntries(Object.entries(polymorphic.objects).filter(([, table]) => description.objects.some((o) => o.name === table)));
        const reference = polymorphic.typeField ? byType(from.object, from.field, polymorphic.typeField, types) : byPrefix(from.object, from.field, types);
        checkPolymorphic(a.file, reference);
      } else {
        expect(dangling(a.file, from.object, from.field, to.object, to.field), `${from.object}.${from.field} → ${to.object}`).toBe(0);
      }
    }
    for (const reference of POLYMORPHIC[shape]) checkPolymorphic(a.file, reference);
  });

  it('is described as the profile expects: timestamps, soft delete, users, activity, self-reference, picklist', () => {
    expect(description.usersObject).toBe(facts.users);
    expect(description.activityObject).toBe(facts.activity);
    for (const name of BUSINESS[shape]) {
      const object = description.objects.find((o) => o.name === name);
      expect(object, name).toMatchObject({ kind: 'object' });
      expect(object?.modifiedAtField, name).toBeDefined();
      expect(object?.createdAtField, name).toBeDefined();
      expect(object?.softDelete, name).toBeDefined();
      expect(object?.unsupported, name).toBeUndefined();
    }
    expect(description.objects.every((object) => object.unsupported === undefined)).toBe(true);
    expect(description.relationships).toContainEqual(
      expect.objectContaining({ from: facts.selfReference, to: { object: facts.selfReference.object, field: shapeDefinitions(shape).find((d) => d.name === facts.selfReference.object)?.idField } }),
    );
    const picklist = description.objects.find((o) => o.name === facts.picklist.object)?.fields.find((f) => f.name === facts.picklist.field);
    expect(picklist?.picklistValues).toEqual(facts.picklist.values);
    expect(description.objects.find((o) => o.name === facts.accounts)?.fields.find((f) => f.name === facts.requiredAccountField)?.nullable).toBe(false);
    if (shape === 'suitecrm') {
      expect(description.objects.filter((o) => o.kind === 'link').map((o) => o.name).sort()).toEqual(['accounts_contacts', 'accounts_opportunities', 'email_addr_bean_rel', 'opportunities_contacts']);
      expect(description.objects.filter((o) => o.kind === 'extension').map((o) => o.name).sort()).toEqual(['accounts_cstm', 'contacts_cstm']);
      expect(description.relationships.some((r) => r.source === 'constraint')).toBe(false);
    } else {
      expect(description.relationships.some((r) => r.source === 'constraint')).toBe(true);
    }
  });

  it('has users with logins the connector can list, and takes a new account from the facts', async () => {
    const users = await a.connector.listUsers();
    expect(users).toHaveLength(10);
    expect(users.filter((user) => user.isAdmin).length).toBeGreaterThanOrEqual(1);
    const activity = [];
    for await (const batch of a.connector.userActivity(new Date(AS_OF.getTime() - 90 * 86_400_000))) activity.push(...batch);
    expect(activity.length).toBeGreaterThan(100);
    expect(activity.some((entry) => entry.kind === 'login')).toBe(true);
    const ok = await a.connector.write(facts.accounts, 'insert', [{ values: facts.newAccount(1) }, { values: facts.newAccount(2) }]);
    expect(ok.map((result) => result.ok)).toEqual([true, true]);
    const bad = await a.connector.write(facts.accounts, 'insert', [{ values: { ...facts.newAccount(3), [facts.requiredAccountField]: null } }]);
    expect(bad[0]).toMatchObject({ ok: false, error: { code: 'required' } });
  });

  it('with records: 0 makes only users and their activity', async () => {
    const empty = await generateSqlite(shape, { records: 0, seed: 7, users: 10 });
    try {
      const withRows = empty.result.objects.filter((object) => object.records > 0).map((object) => object.name);
      const userEmails = shape === 'suitecrm' ? ['email_addresses', 'email_addr_bean_rel'] : [];
      expect(withRows.sort()).toEqual([facts.users, facts.activity, ...userEmails].sort());
      if (shape === 'suitecrm') expect(query(empty.file, `SELECT DISTINCT bean_module FROM email_addr_bean_rel`)).toEqual([{ bean_module: 'Users' }]);
      expect((await empty.connector.listUsers()).map((user) => user.email).sort()).toEqual((await a.connector.listUsers()).map((user) => user.email).sort());
    } finally {
      await empty.cleanup();
    }
  });
});

describe('generate across shapes', () => {
  it('gives the same people (e-mail addresses) in every shape for the same seed', async () => {
    const emails: string[][] = [];
    for (const shape of SHAPE_NAMES) {
      const generated = await generateSqlite(shape, { records: 0, seed: 11, users: 40 });
      try {
        const users = await generated.connector.listUsers();
        emails.push(users.map((user) => user.email ?? '').sort());
        expect(users.some((user) => !user.active)).toBe(true);
      } finally {
        await generated.cleanup();
      }
    }
    expect(emails[0]).toHaveLength(40);
    expect(emails[1]).toEqual(emails[0]);
    expect(emails[2]).toEqual(emails[0]);
  });

  it('keeps updated_at current on UPDATE unless the statement sets it (legacy trigger)', async () => {
    const generated = await generateSqlite('legacy', { records: 50 });
    try {
      await generated.connector.execute(`UPDATE accounts SET name = 'Renamed' WHERE id = 1`);
      await generated.connector.execute(`UPDATE accounts SET name = 'Restored', updated_at = '2020-01-02T03:04:05.000Z' WHERE id = 2`);
      const rows = query<{ id: number; updated_at: string }>(generated.file, `SELECT id, updated_at FROM accounts WHERE id IN (1, 2) ORDER BY id`);
      expect(Date.parse(rows[0]?.updated_at ?? '')).toBeGreaterThan(AS_OF.getTime());
      expect(rows[1]?.updated_at).toBe('2020-01-02T03:04:05.000Z');
      const artifacts = await generated.connector.exportConfiguration();
      expect(artifacts.filter((artifact) => artifact.kind === 'trigger')).toHaveLength(7);
      expect(artifacts.some((artifact) => artifact.kind === 'view' && artifact.name === 'account_open_pipeline')).toBe(true);
      expect(query(generated.file, `SELECT COUNT(*) AS n FROM account_open_pipeline`)[0]).toMatchObject({ n: expect.any(Number) });
    } finally {
      await generated.cleanup();
    }
  });

  it('reports progress, stops when aborted, and refuses a database that already has the tables', async () => {
    const events: Array<{ object: string; written: number; total: number }> = [];
    const generated = await generateSqlite('legacy', { records: 300, batchSize: 50, onProgress: (event) => events.push(event) });
    try {
      for (const object of generated.result.objects) {
        const last = events.filter((event) => event.object === object.name).at(-1);
        expect(last, object.name).toEqual({ object: object.name, written: object.records, total: object.records });
      }
      const error = await generateInto(generated.connector, { shape: 'legacy', records: 10, seed: 1 }).catch((e: unknown) => e);
      expect(isCutoverError(error) && error.code).toBe('schema.exists');
      const controller = new AbortController();
      controller.abort();
      const aborted = await generateSqlite('salesforce', { records: 10, signal: controller.signal }).catch((e: unknown) => e);
      expect(isCutoverError(aborted) && aborted.code).toBe('aborted');
      const invalid = await generateSqlite('legacy', { records: -1 }).catch((e: unknown) => e);
      expect(isCutoverError(invalid) && invalid.code).toBe('usage');
    } finally {
      await generated.cleanup();
    }
  });

  it('stops at the first refused record, naming the object, the id and the reason', async () => {
    const { connector, dir } = openEmpty('legacy');
    // The real connector, except that it refuses the fourth account of a batch.
    const refusing = new Proxy(connector, {
      get(target, property, receiver) {
        if (property === 'write') {
          return async (object: string, operation: 'insert', records: WriteRecord[]): Promise<WriteResult[]> => {
            const results = await target.write(object, operation, records);
            if (object !== 'accounts') return results;
            return results.map((result, i) => (i === 3 ? { ok: false, id: records[i]?.id, error: { code: 'invalid_value', message: 'refused by test', field: 'name' } } : result));
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SqlConnector;
    try {
      const error = await generateInto(refusing, { shape: 'legacy', records: 200, seed: 1, asOf: AS_OF }).catch((e: unknown) => e);
      expect(isCutoverError(error) && error.code).toBe('write.failed');
      expect((error as Error).message).toMatch(/accounts.*record 4 .*invalid_value: refused by test/);
    } finally {
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
