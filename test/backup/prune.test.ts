/** `cutover backups prune` on the demo plan: the retention policy, but never the newest verified backup. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';

describe('backups prune', () => {
  it('keeps what the plan says and the newest verified backup, and removes the rest', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-prune-'));
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '100'], bufferIo({ cwd: dir }))).toBe(0);
    const demo = path.join(dir, 'demo');
    const planFile = path.join(demo, 'cutover.yaml');
    writeFileSync(planFile, readFileSync(planFile, 'utf8').replace('    keep: 10', '    keep: 1'));
    const run = async (...args: string[]) => {
      const io = bufferIo({ cwd: demo });
      const code = await main(args, io);
      return { code, out: io.out, err: io.err };
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(JSON.parse((await run('backup', 'legacy', '--json')).out).id);
    expect((await run('verify', ids[0]!)).code).toBe(0);

    const dry = JSON.parse((await run('backups', 'prune', '--dry-run', '--json')).out);
    expect(dry.removed).toEqual([]);
    const byId = Object.fromEntries(dry.decisions.map((d: { id: string; action: string }) => [d.id, d.action]));
    expect(byId).toEqual({ [ids[0]!]: 'keep', [ids[1]!]: 'remove', [ids[2]!]: 'keep' });
    expect(JSON.parse((await run('backups', '--json')).out).backups).toHaveLength(3);

    const pruned = JSON.parse((await run('backups', 'prune', '--json')).out);
    expect(pruned.removed).toEqual([ids[1]]);
    const left = JSON.parse((await run('backups', '--json')).out).backups.map((b: { id: string }) => b.id);
    expect(left.sort()).toEqual([ids[0], ids[2]].sort());
    expect(existsSync(path.join(demo, 'backups', ids[1]!))).toBe(false);
    expect(existsSync(path.join(demo, 'backups', ids[0]!))).toBe(true);
  });
});
