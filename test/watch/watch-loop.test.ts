/**
 * `cutover watch` without --once, as a process: it goes on round after
 * round, prints the table again only when the state changes (an alert),
 * says "unchanged" otherwise, and stops on SIGINT with the exit code of the
 * last round.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { StateStore } from '../../src/state/index.js';
import { BIN } from '../support/child-cli.js';

async function run(dir: string, args: string[]): Promise<number> {
  const io = bufferIo({ cwd: dir, env: { ...process.env } });
  return main([...args, '--plan', 'demo/cutover.yaml'], io);
}

describe('watch on an interval', () => {
  it('alerts on a change of state only, and stops on SIGINT with the last verdict', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-watch-loop-'));
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '200'], bufferIo({ cwd: dir, env: { ...process.env } }))).toBe(0);
    for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--yes']]) expect(await run(dir, args)).toBe(0);

    const child = spawn(process.execPath, [BIN, 'watch', '--interval', '1s', '--plan', 'demo/cutover.yaml'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = async (test: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`no ${what} within 30 s; stdout: ${out}\nstderr: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      await until(() => out.includes('Healthy: salesforce'), 'first round');
      await until(() => err.includes('healthy, unchanged'), 'unchanged round');
      expect(await run(dir, ['finding', 'add', '--severity', 'critical', 'Exports bypass field-level security'])).toBe(0);
      await until(() => out.includes('changed: healthy → critical'), 'alert');
      expect(out).toContain('security.findings');
      await until(() => err.includes('critical, unchanged'), 'round after the alert');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(1);
    // The table is printed twice: the first round and the change; the other rounds only say "unchanged".
    expect(out.match(/^(Healthy|CRITICAL): salesforce/gm)).toHaveLength(2);
    const state = await StateStore.open(path.join(dir, 'demo'));
    try {
      expect((await state.watch.list('salesforce')).length).toBeGreaterThanOrEqual(4);
    } finally {
      await state.close();
    }
  });
});
