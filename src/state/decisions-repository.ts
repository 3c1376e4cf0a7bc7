/**
 * The go/no-go decisions after go-live: rollback or continue, who decided,
 * why, and the evidence (the watch round and its evaluations) it was based on.
 */
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

export interface Decision {
  id: string;
  system: string;
  goLive: string | null;
  decision: 'rollback' | 'continue';
  reason: string;
  /** The procedure recommended when it was taken: immediate, delayed or fix-forward. */
  procedure: string | null;
  /** The watch round the decision was based on. */
  roundId: string | null;
  /** A snapshot of what was known: the round's verdict and evaluations, open findings. */
  evidence: Record<string, unknown>;
  user: string;
  at: string;
}

export interface DecisionsRepository {
  record(decision: Decision): Promise<void>;
  latest(system: string): Promise<Decision | undefined>;
  list(system: string): Promise<Decision[]>;
}

interface DecisionDbRow {
  id: string;
  system: string;
  go_live: string | null;
  decision: 'rollback' | 'continue';
  reason: string;
  procedure: string | null;
  round_id: string | null;
  evidence: string;
  user: string;
  at: string;
}

export class SqlDecisionsRepository implements DecisionsRepository {
  constructor(private readonly db: StateDb) {}

  record(decision: Decision): Promise<void> {
    return guard(this.db.where, `recording decision ${decision.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM decisions WHERE id = ?', [decision.id])) throw new CutoverError('state.failed', `A decision ${decision.id} is already recorded.`);
        await this.db.run('INSERT INTO decisions (id, system, go_live, decision, reason, procedure, round_id, evidence, "user", at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          decision.id,
          decision.system,
          decision.goLive,
          decision.decision,
          redactText(decision.reason),
          decision.procedure,
          decision.roundId,
          redactText(JSON.stringify(decision.evidence)),
          decision.user,
          decision.at,
        ]);
      }),
    );
  }

  async latest(system: string): Promise<Decision | undefined> {
    return (await this.list(system))[0];
  }

  async list(system: string): Promise<Decision[]> {
    const rows = await guard(this.db.where, `reading the decisions about ${system}`, () =>
      this.db.all<DecisionDbRow>(`SELECT * FROM decisions WHERE system = ? ORDER BY at DESC, ${this.db.rowOrder} DESC`, [system]),
    );
    return rows.map((row) => ({
      id: row.id,
      system: row.system,
      goLive: row.go_live,
      decision: row.decision,
      reason: row.reason,
      procedure: row.procedure,
      roundId: row.round_id,
      evidence: JSON.parse(row.evidence) as Record<string, unknown>,
      user: row.user,
      at: row.at,
    }));
  }
}
