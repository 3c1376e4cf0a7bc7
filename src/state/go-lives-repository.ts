/** Go-lives in the state store: when a target became the CRM people use, from which backup a rollback would restore, and which source users were frozen. */
import { CutoverError } from '../core/errors.js';
import type { StateDb } from './state-db.js';
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
  record(goLive: GoLive): Promise<void>;
  /** Records the source users frozen at a go-live (after the freeze, which needs the go-live recorded first). */
  setFrozenUsers(id: string, users: GoLive['frozenUsers']): Promise<void>;
  /** The newest go-live of a target system, if any. */
  latest(system: string): Promise<GoLive | undefined>;
  /** Newest first. */
  list(system?: string): Promise<GoLive[]>;
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
export class SqlGoLivesRepository implements GoLivesRepository {
  constructor(private readonly db: StateDb) {}

  record(goLive: GoLive): Promise<void> {
    return guard(this.db.where, `recording go-live ${goLive.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM go_lives WHERE id = ?', [goLive.id])) throw new CutoverError('state.failed', `A go-live with id ${goLive.id} is already recorded.`);
        await this.db.run('INSERT INTO go_lives (id, system, source, at, backup_id, migrate_run, frozen_users, "user") VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          goLive.id,
          goLive.system,
          goLive.source,
          goLive.at,
          goLive.backupId,
          goLive.migrateRun,
          JSON.stringify(goLive.frozenUsers),
          goLive.user,
        ]);
      }),
    );
  }

  setFrozenUsers(id: string, users: GoLive['frozenUsers']): Promise<void> {
    return guard(this.db.where, `recording the users frozen at go-live ${id}`, async () => {
      const changed = await this.db.run('UPDATE go_lives SET frozen_users = ? WHERE id = ?', [JSON.stringify(users), id]);
      if (changed === 0) throw new CutoverError('state.failed', `There is no go-live ${id} to record frozen users for.`);
    });
  }

  async latest(system: string): Promise<GoLive | undefined> {
    return (await this.list(system))[0];
  }

  async list(system?: string): Promise<GoLive[]> {
    const order = `ORDER BY at DESC, ${this.db.rowOrder} DESC`;
    const rows = await guard(this.db.where, 'reading go-lives', () =>
      system ? this.db.all<GoLiveDbRow>(`SELECT * FROM go_lives WHERE system = ? ${order}`, [system]) : this.db.all<GoLiveDbRow>(`SELECT * FROM go_lives ${order}`),
    );
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
  }
}
