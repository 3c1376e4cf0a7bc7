/**
 * A backup killed after its archive was sealed but before the state store
 * recorded it: the next backup of the system records it complete when it
 * verifies, and failed when it does not, instead of leaving it in progress.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../src/backup/run-backup.js';
import { openConnector } from '../../src/connectors/registry.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { generateInto } from '../../src/generate/index.js';
import type { SystemTarget } from '../../src/plan/systems.js';
import { StateStore } from '../../src/state/index.js';

const SECRET = 'correct horse battery staple';

describe('a sealed backup the state store did not record', () => {
  let dir: string;
  let target: SystemTarget;
  let state: StateStore;
  const storage = () => path.join(dir, 'backups');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-sealed-'));
    target = {
      name: 'legacy',
      kind: 'sqlite',
      url: `sqlite:${path.join(dir, 'legacy.db')}`,
      profile: resolveProfile('generic'),
      baseDir: dir,
      displayName: 'legacy',
      role: 'source',
      environment: 'sandbox',
      inPlan: true,
      profileChosen: true,
    };
    const connector = await openConnector(target, { create: true });
    await generateInto(connector, { shape: 'legacy', records: 60, seed: 3, asOf: new Date('2026-06-30T00:00:00Z') });
    await connector.close();
    state = await StateStore.openFile(path.join(dir, 'state.db'));
  });

  afterAll(async () => {
    await state?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded complete, with its figures, by the next backup', async () => {
    const sealed = await runBackup({ target, storage: storage(), secret: SECRET, state });
    const recorded = await state.backups.get(sealed.id);
    // As a kill between sealing and recording leaves it.
    await state.backups.update(sealed.id, { status: 'in_progress', records: 0, bytes: 0, objects: 0 });
    const next = await runBackup({ target, storage: storage(), secret: SECRET, state });
    expect(next.id).not.toBe(sealed.id);
    expect(await state.backups.get(sealed.id)).toEqual({ ...recorded, seconds: recorded?.seconds });
  });

  it('is recorded failed, saying why, when it does not verify', async () => {
    const sealed = await runBackup({ target, storage: storage(), secret: SECRET, state });
    await state.backups.update(sealed.id, { status: 'in_progress' });
    const chunk = (readdirSync(sealed.path, { recursive: true }) as string[]).find((name) => name.endsWith('.chunk'));
    expect(chunk).toBeDefined();
    writeFileSync(path.join(sealed.path, chunk!), 'damaged');
    await runBackup({ target, storage: storage(), secret: SECRET, state });
    const row = await state.backups.get(sealed.id);
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/does not verify/);
  });
});
