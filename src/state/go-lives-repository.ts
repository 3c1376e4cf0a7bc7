/** Go-lives in the state store: when a target became the CRM people use, from which backup a rollback would restore, and which source users were frozen. */
import type Database from 'better-sqlite3';
import { CutoverError } from '../core/errors.js';
import { guard } from './state-errors.js';

/** One recorded cutover moment. */
export interface GoLive {
  id: string;
  /** The target system that went live. */
  system: string;
  /** The source system it replaced. */
  source: string;
  /** ISO 8601 UTC. */
  at: string;
  /** The verified backup of the source a rollback restores. */
  backupId: string | null;
  /** The last migration run before it. */
  migrateRun: string | null;
  /** Source users frozen at go-live, each with the fields the freeze changed and their values before (JSON values). */
  frozenUsers: Array<{ id: string; prior: Record<string, unknown> }>;
  /** Who recorded it (the OS user). */
  user: string;
}

/** The go-lives of each target. */
export interface GoLivesRepository {
  record(goLive: GoLive): void;
  /** Records the source users frozen at a go-live (after the freeze, which needs the go-live recorded first). */
  setFrozenUsers(id: string, users: GoLive['frozenUsers']): void;
  /** The newest go-live of a target system, if any. */
  latest(system: string): GoLive | undefined;
  /** Newest first. */
  list(system?: string): GoLive[];
}

interface GoLiveDbRow {
  id: string;
  system: string;
  source: string;
  at: string;
  backup_id: string | null;
  migrate_run: string | null;
  frozen_users: string | null;
  user: string;
}

/** {@link GoLivesRepository} over the state file. */
export class SqliteGoLivesRepository implements GoLivesRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  record(goLive: GoLive): void {
    guard(this.file, `recording go-live ${goLive.id}`, () => {
      if (this.db.prepare('SELECT 1 FROM go_lives WHERE id = ?').get(goLive.id)) throw new CutoverError('state.failed', `A go-live with id ${goLive.id} is already recorded.`);
      this.db
        .prepare('INSERT INTO go_lives (id, system, source, at, backup_id, migrate_run, frozen_users, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(goLive.id, goLive.system, goLive.source, goLive.at, goLive.backupId, goLive.migrateRun, JSON.stringify(goLive.frozenUsers), goLive.user);
    });
  }

  setFrozenUsers(id: string, users: GoLive['frozenUsers']): void {
    guard(this.file, `recording the users frozen at go-live ${id}`, () => {
      const result = this.db.prepare('UPDATE go_lives SET frozen_users = ? WHERE id = ?').run(JSON.stringify(users), id);
      if (result.changes === 0) throw new CutoverError('state.failed', `There is no go-live ${id} to record frozen users for.`);
    });
  }

  latest(system: string): GoLive | undefined {
    return this.list(system)[0];
  }

  list(system?: string): GoLive[] {
    return guard(this.file, 'reading go-lives', () => {
      const rows = (system
        ? this.db.prepare('SELECT * FROM go_lives WHERE system = ? ORDER BY at DESC, rowid DESC').all(system)
        : this.db.prepare('SELECT * FROM go_lives ORDER BY at DESC, rowid DESC').all()) as GoLiveDbRow[];
      return rows.map((row) => ({
        id: row.id,
        system: row.system,
        source: row.source,
        at: row.at,
        backupId: row.backup_id,
        migrateRun: row.migrate_run,
        frozenUsers: row.frozen_users ? (JSON.parse(row.frozen_users) as GoLive['frozenUsers']) : [],
        user: row.user,
      }));
    });
  }
}
