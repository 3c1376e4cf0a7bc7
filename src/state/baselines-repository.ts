/** Baselines in the state store: the snapshot (a backup) of each target taken before migrating, that reset returns it to. */
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

/** A system's baseline. */
export interface Baseline {
  system: string;
  backupId: string;
  /** When it was recorded, ISO 8601 UTC. */
  at: string;
}

/** The baseline snapshot of each system. */
export interface BaselinesRepository {
  /** Records (or replaces) a system's baseline; the backup must be recorded in the state store. */
  set(system: string, backupId: string): Promise<Baseline>;
  get(system: string): Promise<Baseline | undefined>;
}

/** {@link BaselinesRepository} over the state file. */
export class SqlBaselinesRepository implements BaselinesRepository {
  constructor(private readonly db: StateDb) {}

  set(system: string, backupId: string): Promise<Baseline> {
    return guard(this.db.where, `recording the baseline of ${system}`, async () => {
      const at = new Date().toISOString();
      await this.db.run('INSERT INTO baselines (system, backup_id, at) VALUES (?, ?, ?) ON CONFLICT (system) DO UPDATE SET backup_id = excluded.backup_id, at = excluded.at', [
        system,
        backupId,
        at,
      ]);
      return { system, backupId, at };
    });
  }

  async get(system: string): Promise<Baseline | undefined> {
    const row = await guard(this.db.where, `reading the baseline of ${system}`, () =>
      this.db.get<{ system: string; backup_id: string; at: string }>('SELECT system, backup_id, at FROM baselines WHERE system = ?', [system]),
    );
    return row ? { system: row.system, backupId: row.backup_id, at: row.at } : undefined;
  }
}
