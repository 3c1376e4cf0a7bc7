/** The second pass's memory of deferred references gives back exactly what the first pass left out. */
import { describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDescription } from '../../src/connectors/contract.js';
import { PendingLinks } from '../../src/backup/restore-links.js';

const accounts = { name: 'accounts', idField: 'id', modifiedAtField: 'updated_at', fields: [] } as unknown as ObjectDescription;
const contacts = { name: 'contacts', idField: 'id', fields: [] } as unknown as ObjectDescription;

function record(id: string, values: CrmRecord['values']): CrmRecord {
  return { id, deleted: false, values: { id, ...values } };
}

describe('pending links', () => {
  it('gives back the non-null deferred values with the modified-at, per object, in batches', () => {
    const links = new PendingLinks();
    links.add(accounts, ['parent_id', 'owner_id'], 'a1', record('a1', { parent_id: 7, owner_id: null, updated_at: '2026-01-01T00:00:00.000Z' }));
    links.add(contacts, ['reports_to_id'], 'c1', record('c1', { reports_to_id: 'c0' }));
    links.add(accounts, ['parent_id', 'owner_id'], 'new-a2', record('a2', { parent_id: 1, owner_id: 'u1' }));
    links.add(accounts, ['parent_id', 'owner_id'], 'a3', record('a3', { owner_id: 'u2', updated_at: '2026-01-02T00:00:00.000Z' }));
    const batches = [...links.batches(2)].map(({ object, updates }) => ({ object: object.name, updates }));
    expect(batches).toEqual([
      {
        object: 'accounts',
        updates: [
          { id: 'a1', values: { parent_id: 7, updated_at: '2026-01-01T00:00:00.000Z' } },
          { id: 'new-a2', values: { parent_id: 1, owner_id: 'u1', updated_at: null } },
        ],
      },
      { object: 'accounts', updates: [{ id: 'a3', values: { owner_id: 'u2', updated_at: '2026-01-02T00:00:00.000Z' } }] },
      { object: 'contacts', updates: [{ id: 'c1', values: { reports_to_id: 'c0' } }] },
    ]);
  });
});
