import { describe, expect, it } from 'vitest';
import { parsePostgresUrl, postgresDisplayName, type PostgresConfig } from '../../../src/connectors/postgres/postgres-config.js';
import { openPostgres } from '../../../src/connectors/postgres/postgres-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { CutoverError } from '../../../src/core/errors.js';
import { POSTGRES_ADMIN_URL } from '../../support/databases.js';

const PASSWORD = 'Sup3r-s3cret!pw';

function adminConfig(overrides: Partial<PostgresConfig>): PostgresConfig {
  return { ...parsePostgresUrl(POSTGRES_ADMIN_URL, { password: PASSWORD }), ...overrides };
}

/** check() reports, describe() throws; neither may show the password. */
async function failures(config: PostgresConfig): Promise<{ check: Awaited<ReturnType<Awaited<ReturnType<typeof openPostgres>>['check']>>; error: CutoverError }> {
  const connector = await openPostgres(config, resolveProfile('generic'), { connectTimeoutMs: 5000 });
  try {
    const check = await connector.check({ write: true });
    const error = (await connector.describe().catch((e: unknown) => e)) as CutoverError;
    expect(error).toBeInstanceOf(CutoverError);
    const shown = JSON.stringify({ check, message: error.message, hints: error.hints, details: error.details });
    expect(shown).not.toContain(PASSWORD);
    return { check, error };
  } finally {
    await connector.close();
  }
}

describe('postgres errors', () => {
  it('reports a server that is not listening as unreachable', async () => {
    const { check, error } = await failures(adminConfig({ host: '127.0.0.1', port: 1 }));
    expect(check.reachable).toBe(false);
    expect(check.problems[0]?.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:1 is not reachable \(connection refused\) while connecting to postgres:\/\/postgres@127\.0\.0\.1:1\/postgres/);
    expect(check.problems[0]?.hint).toBe('check the host and port, and that the server runs');
    expect(error.code).toBe('connect.unreachable');
    expect(error.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:1 is not reachable/);
  });

  it('reports an unknown host as unreachable', async () => {
    const { check, error } = await failures(adminConfig({ host: 'no-such-host.invalid' }));
    expect(check.reachable).toBe(false);
    expect(error.code).toBe('connect.unreachable');
    expect(error.message).toMatch(/^PostgreSQL at no-such-host\.invalid:5432 is not reachable/);
  });

  it('reports a missing database', async () => {
    const { check, error } = await failures(adminConfig({ database: 'cutover_no_such_database' }));
    expect(check.reachable).toBe(false);
    expect(error.code).toBe('connect.database_missing');
    expect(error.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:5432 has no database "cutover_no_such_database" \(while reading the schema of /);
    expect(error.hints[0]).toBe('create it (createdb cutover_no_such_database) or fix the database name in the URL');
  });

  it('reports a login the server refuses', async () => {
    const { check, error } = await failures(adminConfig({ user: 'cutover_no_such_role' }));
    expect(check.reachable).toBe(false);
    expect(check.problems[0]?.message).toMatch(/refused the login of user "cutover_no_such_role"/);
    expect(error.code).toBe('connect.auth');
    expect(error.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:5432 refused the login of user "cutover_no_such_role" while reading the schema of postgres:\/\/cutover_no_such_role@/);
    expect(error.hints[0]).toBe('check the user in the URL, and the password given by `password: env:NAME` in the plan');
  });

  it('names a missing table as a schema problem', async () => {
    const connector = await openPostgres(parsePostgresUrl(POSTGRES_ADMIN_URL), resolveProfile('generic'));
    try {
      const error = (await connector.execute('SELECT * FROM cutover_no_such_table').catch((e: unknown) => e)) as CutoverError;
      expect(error.code).toBe('schema.object_missing');
      expect(error.message).toMatch(/relation "cutover_no_such_table" does not exist/);
    } finally {
      await connector.close();
    }
  });
});

describe('postgres URLs', () => {
  it('parses every part, with defaults', () => {
    expect(parsePostgresUrl('postgresql://crm:pw@db.example.com:6543/sales?sslmode=require&schema=crm')).toEqual({
      host: 'db.example.com',
      port: 6543,
      user: 'crm',
      password: 'pw',
      database: 'sales',
      schema: 'crm',
      sslmode: 'require',
    });
    expect(parsePostgresUrl('postgres://localhost')).toEqual({ host: 'localhost', port: 5432, user: 'postgres', database: 'postgres', schema: 'public', sslmode: 'prefer' });
    expect(parsePostgresUrl('postgres://a%40b@[::1]/my%20db').host).toBe('::1');
    expect(parsePostgresUrl('postgres:///crm?host=/var/run/postgresql')).toMatchObject({ host: '/var/run/postgresql', database: 'crm' });
    expect(postgresDisplayName(parsePostgresUrl('postgres:///crm?host=/var/run/postgresql'))).toBe('postgres://postgres@/crm?host=%2Fvar%2Frun%2Fpostgresql');
    expect(parsePostgresUrl('postgres://a%40b@[::1]/my%20db')).toMatchObject({ user: 'a@b', database: 'my db' });
  });

  it('lets the plan password win over the URL', () => {
    expect(parsePostgresUrl('postgres://crm:fromurl@db/sales', { password: 'fromplan' }).password).toBe('fromplan');
  });

  it('shows the URL without its password', () => {
    const config = parsePostgresUrl(`postgres://crm:${PASSWORD}@db:5433/sales?schema=crm`);
    expect(postgresDisplayName(config)).toBe('postgres://crm@db:5433/sales?schema=crm');
    expect(postgresDisplayName(parsePostgresUrl('postgres://u@[::1]/d?sslmode=disable'))).toBe('postgres://u@[::1]:5432/d?sslmode=disable');
  });

  it('refuses malformed URLs without echoing the password', () => {
    for (const url of [`postgres://crm:${PASSWORD}@db:99999/sales`, `mysql://crm:${PASSWORD}@db/sales`, `postgres://crm:${PASSWORD}@db/sales?sslmode=sometimes`]) {
      const error = (() => {
        try {
          parsePostgresUrl(url);
        } catch (e) {
          return e as CutoverError;
        }
        throw new Error(`accepted ${url}`);
      })();
      expect(error.code).toBe('system.url');
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).toContain('crm:***@db');
    }
  });
});
