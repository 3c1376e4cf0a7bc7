/**
 * The watch in the state store: each round (one pass over every check, with
 * its verdict and recommendation) and each check's evaluation with its
 * evidence, so a decision can name what it was based on and the history of a
 * check can be shown.
 */
import { CutoverError } from '../core/errors.js';
import { redactText } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

/** A check's result as stored. */
export interface StoredEvaluation {
  check: string;
  kind: string;
  severity: 'critical' | 'warning';
  status: 'ok' | 'fired' | 'unknown';
  measured: string | null;
  threshold: string;
  reason?: string;
  evidence: Record<string, unknown>;
  at: string;
  seconds: number;
}

/** What a round concluded. */
export type Verdict = 'healthy' | 'warning' | 'critical' | 'unknown';

/** One pass of the watch. */
export interface WatchRound {
  id: string;
  system: string;
  goLive: string | null;
  verdict: Verdict;
  /** The recommendation (procedure, reason), as the watch made it. */
  recommendation: Record<string, unknown>;
  at: string;
  seconds: number;
  evaluations: StoredEvaluation[];
}

/** Watch rounds and their evaluations. */
export interface WatchRepository {
  /** Records a round with all its evaluations, together. */
  record(round: WatchRound): Promise<void>;
  /** The newest round of a system, with its evaluations. */
  latest(system: string): Promise<WatchRound | undefined>;
  /** A round by id. */
  get(id: string): Promise<WatchRound | undefined>;
  /** Rounds of a system, newest first, without evaluations. */
  list(system: string, limit?: number): Promise<Array<Omit<WatchRound, 'evaluations'>>>;
}

interface RoundDbRow {
  id: string;
  system: string;
  go_live: string | null;
  verdict: Verdict;
  recommendation: string;
  at: string;
  seconds: number;
}

interface EvaluationDbRow {
  check_name: string;
  kind: string;
  severity: 'critical' | 'warning';
  status: 'ok' | 'fired' | 'unknown';
  measured: string | null;
  threshold: string;
  reason: string | null;
  evidence: string;
  at: string;
  seconds: number;
}

/** {@link WatchRepository} over the state's database. */
export class SqlWatchRepository implements WatchRepository {
  constructor(private readonly db: StateDb) {}

  record(round: WatchRound): Promise<void> {
    return guard(this.db.where, `recording watch round ${round.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM watch_rounds WHERE id = ?', [round.id])) throw new CutoverError('state.failed', `A watch round ${round.id} is already recorded.`);
        await this.db.run('INSERT INTO watch_rounds (id, system, go_live, verdict, recommendation, at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          round.id,
          round.system,
          round.goLive,
          round.verdict,
          JSON.stringify(round.recommendation),
          round.at,
          round.seconds,
        ]);
        for (const evaluation of round.evaluations) {
          await this.db.run(
            'INSERT INTO evaluations (round_id, check_name, kind, severity, status, measured, threshold, reason, evidence, at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
              round.id,
              evaluation.check,
              evaluation.kind,
              evaluation.severity,
              evaluation.status,
              evaluation.measured,
              evaluation.threshold,
              evaluation.reason === undefined ? null : redactText(evaluation.reason),
              // Evidence is facts about records and endpoints; a secret that slipped into it still never reaches the store.
              redactText(JSON.stringify(evaluation.evidence)),
              evaluation.at,
              evaluation.seconds,
            ],
          );
        }
      }),
    );
  }

  async latest(system: string): Promise<WatchRound | undefined> {
    const row = await guard(this.db.where, `reading the last watch round of ${system}`, () =>
      this.db.get<RoundDbRow>(`SELECT * FROM watch_rounds WHERE system = ? ORDER BY at DESC, ${this.db.rowOrder} DESC LIMIT 1`, [system]),
    );
    return row ? this.withEvaluations(row) : undefined;
  }

  async get(id: string): Promise<WatchRound | undefined> {
    const row = await guard(this.db.where, `reading watch round ${id}`, () => this.db.get<RoundDbRow>('SELECT * FROM watch_rounds WHERE id = ?', [id]));
    return row ? this.withEvaluations(row) : undefined;
  }

  async list(system: string, limit = 100): Promise<Array<Omit<WatchRound, 'evaluations'>>> {
    const rows = await guard(this.db.where, `listing watch rounds of ${system}`, () =>
      this.db.all<RoundDbRow>(`SELECT * FROM watch_rounds WHERE system = ? ORDER BY at DESC, ${this.db.rowOrder} DESC LIMIT ${Math.max(0, Math.floor(limit))}`, [system]),
    );
    return rows.map(roundOf);
  }

  private async withEvaluations(row: RoundDbRow): Promise<WatchRound> {
    const rows = await guard(this.db.where, `reading the evaluations of watch round ${row.id}`, () =>
      this.db.all<EvaluationDbRow>('SELECT * FROM evaluations WHERE round_id = ? ORDER BY id', [row.id]),
    );
    return {
      ...roundOf(row),
      evaluations: rows.map((evaluation) => ({
        check: evaluation.check_name,
        kind: evaluation.kind,
        severity: evaluation.severity,
        status: evaluation.status,
        measured: evaluation.measured,
        threshold: evaluation.threshold,
        ...(evaluation.reason === null ? {} : { reason: evaluation.reason }),
        evidence: JSON.parse(evaluation.evidence) as Record<string, unknown>,
        at: evaluation.at,
        seconds: Number(evaluation.seconds),
      })),
    };
  }
}

function roundOf(row: RoundDbRow): Omit<WatchRound, 'evaluations'> {
  return {
    id: row.id,
    system: row.system,
    goLive: row.go_live,
    verdict: row.verdict,
    recommendation: JSON.parse(row.recommendation) as Record<string, unknown>,
    at: row.at,
    seconds: Number(row.seconds),
  };
}
