/** Backups in the state store: one row per backup, its verifications, and what depends on it. */
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import type { StateDb } from './state-db.js';
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
  insert(row: BackupRow): Promise<void>;
  /** Changes the given fields of a backup; a missing backup is an error. */
  update(id: string, patch: Partial<Omit<BackupRow, 'id'>>): Promise<void>;
  /** The backup with this id, if any. */
  get(id: string): Promise<BackupRow | undefined>;
  /** Newest first (by start); optionally of one system and/or with one status. */
  list(filter?: { system?: string; status?: BackupStatus }): Promise<BackupRow[]>;
  /** Newest complete backup of a system. */
  latest(system: string): Promise<BackupRow | undefined>;
  /**
   * Forgets a backup and its verifications (the archive folder is the
   * caller's to remove). Refuses with `state.failed` when something refers
   * to it. Forgetting an unknown id does nothing.
   */
  delete(id: string): Promise<void>;
  /** Records a verification of a known backup. */
  addVerification(v: Omit<VerificationRow, 'id'>): Promise<VerificationRow>;
  /** The newest verification of a backup, if it was ever verified. */
  lastVerification(backupId: string): Promise<VerificationRow | undefined>;
  /** Records that something (a go-live, a rollback, a drill) depends on a backup: it is then never pruned. Recording the same kind and `by` again does nothing. */
  addReference(backupId: string, kind: string, by: string): Promise<void>;
  /** What depends on a backup, oldest first. */
  references(backupId: string): Promise<BackupReference[]>;
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
/** {@link BackupsRepository} over the state's database. */
export class SqlBackupsRepository implements BackupsRepository {
  /** Newest first; insertion order breaks ties between backups started in the same millisecond. */
  private readonly newestFirst: string;

  constructor(private readonly db: StateDb) {
    this.newestFirst = `ORDER BY started_at DESC, ${db.rowOrder} DESC`;
  }

  insert(row: BackupRow): Promise<void> {
    return guard(this.db.where, `recording backup ${row.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM backups WHERE id = ?', [row.id])) {
          throw new CutoverError('state.failed', `A backup with id ${row.id} is already recorded in ${this.db.where}.`);
        }
        const columns = FIELDS.map((field) => COLUMNS[field]);
        await this.db.run(
          `INSERT INTO backups (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          FIELDS.map((field) => cleanValue(field, row[field]) ?? null),
        );
      }),
    );
  }

  update(id: string, patch: Partial<Omit<BackupRow, 'id'>>): Promise<void> {
    return guard(this.db.where, `updating backup ${id}`, async () => {
      const fields = FIELDS.filter((field) => field !== 'id' && Object.hasOwn(patch, field) && patch[field as keyof typeof patch] !== undefined);
      if (!(await this.db.get('SELECT 1 AS found FROM backups WHERE id = ?', [id]))) throw new CutoverError('state.failed', `There is no backup ${id} in ${this.db.where} to update.`);
      if (fields.length === 0) return;
      const values = fields.map((field) => cleanValue(field, patch[field as keyof typeof patch]) ?? null);
      await this.db.run(`UPDATE backups SET ${fields.map((field) => `${COLUMNS[field]} = ?`).join(', ')} WHERE id = ?`, [...values, id]);
    });
  }

  async get(id: string): Promise<BackupRow | undefined> {
    const row = await guard(this.db.where, `reading backup ${id}`, () => this.db.get<BackupDbRow>('SELECT * FROM backups WHERE id = ?', [id]));
    return row && toBackup(row);
  }

  async list(filter: { system?: string; status?: BackupStatus } = {}): Promise<BackupRow[]> {
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
    const rows = await guard(this.db.where, 'listing backups', () => this.db.all<BackupDbRow>(`SELECT * FROM backups ${clause} ${this.newestFirst}`, params));
    return rows.map(toBackup);
  }

  async latest(system: string): Promise<BackupRow | undefined> {
    const row = await guard(this.db.where, `finding the latest backup of ${system}`, () =>
      this.db.get<BackupDbRow>(`SELECT * FROM backups WHERE system = ? AND status = 'complete' ${this.newestFirst} LIMIT 1`, [redactText(system)]),
    );
    return row && toBackup(row);
  }

  delete(id: string): Promise<void> {
    return guard(this.db.where, `forgetting backup ${id}`, () =>
      this.db.transaction(async () => {
        const references = await this.references(id);
        if (references.length > 0) {
          throw new CutoverError('state.failed', `Backup ${id} cannot be deleted: ${references.map((r) => `${r.kind} ${r.by}`).join(', ')} depend${references.length === 1 ? 's' : ''} on it.`, {
            hints: ['a backup that a go-live, rollback or drill refers to is kept for as long as the state is'],
          });
        }
        await this.db.run('DELETE FROM backup_verifications WHERE backup_id = ?', [id]);
        await this.db.run('DELETE FROM backups WHERE id = ?', [id]);
      }),
    );
  }

  addVerification(v: Omit<VerificationRow, 'id'>): Promise<VerificationRow> {
    return guard(this.db.where, `recording a verification of backup ${v.backupId}`, async () => {
      await this.requireBackup(v.backupId, 'verify');
      const inserted = await this.db.all<{ id: number }>('INSERT INTO backup_verifications (backup_id, mode, ok, problems, seconds, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id', [
        v.backupId,
        v.mode,
        v.ok ? 1 : 0,
        JSON.stringify(v.problems),
        v.seconds,
        v.at,
      ]);
      return { id: Number(inserted[0]?.id), backupId: v.backupId, mode: v.mode, ok: v.ok, problems: [...v.problems], seconds: v.seconds, at: v.at };
    });
  }

  async lastVerification(backupId: string): Promise<VerificationRow | undefined> {
    const row = await guard(this.db.where, `reading the verifications of backup ${backupId}`, () =>
      this.db.get<VerificationDbRow>('SELECT * FROM backup_verifications WHERE backup_id = ? ORDER BY at DESC, id DESC LIMIT 1', [backupId]),
    );
    return row && toVerification(row);
  }

  addReference(backupId: string, kind: string, by: string): Promise<void> {
    return guard(this.db.where, `recording that ${kind} ${by} depends on backup ${backupId}`, async () => {
      await this.requireBackup(backupId, 'refer to');
      await this.db.run('INSERT INTO backup_references (backup_id, kind, referrer, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [backupId, kind, by, new Date().toISOString()]);
    });
  }

  async references(backupId: string): Promise<BackupReference[]> {
    const rows = await guard(this.db.where, `reading what depends on backup ${backupId}`, () =>
      this.db.all<{ kind: string; referrer: string; at: string }>(`SELECT kind, referrer, at FROM backup_references WHERE backup_id = ? ORDER BY at, ${this.db.rowOrder}`, [backupId]),
    );
    return rows.map((row) => ({ kind: row.kind, by: row.referrer, at: row.at }));
  }

  private async requireBackup(id: string, verb: string): Promise<void> {
    if (!(await this.db.get('SELECT 1 AS found FROM backups WHERE id = ?', [id]))) {
      throw new CutoverError('state.failed', `Cannot ${verb} backup ${id}: it is not recorded in ${this.db.where}.`);
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
    id: Number(row.id),
    backupId: row.backup_id,
    mode: row.mode,
    ok: row.ok === 1,
    problems: JSON.parse(row.problems) as string[],
    seconds: row.seconds,
    at: row.at,
  };
}
