import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/index.js';
import { STATE_KINDS, useTempDirs, useTestState } from './helpers.js';

const tempDir = useTempDirs();

/** Every byte of the state file and its WAL/SHM companions. */
function stateBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(path.join(dir, name))));
}

describe('audit log', () => {
  it('stores arguments redacted, exactly', async () => {
    const dir = tempDir();
    const store = await StateStore.openFile(path.join(dir, 'state.db'));
    try {
      const cases: Array<[string[], string[]]> = [
        [['--password', 'hunter2'], ['--password', '***']],
        [['--password=hunter2'], ['--password=***']],
        [['postgres://u:hunter2@h/db'], ['postgres://u:***@h/db']],
        [['--token', 'abc'], ['--token', '***']],
      ];
      for (const [args, expected] of cases) {
        const entry = await store.audit.record({ command: 'backup', args, outcome: 'succeeded' });
        expect(entry.args).toEqual(expected);
      }
      expect((await store.audit.list()).map((entry) => entry.args).reverse()).toEqual(cases.map(([, expected]) => expected));
    } finally {
      await store.close();
    }
  });

  it('never writes the raw secret into the file', async () => {
    const dir = tempDir();
    const store = await StateStore.openFile(path.join(dir, 'state.db'));
    const token = 'tok-5f1c9a7e2b';
    try {
      await store.audit.record({
        command: 'restore',
        args: ['latest', '--to', 'postgres://crm:hunter2@db.internal:5432/crm', '--password', 'hunter2', `--token=${token}`],
        outcome: 'failed',
        summary: 'could not connect to postgres://crm:hunter2@db.internal:5432/crm',
      });
      // While open the entry may sit in the WAL file: check every file of the folder.
      expect(stateBytes(dir).includes('hunter2')).toBe(false);
      expect(stateBytes(dir).includes(token)).toBe(false);
      expect(stateBytes(dir).includes('crm:***@db.internal')).toBe(true);
    } finally {
      await store.close();
    }
    expect(stateBytes(dir).includes('hunter2')).toBe(false);
    expect(stateBytes(dir).includes(token)).toBe(false);
  });
});

describe.each(STATE_KINDS)('audit log in the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });

  it('records who, where and when, with defaults', async () => {
    const store = state();
    const before = Date.now();
    const entry = await store.audit.record({ command: 'migrate', args: ['--plan', 'cutover.yaml'], outcome: 'succeeded', summary: 'migrated 1,204 records' });
    expect(entry).toMatchObject({ command: 'migrate', args: ['--plan', 'cutover.yaml'], outcome: 'succeeded', summary: 'migrated 1,204 records', host: os.hostname() });
    expect(entry.user.length).toBeGreaterThan(0);
    expect(entry.at).toMatch(/Z$/);
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);

    const given = await store.audit.record({ command: 'reset', args: [], outcome: 'failed', user: 'ana', host: 'ops-1', at: '2024-06-01T02:00:00.000Z' });
    expect(given).toEqual({ id: given.id, at: '2024-06-01T02:00:00.000Z', user: 'ana', host: 'ops-1', command: 'reset', args: [], outcome: 'failed', summary: null });
    expect(await store.audit.list({ command: 'reset' })).toEqual([given]);
  });

  it('lists newest first, by command, up to a limit', async () => {
    const store = state();
    for (const command of ['backup', 'restore', 'backup', 'migrate', 'backup']) await store.audit.record({ command, args: [], outcome: 'succeeded' });
    const all = await store.audit.list();
    expect(all.map((e) => e.command)).toEqual(['backup', 'migrate', 'backup', 'restore', 'backup']);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    expect(await store.audit.list({ command: 'backup' })).toHaveLength(3);
    expect((await store.audit.list({ command: 'backup', limit: 2 })).map((e) => e.id)).toEqual([all[0]?.id, all[2]?.id]);
    expect(await store.audit.list({ limit: 0 })).toEqual([]);
  });
});
