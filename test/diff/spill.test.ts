import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PARTITIONS, partitionOf, partitionsFor, SpillFolder } from '../../src/diff/spill.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function entries(count: number): Array<[string, Buffer]> {
  return Array.from({ length: count }, (_, i) => [`id-${i}-ünï`, Buffer.from(`secret payload ${i} ${'x'.repeat(i % 50)}`)]);
}

function readAll(spill: { partitions: number; forEach(p: number, visit: (id: string, payload: Buffer) => void): void }): Map<string, string> {
  const seen = new Map<string, string>();
  for (let p = 0; p < spill.partitions; p += 1) spill.forEach(p, (id, payload) => seen.set(id, payload.toString()));
  return seen;
}

describe('spill', () => {
  it('spreads ids over partitions evenly and within bounds', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i += 1) counts[partitionOf(String(i), 16)] += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
    expect(partitionsFor(0, 100)).toBe(1);
    expect(partitionsFor(1001, 100)).toBe(11);
    expect(partitionsFor(1e12, 100)).toBe(MAX_PARTITIONS);
  });

  it('writes encrypted files readable only by the user, reads them back, and removes them', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'cutover-spill-test-'));
    temps.push(parent);
    const folder = new SpillFolder(parent);
    const spill = folder.create(4, false);
    const written = entries(3000);
    // One entry larger than the write buffer.
    written.push(['big', Buffer.alloc(100_000, 'y')]);
    for (const [id, payload] of written) spill.add(id, payload);
    spill.finish();

    const [dir] = readdirSync(parent);
    const folderPath = path.join(parent, dir as string);
    expect(statSync(folderPath).mode & 0o777).toBe(0o700);
    const files = readdirSync(folderPath);
    expect(files).toHaveLength(4);
    for (const file of files) {
      expect(statSync(path.join(folderPath, file)).mode & 0o777).toBe(0o600);
      const bytes = readFileSync(path.join(folderPath, file));
      expect(bytes.includes('secret payload')).toBe(false);
      expect(bytes.includes('id-1')).toBe(false);
    }
    const seen = readAll(spill);
    expect(seen.size).toBe(written.length);
    for (const [id, payload] of written) expect(seen.get(id)).toBe(payload.toString());

    folder.remove();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses a file changed on disk', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'cutover-spill-test-'));
    temps.push(parent);
    const folder = new SpillFolder(parent);
    const spill = folder.create(1, false);
    for (const [id, payload] of entries(100)) spill.add(id, payload);
    spill.finish();
    const dir = path.join(parent, readdirSync(parent)[0] as string);
    const file = path.join(dir, readdirSync(dir)[0] as string);
    const bytes = readFileSync(file);
    bytes[10] = (bytes[10] as number) ^ 1;
    writeFileSync(file, bytes);
    expect(() => spill.forEach(0, () => undefined)).toThrow(expect.objectContaining({ code: 'io.failed' }));
    folder.remove();
  });

  it('keeps small sets in memory, writing nothing', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'cutover-spill-test-'));
    temps.push(parent);
    const folder = new SpillFolder(parent);
    const spill = folder.create(1, true);
    const written = entries(5000);
    for (const [id, payload] of written) spill.add(id, payload);
    spill.finish();
    expect(readdirSync(parent)).toEqual([]);
    expect(readAll(spill).size).toBe(5000);
    folder.remove();
  });
});
