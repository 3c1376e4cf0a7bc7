import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { migrate, STATE_MIGRATIONS, STATE_SCHEMA_VERSION, type StateMigration } from '../../src/state/state-migrations.js';
import { type BackupRow, StateStore } from '../../src/state/index.js';
import { SqliteStateDb } from '../../src/state/state-db.js';
import { createTestState, STATE_KINDS, type TestState, useTempDirs, useTestState } from './helpers.js';

const tempDir = useTempDirs();

function migrationsOf(file: string): Array<{ version: number; name: string; applied_at: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: string }>;
  } finally {
    db.close();
  }
}

async function thrown(fn: () => Promise<unknown>): Promise<CutoverError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected an error');
}

function backupRow(id: string): BackupRow {
  return { id, system: 's', connector: 'sqlite', kind: 'full', base: null, path: '/x', status: 'in_progress', startedAt: '2024-01-01T00:00:00.000Z', finishedAt: null, records: 0, bytes: 0, objects: 0, seconds: null, error: null };
}

describe('StateStore in a file', () => {
  it('creates <plan dir>/.cutover/state.db, the folder readable by its owner only', async () => {
    const planDir = tempDir();
    const store = await StateStore.open(planDir);
    try {
      expect(store.where).toBe(path.join(planDir, '.cutover', 'state.db'));
      expect(store.dialect).toBe('sqlite');
      expect(existsSync(store.where)).toBe(true);
      if (process.platform !== 'win32') {
        expect(statSync(path.join(planDir, '.cutover')).mode & 0o777).toBe(0o700);
        expect(statSync(store.where).mode & 0o077).toBe(0);
      }
    } finally {
      await store.close();
    }
  });

  it('keeps the file in WAL mode', async () => {
    const store = await StateStore.openFile(path.join(tempDir(), 'state.db'));
    await store.close();
    const db = new Database(store.where);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('applies every migration once, and reopening changes nothing', async () => {
    const file = path.join(tempDir(), 'nested', 'state.db');
    await (await StateStore.openFile(file)).close();
    const first = migrationsOf(file);
    expect(first.map((m) => m.version)).toEqual(STATE_MIGRATIONS.map((m) => m.version));
    expect(first.at(-1)?.version).toBe(STATE_SCHEMA_VERSION);
    await (await StateStore.openFile(file)).close();
    await (await StateStore.openFile(file)).close();
    expect(migrationsOf(file)).toEqual(first);
  });

  it('applies only the migrations a file lacks, in one transaction', async () => {
    const file = path.join(tempDir(), 'state.db');
    const db = SqliteStateDb.open(file, 1000);
    try {
      const notes = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)';
      const extra: StateMigration[] = [...STATE_MIGRATIONS, { version: STATE_SCHEMA_VERSION + 1, name: 'notes', sqlite: [notes], postgres: [notes] }];
      expect(await migrate(db)).toMatchObject({ from: 0, to: STATE_SCHEMA_VERSION });
      expect(await migrate(db, extra)).toEqual({ from: STATE_SCHEMA_VERSION, to: STATE_SCHEMA_VERSION + 1, applied: [STATE_SCHEMA_VERSION + 1] });
      expect((await migrate(db, extra)).applied).toEqual([]);

      const half = ['CREATE TABLE half (id INTEGER)', 'CREATE TABLE half (id INTEGER)'];
      const broken: StateMigration[] = [...extra, { version: STATE_SCHEMA_VERSION + 2, name: 'half', sqlite: half, postgres: half }];
      await expect(migrate(db, broken)).rejects.toThrow();
      // Neither the first statement nor the version was kept.
      expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'half'")).toBeUndefined();
      expect(await db.get('SELECT MAX(version) AS v FROM schema_migrations')).toEqual({ v: STATE_SCHEMA_VERSION + 1 });
    } finally {
      await db.close();
    }
  });

  it('refuses a file from a newer cutover with a clear error, leaving it unchanged', async () => {
    const file = path.join(tempDir(), 'state.db');
    await (await StateStore.openFile(file)).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'from the future', new Date().toISOString());
    db.close();
    const before = migrationsOf(file);

    const error = await thrown(() => StateStore.openFile(file));
    expect(error.code).toBe('state.failed');
    expect(error.kind).toBe('operation');
    expect(error.message).toContain('newer cutover');
    expect(error.message).toContain('999');
    expect(error.hints.join(' ')).toMatch(/upgrade cutover/);
    expect(migrationsOf(file)).toEqual(before);
  });

  it('says clearly when the file is not a state file', async () => {
    const file = path.join(tempDir(), 'state.db');
    writeFileSync(file, 'this is not a database, just some text that is long enough to be read as a header '.repeat(20));
    const error = await thrown(() => StateStore.openFile(file));
    expect(error.code).toBe('state.failed');
    expect(error.message).toContain(file);
    expect(error.cause).toBeDefined();
  });

  it('reports a file held by another writer as state.locked', async () => {
    const file = path.join(tempDir(), 'state.db');
    const store = await StateStore.openFile(file, { busyTimeoutMs: 50 });
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = await thrown(() => store.backups.insert(backupRow('b1')));
      expect(error.code).toBe('state.locked');
      other.exec('ROLLBACK');
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('StateStore in PostgreSQL', () => {
  const databases: TestState[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.drop();
  });
  const database = async (): Promise<TestState> => {
    const created = await createTestState('postgres');
    databases.push(created);
    return created;
  };

  it('keeps its tables in the schema cutover (or the one ?schema= names), created when missing, migrated once by concurrent openers', async () => {
    const { url } = await database();
    const stores = await Promise.all([StateStore.openPostgres({ url: url! }), StateStore.openPostgres({ url: url! }), StateStore.openPostgres({ url: `${url}?schema=team_b` })]);
    try {
      expect(stores[0].dialect).toBe('postgres');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const versions = async (schema: string) => (await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows.map((row) => row.version as number);
        expect(await versions('cutover')).toEqual(STATE_MIGRATIONS.map((m) => m.version));
        expect(await versions('team_b')).toEqual(STATE_MIGRATIONS.map((m) => m.version));
        const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'cutover' ORDER BY table_name");
        expect(tables.rows.map((row) => row.table_name)).toEqual(['audit_log', 'backup_references', 'backup_verifications', 'backups', 'baselines', 'decisions', 'deferred_links', 'evaluations', 'findings', 'go_lives', 'id_map', 'ledger', 'messages', 'run_steps', 'runs', 'schema_migrations', 'watch_rounds']);
        expect((await client.query("SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
      // What one command writes, another sees.
      await stores[0].audit.record({ command: 'backup', args: [], outcome: 'succeeded' });
      expect(await stores[1].audit.list()).toHaveLength(1);
      expect(await stores[2].audit.list()).toEqual([]);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it('refuses a schema from a newer cutover', async () => {
    const { url } = await database();
    await (await StateStore.openPostgres({ url: url! })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO cutover.schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 'now')");
    await client.end();
    const error = await thrown(() => StateStore.openPostgres({ url: url! }));
    expect(error.code).toBe('state.failed');
    expect(error.message).toContain('newer cutover');
  });

  it('says which server it could not reach, without the password', async () => {
    const error = await thrown(() => StateStore.openPostgres({ url: 'postgres://cutover@127.0.0.1:1/state', password: 'hunter2' }));
    expect(error.code).toBe('state.failed');
    expect(error.message).toContain('postgres://cutover@127.0.0.1:1/state');
    expect(error.message).not.toContain('hunter2');
    expect(error.hints.join(' ')).toMatch(/state\.url/);
  });

  it('reports a table another session holds as state.locked', async () => {
    const { url } = await database();
    const store = await StateStore.openPostgres({ url: url! }, { busyTimeoutMs: 50 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE cutover.backups IN ACCESS EXCLUSIVE MODE');
      const error = await thrown(() => store.backups.insert(backupRow('b1')));
      expect(error.code).toBe('state.locked');
      await other.query('ROLLBACK');
      await store.backups.insert(backupRow('b1'));
      expect(await store.backups.get('b1')).toBeDefined();
    } finally {
      await other.end();
      await store.close();
    }
  });
});

describe.each(STATE_KINDS)('transactions of the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });

  it("keep their writes together or not at all, letting the caller's errors through", async () => {
    const store = state();
    const failure = new Error('caller failed');
    await expect(
      store.transaction(async () => {
        await store.audit.record({ command: 'backup', args: [], outcome: 'succeeded' });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await store.audit.list()).toEqual([]);
    await store.transaction(() => store.audit.record({ command: 'backup', args: [], outcome: 'succeeded' }));
    expect(await store.audit.list()).toHaveLength(1);
  });

  it('do not take in a write made elsewhere in the process while they are open', async () => {
    const store = state();
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const transaction = store.transaction(async () => {
      await store.audit.record({ command: 'inside', args: [], outcome: 'succeeded' });
      inside();
      await held;
      throw new Error('rolled back');
    });
    await opened;
    const outside = store.audit.record({ command: 'outside', args: [], outcome: 'succeeded' });
    finish();
    await expect(transaction).rejects.toThrow('rolled back');
    await outside;
    expect((await store.audit.list()).map((entry) => entry.command)).toEqual(['outside']);
  });

  it('close once; closing again does nothing', async () => {
    const store = state();
    expect(store.isOpen).toBe(true);
    await store.close();
    expect(store.isOpen).toBe(false);
    await store.close();
  });
});
