import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition } from '../../../src/connectors/contract.js';
import { parsePostgresUrl } from '../../../src/connectors/postgres/postgres-config.js';
import { openPostgres } from '../../../src/connectors/postgres/postgres-connector.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

const ACCOUNTS: ObjectDefinition = {
  name: 'accounts',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', autoAssigned: true },
    { name: 'name', type: 'string', length: 20, nullable: false },
    { name: 'email', type: 'string', length: 100, unique: true },
    { name: 'stage', type: 'string', length: 20, picklistValues: ['lead', 'customer', "partner's"] },
    { name: 'amount', type: 'decimal', precision: 12, scale: 2 },
    { name: 'parent_id', type: 'integer', references: { object: 'accounts', field: 'id', constraint: true } },
    { name: 'updated_at', type: 'datetime' },
    { name: 'deleted', type: 'boolean', defaultValue: false, nullable: false },
  ],
  indexes: [['name']],
};

async function readAll(connector: SqlConnector, object: string, options: Parameters<SqlConnector['read']>[1] = {}): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object, options)) records.push(...batch.records);
  return records;
}

describe('postgres connector', () => {
  let db: TestDatabase;
  let connector: SqlConnector;

  beforeEach(async () => {
    db = await createTestDatabase('postgres');
    connector = await openPostgres(parsePostgresUrl(db.url), resolveProfile('generic'));
  });

  afterEach(async () => {
    await connector.close();
    await db.drop();
  });

  it('creates tables, writes with per-record failures, and reads back', async () => {
    await connector.createObjects([ACCOUNTS]);
    // Alone, so that its id is 1: a batch that falls back to record-by-record
    // writing has used sequence values in the rolled-back attempt.
    const first = await connector.write('accounts', 'insert', [{ values: { name: 'Acme', email: 'a@acme.test', amount: '12.5', stage: 'lead' } }]);
    expect(first).toEqual([{ ok: true, id: '1', created: true }]);
    const results = await connector.write('accounts', 'insert', [
      { values: { name: 'Acme 2', email: 'b@acme.test' } },
      { values: { name: null } },
      { values: { name: 'x'.repeat(30) } },
      { id: '10', values: { name: 'Ten', parent_id: 1, stage: "partner's" } },
      { values: { name: 'Dup', email: 'a@acme.test' } },
      { values: { name: 'Bad stage', stage: 'prospect' } },
      { values: { name: 'After ten' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true, false, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'required', field: 'name' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'too_long', field: 'name' } });
    expect(results[4]).toMatchObject({ ok: false, error: { code: 'duplicate', field: 'email' } });
    expect(results[5]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'stage' } });
    // After the batch, the identity sequence has moved past the explicit id 10.
    const more = await connector.write('accounts', 'insert', [{ values: { name: 'Next' } }]);
    expect(more).toEqual([{ ok: true, id: '11', created: true }]);

    const rows = await readAll(connector, 'accounts', { batchSize: 1 });
    const idOf = (result: unknown): string => (result as { id: string }).id;
    expect(rows.map((r) => r.id)).toEqual(['1', idOf(results[0]), idOf(results[6]), '10', '11']);
    expect(rows[0]?.values).toMatchObject({ name: 'Acme', amount: '12.50', stage: 'lead', deleted: false, parent_id: null });
    expect(rows[3]?.values).toMatchObject({ parent_id: 1, stage: "partner's" });
    expect(rows[0]?.values.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const description = await connector.describe({ counts: true });
    expect(description.connector).toBe('postgres');
    expect(description.version).toMatch(/^PostgreSQL \d+/);
    expect(description.objects[0]).toMatchObject({ name: 'accounts', recordCount: 5, modifiedAtField: 'updated_at', softDelete: { field: 'deleted', kind: 'flag' } });
    expect(description.relationships).toEqual([{ from: { object: 'accounts', field: 'parent_id' }, to: { object: 'accounts', field: 'id' }, source: 'constraint' }]);
  });

  it('a failing record does not stop the others in a large batch', async () => {
    await connector.createObjects([ACCOUNTS]);
    const records = Array.from({ length: 250 }, (_, i) => ({ values: { name: i === 120 ? null : `n${i}`, email: `e${i % 200}@x.test` } }));
    const results = await connector.write('accounts', 'insert', records);
    const failed = results.flatMap((result, i) => (result.ok ? [] : [[i, result.error.code]]));
    expect(failed).toEqual([[120, 'required'], ...Array.from({ length: 50 }, (_, k) => [200 + k, 'duplicate'])]);
    expect(await connector.count('accounts')).toBe(199);
  });

  it('updates, upserts, reads since a moment, deletes softly and for good', async () => {
    await connector.createObjects([ACCOUNTS]);
    const inserted = await connector.write(
      'accounts',
      'insert',
      Array.from({ length: 23 }, (_, i) => ({ values: { name: `A${i}`, email: `a${i}@x.test`, updated_at: '2024-01-01T00:00:00.000Z' } })),
    );
    expect(inserted.every((r) => r.ok)).toBe(true);

    const seen: string[] = [];
    let batches = 0;
    for await (const batch of connector.read('accounts', { batchSize: 5 })) {
      batches += 1;
      seen.push(...batch.records.map((r) => r.id));
      expect(batch.cursor).toBe(batch.records[batch.records.length - 1]?.id);
    }
    expect(batches).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => String(i + 1)));

    const updated = await connector.write('accounts', 'update', [
      { id: '3', values: { name: 'Three', updated_at: '2024-06-01T12:00:00.123Z' } },
      { id: '999', values: { name: 'Nobody' } },
    ]);
    expect(updated[0]).toEqual({ ok: true, id: '3', created: false });
    expect(updated[1]).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const upserted = await connector.write(
      'accounts',
      'upsert',
      [
        { values: { email: 'a4@x.test', name: 'Four', updated_at: '2024-06-02T00:00:00.000Z' } },
        { values: { email: 'new@x.test', name: 'New', updated_at: '2024-06-03T00:00:00.000Z' } },
      ],
      { matchField: 'email' },
    );
    expect(upserted[0]).toEqual({ ok: true, id: '5', created: false });
    expect(upserted[1]).toMatchObject({ ok: true, id: '24', created: true });

    const since = await readAll(connector, 'accounts', { since: new Date('2024-05-01T00:00:00Z'), batchSize: 2 });
    expect(since.map((r) => [r.id, r.values.name, r.values.updated_at])).toEqual([
      ['3', 'Three', '2024-06-01T12:00:00.123Z'],
      ['5', 'Four', '2024-06-02T00:00:00.000Z'],
      ['24', 'New', '2024-06-03T00:00:00.000Z'],
    ]);
    expect(await connector.count('accounts', { since: new Date('2024-06-01T12:00:00.124Z') })).toBe(2);

    const soft = await connector.delete('accounts', ['1', '2', '999'], { mode: 'soft' });
    expect(soft.map((r) => r.ok)).toEqual([true, true, false]);
    expect(await connector.count('accounts')).toBe(24);
    expect(await connector.count('accounts', { includeDeleted: false })).toBe(22);
    const live = await readAll(connector, 'accounts', { includeDeleted: false, batchSize: 7 });
    expect(live.map((r) => r.id)).not.toContain('1');
    const all = await readAll(connector, 'accounts');
    expect(all.find((r) => r.id === '1')).toMatchObject({ deleted: true, values: { deleted: true } });

    const hard = await connector.delete('accounts', ['1', '24'], { mode: 'hard' });
    expect(hard.every((r) => r.ok)).toBe(true);
    expect(await connector.count('accounts')).toBe(22);
  });

  it('inserts explicit ids with a login that may use but not set the id sequence', async () => {
    await connector.createObjects([ACCOUNTS]);
    const role = `cutover_w_${randomBytes(4).toString('hex')}`;
    await connector.execute(
      `CREATE ROLE ${role} LOGIN; GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO ${role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    );
    const url = new URL(db.url);
    url.username = role;
    const writer = await openPostgres(parsePostgresUrl(url.toString()), resolveProfile('generic'));
    try {
      const results = await writer.write('accounts', 'insert', [{ id: '5', values: { name: 'Five' } }, { values: { name: 'Auto' } }]);
      expect(results).toEqual([
        { ok: true, id: '5', created: true },
        { ok: true, id: '1', created: true },
      ]);
    } finally {
      await writer.close();
      await connector.execute(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('creates tables whose foreign keys point forward and form a cycle', async () => {
    await connector.createObjects([
      {
        name: 'contacts',
        idField: 'id',
        fields: [
          { name: 'id', type: 'string', length: 36 },
          { name: 'account_id', type: 'string', length: 36, references: { object: 'companies', field: 'id', constraint: true } },
        ],
      },
      {
        name: 'companies',
        idField: 'id',
        fields: [
          { name: 'id', type: 'string', length: 36 },
          { name: 'primary_contact_id', type: 'string', length: 36, references: { object: 'contacts', field: 'id', constraint: true } },
        ],
      },
    ]);
    const description = await connector.describe();
    expect(description.relationships.map((r) => `${r.from.object}.${r.from.field}->${r.to.object}`).sort()).toEqual([
      'companies.primary_contact_id->contacts',
      'contacts.account_id->companies',
    ]);
    const missing = await connector.write('contacts', 'insert', [{ id: 'c1', values: { account_id: 'nope' } }]);
    expect(missing[0]).toMatchObject({ ok: false, error: { code: 'reference' } });
  });

  it('freezes users and restores their exact prior values', async () => {
    await connector.execute(`CREATE TABLE users (
      id serial PRIMARY KEY, username varchar(50) NOT NULL, email varchar(100), full_name varchar(100),
      status varchar(20) NOT NULL CHECK (status IN ('active', 'locked', 'Active', 'invited')), is_admin smallint DEFAULT 0)`);
    await connector.execute(
      `INSERT INTO users (username, email, full_name, status, is_admin) VALUES
       ('ann', 'ann@x.test', 'Ann A', 'active', 1), ('bob', 'bob@x.test', 'Bob B', 'Active', 0),
       ('cy', NULL, NULL, 'invited', 0), ('dee', 'dee@x.test', 'Dee D', 'locked', 0)`,
    );
    const before = await connector.listUsers();
    expect(before.map((u) => [u.username, u.active, u.frozen, u.status, u.isAdmin])).toEqual([
      ['ann', true, false, 'active', true],
      ['bob', true, false, 'Active', false],
      ['cy', false, false, 'invited', false],
      ['dee', false, true, 'locked', false],
    ]);
    const frozen = await connector.freezeUsers(['1', '2', '3', '4', '99']);
    expect(frozen.map((r) => (r.ok ? [r.id, r.changed, r.state.prior] : [r.id, r.error.code]))).toEqual([
      ['1', true, { status: 'active' }],
      ['2', true, { status: 'Active' }],
      ['3', true, { status: 'invited' }],
      ['4', false, { status: 'locked' }],
      ['99', 'not_found'],
    ]);
    expect((await connector.listUsers()).every((u) => u.frozen && !u.active)).toBe(true);
    const states = frozen.flatMap((r) => (r.ok ? [r.state] : []));
    const restored = await connector.unfreezeUsers(states);
    expect(restored.every((r) => r.ok)).toBe(true);
    expect((await connector.listUsers()).map((u) => u.status)).toEqual(['active', 'Active', 'invited', 'locked']);
  });
});
