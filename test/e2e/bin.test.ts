/**
 * The installed command as a user runs it: `bin/cutover.js` in a child
 * process, on the built `dist/` (vitest's global setup builds it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = path.join(import.meta.dirname, '../../bin/cutover.js');
const exec = promisify(execFile);

async function cutover(args: string[], cwd: string, nodeOptions: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...nodeOptions, BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('bin/cutover.js', () => {
  it('runs init --demo, check and describe --json as a user would', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bin-'));
    const init = await cutover(['init', '--demo', '--dir', 'd', '--records', '200'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Demo ready in');
    const check = await cutover(['check', '--plan', 'd/cutover.yaml'], dir);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const describe_ = await cutover(['describe', 'legacy', '--plan', 'd/cutover.yaml', '--json'], dir);
    expect(describe_.code).toBe(0);
    expect(JSON.parse(describe_.stdout).description.objects.length).toBeGreaterThan(5);
  });

  it('exits 2 with a message and no stack trace on bad input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bin-'));
    const result = await cutover(['describe', 'mongodb://db/crm'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error: unknown URL scheme "mongodb:"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts its worker threads when node runs with V8 options', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bin-'));
    expect((await cutover(['init', '--demo', '--dir', 'd', '--records', '100'], dir)).code).toBe(0);
    // A worker given the parent's options refuses V8 ones (ERR_WORKER_INVALID_EXEC_ARGV).
    const flags = ['--max-old-space-size=256', '--max-semi-space-size=4'];
    const backup = await cutover(['backup', 'legacy', '--plan', 'd/cutover.yaml'], dir, flags);
    expect(backup.code, backup.stderr).toBe(0);
    const diff = await cutover(['diff', 'sqlite:d/legacy.db', 'sqlite:d/legacy.db'], dir, flags);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('Equal');
  });
});
