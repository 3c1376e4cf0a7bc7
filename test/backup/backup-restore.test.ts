/**
 * Backup → verify → change → diff → restore → diff, on every database:
 * SQLite, PostgreSQL and MariaDB (CUTOVER_TEST_DATABASES narrows it for a
 * developer; CI runs all).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupSource, openBackupChain } from '../../src/backup/backup-chain.js';
import { runRestore } from '../../src/backup/restore.js';
import { runBackup } from '../../src/backup/run-backup.js';
import { verifyBackup } from '../../src/backup/verify-backup.js';
import { openConnector } from '../../src/connectors/registry.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { connectorSource, diffSources } from '../../src/diff/index.js';
import { generateInto } from '../../src/generate/index.js';
import type { SystemTarget } from '../../src/plan/systems.js';
import { StateStore } from '../../src/state/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.js';

const SECRET = 'correct horse battery staple';

for (const kind of databaseKinds()) {
  describe(`backup and restore on ${kind}`, () => {
    let db: TestDatabase;
    let restoreDb: TestDatabase;
    let target: SystemTarget;
    let connector: SqlConnector;
    let state: StateStore;
    let storage: string;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      restoreDb = await createTestDatabase(kind);
      const dir = mkdtempSync(path.join(tmpdir(), 'cutover-backup-'));
      storage = path.join(dir, 'backups');
      state = await StateStore.openFile(path.join(dir, 'state.db'));
      target = {
        name: 'legacy',
        kind,
        url: db.url,
        profile: resolveProfile('generic'),
        baseDir: dir,
        displayName: 'legacy',
        role: 'source',
        environment: 'sandbox',
        inPlan: true,
        profileChosen: true,
      };
      connector = await openConnector(target, { create: true });
      await generateInto(connector, { shape: 'legacy', records: 300, seed: 11, asOf: new Date('2026-06-30T00:00:00Z') });
    });

    afterAll(async () => {
      await connector?.close();
      await state?.close();
      await db?.drop();
      await restoreDb?.drop();
    });

    it('backs up, verifies deeply, and diffs equal to the source', async () => {
      const backup = await runBackup({ target, storage, secret: SECRET, state });
      expect(backup.records).toBeGreaterThan(300);
      expect((await state.backups.get(backup.id))?.status).toBe('complete');
      const handle = { id: backup.id, dir: backup.path, system: 'legacy', row: await state.backups.get(backup.id) };
      const quick = await verifyBackup(handle, { secret: SECRET, deep: false, state });
      expect(quick.problems).toEqual([]);
      const deep = await verifyBackup(handle, { secret: SECRET, deep: true, state });
      expect(deep.problems).toEqual([]);
      expect(deep.diff?.equal).toBe(true);
      expect(await state.backups.lastVerification(backup.id)).toMatchObject({ mode: 'deep', ok: true });
      const chain = await openBackupChain(backup.path, SECRET, state);
      const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(connector, 'legacy'));
      expect(diff.equal).toBe(true);
    });

    it('finds and undoes changes made after the backup, and a second restore writes nothing', async () => {
      const backup = (await state.backups.latest('legacy'))!;
      const [first, second] = (await readSome(connector, 'accounts', 2)) as [string, string];
      await connector.write('accounts', 'update', [{ id: first, values: { name: 'Changed after the backup' } }]);
      // Notes: nothing refers to them, so a hard delete is allowed.
      const notes = await readSome(connector, 'notes', 1);
      const deleted = await connector.delete('notes', notes, { mode: 'hard' });
      expect(deleted[0]?.ok).toBe(true);
      const inserted = await connector.write('accounts', 'insert', [{ values: { name: 'Created after the backup', deleted: false } }]);
      expect(inserted[0]?.ok).toBe(true);

      const chain = await openBackupChain(backup.path, SECRET, state);
      const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(connector, 'legacy'));
      const accounts = diff.objects.find((object) => object.object === 'accounts');
      expect(accounts).toMatchObject({ changed: 1, onlyInB: 1, onlyInA: 0 });
      expect(accounts?.changes[0]?.id).toBe(first);
      expect(accounts?.changes[0]?.fields.map((field) => field.field)).toContain('name');
      expect(diff.objects.find((object) => object.object === 'notes')).toMatchObject({ onlyInA: 1, onlyInAIds: notes });

      const dry = await runRestore({ chain, connector, prune: true, dryRun: true });
      expect(dry.plan.objects.find((object) => object.object === 'accounts')).toMatchObject({ update: 1, prune: 1 });
      expect(dry.plan.objects.find((object) => object.object === 'notes')).toMatchObject({ create: 1 });
      const afterDry = await diffSources(backupSource(chain, 'backup'), connectorSource(connector, 'legacy'));
      expect(afterDry.equal).toBe(false);

      const restored = await runRestore({ chain, connector, prune: true, dryRun: false });
      expect(restored.failures).toEqual([]);
      expect(restored.written).toMatchObject({ created: 1, updated: 1, pruned: 1 });
      const after = await diffSources(backupSource(chain, 'backup'), connectorSource(connector, 'legacy'));
      expect(after.equal, JSON.stringify(after.objects.filter((o) => !o.same || o.changed), null, 1)).toBe(true);
      const again = await runRestore({ chain, connector, prune: true, dryRun: false });
      expect(again.plan.inSync).toBe(true);
      expect(again.written).toEqual({ created: 0, updated: 0, linked: 0, pruned: 0 });
      void second;
    });

    it('backs up incrementally, with deletions, and restores the chain as if it were full', async () => {
      const [changed] = await readSome(connector, 'accounts', 1);
      await connector.write('accounts', 'update', [{ id: changed!, values: { name: 'Changed for the incremental' } }]);
      const gone = (await readSome(connector, 'notes', 2)).slice(1);
      expect((await connector.delete('notes', gone, { mode: 'hard' }))[0]?.ok).toBe(true);
      const incremental = await runBackup({ target, storage, secret: SECRET, state, incremental: true });
      expect(incremental.kind).toBe('incremental');
      const stored = Object.fromEntries(incremental.objects.map((object) => [object.name, object.records]));
      // Only what changed since the last backup, except objects with no modified-at column (logins), which are stored whole.
      expect(stored.accounts).toBe(1);
      expect(stored.notes).toBe(0);
      expect(stored.user_logins).toBeGreaterThan(100);
      const incrementalChain = await openBackupChain(incremental.path, SECRET, state);
      expect(await incrementalChain.top.blob('deleted/notes')).toEqual(gone);

      const into = await openConnector({ ...target, url: restoreDb.url, displayName: 'restored' }, { create: true });
      try {
        const chain = await openBackupChain(incremental.path, SECRET, state);
        const report = await runRestore({ chain, connector: into, prune: false, dryRun: false });
        expect(report.failures).toEqual([]);
        const diff = await diffSources(connectorSource(connector, 'legacy'), connectorSource(into, 'restored'));
        expect(diff.equal, JSON.stringify(diff.objects.filter((o) => o.changed || o.onlyInA || o.onlyInB).slice(0, 3), null, 1)).toBe(true);
        const verified = await verifyBackup({ id: incremental.id, dir: incremental.path, system: 'legacy', row: await state.backups.get(incremental.id) }, { secret: SECRET, deep: true, state });
        expect(verified.problems).toEqual([]);
      } finally {
        await into.close();
      }
    });
  });
}

async function readSome(connector: SqlConnector, object: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const batch of connector.read(object, { batchSize: n, includeDeleted: false })) {
    ids.push(...batch.records.map((record) => record.id));
    if (ids.length >= n) break;
  }
  return ids.slice(0, n);
}
