/** The audit log: every command that wrote something, who ran it, where, and how it ended. */
import os from 'node:os';
import { redactArgs, redactText } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

/** One command in the audit log. Times are ISO 8601 UTC. */
export interface AuditEntry {
  id: number;
  at: string;
  /** The operating-system user who ran it. */
  user: string;
  host: string;
  /** The command's verb: backup, restore, migrate… */
  command: string;
  /** Its arguments, redacted. */
  args: string[];
  outcome: 'succeeded' | 'failed';
  /** One line saying what it did or why it failed, redacted. */
  summary: string | null;
}

/** What a command reports to the audit log. */
export interface AuditRecord {
  command: string;
  /** The arguments as typed; redacted before they are stored (see {@link redactArgs}). */
  args: string[];
  outcome: 'succeeded' | 'failed';
  summary?: string;
  /** Default: the operating-system user (os.userInfo(), else $USER). */
  user?: string;
  /** Default: os.hostname(). */
  host?: string;
  /** Default: now. */
  at?: string;
}

/** The audit log of a state store. */
export interface AuditLog {
  /** Records a command that writes. `args` and `summary` are redacted here before they are stored. */
  record(entry: AuditRecord): Promise<AuditEntry>;
  /** Newest first; optionally of one command, and at most `limit` entries. */
  list(filter?: { command?: string; limit?: number }): Promise<AuditEntry[]>;
}

interface AuditDbRow {
  id: number;
  at: string;
  user: string;
  host: string;
  command: string;
  args: string;
  outcome: 'succeeded' | 'failed';
  summary: string | null;
}

/** {@link AuditLog} over the state's database. */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: StateDb) {}

  record(entry: AuditRecord): Promise<AuditEntry> {
    return guard(this.db.where, `recording ${entry.command} in the audit log`, async () => {
      const row: Omit<AuditEntry, 'id'> = {
        at: entry.at ?? new Date().toISOString(),
        user: entry.user ?? currentUser(),
        host: entry.host ?? os.hostname(),
        command: entry.command,
        args: redactArgs(entry.args),
        outcome: entry.outcome,
        summary: entry.summary === undefined ? null : redactText(entry.summary),
      };
      const inserted = await this.db.all<{ id: number }>('INSERT INTO audit_log (at, "user", host, command, args, outcome, summary) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id', [
        row.at,
        row.user,
        row.host,
        row.command,
        JSON.stringify(row.args),
        row.outcome,
        row.summary,
      ]);
      return { id: Number(inserted[0]?.id), ...row };
    });
  }

  async list(filter: { command?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const where = filter.command === undefined ? '' : 'WHERE command = ?';
    const params: Array<string | number> = filter.command === undefined ? [] : [filter.command];
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = await guard(this.db.where, 'reading the audit log', () => this.db.all<AuditDbRow>(`SELECT * FROM audit_log ${where} ORDER BY id DESC${limit}`, params));
    return rows.map((row) => ({ ...row, id: Number(row.id), args: JSON.parse(row.args) as string[] }));
  }
}

/** The operating-system user; os.userInfo() throws for users without a passwd entry (some containers). */
export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
