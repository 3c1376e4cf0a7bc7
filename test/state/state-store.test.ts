import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { migrate, STATE_MIGRATIONS, STATE_SCHEMA_VERSION, type StateMigration } from '../../src/state/state-migrations.js';
import { StateStore } from '../../src/state/index.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

function migrationsOf(file: string): Array<{ version: number; name: string; applied_at: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: string }>;
  } finally {
    db.close();
  }
}

function thrown(fn: () => unknown): CutoverError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected an error');
}

describe('StateStore', () => {
  it('creates <plan dir>/.cutover/state.db, the folder readable by its owner only', () => {
    const planDir = tempDir();
    const store = StateStore.open(planDir);
    try {
      expect(store.file).toBe(path.join(planDir, '.cutover', 'state.db'));
      expect(existsSync(store.file)).toBe(true);
      if (process.platform !== 'win32') {
        expect(statSync(path.join(planDir, '.cutover')).mode & 0o777).toBe(0o700);
        expect(statSync(store.file).mode & 0o077).toBe(0);
      }
    } finally {
      store.close();
    }
  });

  it('keeps the file in WAL mode', () => {
    const store = StateStore.openFile(path.join(tempDir(), 'state.db'));
    store.close();
    const db = new Database(store.file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('applies every migration once, and reopening changes nothing', () => {
    const file = path.join(tempDir(), 'nested', 'state.db');
    StateStore.openFile(file).close();
    const first = migrationsOf(file);
    expect(first.map((m) => m.version)).toEqual(STATE_MIGRATIONS.map((m) => m.version));
    expect(first.at(-1)?.version).toBe(STATE_SCHEMA_VERSION);
    StateStore.openFile(file).close();
    StateStore.openFile(file).close();
    expect(migrationsOf(file)).toEqual(first);
  });

  it('applies only the migrations a file lacks, in one transaction', () => {
    const file = path.join(tempDir(), 'state.db');
    const db = new Database(file);
    try {
      const extra: StateMigration[] = [...STATE_MIGRATIONS, { version: STATE_SCHEMA_VERSION + 1, name: 'notes', up: ['CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)'] }];
      expect(migrate(db, file)).toMatchObject({ from: 0, to: STATE_SCHEMA_VERSION });
      expect(migrate(db, file, extra)).toEqual({ from: STATE_SCHEMA_VERSION, to: STATE_SCHEMA_VERSION + 1, applied: [STATE_SCHEMA_VERSION + 1] });
      expect(migrate(db, file, extra).applied).toEqual([]);

      const broken: StateMigration[] = [
        ...extra,
        { version: STATE_SCHEMA_VERSION + 2, name: 'half', up: ['CREATE TABLE half (id INTEGER)', 'CREATE TABLE half (id INTEGER)'] },
      ];
      expect(() => migrate(db, file, broken)).toThrow();
      // Neither the first statement nor the version was kept.
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
      expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: STATE_SCHEMA_VERSION + 1 });
    } finally {
      db.close();
    }
  });

  it('refuses a file from a newer cutover with a clear error, leaving it unchanged', () => {
    const file = path.join(tempDir(), 'state.db');
    StateStore.openFile(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'from the future', new Date().toISOString());
    db.close();
    const before = migrationsOf(file);

    const error = thrown(() => StateStore.openFile(file));
    expect(error.code).toBe('state.failed');
    expect(error.kind).toBe('operation');
    expect(error.message).toContain('newer cutover');
    expect(error.message).toContain('999');
    expect(error.hints.join(' ')).toMatch(/upgrade cutover/);
    expect(migrationsOf(file)).toEqual(before);
  });

  it('says clearly when the file is not a state file', () => {
    const file = path.join(tempDir(), 'state.db');
    writeFileSync(file, 'this is not a database, just some text that is long enough to be read as a header '.repeat(20));
    const error = thrown(() => StateStore.openFile(file));
    expect(error.code).toBe('state.failed');
    expect(error.message).toContain(file);
    expect(error.cause).toBeDefined();
  });

  it('reports a file held by another writer as state.locked', () => {
    const file = path.join(tempDir(), 'state.db');
    const store = StateStore.openFile(file, { busyTimeoutMs: 50 });
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = thrown(() =>
        store.backups.insert({ id: 'b1', system: 's', connector: 'sqlite', kind: 'full', base: null, path: '/x', status: 'in_progress', startedAt: '2024-01-01T00:00:00.000Z', finishedAt: null, records: 0, bytes: 0, objects: 0, seconds: null, error: null }),
      );
      expect(error.code).toBe('state.locked');
      other.exec('ROLLBACK');
    } finally {
      other.close();
      store.close();
    }
  });

  it('keeps a transaction together or not at all, letting the caller\'s errors through', () => {
    const store = StateStore.openFile(path.join(tempDir(), 'state.db'));
    try {
      const failure = new Error('caller failed');
      expect(() =>
        store.transaction(() => {
          store.audit.record({ command: 'backup', args: [], outcome: 'succeeded' });
          throw failure;
        }),
      ).toThrow(failure);
      expect(store.audit.list()).toEqual([]);
      store.transaction(() => store.audit.record({ command: 'backup', args: [], outcome: 'succeeded' }));
      expect(store.audit.list()).toHaveLength(1);
    } finally {
      store.close();
    }
    expect(store.isOpen).toBe(false);
    store.close();
  });
});
