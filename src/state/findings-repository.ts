/**
 * Findings recorded by people (`cutover finding add`): security or compliance
 * issues in the new CRM that no check can see. An open critical finding
 * fires the security trigger until it is resolved.
 */
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

export interface Finding {
  id: string;
  system: string;
  severity: 'critical' | 'warning';
  text: string;
  user: string;
  at: string;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface FindingsRepository {
  add(finding: Omit<Finding, 'resolvedAt' | 'resolution'>): Promise<Finding>;
  /** Findings about a system, newest first; only open ones with `open`. */
  list(system: string, options?: { open?: boolean }): Promise<Finding[]>;
  /** Marks a finding resolved, saying how. */
  resolve(id: string, resolution: string, at?: string): Promise<Finding>;
}

interface FindingDbRow {
  id: string;
  system: string;
  severity: 'critical' | 'warning';
  text: string;
  user: string;
  at: string;
  resolved_at: string | null;
  resolution: string | null;
}

export class SqlFindingsRepository implements FindingsRepository {
  constructor(private readonly db: StateDb) {}

  add(finding: Omit<Finding, 'resolvedAt' | 'resolution'>): Promise<Finding> {
    return guard(this.db.where, `recording finding ${finding.id}`, async () => {
      const text = redactText(finding.text);
      await this.db.run('INSERT INTO findings (id, system, severity, text, "user", at) VALUES (?, ?, ?, ?, ?, ?)', [finding.id, finding.system, finding.severity, text, finding.user, finding.at]);
      return { ...finding, text, resolvedAt: null, resolution: null };
    });
  }

  async list(system: string, options: { open?: boolean } = {}): Promise<Finding[]> {
    const rows = await guard(this.db.where, `reading the findings about ${system}`, () =>
      this.db.all<FindingDbRow>(`SELECT * FROM findings WHERE system = ?${options.open ? ' AND resolved_at IS NULL' : ''} ORDER BY at DESC, ${this.db.rowOrder} DESC`, [system]),
    );
    return rows.map(findingOf);
  }

  resolve(id: string, resolution: string, at = new Date().toISOString()): Promise<Finding> {
    return guard(this.db.where, `resolving finding ${id}`, () =>
      this.db.transaction(async () => {
        const row = await this.db.get<FindingDbRow>('SELECT * FROM findings WHERE id = ?', [id]);
        if (!row) throw new CutoverError('usage', `There is no finding ${id}.`, { hints: ['list them with `cutover finding list`'] });
        if (row.resolved_at) throw new CutoverError('usage', `Finding ${id} was resolved at ${row.resolved_at}: ${row.resolution ?? ''}`);
        await this.db.run('UPDATE findings SET resolved_at = ?, resolution = ? WHERE id = ?', [at, redactText(resolution), id]);
        return findingOf({ ...row, resolved_at: at, resolution: redactText(resolution) });
      }),
    );
  }
}

function findingOf(row: FindingDbRow): Finding {
  return { id: row.id, system: row.system, severity: row.severity, text: row.text, user: row.user, at: row.at, resolvedAt: row.resolved_at, resolution: row.resolution };
}
