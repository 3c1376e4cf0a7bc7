import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import type { BackupRow } from '../../src/state/index.js';
import { STATE_KINDS, useTestState } from './helpers.js';

function backup(id: string, patch: Partial<BackupRow> = {}): BackupRow {
  return {
    id,
    system: 'legacy',
    connector: 'sqlite',
    kind: 'full',
    base: null,
    path: `/backups/${id}`,
    status: 'complete',
    startedAt: '2024-05-01T10:00:00.000Z',
    finishedAt: '2024-05-01T10:05:00.000Z',
    records: 10,
    bytes: 2048,
    objects: 3,
    seconds: 300.5,
    error: null,
    ...patch,
  };
}

describe.each(STATE_KINDS)('backups in the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });
  let store: ReturnType<typeof state>;
  beforeEach(() => {
    store = state();
  });

  describe('backups', () => {
    it('stores and reads a backup field for field', async () => {
      const row = backup('b1', { kind: 'incremental', base: 'b0', records: 12345, bytes: 9_000_000_000 });
      await store.backups.insert(row);
      expect(await store.backups.get('b1')).toEqual(row);
      expect(await store.backups.get('missing')).toBeUndefined();
    });

    it('refuses a second backup with the same id', async () => {
      await store.backups.insert(backup('b1'));
      await expect(store.backups.insert(backup('b1'))).rejects.toThrow(/already recorded/);
    });

    it('updates only the fields given, and refuses an unknown id', async () => {
      await store.backups.insert(backup('b1', { status: 'in_progress', finishedAt: null, seconds: null }));
      await store.backups.update('b1', { status: 'failed', finishedAt: '2024-05-01T10:01:00.000Z', error: 'disk full' });
      expect(await store.backups.get('b1')).toEqual(backup('b1', { status: 'failed', finishedAt: '2024-05-01T10:01:00.000Z', seconds: null, error: 'disk full' }));
      await store.backups.update('b1', {});
      await store.backups.update('b1', { error: null });
      expect((await store.backups.get('b1'))?.error).toBeNull();
      await expect(store.backups.update('nope', { records: 1 })).rejects.toThrow(CutoverError);
    });

    it('never stores a password carried by a failure message', async () => {
      await store.backups.insert(backup('b1', { status: 'failed', error: 'cannot connect to postgres://crm:hunter2@db/crm' }));
      await store.backups.update('b1', { error: 'still cannot connect to postgres://crm:hunter2@db/crm' });
      expect((await store.backups.get('b1'))?.error).toBe('still cannot connect to postgres://crm:***@db/crm');
    });

    it('lists newest first, by system and status', async () => {
      await store.backups.insert(backup('old', { startedAt: '2024-05-01T00:00:00.000Z' }));
      await store.backups.insert(backup('new', { startedAt: '2024-05-03T00:00:00.000Z' }));
      await store.backups.insert(backup('mid', { startedAt: '2024-05-02T00:00:00.000Z', status: 'failed' }));
      await store.backups.insert(backup('other', { system: 'target', startedAt: '2024-05-04T00:00:00.000Z' }));
      // Same start: the later insert counts as newer.
      await store.backups.insert(backup('tie', { startedAt: '2024-05-03T00:00:00.000Z', status: 'in_progress' }));

      expect((await store.backups.list()).map((b) => b.id)).toEqual(['other', 'tie', 'new', 'mid', 'old']);
      expect((await store.backups.list({ system: 'legacy' })).map((b) => b.id)).toEqual(['tie', 'new', 'mid', 'old']);
      expect((await store.backups.list({ status: 'complete' })).map((b) => b.id)).toEqual(['other', 'new', 'old']);
      expect((await store.backups.list({ system: 'legacy', status: 'failed' })).map((b) => b.id)).toEqual(['mid']);
      expect(await store.backups.list({ system: 'nobody' })).toEqual([]);
    });

    it('latest is the newest complete backup of the system', async () => {
      expect(await store.backups.latest('legacy')).toBeUndefined();
      await store.backups.insert(backup('done', { startedAt: '2024-05-01T00:00:00.000Z' }));
      await store.backups.insert(backup('failed', { startedAt: '2024-05-02T00:00:00.000Z', status: 'failed' }));
      await store.backups.insert(backup('running', { startedAt: '2024-05-03T00:00:00.000Z', status: 'in_progress' }));
      await store.backups.insert(backup('elsewhere', { system: 'target', startedAt: '2024-05-04T00:00:00.000Z' }));
      expect((await store.backups.latest('legacy'))?.id).toBe('done');
      await store.backups.update('running', { status: 'complete' });
      expect((await store.backups.latest('legacy'))?.id).toBe('running');
      expect((await store.backups.latest('target'))?.id).toBe('elsewhere');
    });

    it('deletes a backup with its verifications; an unknown id is a no-op', async () => {
      await store.backups.insert(backup('b1'));
      await store.backups.addVerification({ backupId: 'b1', mode: 'quick', ok: true, problems: [], seconds: 1, at: '2024-05-02T00:00:00.000Z' });
      await store.backups.delete('b1');
      expect(await store.backups.get('b1')).toBeUndefined();
      expect(await store.backups.lastVerification('b1')).toBeUndefined();
      // A new backup with the old id does not inherit old verifications.
      await store.backups.insert(backup('b1'));
      expect(await store.backups.lastVerification('b1')).toBeUndefined();
      await store.backups.delete('never-there');
    });
  });

  describe('verifications', () => {
    it('records verifications and returns the newest', async () => {
      await store.backups.insert(backup('b1'));
      expect(await store.backups.lastVerification('b1')).toBeUndefined();
      const first = await store.backups.addVerification({ backupId: 'b1', mode: 'deep', ok: true, problems: [], seconds: 12.25, at: '2024-05-02T00:00:00.000Z' });
      const second = await store.backups.addVerification({
        backupId: 'b1',
        mode: 'quick',
        ok: false,
        problems: ['accounts: checksum differs', 'contacts: 2 records missing'],
        seconds: 0.5,
        at: '2024-05-03T00:00:00.000Z',
      });
      expect(second.id).toBeGreaterThan(first.id);
      expect(await store.backups.lastVerification('b1')).toEqual(second);
      expect(second).toEqual({ id: second.id, backupId: 'b1', mode: 'quick', ok: false, problems: ['accounts: checksum differs', 'contacts: 2 records missing'], seconds: 0.5, at: '2024-05-03T00:00:00.000Z' });
    });

    it('refuses a verification of an unknown backup', async () => {
      await expect(store.backups.addVerification({ backupId: 'ghost', mode: 'quick', ok: true, problems: [], seconds: 1, at: '2024-05-02T00:00:00.000Z' })).rejects.toThrow(
        /not recorded/,
      );
    });
  });

  describe('references', () => {
    it('records what depends on a backup, once each', async () => {
      await store.backups.insert(backup('b1'));
      expect(await store.backups.references('b1')).toEqual([]);
      await store.backups.addReference('b1', 'go-live', 'gl-1');
      await store.backups.addReference('b1', 'go-live', 'gl-1');
      await store.backups.addReference('b1', 'drill', 'd-7');
      expect(await store.backups.references('b1')).toEqual([
        { kind: 'go-live', by: 'gl-1', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
        { kind: 'drill', by: 'd-7', at: expect.any(String) },
      ]);
      await expect(store.backups.addReference('ghost', 'go-live', 'gl-1')).rejects.toThrow(CutoverError);
    });

    it('refuses to delete a referenced backup, changing nothing', async () => {
      await store.backups.insert(backup('b1'));
      await store.backups.addVerification({ backupId: 'b1', mode: 'quick', ok: true, problems: [], seconds: 1, at: '2024-05-02T00:00:00.000Z' });
      await store.backups.addReference('b1', 'rollback', 'run-3');
      let error: unknown;
      try {
        await store.backups.delete('b1');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CutoverError);
      expect((error as CutoverError).code).toBe('state.failed');
      expect((error as CutoverError).message).toContain('rollback run-3');
      expect(await store.backups.get('b1')).toBeDefined();
      expect(await store.backups.lastVerification('b1')).toBeDefined();
    });
  });
});
