/**
 * Property: for random records of every field type (nulls, unicode, long
 * text, decimals, time zones, booleans, binary, references), backup →
 * restore into an empty database → diff is empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupSource, openBackupChain } from '../../src/backup/backup-chain.js';
import { runRestore } from '../../src/backup/restore.js';
import { runBackup } from '../../src/backup/run-backup.js';
import type { ObjectDefinition, WriteRecord } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { connectorSource, diffSources } from '../../src/diff/index.js';
import type { SystemTarget } from '../../src/plan/systems.js';
import { StateStore } from '../../src/state/index.js';

const DEFINITIONS: ObjectDefinition[] = [
  {
    name: 'companies',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'name', type: 'string', length: 120, nullable: false },
      { name: 'parent_id', type: 'integer', references: { object: 'companies', field: 'id', constraint: true } },
      { name: 'notes', type: 'text' },
      { name: 'revenue', type: 'decimal', precision: 24, scale: 4 },
      { name: 'score', type: 'float' },
      { name: 'employees', type: 'integer' },
      { name: 'active', type: 'boolean' },
      { name: 'founded', type: 'date' },
      { name: 'updated_at', type: 'datetime' },
      { name: 'opens', type: 'time' },
      { name: 'settings', type: 'json' },
      { name: 'logo', type: 'binary' },
      { name: 'deleted', type: 'boolean', nullable: false, defaultValue: false },
    ],
  },
];

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const record = fc.record({
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  notes: fc.option(fc.oneof(text, fc.string({ unit: 'grapheme', minLength: 3000, maxLength: 6000 })), { nil: null }),
  revenue: fc.option(fc.tuple(fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), fc.integer({ min: 0, max: 9999 })).map(([whole, frac]) => `${whole}.${String(frac).padStart(4, '0')}`), { nil: null }),
  score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), { nil: null }),
  employees: fc.option(fc.integer(), { nil: null }),
  active: fc.option(fc.boolean(), { nil: null }),
  founded: fc.option(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { nil: null }),
  updated_at: fc.option(
    fc.tuple(fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -12, max: 14 })).map(([d, offset]) => {
      // Written with a time-zone offset; read back as the same instant in UTC.
      const local = new Date(d.getTime() + offset * 3_600_000).toISOString().slice(0, 23);
      return `${local}${offset < 0 ? '-' : '+'}${String(Math.abs(offset)).padStart(2, '0')}:00`;
    }),
    { nil: null },
  ),
  opens: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`), { nil: null }),
  settings: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), text, fc.boolean())).map((o) => JSON.stringify(o)), { nil: null }),
  logo: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
  deleted: fc.boolean(),
  parent: fc.option(fc.nat(), { nil: null }),
});

describe('backup → restore → diff', () => {
  it('is empty for random records of every field type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), async (records) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'cutover-prop-'));
        const source: SystemTarget = {
          name: 'source',
          kind: 'sqlite',
          url: `sqlite:${path.join(dir, 'source.db')}`,
          profile: resolveProfile('generic'),
          baseDir: dir,
          displayName: 'source',
          role: 'source',
          environment: 'sandbox',
          inPlan: true,
          profileChosen: true,
        };
        const state = await StateStore.openFile(path.join(dir, 'state.db'));
        const connector = await openConnector(source, { create: true });
        const restored = await openConnector({ ...source, url: `sqlite:${path.join(dir, 'restored.db')}`, displayName: 'restored' }, { create: true });
        try {
          await connector.createObjects(DEFINITIONS);
          const rows: WriteRecord[] = records.map(({ parent, ...values }, i) => ({
            id: String(i + 1),
            values: { ...values, parent_id: parent === null || parent >= i ? null : parent + 1 },
          }));
          const written = await connector.write('companies', 'insert', rows);
          expect(written.filter((result) => !result.ok)).toEqual([]);
          const backup = await runBackup({ target: source, storage: path.join(dir, 'backups'), secret: 'property test key', state });
          const chain = await openBackupChain(backup.path, 'property test key', state);
          const report = await runRestore({ chain, connector: restored, prune: false, dryRun: false });
          expect(report.failures).toEqual([]);
          const diff = await diffSources(connectorSource(connector, 'source'), connectorSource(restored, 'restored'));
          expect(diff.equal, JSON.stringify(diff.objects[0]?.changes.slice(0, 2))).toBe(true);
        } finally {
          await connector.close();
          await restored.close();
          await state.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  });
});
