/**
 * A backup restored into an empty database creates the objects first, and
 * with them the columns' literal defaults: a record written later without
 * such a field (a migration that does not map it) gets what the original
 * database would have given it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-run.js';

describe('restore into an empty database', () => {
  it('keeps the literal defaults of the backed-up columns', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-restore-defaults-'));
    expect((await runCli(dir, ['init', '--demo', '--dir', '.', '--records', '100'])).code).toBe(0);
    const snapshot = await runCli(dir, ['snapshot', 'salesforce']);
    expect(snapshot.code, snapshot.err).toBe(0);
    const restored = await runCli(dir, ['restore', snapshot.json.id, '--to', 'sqlite:./empty.db']);
    expect(restored.code, restored.err).toBe(0);
    const column = (file: string, table: string, name: string) =>
      (new Database(path.join(dir, file), { readonly: true }).prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string; notnull: number; dflt_value: string | null }>).find((c) => c.name === name);
    for (const [table, name] of [['Lead', 'DoNotCall'], ['Lead', 'IsConverted'], ['Opportunity', 'IsClosed']] as const) {
      const original = column('salesforce.db', table, name);
      expect(original?.dflt_value, `${table}.${name} in the original`).not.toBeNull();
      expect(column('empty.db', table, name), `${table}.${name} restored`).toMatchObject({ notnull: original!.notnull, dflt_value: original!.dflt_value });
    }
    const db = new Database(path.join(dir, 'empty.db'));
    try {
      const at = '2026-11-24T10:00:00.000Z';
      db.prepare('INSERT INTO "Lead" ("Id", "LastName", "Company", "Status", "CreatedDate", "LastModifiedDate") VALUES (?, ?, ?, ?, ?, ?)').run('00Q000000000001AAA', 'Okafor', 'Acme', 'Open - Not Contacted', at, at);
      expect(db.prepare('SELECT "DoNotCall", "IsConverted" FROM "Lead" WHERE "Id" = ?').get('00Q000000000001AAA')).toEqual({ DoNotCall: 0, IsConverted: 0 });
    } finally {
      db.close();
    }
  });
});
