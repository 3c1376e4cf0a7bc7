/** The audit log: every command that wrote something, who ran it, where, and how it ended. */
import os from 'node:os';
import type Database from 'better-sqlite3';
import { redactArgs, redactText } from './redact.js';
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
  record(entry: AuditRecord): AuditEntry;
  /** Newest first; optionally of one command, and at most `limit` entries. */
  list(filter?: { command?: string; limit?: number }): AuditEntry[];
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

/** {@link AuditLog} over the state file. */
export class SqliteAuditLog implements AuditLog {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  record(entry: AuditRecord): AuditEntry {
    return guard(this.file, `recording ${entry.command} in the audit log`, () => {
      const row: Omit<AuditEntry, 'id'> = {
        at: entry.at ?? new Date().toISOString(),
        user: entry.user ?? currentUser(),
        host: entry.host ?? os.hostname(),
        command: entry.command,
        args: redactArgs(entry.args),
        outcome: entry.outcome,
        summary: entry.summary === undefined ? null : redactText(entry.summary),
      };
      const result = this.db
        .prepare('INSERT INTO audit_log (at, user, host, command, args, outcome, summary) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(row.at, row.user, row.host, row.command, JSON.stringify(row.args), row.outcome, row.summary);
      return { id: Number(result.lastInsertRowid), ...row };
    });
  }

  list(filter: { command?: string; limit?: number } = {}): AuditEntry[] {
    return guard(this.file, 'reading the audit log', () => {
      const where = filter.command === undefined ? '' : 'WHERE command = ?';
      const params: Array<string | number> = filter.command === undefined ? [] : [filter.command];
      // LIMIT -1 is SQLite's "no limit".
      params.push(filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit)));
      const rows = this.db.prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(...params) as AuditDbRow[];
      return rows.map((row) => ({ ...row, args: JSON.parse(row.args) as string[] }));
    });
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
