import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/connectors/sqlite/sqlite-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';

describe('sqlite connector', () => {
  it('creates, writes, reads back with per-record failures', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-'));
    const connector = openSqlite({ file: path.join(dir, 'crm.db'), readonly: false }, resolveProfile('generic'), { create: true });
    await connector.createObjects([
      {
        name: 'accounts',
        idField: 'id',
        fields: [
          { name: 'id', type: 'integer', autoAssigned: true },
          { name: 'name', type: 'string', length: 20, nullable: false },
          { name: 'amount', type: 'decimal', precision: 12, scale: 2 },
          { name: 'parent_id', type: 'integer', references: { object: 'accounts', field: 'id', constraint: true } },
          { name: 'updated_at', type: 'datetime' },
          { name: 'deleted', type: 'boolean', defaultValue: false, nullable: false },
        ],
      },
    ]);
    const results = await connector.write('accounts', 'insert', [
      { values: { name: 'Acme', amount: '12.5' } },
      { values: { name: null } },
      { values: { name: 'x'.repeat(30) } },
      { id: '10', values: { name: 'Ten', parent_id: 1 } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'required', field: 'name' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'too_long', field: 'name' } });
    const rows = [];
    for await (const batch of connector.read('accounts', { batchSize: 1 })) rows.push(...batch.records);
    expect(rows.map((r) => r.id)).toEqual(['1', '10']);
    expect(rows[0]?.values.amount).toBe('12.50');
    const description = await connector.describe({ counts: true });
    expect(description.objects[0]).toMatchObject({ name: 'accounts', recordCount: 2, modifiedAtField: 'updated_at' });
    expect(description.relationships).toEqual([{ from: { object: 'accounts', field: 'parent_id' }, to: { object: 'accounts', field: 'id' }, source: 'constraint' }]);
    await expect(async () => {
      for await (const batch of connector.read('acounts')) void batch;
    }).rejects.toThrow(/has no object "acounts"\.$/);
    await expect(connector.count('Accounts')).rejects.toMatchObject({ code: 'schema.object_missing', hints: ['did you mean accounts?'] });
    await connector.close();
  });

  it('refuses to open a file that does not exist, rather than creating an empty database', () => {
    expect(() => openSqlite({ file: '/no/such/crm.db', readonly: false }, resolveProfile('generic'))).toThrow(
      'The SQLite file /no/such/crm.db does not exist.',
    );
  });
});
