import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import { openMysql } from '../../../src/connectors/mysql/mysql-connector.js';
import { mysqlRecordError } from '../../../src/connectors/mysql/mysql-errors.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { CutoverError } from '../../../src/core/errors.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

const PASSWORD = `Pw-${randomBytes(6).toString('hex')}`;

async function rejection(promise: Promise<unknown>): Promise<CutoverError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CutoverError) return error;
    throw error;
  }
  throw new Error('expected a CutoverError');
}

/** The admin URL of the test database with another user, password, port or database. */
function urlWith(base: string, change: { user?: string; port?: number; database?: string }): string {
  const url = new URL(base);
  if (change.user) url.username = change.user;
  if (change.port) url.port = String(change.port);
  if (change.database) url.pathname = `/${change.database}`;
  return url.toString();
}

describe('mysql errors and privileges', () => {
  let db: TestDatabase;
  let admin: SqlConnector;
  const reader = `cutover_ro_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    admin = await openMysql(parseMysqlUrl(db.url), resolveProfile('generic'));
    await admin.createObjects([
      { name: 'accounts', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'name', type: 'string' }] },
      { name: 'notes', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'body', type: 'text' }] },
    ]);
    const database = parseMysqlUrl(db.url).database;
    await admin.execute(`CREATE USER '${reader}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await admin.execute(`GRANT SELECT ON \`${database}\`.* TO '${reader}'@'%'`);
    await admin.execute(`GRANT INSERT, UPDATE ON \`${database}\`.\`notes\` TO '${reader}'@'%'`);
  });

  afterAll(async () => {
    await admin?.execute(`DROP USER IF EXISTS '${reader}'@'%'`);
    await admin?.close();
    await db?.drop();
  });

  it('reports an unreachable server from check() and throws it from describe()', async () => {
    const connector = await openMysql(parseMysqlUrl(urlWith(db.url, { port: 1 }), { password: PASSWORD }), resolveProfile('generic'));
    try {
      const report = await connector.check({ write: false });
      expect(report.reachable).toBe(false);
      expect(report.problems[0]?.message).toMatch(/^MariaDB\/MySQL at 127\.0\.0\.1:1 is not reachable/);
      expect(report.problems[0]?.hint).toMatch(/check the host and port, and that the server runs/);
      const error = await rejection(connector.describe());
      expect(error.code).toBe('connect.unreachable');
      expect(error.message).toContain('127.0.0.1:1 is not reachable');
      expect(`${error.message} ${error.hints.join(' ')} ${JSON.stringify(report)}`).not.toContain(PASSWORD);
    } finally {
      await connector.close();
    }
  });

  it('names a missing database', async () => {
    const connector = await openMysql(parseMysqlUrl(urlWith(db.url, { database: 'cutover_no_such_db' })), resolveProfile('generic'));
    try {
      const error = await rejection(connector.describe());
      expect(error.code).toBe('connect.database_missing');
      expect(error.message).toBe('Database "cutover_no_such_db" does not exist on MariaDB/MySQL at 127.0.0.1:3306 (reading the schema of mysql://root@127.0.0.1:3306/cutover_no_such_db).');
      expect(error.hints[0]).toContain('CREATE DATABASE `cutover_no_such_db`');
      expect((await connector.check({ write: false })).reachable).toBe(false);
    } finally {
      await connector.close();
    }
  });

  it('names a refused login without showing the password', async () => {
    const config = parseMysqlUrl(urlWith(db.url, { user: reader }), { password: `${PASSWORD}-wrong` });
    const connector = await openMysql(config, resolveProfile('generic'), { displayName: 'legacy' });
    try {
      const error = await rejection(connector.describe());
      expect(error.code).toBe('connect.auth');
      expect(error.message).toMatch(new RegExp(`^MariaDB/MySQL at 127\\.0\\.0\\.1:3306 refused the login of user "${reader}" \\(reading the schema of legacy\\): Access denied`));
      expect(error.hints[0]).toContain('password: env:NAME');
      const report = await connector.check({ write: false });
      expect(report.reachable).toBe(false);
      expect(report.problems[0]?.message).toContain('refused the login');
      expect(`${error.message} ${error.hints.join(' ')} ${JSON.stringify(report)}`).not.toContain(PASSWORD);
    } finally {
      await connector.close();
    }
  });

  it('reports missing write permissions of a read-only login, per table', async () => {
    const connector = await openMysql(parseMysqlUrl(urlWith(db.url, { user: reader }), { password: PASSWORD }), resolveProfile('generic'));
    try {
      const reading = await connector.check({ write: false });
      expect(reading.reachable).toBe(true);
      expect(reading.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      const writing = await connector.check({ write: true });
      const messages = writing.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.message);
      expect(messages).toEqual(['accounts: no INSERT/UPDATE/DELETE permission', 'notes: no DELETE permission']);
      const refused = await rejection(connector.write('accounts', 'insert', [{ values: { name: 'x' } }]));
      expect(refused.code).toBe('query.failed');
      expect(refused.message).toMatch(new RegExp(`^User "${reader}" is not permitted to do this on .*: INSERT command denied`));
      expect(await connector.write('notes', 'insert', [{ values: { body: 'allowed' } }])).toMatchObject([{ ok: true }]);
    } finally {
      await connector.close();
    }
  });

  it('reports every privilege for a login with ALL on *.*', async () => {
    const report = await admin.check({ write: true });
    expect(report.problems.filter((problem) => problem.topic === 'permission')).toEqual([]);
  });

  it('classifies errors that are one record\'s fault, and only those', () => {
    const error = (errno: number, message: string, sqlState = 'HY000') => Object.assign(new Error(message), { errno, sqlState, code: 'ER_X' });
    expect(mysqlRecordError(error(1048, "Column 'name' cannot be null"))).toMatchObject({ code: 'required', field: 'name' });
    expect(mysqlRecordError(error(1364, "Field 'name' doesn't have a default value"))).toMatchObject({ code: 'required', field: 'name' });
    expect(mysqlRecordError(error(1062, "Duplicate entry 'a' for key 'accounts.email'"))).toMatchObject({ code: 'duplicate', field: 'email' });
    expect(mysqlRecordError(error(1062, "Duplicate entry '1' for key 'PRIMARY'"))?.field).toBeUndefined();
    expect(mysqlRecordError(error(1452, 'Cannot add or update a child row'))?.code).toBe('reference');
    expect(mysqlRecordError(error(1451, 'Cannot delete or update a parent row'))?.code).toBe('reference');
    expect(mysqlRecordError(error(1406, "Data too long for column 'name' at row 1"))).toMatchObject({ code: 'too_long', field: 'name' });
    expect(mysqlRecordError(error(3819, "Check constraint 'accounts_chk_1' is violated."))).toMatchObject({ code: 'invalid_value' });
    expect(mysqlRecordError(error(4025, 'CONSTRAINT `accounts.status` failed for `db`.`accounts`', '23000'))).toMatchObject({ code: 'invalid_value', field: 'status' });
    expect(mysqlRecordError(error(4025, 'autoextend size out of range'))).toBeUndefined();
    expect(mysqlRecordError(error(1366, "Incorrect integer value: 'x' for column `db`.`t`.`qty` at row 1"))).toMatchObject({ code: 'invalid_value', field: 'qty' });
    expect(mysqlRecordError(error(1292, "Incorrect datetime value: 'x' for column 'due' at row 1"))).toMatchObject({ code: 'invalid_value', field: 'due' });
    expect(mysqlRecordError(error(1264, "Out of range value for column 'n' at row 1"))).toMatchObject({ code: 'invalid_value', field: 'n' });
    expect(mysqlRecordError(error(1205, 'Lock wait timeout exceeded'))).toBeUndefined();
    expect(mysqlRecordError(new Error('plain'))).toBeUndefined();
  });
});
