/**
 * The Python reader in docs/archive-format.md must read what the writer
 * writes: run it on a fresh archive when a Python with `cryptography` and
 * `brotli` is at hand. `.ci/run` installs them, so CI never skips it; a
 * developer without them sees it skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveWriter } from '../../src/archive/index.js';
import { meta, tempDir } from './archive-support.js';

const DOC = path.join(import.meta.dirname, '../../docs/archive-format.md');

const python = ['python3', '/usr/bin/python3'].find((candidate) => spawnSync(candidate, ['-c', 'import brotli, cryptography'], { stdio: 'ignore' }).status === 0);

function docScript(): string {
  const match = /```python\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'));
  if (!match?.[1]) throw new Error('no python block in docs/archive-format.md');
  return match[1];
}

it.runIf(Boolean(process.env.CI))('has Python with cryptography and brotli in CI', () => {
  expect(python, 'install python3-cryptography and python3-brotli (bash .ci/run does)').toBeDefined();
});

describe.skipIf(!python)('the documented Python reader', () => {
  for (const secret of ['ab'.repeat(32), 'a passphrase, not a key']) {
    it(`reads a backup made with ${secret.length === 64 ? 'a raw key' : 'a passphrase'}`, async () => {
      const dir = tempDir('doc');
      const writer = await ArchiveWriter.create(path.join(dir, 'b'), secret, meta('doc-1'));
      writer.beginObject('contacts', 'id', ['id', 'name', 'photo', 'score']);
      await writer.append('contacts', [
        { id: '1', deleted: false, values: { id: 1, name: 'Zoë 😀', photo: new Uint8Array([1, 2, 3]), score: Number.NaN } },
        { id: '2', deleted: true, values: { id: 2, name: 'Bob "B"', photo: null, score: 1.5 } },
      ]);
      await writer.append('contacts', [{ id: '3', deleted: false, values: { id: 3, name: 'Eve', photo: null, score: 2 } }]);
      await writer.endObject('contacts');
      await writer.writeBlob('users', [{ id: 'u1' }]);
      await writer.finish({ profile: 'suitecrm', note: 'ünïcode' });
      const script = path.join(dir, 'read_backup.py');
      writeFileSync(script, docScript());
      const output = execFileSync(python as string, [script, path.join(dir, 'b'), secret], { encoding: 'utf8' });
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain('"photo": "010203", "score": NaN');
      expect(lines[1]).toContain('"deleted": true');
      expect(lines[3]).toBe('{"blob": "users", "value": [{"id": "u1"}]}');
    });
  }
});
