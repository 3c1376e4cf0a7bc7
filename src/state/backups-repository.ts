/** Backups in the state store: one row per backup, its verifications, and what depends on it. */
import type Database from 'better-sqlite3';
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import { guard } from './state-errors.js';

/** Where a backup stands. */
export type BackupStatus = 'in_progress' | 'complete' | 'failed';

/** One backup as the state store knows it. Times are ISO 8601 UTC. */
export interface BackupRow {
  id: string;
  /** The system's name in the plan (or its URL without password). */
  system: string;
  /** The connector kind: sqlite, postgres, mysql… */
  connector: string;
  kind: 'full' | 'incremental';
  /** For an incremental backup, the id of the backup it builds on. */
  base: string | null;
  /** Absolute folder of the archive. */
  path: string;
  status: BackupStatus;
  startedAt: string;
  finishedAt: string | null;
  records: number;
  bytes: number;
  objects: number;
  seconds: number | null;
  /** Why it failed, when it failed. */
  error: string | null;
}

/** One verification of a backup. */
export interface VerificationRow {
  id: number;
  backupId: string;
  /** quick: manifest and checksums; deep: every record read back. */
  mode: 'quick' | 'deep';
  ok: boolean;
  /** What was wrong, one line each; empty when ok. */
  problems: string[];
  seconds: number;
  at: string;
}

/** Something that depends on a backup: it is then never pruned or deleted. */
export interface BackupReference {
  /** What depends on it: go-live, rollback, drill… */
  kind: string;
  /** Which one: a run id, a go-live id… */
  by: string;
  at: string;
}

/** Backups, their verifications and references. */
export interface BackupsRepository {
  /** Records a new backup; its id must be new. */
  insert(row: BackupRow): void;
  /** Changes the given fields of a backup; a missing backup is an error. */
  update(id: string, patch: Partial<Omit<BackupRow, 'id'>>): void;
  /** The backup with this id, if any. */
  get(id: string): BackupRow | undefined;
  /** Newest first (by start); optionally of one system and/or with one status. */
  list(filter?: { system?: string; status?: BackupStatus }): BackupRow[];
  /** Newest complete backup of a system. */
  latest(system: string): BackupRow | undefined;
  /**
   * Forgets a backup and its verifications (the archive folder is the
   * caller's to remove). Refuses with `state.failed` when something refers
   * to it. Forgetting an unknown id does nothing.
   */
  delete(id: string): void;
  /** Records a verification of a known backup. */
  addVerification(v: Omit<VerificationRow, 'id'>): VerificationRow;
  /** The newest verification of a backup, if it was ever verified. */
  lastVerification(backupId: string): VerificationRow | undefined;
  /** Records that something (a go-live, a rollback, a drill) depends on a backup: it is then never pruned. Recording the same kind and `by` again does nothing. */
  addReference(backupId: string, kind: string, by: string): void;
  /** What depends on a backup, oldest first. */
  references(backupId: string): BackupReference[];
}

interface BackupDbRow {
  id: string;
  system: string;
  connector: string;
  kind: 'full' | 'incremental';
  base: string | null;
  path: string;
  status: BackupStatus;
  started_at: string;
  finished_at: string | null;
  records: number;
  bytes: number;
  objects: number;
  seconds: number | null;
  error: string | null;
}

interface VerificationDbRow {
  id: number;
  backup_id: string;
  mode: 'quick' | 'deep';
  ok: number;
  problems: string;
  seconds: number;
  at: string;
}

/** Column of each {@link BackupRow} field. */
const COLUMNS: Record<keyof BackupRow, keyof BackupDbRow> = {
  id: 'id',
  system: 'system',
  connector: 'connector',
  kind: 'kind',
  base: 'base',
  path: 'path',
  status: 'status',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  records: 'records',
  bytes: 'bytes',
  objects: 'objects',
  seconds: 'seconds',
  error: 'error',
};

const FIELDS = Object.keys(COLUMNS) as Array<keyof BackupRow>;
/** Newest first; rowid breaks ties between backups started in the same millisecond. */
const NEWEST_FIRST = 'ORDER BY started_at DESC, rowid DESC';

/** {@link BackupsRepository} over the state file. */
export class SqliteBackupsRepository implements BackupsRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  insert(row: BackupRow): void {
    guard(this.file, `recording backup ${row.id}`, () => {
      if (this.db.prepare('SELECT 1 FROM backups WHERE id = ?').get(row.id)) {
        throw new CutoverError('state.failed', `A backup with id ${row.id} is already recorded in ${this.file}.`);
      }
      const columns = FIELDS.map((field) => COLUMNS[field]);
      this.db
        .prepare(`INSERT INTO backups (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        .run(...FIELDS.map((field) => cleanValue(field, row[field])));
    });
  }

  update(id: string, patch: Partial<Omit<BackupRow, 'id'>>): void {
    guard(this.file, `updating backup ${id}`, () => {
      const fields = FIELDS.filter((field) => field !== 'id' && Object.hasOwn(patch, field) && patch[field as keyof typeof patch] !== undefined);
      const exists = this.db.prepare('SELECT 1 FROM backups WHERE id = ?').get(id);
      if (!exists) throw new CutoverError('state.failed', `There is no backup ${id} in ${this.file} to update.`);
      if (fields.length === 0) return;
      const values = fields.map((field) => cleanValue(field, patch[field as keyof typeof patch]));
      this.db.prepare(`UPDATE backups SET ${fields.map((field) => `${COLUMNS[field]} = ?`).join(', ')} WHERE id = ?`).run(...values, id);
    });
  }

  get(id: string): BackupRow | undefined {
    return guard(this.file, `reading backup ${id}`, () => {
      const row = this.db.prepare('SELECT * FROM backups WHERE id = ?').get(id) as BackupDbRow | undefined;
      return row && toBackup(row);
    });
  }

  list(filter: { system?: string; status?: BackupStatus } = {}): BackupRow[] {
    return guard(this.file, 'listing backups', () => {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.system !== undefined) {
        where.push('system = ?');
        params.push(redactText(filter.system));
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const rows = this.db.prepare(`SELECT * FROM backups ${clause} ${NEWEST_FIRST}`).all(...params) as BackupDbRow[];
      return rows.map(toBackup);
    });
  }

  latest(system: string): BackupRow | undefined {
    return guard(this.file, `finding the latest backup of ${system}`, () => {
      const row = this.db.prepare(`SELECT * FROM backups WHERE system = ? AND status = 'complete' ${NEWEST_FIRST} LIMIT 1`).get(redactText(system)) as BackupDbRow | undefined;
      return row && toBackup(row);
    });
  }

  delete(id: string): void {
    guard(this.file, `forgetting backup ${id}`, () => {
      const run = this.db.transaction(() => {
        const references = this.references(id);
        if (references.length > 0) {
          throw new CutoverError('state.failed', `Backup ${id} cannot be deleted: ${references.map((r) => `${r.kind} ${r.by}`).join(', ')} depend${references.length === 1 ? 's' : ''} on it.`, {
            hints: ['a backup that a go-live, rollback or drill refers to is kept for as long as the state is'],
          });
        }
        this.db.prepare('DELETE FROM backup_verifications WHERE backup_id = ?').run(id);
        this.db.prepare('DELETE FROM backups WHERE id = ?').run(id);
      });
      run.immediate();
    });
  }

  addVerification(v: Omit<VerificationRow, 'id'>): VerificationRow {
    return guard(this.file, `recording a verification of backup ${v.backupId}`, () => {
      this.requireBackup(v.backupId, 'verify');
      const result = this.db
        .prepare('INSERT INTO backup_verifications (backup_id, mode, ok, problems, seconds, at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(v.backupId, v.mode, v.ok ? 1 : 0, JSON.stringify(v.problems), v.seconds, v.at);
      return { id: Number(result.lastInsertRowid), backupId: v.backupId, mode: v.mode, ok: v.ok, problems: [...v.problems], seconds: v.seconds, at: v.at };
    });
  }

  lastVerification(backupId: string): VerificationRow | undefined {
    return guard(this.file, `reading the verifications of backup ${backupId}`, () => {
      const row = this.db.prepare('SELECT * FROM backup_verifications WHERE backup_id = ? ORDER BY at DESC, id DESC LIMIT 1').get(backupId) as
        | VerificationDbRow
        | undefined;
      return row && toVerification(row);
    });
  }

  addReference(backupId: string, kind: string, by: string): void {
    guard(this.file, `recording that ${kind} ${by} depends on backup ${backupId}`, () => {
      this.requireBackup(backupId, 'refer to');
      this.db.prepare('INSERT OR IGNORE INTO backup_references (backup_id, kind, referrer, at) VALUES (?, ?, ?, ?)').run(backupId, kind, by, new Date().toISOString());
    });
  }

  references(backupId: string): BackupReference[] {
    return guard(this.file, `reading what depends on backup ${backupId}`, () => {
      const rows = this.db.prepare('SELECT kind, referrer, at FROM backup_references WHERE backup_id = ? ORDER BY at, rowid').all(backupId) as Array<{
        kind: string;
        referrer: string;
        at: string;
      }>;
      return rows.map((row) => ({ kind: row.kind, by: row.referrer, at: row.at }));
    });
  }

  private requireBackup(id: string, verb: string): void {
    if (!this.db.prepare('SELECT 1 FROM backups WHERE id = ?').get(id)) {
      throw new CutoverError('state.failed', `Cannot ${verb} backup ${id}: it is not recorded in ${this.file}.`);
    }
  }
}

/** Secrets never reach the state file: a failure message or a system named by URL may carry a password. */
function cleanValue(field: keyof BackupRow, value: BackupRow[keyof BackupRow] | undefined): BackupRow[keyof BackupRow] | undefined {
  return (field === 'error' || field === 'system') && typeof value === 'string' ? redactText(value) : value;
}

function toBackup(row: BackupDbRow): BackupRow {
  return {
    id: row.id,
    system: row.system,
    connector: row.connector,
    kind: row.kind,
    base: row.base,
    path: row.path,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    records: row.records,
    bytes: row.bytes,
    objects: row.objects,
    seconds: row.seconds,
    error: row.error,
  };
}

function toVerification(row: VerificationDbRow): VerificationRow {
  return {
    id: row.id,
    backupId: row.backup_id,
    mode: row.mode,
    ok: row.ok === 1,
    problems: JSON.parse(row.problems) as string[],
    seconds: row.seconds,
    at: row.at,
  };
}
