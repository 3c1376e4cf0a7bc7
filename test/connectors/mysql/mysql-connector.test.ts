import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition, WriteResult } from '../../../src/connectors/contract.js';
import { parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import mysql from 'mysql2/promise';
import { openMysql, mysqlPoolOptions } from '../../../src/connectors/mysql/mysql-connector.js';
import { MysqlDialect } from '../../../src/connectors/mysql/mysql-dialect.js';
import { MysqlDriver, type MysqlPoolLike } from '../../../src/connectors/mysql/mysql-driver.js';
import { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

const ACCOUNTS: ObjectDefinition = {
  name: 'accounts',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', autoAssigned: true },
    { name: 'name', type: 'string', length: 20, nullable: false },
    { name: 'email', type: 'string', length: 100, unique: true },
    { name: 'status', type: 'string', length: 20, picklistValues: ['active', 'inactive'] },
    { name: 'amount', type: 'decimal', precision: 12, scale: 2 },
    { name: 'parent_id', type: 'integer', references: { object: 'accounts', field: 'id', constraint: true } },
    { name: 'updated_at', type: 'datetime' },
    { name: 'deleted', type: 'boolean', defaultValue: false, nullable: false },
  ],
};

const NOTES: ObjectDefinition = {
  name: 'notes',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer' },
    { name: 'body', type: 'text' },
    { name: 'updated_at', type: 'datetime' },
    { name: 'deleted', type: 'boolean', defaultValue: false, nullable: false },
  ],
};

const USERS: ObjectDefinition = {
  name: 'users',
  kind: 'users',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', autoAssigned: true },
    { name: 'username', type: 'string', length: 50, unique: true },
    { name: 'email', type: 'string', length: 100 },
    { name: 'full_name', type: 'string', length: 100 },
    { name: 'status', type: 'string', length: 20 },
    { name: 'is_admin', type: 'boolean', defaultValue: false },
  ],
};

async function readAll(connector: SqlConnector, object: string, options: { batchSize?: number; since?: Date; includeDeleted?: boolean } = {}) {
  const batches: CrmRecord[][] = [];
  for await (const batch of connector.read(object, options)) batches.push(batch.records);
  return { batches, records: batches.flat() };
}

function okId(result: WriteResult | undefined): string {
  if (!result?.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.id;
}

describe('mysql connector', () => {
  let db: TestDatabase;
  let connector: SqlConnector;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    connector = await openMysql(parseMysqlUrl(db.url), resolveProfile('generic'));
    await connector.createObjects([ACCOUNTS, NOTES, USERS]);
  });

  afterAll(async () => {
    await connector?.close();
    await db?.drop();
  });

  it('checks as reachable with its version and no missing permission', async () => {
    const report = await connector.check({ write: true });
    expect(report.reachable).toBe(true);
    expect(report.version).toMatch(/^(MariaDB|MySQL) \d+\.\d+\.\d+$/);
    expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(report.facts).toContain('users: users');
  });

  it('inserts with and without ids; one bad record fails alone with its reason', async () => {
    const results = await connector.write('accounts', 'insert', [
      { values: { name: 'Acme', amount: '12.5', status: 'active', email: 'a@example.com' } },
      { values: { name: null } },
      { values: { name: 'x'.repeat(30) } },
      { id: '100', values: { name: 'Hundred' } },
      { values: { name: 'Dup', email: 'a@example.com' } },
      { values: { name: 'Bad', status: 'bogus' } },
      { values: { name: 'Next', amount: 'abc' } },
      { values: { name: 'Last' } },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, false, true, false, false, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'required', field: 'name' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'too_long', field: 'name' } });
    expect(results[3]).toMatchObject({ ok: true, id: '100', created: true });
    expect(results[4]).toMatchObject({ ok: false, error: { code: 'duplicate', field: 'email' } });
    expect(results[5]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'status' } });
    expect(results[6]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'amount' } });
    const acme = okId(results[0]);
    expect(acme).toMatch(/^\d+$/);
    // An explicit id moves AUTO_INCREMENT past it, so later inserts without ids do not collide.
    const after = await connector.write('accounts', 'insert', [{ values: { name: 'Child', parent_id: Number(acme) } }, { values: {} }]);
    expect(after[0]).toMatchObject({ ok: true, created: true });
    expect(Number(okId(after[0]))).toBeGreaterThan(100);
    expect(after[1]).toMatchObject({ ok: false, error: { code: 'required', field: 'name' } });
    const reference = await connector.write('accounts', 'insert', [{ values: { name: 'Orphan', parent_id: 999_999 } }]);
    expect(reference[0]).toMatchObject({ ok: false, error: { code: 'reference' } });
    const { records } = await readAll(connector, 'accounts');
    expect(records.map((record) => record.values.name)).toEqual(['Acme', 'Last', 'Hundred', 'Child']);
    expect(records[0]?.values).toMatchObject({ amount: '12.50', status: 'active', deleted: false, parent_id: null });
    expect(records[0]?.values.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('updates and upserts, telling found from not found even when nothing changes', async () => {
    const { records } = await readAll(connector, 'accounts');
    const acme = records.find((record) => record.values.name === 'Acme') as CrmRecord;
    const same = await connector.write('accounts', 'update', [{ id: acme.id, values: { name: 'Acme', updated_at: acme.values.updated_at ?? null } }]);
    expect(same).toEqual([{ ok: true, id: acme.id, created: false }]);
    const updates = await connector.write('accounts', 'update', [
      { id: acme.id, values: { name: 'Acme Inc', amount: '99.999' } },
      { id: '424242', values: { name: 'Ghost' } },
      { id: acme.id, values: { status: 'nope' } },
    ]);
    expect(updates[0]).toEqual({ ok: true, id: acme.id, created: false });
    expect(updates[1]).toMatchObject({ ok: false, id: '424242', error: { code: 'not_found' } });
    expect(updates[2]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'status' } });
    const upserts = await connector.write(
      'accounts',
      'upsert',
      [{ values: { email: 'a@example.com', name: 'Acme Again' } }, { values: { email: 'new@example.com', name: 'Newco' } }],
      { matchField: 'email' },
    );
    expect(upserts[0]).toEqual({ ok: true, id: acme.id, created: false });
    expect(upserts[1]).toMatchObject({ ok: true, created: true });
    const byId = await connector.write('accounts', 'upsert', [{ id: '100', values: { name: 'Hundred B' } }, { id: '200', values: { name: 'Two Hundred' } }]);
    expect(byId).toEqual([
      { ok: true, id: '100', created: false },
      { ok: true, id: '200', created: true },
    ]);
    const after = (await readAll(connector, 'accounts')).records;
    expect(after.find((record) => record.id === acme.id)?.values).toMatchObject({ name: 'Acme Again', amount: '100.00' });
  });

  it('reads in small batches covering every row once, in key order, and continues after a cursor', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => ({
      id: String(i + 1),
      values: { body: `note ${i + 1}`, updated_at: new Date(Date.UTC(2024, 0, 1 + i, 12)).toISOString() },
    }));
    const written = await connector.write('notes', 'insert', rows);
    expect(written.every((result) => result.ok)).toBe(true);
    const { batches, records } = await readAll(connector, 'notes', { batchSize: 5 });
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 5, 3]);
    expect(records.map((record) => record.id)).toEqual(rows.map((row) => row.id));
    const first = await connector.read('notes', { batchSize: 5 })[Symbol.asyncIterator]().next();
    const cursor = (first.value as { cursor: string }).cursor;
    const rest = [];
    for await (const batch of connector.read('notes', { batchSize: 7, after: cursor })) rest.push(...batch.records);
    expect(rest.map((record) => record.id)).toEqual(rows.slice(5).map((row) => row.id));
  });

  it('reads only what changed since a moment, and counts', async () => {
    const since = new Date(Date.UTC(2024, 0, 20, 12));
    const { records } = await readAll(connector, 'notes', { since, batchSize: 2 });
    expect(records.map((record) => record.id)).toEqual(['20', '21', '22', '23']);
    expect(await connector.count('notes')).toBe(23);
    expect(await connector.count('notes', { since })).toBe(4);
  });

  it('deletes softly and for good, one result per id', async () => {
    const soft = await connector.delete('notes', ['1', '2', '999'], { mode: 'soft' });
    expect(soft.map((result) => result.ok)).toEqual([true, true, false]);
    expect(soft[2]).toMatchObject({ error: { code: 'not_found' } });
    const { records } = await readAll(connector, 'notes');
    expect(records.filter((record) => record.deleted).map((record) => record.id)).toEqual(['1', '2']);
    expect(records[0]?.values.deleted).toBe(true);
    expect(await connector.count('notes', { includeDeleted: false })).toBe(21);
    expect((await readAll(connector, 'notes', { includeDeleted: false })).records).toHaveLength(21);
    const hard = await connector.delete('notes', ['3', '3'], { mode: 'hard' });
    expect(hard.map((result) => result.ok)).toEqual([true, false]);
    expect(await connector.count('notes')).toBe(22);
  });

  it('freezes users and puts back exactly the prior status', async () => {
    const inserted = await connector.write('users', 'insert', [
      { values: { username: 'ann', email: 'ann@example.com', full_name: 'Ann A', status: 'active', is_admin: true } },
      { values: { username: 'bob', full_name: 'Bob B', status: 'Active' } },
      { values: { username: 'cy', full_name: 'Cy C', status: 'disabled' } },
      { values: { username: 'dee', full_name: 'Dee D', status: null } },
    ]);
    const ids = inserted.map(okId);
    const before = await connector.listUsers();
    expect(before.map((user) => [user.username, user.active, user.frozen, user.status])).toEqual([
      ['ann', true, false, 'active'],
      ['bob', true, false, 'Active'],
      ['cy', false, false, 'disabled'],
      ['dee', false, false, null],
    ]);
    expect(before[0]).toMatchObject({ email: 'ann@example.com', name: 'Ann A', isAdmin: true });
    const frozen = await connector.freezeUsers([...ids, '987654']);
    expect(frozen.map((result) => result.ok)).toEqual([true, true, true, true, false]);
    const states = frozen.flatMap((result) => (result.ok ? [result.state] : []));
    expect(states.map((state) => state.prior.status)).toEqual(['active', 'Active', 'disabled', null]);
    expect((await connector.listUsers()).every((user) => user.frozen && !user.active && user.status === 'locked')).toBe(true);
    const again = await connector.freezeUsers([ids[0] as string]);
    expect(again[0]).toMatchObject({ ok: true, changed: false });
    const thawed = await connector.unfreezeUsers(states);
    expect(thawed.every((result) => result.ok && result.changed)).toBe(true);
    const after = await connector.listUsers();
    expect(after.map((user) => user.status)).toEqual(['active', 'Active', 'disabled', null]);
    expect(after.map((user) => user.frozen)).toEqual([false, false, false, false]);
  });

  it('inserts a row of only defaults', async () => {
    await connector.createObjects([{ name: 'tags', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'label', type: 'string', defaultValue: 'none' }] }]);
    const results = await connector.write('tags', 'insert', [{ values: {} }, { values: {} }]);
    expect(results).toEqual([
      { ok: true, id: '1', created: true },
      { ok: true, id: '2', created: true },
    ]);
    expect((await readAll(connector, 'tags')).records.map((record) => record.values.label)).toEqual(['none', 'none']);
  });

  it('writes the same way with the SQL it uses on MySQL (no RETURNING, no TEXT in unique keys)', async () => {
    const config = parseMysqlUrl(db.url);
    const target = { host: config.host, port: config.port, user: config.user, database: config.database, displayName: 'as mysql' };
    const dialect = new MysqlDialect(target, '8.0.36');
    expect(dialect.insertReturning).toBe(false);
    expect(new MysqlDialect(target, '10.4.30-MariaDB').insertReturning).toBe(false);
    expect(new MysqlDialect(target, '10.11.6-MariaDB').insertReturning).toBe(true);
    const driver = new MysqlDriver(mysql.createPool(mysqlPoolOptions(config, 2)) as unknown as MysqlPoolLike);
    const asMysql = new SqlConnector({ kind: 'mysql', driver, dialect, profile: resolveProfile('generic'), displayName: 'as mysql' });
    try {
      expect(dialect.columnType({ name: 'code', type: 'text', unique: true })).toBe('VARCHAR(768)');
      const results = await asMysql.write('accounts', 'insert', [{ values: { name: 'Via insert id' } }, { values: { name: null } }]);
      expect(results[0]).toMatchObject({ ok: true, created: true });
      expect(results[1]).toMatchObject({ ok: false, error: { code: 'required' } });
      const { records } = await readAll(asMysql, 'accounts');
      expect(records.find((record) => record.id === okId(results[0]))?.values.name).toBe('Via insert id');
    } finally {
      await asMysql.close();
    }
  });
});
