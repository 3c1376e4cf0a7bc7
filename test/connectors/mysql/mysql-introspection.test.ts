import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectDescription, SystemDescription } from '../../../src/connectors/contract.js';
import { parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import { openMysql } from '../../../src/connectors/mysql/mysql-connector.js';
import { checkClauseValues, enumValues } from '../../../src/connectors/mysql/mysql-introspector.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

/** A hand-written schema, as an existing CRM would have it. */
const SCHEMA = [
  `CREATE TABLE companies (
     id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     name VARCHAR(100) NOT NULL,
     code CHAR(8) UNIQUE,
     tier ENUM('gold','silver','bronze','it''s') NOT NULL DEFAULT 'bronze',
     status VARCHAR(20) DEFAULT 'open' CHECK (status IN ('open', 'closed')),
     kind VARCHAR(10),
     parent_id INT UNSIGNED,
     region VARCHAR(10),
     country CHAR(2),
     prefs JSON,
     notes TEXT,
     flag TINYINT(1) NOT NULL DEFAULT 0,
     score DECIMAL(8,3),
     created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
     CONSTRAINT companies_parent FOREIGN KEY (parent_id) REFERENCES companies (id),
     CONSTRAINT companies_kind CHECK (kind IN ('customer', 'partner')),
     UNIQUE KEY companies_region_country (region, country),
     KEY companies_notes (notes(50))
   ) ENGINE=InnoDB`,
  `CREATE TABLE contacts (
     id CHAR(36) NOT NULL PRIMARY KEY,
     company_id INT UNSIGNED NOT NULL,
     email VARCHAR(255),
     UNIQUE KEY contacts_email_prefix (email(20)),
     CONSTRAINT contacts_company FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE
   ) ENGINE=InnoDB`,
  `CREATE TABLE companies_contacts (company_id INT UNSIGNED NOT NULL, contact_id CHAR(36) NOT NULL, PRIMARY KEY (company_id, contact_id)) ENGINE=InnoDB`,
  `CREATE VIEW open_companies AS SELECT id, name FROM companies WHERE status = 'open'`,
  `CREATE TRIGGER companies_trim BEFORE UPDATE ON companies FOR EACH ROW SET NEW.name = TRIM(NEW.name)`,
  `CREATE FUNCTION company_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM companies)`,
  `CREATE PROCEDURE close_company(IN company INT) MODIFIES SQL DATA BEGIN UPDATE companies SET status = 'closed' WHERE id = company; END`,
];

function objectOf(description: SystemDescription, name: string): ObjectDescription {
  const object = description.objects.find((candidate) => candidate.name === name);
  if (!object) throw new Error(`no object ${name}`);
  return object;
}

describe('mysql introspection', () => {
  let db: TestDatabase;
  let connector: SqlConnector;
  let description: SystemDescription;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    connector = await openMysql(parseMysqlUrl(db.url), resolveProfile({ base: 'generic', conventions: [] }));
    for (const statement of SCHEMA) await connector.execute(statement);
    description = await connector.describe({ counts: true });
  });

  afterAll(async () => {
    await connector?.close();
    await db?.drop();
  });

  it('reads base tables only, with keys, types and auto-increment', () => {
    expect(description.connector).toBe('mysql');
    expect(description.version).toMatch(/^MariaDB|^MySQL/);
    expect(description.objects.map((object) => object.name).sort()).toEqual(['companies', 'companies_contacts', 'contacts']);
    const companies = objectOf(description, 'companies');
    const field = (name: string) => companies.fields.find((candidate) => candidate.name === name);
    expect(field('id')).toMatchObject({ type: 'integer', primaryKey: true, autoAssigned: true, unique: true, nullable: false });
    expect(field('name')).toMatchObject({ type: 'string', length: 100, nullable: false, autoAssigned: false });
    expect(field('flag')).toMatchObject({ type: 'boolean', defaultValue: '0' });
    expect(field('score')).toMatchObject({ type: 'decimal', precision: 8, scale: 3 });
    expect(field('prefs')?.type).toBe('json');
    expect(field('notes')?.type).toBe('text');
    expect(field('created_at')).toMatchObject({ type: 'datetime', role: 'createdAt' });
    expect(field('status')?.defaultValue).toBe("'open'");
    expect(companies.recordCount).toBe(0);
    const contacts = objectOf(description, 'contacts');
    expect(contacts.fields.find((candidate) => candidate.name === 'id')).toMatchObject({ type: 'id', length: 36, autoAssigned: false });
    expect(objectOf(description, 'companies_contacts').unsupported).toMatch(/composite primary key/);
  });

  it('finds unique keys, but not prefix ones', () => {
    const companies = objectOf(description, 'companies');
    expect(companies.fields.find((field) => field.name === 'code')?.unique).toBe(true);
    expect(companies.fields.find((field) => field.name === 'region')?.unique).toBe(false);
    expect(objectOf(description, 'contacts').fields.find((field) => field.name === 'email')?.unique).toBe(false);
  });

  it('finds foreign keys, including the self-reference, and orders parents first', () => {
    expect(description.relationships).toEqual(
      expect.arrayContaining([
        { from: { object: 'companies', field: 'parent_id' }, to: { object: 'companies', field: 'id' }, source: 'constraint' },
        { from: { object: 'contacts', field: 'company_id' }, to: { object: 'companies', field: 'id' }, source: 'constraint' },
      ]),
    );
    const order = description.objects.map((object) => object.name);
    expect(order.indexOf('companies')).toBeLessThan(order.indexOf('contacts'));
  });

  it('reads picklists from ENUM types and from column and table CHECK constraints', () => {
    const companies = objectOf(description, 'companies');
    const picklist = (name: string) => companies.fields.find((field) => field.name === name)?.picklistValues;
    expect(picklist('tier')).toEqual(['gold', 'silver', 'bronze', "it's"]);
    expect(picklist('status')).toEqual(['open', 'closed']);
    expect(picklist('kind')).toEqual(['customer', 'partner']);
    expect(picklist('name')).toBeUndefined();
  });

  it('parses the CHECK clauses of both servers', () => {
    expect(checkClauseValues("`status` in ('a','b')", 'status')).toEqual(['a', 'b']);
    expect(checkClauseValues("(`status` in (_utf8mb4'a',_utf8mb4'it\\'s',_utf8mb4'x_y'))", 'status')).toEqual(['a', "it's", 'x_y']);
    expect(checkClauseValues("`status` in ('a','b') and `other` > 0", 'status')).toBeUndefined();
    expect(enumValues("enum('a','b''c','d,e')")).toEqual(['a', "b'c", 'd,e']);
  });

  it('exports table DDL, views, triggers, functions and procedures', async () => {
    const artifacts = await connector.exportConfiguration();
    const find = (kind: string, name: string) => artifacts.find((artifact) => artifact.kind === kind && artifact.name === name);
    expect(find('table', 'companies')?.definition).toMatch(/^CREATE TABLE `companies`[\s\S]*KEY `companies_notes`[\s\S]*;$/);
    expect(find('table', 'companies')?.definition).not.toMatch(/AUTO_INCREMENT=\d/);
    expect(find('view', 'open_companies')?.definition).toMatch(/VIEW `open_companies` AS select/i);
    expect(find('trigger', 'companies_trim')).toMatchObject({ object: 'companies', language: 'sql' });
    expect(find('trigger', 'companies_trim')?.definition).toMatch(/BEFORE UPDATE ON `?companies`?[\s\S]*TRIM\(NEW\.name\)/i);
    expect(find('function', 'company_count')?.definition).toMatch(/FUNCTION `company_count`\(\) RETURNS int[\s\S]*SELECT COUNT\(\*\) FROM companies/i);
    expect(find('procedure', 'close_company')?.definition).toMatch(/PROCEDURE `close_company`\(IN company INT\)[\s\S]*status = 'closed'/i);
    expect(artifacts.map((artifact) => artifact.kind)).toEqual(['table', 'table', 'table', 'view', 'trigger', 'function', 'procedure']);
  });

  it('creates objects whose references point forward, with uniques, indexes and defaults', async () => {
    await connector.createObjects([
      {
        name: 'deals',
        idField: 'id',
        fields: [
          { name: 'id', type: 'id', length: 18 },
          { name: 'owner_id', type: 'id', length: 18, references: { object: 'owners', field: 'id', constraint: true } },
          { name: 'stage', type: 'string', length: 20, picklistValues: ['new', 'won', 'lost'], defaultValue: 'new', nullable: false },
          { name: 'summary', type: 'text', defaultValue: "it's \\ fine", unique: true },
          { name: 'external_ref', type: 'string', length: 40 },
          { name: 'closed_on', type: 'date' },
          { name: 'due_at', type: 'datetime', defaultValue: '2024-01-01T00:00:00.000Z' },
        ],
        uniques: [['external_ref', 'closed_on']],
        indexes: [['summary'], ['stage', 'closed_on']],
      },
      { name: 'owners', idField: 'id', fields: [{ name: 'id', type: 'id', length: 18 }] },
    ]);
    const described = await connector.describe();
    const deals = objectOf(described, 'deals');
    expect(described.relationships).toContainEqual({ from: { object: 'deals', field: 'owner_id' }, to: { object: 'owners', field: 'id' }, source: 'constraint' });
    expect(deals.fields.find((field) => field.name === 'stage')).toMatchObject({ picklistValues: ['new', 'won', 'lost'], nullable: false });
    expect(deals.fields.find((field) => field.name === 'summary')?.unique).toBe(true);
    await connector.write('owners', 'insert', [{ id: 'OWN1', values: {} }]);
    const results = await connector.write('deals', 'insert', [
      { id: 'D1', values: { owner_id: 'OWN1' } },
      { id: 'D2', values: { owner_id: 'own1', summary: 'other' } },
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    // Ids compare case-sensitively, as in SQLite and PostgreSQL.
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'reference' } });
    const records = [];
    for await (const batch of connector.read('deals')) records.push(...batch.records);
    expect(records[0]?.values).toMatchObject({ stage: 'new', summary: "it's \\ fine", due_at: '2024-01-01T00:00:00.000Z' });
  });
});
