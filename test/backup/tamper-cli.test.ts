/**
 * A damaged backup through the commands a user runs: verify exits 1 naming
 * the object and chunk, restore refuses and changes nothing, and a wrong key
 * says so without writing any plaintext.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cutover-tamper-'));
const demo = path.join(dir, 'demo');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo({ cwd: demo });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function snapshot(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM accounts ORDER BY id').all()) + JSON.stringify(db.prepare('SELECT * FROM contacts ORDER BY id').all());
  } finally {
    db.close();
  }
}

describe('a damaged backup', () => {
  let archive: string;
  beforeAll(async () => {
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '300'], bufferIo({ cwd: dir }))).toBe(0);
    archive = JSON.parse((await run('backup', 'legacy', '--json')).out).path;
  });

  it('fails verify with the object and chunk named, and restore changes nothing', async () => {
    const manifest = JSON.parse(readFileSync(path.join(archive, 'manifest.json'), 'utf8')) as { objects: Array<{ name: string; chunks: Array<{ file: string }> }> };
    const contacts = manifest.objects.find((object) => object.name === 'contacts')!;
    const chunk = contacts.chunks[0]!.file;
    const bytes = readFileSync(path.join(archive, chunk));
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x20;
    writeFileSync(path.join(archive, chunk), bytes);

    const verified = await run('verify', 'latest');
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(new RegExp(`problem: contacts / ${chunk}: `));

    const restoreInto = path.join(dir, 'copy.db');
    const before = snapshot(path.join(demo, 'legacy.db'));
    const db = new Database(path.join(demo, 'legacy.db'));
    db.prepare("UPDATE accounts SET name = 'Changed since the backup', updated_at = '2031-01-01T00:00:00.000Z' WHERE id = 2").run();
    db.close();
    const changed = snapshot(path.join(demo, 'legacy.db'));
    expect(changed).not.toBe(before);
    const restored = await run('restore', 'latest', '--to', 'legacy', '--yes');
    expect(restored.code).toBe(3);
    expect(restored.err).toMatch(new RegExp(`\n  - contacts / ${chunk.replace(/[.]/g, '\\.')}: `));
    expect(snapshot(path.join(demo, 'legacy.db'))).toBe(changed);
    expect(restored.err).toContain('did not verify; nothing was restored.');
    const fresh = await run('restore', 'latest', '--to', `sqlite:${restoreInto}`);
    expect(fresh.code).toBe(3);
    expect(existsSync(restoreInto)).toBe(false);
  });

  it('says the key is wrong, and leaves no plaintext behind', async () => {
    const wrongKey = path.join(dir, 'wrong.key');
    writeFileSync(wrongKey, 'not the key\n');
    const before = readdirSync(archive).sort();
    const verified = await run('verify', 'latest', '--key-file', wrongKey);
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/cannot be opened with this key/);
    const diffed = await run('diff', 'latest', 'legacy', '--key-file', wrongKey);
    expect(diffed.code).toBe(2);
    expect(diffed.err).toMatch(/Error: The backup \S+ cannot be opened with this key\./);
    expect(diffed.err).toMatch(/Hint: .*(backup\.key|CUTOVER_KEY|--key-file)/);
    expect(readdirSync(archive).sort()).toEqual(before);
  });
});
