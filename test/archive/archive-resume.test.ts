import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { ArchiveReader, ArchiveWriter, archiveState, verifyArchive, type Manifest } from '../../src/archive/index.js';
import { CONTACT_FIELDS, contacts, meta, rawKey, readAll, rejection, tempDir, writeContacts } from './archive-support.js';

const PAGE = 200;

/** Writes the rest of the contacts archive after `lastId`, as a resumed backup would. */
async function finishContacts(writer: ArchiveWriter, total: number): Promise<Manifest> {
  const progress = writer.progress('contacts');
  if (!progress.done) {
    writer.beginObject('contacts', 'id', CONTACT_FIELDS);
    const after = progress.lastId === null ? 0 : Number(progress.lastId);
    const rest = contacts(total - after, after + 1);
    for (let i = 0; i < rest.length; i += PAGE) await writer.append('contacts', rest.slice(i, i + PAGE));
    await writer.endObject('contacts');
  }
  writer.beginObject('accounts', 'id', ['id', 'name']);
  await writer.append('accounts', [{ id: 'a1', deleted: false, values: { id: 'a1', name: 'Acme PLAINTEXT-MARKER-7f3a9c' } }]);
  await writer.endObject('accounts');
  await writer.writeBlob('schema', { objects: ['contacts', 'accounts'], note: 'PLAINTEXT-MARKER-7f3a9c' });
  await writer.writeBlob('users', [{ id: 'u1', email: 'admin@example.com PLAINTEXT-MARKER-7f3a9c' }]);
  return writer.finish({ profile: 'test' });
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

function journalText(dir: string): string {
  return readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
}

describe('resuming an archive', () => {
  it('continues after a dropped writer, a torn journal line and a stray chunk file, and reads back as if never interrupted', async () => {
    const secret = rawKey();
    const whole = tempDir();
    const wholeManifest = await writeContacts(whole, secret, { records: 1000, page: PAGE });

    const dir = tempDir();
    const first = await ArchiveWriter.create(dir, secret, meta());
    first.beginObject('contacts', 'id', CONTACT_FIELDS);
    const all = contacts(1000);
    for (let i = 0; i < 600; i += PAGE) await first.append('contacts', all.slice(i, i + PAGE));
    await waitFor(() => first.progress('contacts').records === 600);
    expect(first.progress('contacts')).toEqual({ done: false, records: 600, lastId: '600' });
    expect(await archiveState(dir)).toBe('incomplete');
    // The crash: a line cut short, a chunk file half written.
    appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":"chunk","object":"contacts","file":"000005-contacts.chunk","sha2');
    writeFileSync(path.join(dir, '000005-contacts.chunk'), Buffer.alloc(1000, 1));
    writeFileSync(path.join(dir, 'manifest.json.tmp'), '{"half": ');

    const second = await ArchiveWriter.resume(dir, secret);
    expect(second.meta).toEqual(meta());
    expect(second.progress('contacts')).toEqual({ done: false, records: 600, lastId: '600' });
    expect(second.progress('accounts')).toEqual({ done: false, records: 0, lastId: null });
    expect(existsSync(path.join(dir, '000005-contacts.chunk'))).toBe(false);
    expect(existsSync(path.join(dir, 'manifest.json.tmp'))).toBe(false);
    expect(journalText(dir).endsWith('\n')).toBe(true);
    expect(journalText(dir)).not.toContain('"sha2\n');

    const manifest = await finishContacts(second, 1000);
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    expect(await archiveState(dir)).toBe('complete');
    const reader = await ArchiveReader.open(dir, secret);
    const wholeReader = await ArchiveReader.open(whole, secret);
    expect(await readAll(reader, 'contacts')).toEqual(await readAll(wholeReader, 'contacts'));
    expect(await readAll(reader, 'contacts')).toEqual(all);
    expect(manifest.objects.map((o) => [o.name, o.records, o.deleted, o.digest])).toEqual(wholeManifest.objects.map((o) => [o.name, o.records, o.deleted, o.digest]));
    expect(await reader.blob('users')).toEqual(await wholeReader.blob('users'));
    expect((await verifyArchive(dir, secret)).problems).toEqual([]);
  });

  it('keeps what came before a chunk file that went missing, and deletes what came after', async () => {
    const secret = rawKey();
    const dir = tempDir();
    const writer = await ArchiveWriter.create(dir, secret, meta());
    writer.beginObject('contacts', 'id', CONTACT_FIELDS);
    for (let i = 0; i < 4; i += 1) await writer.append('contacts', contacts(PAGE, i * PAGE + 1));
    await writer.writeBlob('users', ['drain']);
    const lines = journalText(dir).trim().split('\n').map((line) => JSON.parse(line) as { t: string; file?: string });
    const chunks = lines.filter((line) => line.t === 'chunk').map((line) => line.file as string);
    rmSync(path.join(dir, chunks[2] as string));

    const resumed = await ArchiveWriter.resume(dir, secret);
    expect(resumed.progress('contacts')).toEqual({ done: false, records: 400, lastId: '400' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.chunk')).sort()).toEqual([chunks[0], chunks[1]]);
    await finishContacts(resumed, 1000);
    const reader = await ArchiveReader.open(dir, secret);
    expect(await readAll(reader, 'contacts')).toEqual(contacts(1000));
  });

  it('resumes an object that was ended, and a resumed writer refuses to begin it again', async () => {
    const secret = rawKey();
    const dir = tempDir();
    const writer = await ArchiveWriter.create(dir, secret, meta());
    writer.beginObject('contacts', 'id', CONTACT_FIELDS);
    await writer.append('contacts', contacts(1000));
    await writer.endObject('contacts');
    const resumed = await ArchiveWriter.resume(dir, secret);
    expect(resumed.progress('contacts')).toEqual({ done: true, records: 1000, lastId: '1000' });
    expect(() => resumed.beginObject('contacts', 'id', CONTACT_FIELDS)).toThrow(/already complete/);
    await finishContacts(resumed, 1000);
    expect((await verifyArchive(dir, secret)).ok).toBe(true);
  });

  it('refuses a wrong key, a damaged journal and a complete archive', async () => {
    const secret = rawKey();
    const dir = tempDir();
    const writer = await ArchiveWriter.create(dir, secret, meta());
    writer.beginObject('contacts', 'id', CONTACT_FIELDS);
    await writer.append('contacts', contacts(100));
    await writer.append('contacts', contacts(100, 101));
    await writer.endObject('contacts');
    const wrong = await rejection(ArchiveWriter.resume(dir, rawKey()));
    expect(wrong.code).toBe('archive.key');
    expect(wrong.message).toBe('The backup b-20250601-000000 cannot be opened with this key.');

    const text = journalText(dir);
    writeFileSync(path.join(dir, 'journal.jsonl'), text.replace('"records":100', '"records":99'));
    const damaged = await rejection(ArchiveWriter.resume(dir, secret));
    expect(damaged.code).toBe('archive.corrupt');
    expect(damaged.message).toMatch(/line 2 of journal\.jsonl is damaged/);
    writeFileSync(path.join(dir, 'journal.jsonl'), text);

    await finishContacts(await ArchiveWriter.resume(dir, secret), 200);
    expect((await rejection(ArchiveWriter.resume(dir, secret))).message).toMatch(/already complete/);
    expect((await rejection(ArchiveWriter.create(dir, secret, meta()))).message).toMatch(/not empty/);
  });

  it('survives a writer process killed with SIGKILL mid-write', async () => {
    const secret = rawKey();
    const dir = tempDir();
    const archive = pathToFileURL(path.join(import.meta.dirname, '../../dist/archive/index.js')).href;
    const script = `
      const { ArchiveWriter } = await import(${JSON.stringify(archive)});
      const page = (from) => Array.from({ length: 500 }, (_, i) => ({ id: String(from + i), deleted: false, values: { n: from + i, text: 'row ' + (from + i) } }));
      const writer = await ArchiveWriter.create(process.argv[1], process.env.KEY, { id: 'crash', system: 's', connector: 'sqlite', kind: 'full', startedAt: '2025-06-01T00:00:00.000Z' });
      writer.beginObject('rows', 'n', ['n', 'text']);
      for (let p = 0; p < 1000; p += 1) { await writer.append('rows', page(p * 500 + 1)); process.stdout.write(p + '\\n'); }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { env: { ...process.env, KEY: secret }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
        if (output.split('\n').length > 6) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');

    const writer = await ArchiveWriter.resume(dir, secret);
    const progress = writer.progress('rows');
    expect(progress.done).toBe(false);
    expect(progress.records % 500).toBe(0);
    expect(progress.lastId).toBe(progress.records === 0 ? null : String(progress.records));
    writer.beginObject('rows', 'n', ['n', 'text']);
    const expected: CrmRecord[] = Array.from({ length: 10_000 }, (_, i) => ({ id: String(i + 1), deleted: false, values: { n: i + 1, text: `row ${i + 1}` } }));
    for (let from = progress.records; from < expected.length; from += 500) await writer.append('rows', expected.slice(from, from + 500));
    await writer.endObject('rows');
    await writer.finish();
    const reader = await ArchiveReader.open(dir, secret);
    expect(await readAll(reader, 'rows')).toEqual(expected);
    expect((await verifyArchive(dir, secret)).ok).toBe(true);
  });
});
