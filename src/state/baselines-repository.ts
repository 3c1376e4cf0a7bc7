/** Baselines in the state store: the snapshot (a backup) of each target taken before migrating, that reset returns it to. */
import type Database from 'better-sqlite3';
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
  set(system: string, backupId: string): Baseline;
  get(system: string): Baseline | undefined;
}

/** {@link BaselinesRepository} over the state file. */
export class SqliteBaselinesRepository implements BaselinesRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  set(system: string, backupId: string): Baseline {
    return guard(this.file, `recording the baseline of ${system}`, () => {
      const at = new Date().toISOString();
      this.db.prepare('INSERT OR REPLACE INTO baselines (system, backup_id, at) VALUES (?, ?, ?)').run(system, backupId, at);
      return { system, backupId, at };
    });
  }

  get(system: string): Baseline | undefined {
    return guard(this.file, `reading the baseline of ${system}`, () => {
      const row = this.db.prepare('SELECT system, backup_id, at FROM baselines WHERE system = ?').get(system) as { system: string; backup_id: string; at: string } | undefined;
      return row ? { system: row.system, backupId: row.backup_id, at: row.at } : undefined;
    });
  }
}
