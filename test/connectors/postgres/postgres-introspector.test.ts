import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDescription, ObjectDescription, SystemDescription } from '../../../src/connectors/contract.js';
import { parsePostgresUrl } from '../../../src/connectors/postgres/postgres-config.js';
import { openPostgres } from '../../../src/connectors/postgres/postgres-connector.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../../support/databases.js';

const SCHEMA = `
CREATE TYPE lead_status AS ENUM ('new', 'working', 'closed');
CREATE TABLE companies (
  id serial PRIMARY KEY,
  name varchar(120) NOT NULL,
  domain text UNIQUE,
  parent_id integer REFERENCES companies (id),
  revenue numeric(14,2) DEFAULT 0,
  tier char(1) CHECK (tier IN ('A', 'B', 'C')),
  updated_at timestamp DEFAULT now()
);
CREATE TABLE contacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id integer NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  email varchar(255),
  first_name text,
  last_name text,
  status lead_status DEFAULT 'new',
  kind text CHECK (kind = ANY (ARRAY['person', 'role'])),
  score integer CHECK (score > 0 AND score < 100),
  settings jsonb,
  avatar bytea,
  external_id uuid,
  UNIQUE (first_name, last_name)
);
CREATE UNIQUE INDEX contacts_email_key_idx ON contacts (email);
CREATE INDEX contacts_last_name_idx ON contacts (last_name);
CREATE TABLE no_key (a integer);
CREATE VIEW company_contacts AS SELECT c.name, count(*) AS n FROM companies c JOIN contacts p ON p.company_id = c.id GROUP BY c.name;
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER companies_touch BEFORE UPDATE ON companies FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE FUNCTION full_name(first text, last text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT first || ' ' || last $$;
CREATE PROCEDURE archive_company(cid integer) LANGUAGE plpgsql AS $$ BEGIN DELETE FROM companies WHERE id = cid; END $$;
CREATE SEQUENCE invoice_numbers START 1000;
CREATE SCHEMA other;
CREATE TABLE other.hidden (id integer PRIMARY KEY);
`;

function field(description: SystemDescription, object: string, name: string): FieldDescription {
  const found = description.objects.find((o) => o.name === object)?.fields.find((f) => f.name === name);
  if (!found) throw new Error(`no ${object}.${name}`);
  return found;
}

describe('postgres introspection', () => {
  let db: TestDatabase;
  let connector: SqlConnector;
  let description: SystemDescription;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    connector = await openPostgres(parsePostgresUrl(db.url), resolveProfile('generic'));
    await connector.execute(SCHEMA);
    description = await connector.describe();
  });

  afterAll(async () => {
    await connector?.close();
    await db?.drop();
  });

  it('describes columns, keys, defaults and identity columns', () => {
    expect(description.objects.map((o) => o.name).sort()).toEqual(['companies', 'contacts', 'no_key']);
    expect(field(description, 'companies', 'id')).toMatchObject({ type: 'integer', nativeType: 'integer', primaryKey: true, autoAssigned: true, unique: true });
    expect(field(description, 'contacts', 'id')).toMatchObject({ type: 'integer', nativeType: 'bigint', autoAssigned: true });
    expect(field(description, 'companies', 'name')).toMatchObject({ type: 'string', nativeType: 'character varying(120)', length: 120, nullable: false });
    expect(field(description, 'companies', 'revenue')).toMatchObject({ type: 'decimal', nativeType: 'numeric(14,2)', precision: 14, scale: 2, defaultValue: '0' });
    expect(field(description, 'companies', 'domain')).toMatchObject({ type: 'text', unique: true });
    expect(field(description, 'companies', 'updated_at')).toMatchObject({ type: 'datetime', role: 'modifiedAt', defaultValue: 'now()' });
    expect(field(description, 'contacts', 'email')).toMatchObject({ unique: true, length: 255 });
    expect(field(description, 'contacts', 'first_name').unique).toBe(false);
    expect(field(description, 'contacts', 'settings').type).toBe('json');
    expect(field(description, 'contacts', 'avatar').type).toBe('binary');
    expect(field(description, 'contacts', 'external_id')).toMatchObject({ type: 'string', nativeType: 'uuid' });
    const noKey = description.objects.find((o) => o.name === 'no_key') as ObjectDescription;
    expect(noKey.unsupported).toMatch(/no primary key/);
  });

  it('finds picklists in CHECK constraints and enum types', () => {
    expect(field(description, 'companies', 'tier')).toMatchObject({ type: 'string', length: 1, picklistValues: ['A', 'B', 'C'] });
    expect(field(description, 'contacts', 'kind').picklistValues).toEqual(['person', 'role']);
    expect(field(description, 'contacts', 'status')).toMatchObject({ type: 'string', nativeType: 'lead_status', picklistValues: ['new', 'working', 'closed'] });
    expect(field(description, 'contacts', 'score').picklistValues).toBeUndefined();
  });

  it('finds foreign keys, including a self-reference, in dependency order', () => {
    expect(description.relationships).toEqual(
      expect.arrayContaining([
        { from: { object: 'companies', field: 'parent_id' }, to: { object: 'companies', field: 'id' }, source: 'constraint' },
        { from: { object: 'contacts', field: 'company_id' }, to: { object: 'companies', field: 'id' }, source: 'constraint' },
      ]),
    );
    const order = description.objects.map((o) => o.name);
    expect(order.indexOf('companies')).toBeLessThan(order.indexOf('contacts'));
  });

  it('writes enum values and refuses values outside a picklist for the field', async () => {
    const [company] = await connector.write('companies', 'insert', [{ values: { name: 'Acme', tier: 'A' } }]);
    const companyId = (company as { id: string }).id;
    const results = await connector.write('contacts', 'insert', [
      { values: { company_id: Number(companyId), status: 'working', kind: 'role' } },
      { values: { company_id: Number(companyId), status: 'bogus' } },
      { values: { company_id: Number(companyId), score: 500 } },
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'status' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'invalid_value', field: 'score' } });
    const [contact] = (await (async () => {
      for await (const batch of connector.read('contacts')) return batch.records;
      return [];
    })()) as Array<{ values: Record<string, unknown> }>;
    expect(contact?.values).toMatchObject({ status: 'working', kind: 'role', settings: null });
  });

  it('exports tables, indexes, views, triggers, functions, procedures and sequences', async () => {
    const artifacts = await connector.exportConfiguration();
    const find = (kind: string, name: string) => artifacts.find((a) => a.kind === kind && a.name === name);
    const companies = find('table', 'companies');
    expect(companies?.definition).toContain('CREATE TABLE "companies" (');
    expect(companies?.definition).toContain(`"id" integer DEFAULT nextval('companies_id_seq'::regclass) NOT NULL`);
    expect(companies?.definition).toContain('CONSTRAINT "companies_pkey" PRIMARY KEY (id)');
    expect(companies?.definition).toContain('FOREIGN KEY (parent_id) REFERENCES companies(id)');
    expect(find('table', 'contacts')?.definition).toContain('"id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL');
    expect(find('table', 'contacts')?.definition).toContain('ON DELETE CASCADE');
    expect(find('index', 'contacts_last_name_idx')).toMatchObject({ object: 'contacts', definition: expect.stringContaining('USING btree (last_name)') });
    expect(find('index', 'contacts_email_key_idx')?.definition).toContain('CREATE UNIQUE INDEX');
    expect(find('index', 'companies_pkey')).toBeUndefined();
    expect(find('view', 'company_contacts')?.definition).toMatch(/^CREATE VIEW "company_contacts" AS\n[\s\S]*JOIN contacts p/);
    expect(find('function', 'touch_updated_at()')).toMatchObject({ language: 'plpgsql', definition: expect.stringContaining('NEW.updated_at := now()') });
    expect(find('function', 'full_name(first text, last text)')).toMatchObject({ language: 'sql' });
    expect(find('procedure', 'archive_company(IN cid integer)')).toMatchObject({ language: 'plpgsql', definition: expect.stringContaining('CREATE OR REPLACE PROCEDURE') });
    expect(find('trigger', 'companies_touch')).toMatchObject({ object: 'companies', definition: expect.stringContaining('EXECUTE FUNCTION touch_updated_at()') });
    expect(find('sequence', 'invoice_numbers')?.definition).toContain('START WITH 1000');
    expect(find('sequence', 'companies_id_seq')).toMatchObject({ object: 'companies' });
    expect(artifacts.some((a) => a.name.includes('hidden'))).toBe(false);
    expect(artifacts.some((a) => a.kind === 'sequence' && a.name.startsWith('contacts_id'))).toBe(false);
  });

  it('exports artifacts that replay into an empty database', async () => {
    const artifacts = await connector.exportConfiguration();
    const copy = await createTestDatabase('postgres');
    const target = await openPostgres(parsePostgresUrl(copy.url), resolveProfile('generic'));
    try {
      // Enum types are not configuration artifacts yet; the copy needs its own.
      await target.execute(`CREATE TYPE lead_status AS ENUM ('new', 'working', 'closed')`);
      for (const artifact of artifacts) await target.execute(artifact.definition);
      const again = await target.exportConfiguration();
      const shape = (list: typeof artifacts) => list.map((a) => `${a.kind}:${a.name}`).sort();
      expect(shape(again)).toEqual(shape(artifacts));
      expect(again.find((a) => a.name === 'contacts')?.definition).toBe(artifacts.find((a) => a.name === 'contacts')?.definition);
    } finally {
      await target.close();
      await copy.drop();
    }
  });

  it('reads only the configured schema', async () => {
    const url = new URL(db.url);
    url.searchParams.set('schema', 'other');
    const other = await openPostgres(parsePostgresUrl(url.toString()), resolveProfile('generic'));
    try {
      expect((await other.describe()).objects.map((o) => o.name)).toEqual(['hidden']);
      expect(await other.count('hidden')).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reports missing write privileges of a read-only login', async () => {
    const role = `cutover_ro_${randomBytes(4).toString('hex')}`;
    await connector.execute(`CREATE ROLE ${role} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    const readOnly = await openPostgres(parsePostgresUrl(url.toString()), resolveProfile('generic'));
    try {
      const forWrite = await readOnly.check({ write: true });
      expect(forWrite.reachable).toBe(true);
      expect(forWrite.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual(
        expect.arrayContaining(['companies: no INSERT/UPDATE/DELETE permission', 'contacts: no INSERT/UPDATE/DELETE permission']),
      );
      const forRead = await readOnly.check({ write: false });
      expect(forRead.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const denied = await readOnly.write('companies', 'insert', [{ values: { name: 'Nope' } }]).catch((error: unknown) => error);
      expect(denied).toMatchObject({ code: 'query.failed', message: expect.stringContaining(`User "${role}" may not do this`) });
    } finally {
      await readOnly.close();
      await connector.execute(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP ROLE ${role}`).finally(() => admin.end());
    }
  });
});
