/** The backup → verify --deep → change → diff → restore → diff session of the README, on the demo plan. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';
import { StateStore } from '../../src/state/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cutover-session-'));
const demo = path.join(dir, 'demo');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo({ cwd: demo, env: { ...process.env, CUTOVER_KEY: '' } });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

describe('the backup session on the demo plan', () => {
  beforeAll(async () => {
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '500'], bufferIo({ cwd: dir }))).toBe(0);
  });

  it('backs up, verifies deeply, finds changes, restores them away, and records it all', async () => {
    const backup = await run('backup', 'legacy', '--json');
    expect(backup.code, backup.err).toBe(0);
    const made = JSON.parse(backup.out);
    expect(made).toMatchObject({ system: 'legacy', kind: 'full' });
    expect(made.records).toBeGreaterThan(500);
    expect(made.bytes).toBeGreaterThan(0);
    expect(made.seconds).toBeGreaterThan(0);
    expect(readFileSync(path.join(made.path, 'configuration.md'), 'utf8')).toContain('# Configuration of legacy');
    // Only the manifest, header and document are readable; no record text is on disk in the clear.
    for (const file of readdirSync(made.path).filter((name) => name.endsWith('.chunk'))) {
      expect(readFileSync(path.join(made.path, file)).includes(Buffer.from('Created after'))).toBe(false);
    }

    const verified = await run('verify', 'latest', '--deep');
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(verified.out).toMatch(/^Verified: backup legacy-\S+ \(deep\)/);
    expect(verified.out).toContain('diff against the backup: equal');

    const db = new Database(path.join(demo, 'legacy.db'));
    db.prepare("UPDATE accounts SET name = 'Edited after the backup', updated_at = '2030-01-01T00:00:00.000Z' WHERE id = 3").run();
    db.prepare('DELETE FROM notes WHERE id = 5').run();
    db.prepare("INSERT INTO accounts (name, created_at, updated_at, deleted) VALUES ('Created after the backup', '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z', 0)").run();
    db.close();

    const diff = await run('diff', 'latest', 'legacy');
    expect(diff.code).toBe(1);
    expect(diff.out).toMatch(/- id 3: name '[^']+' → 'Edited after the backup'/);
    expect(diff.out).toMatch(/accounts: 1 changed, 1 extra in b/);
    expect(diff.out).toContain('notes: 1 missing from b');

    const refused = await run('restore', 'latest', '--to', 'legacy', '--prune');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Error: legacy is a production system; a restore overwrites its records.');

    const dry = await run('restore', 'latest', '--to', 'legacy', '--prune', '--dry-run', '--json');
    expect(JSON.parse(dry.out).plan.objects.find((o: { object: string }) => o.object === 'accounts')).toMatchObject({ update: 1, prune: 1 });
    expect((await run('diff', 'latest', 'legacy')).code).toBe(1);

    const restored = await run('restore', 'latest', '--to', 'legacy', '--prune', '--yes', '--json');
    expect(restored.code, restored.err).toBe(0);
    const report = JSON.parse(restored.out);
    expect(report.written).toEqual({ created: 1, updated: 1, linked: 0, pruned: 1 });
    expect(report.safetyBackup).toMatch(/^legacy-/);

    const after = await run('diff', 'latest', 'legacy');
    expect(after.code, after.out).toBe(0);
    const again = await run('restore', 'latest', '--to', 'legacy', '--prune', '--yes');
    expect(again.out).toContain('already matches backup');

    // The safety copy holds what the restore overwrote, and `latest` still names the backup a person took.
    const safety = await run('diff', report.safetyBackup, 'legacy');
    expect(safety.code).toBe(1);
    expect(safety.out).toMatch(/accounts: 1 changed, 1 missing from b/);
    const listed = JSON.parse((await run('backups', '--json')).out).backups;
    expect(listed.map((b: { id: string }) => b.id)).toContain(report.safetyBackup);

    const state = await StateStore.open(demo);
    try {
      const audit = await state.audit.list();
      expect(audit.map((entry) => entry.command)).toEqual(expect.arrayContaining(['backup', 'restore']));
      expect(audit.find((entry) => entry.command === 'restore' && entry.outcome === 'succeeded')?.args).toEqual(['restore', 'latest', '--to', 'legacy', '--prune', '--yes', '--json']);
    } finally {
      await state.close();
    }
  });
});
