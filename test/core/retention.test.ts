import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { planRetention, type RetentionCandidate, type RetentionDecision, type RetentionPolicy } from '../../src/core/retention.js';

const NOW = new Date('2024-06-30T12:00:00.000Z');

/** A backup started `daysAgo` days before NOW; complete and unverified unless told. */
function b(id: string, daysAgo: number, patch: Partial<RetentionCandidate> = {}): RetentionCandidate {
  const startedAt = new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();
  const status = patch.status ?? 'complete';
  return { id, system: 'legacy', status, startedAt, finishedAt: status === 'complete' ? startedAt : null, verified: null, referenced: false, base: null, ...patch };
}

interface Case {
  name: string;
  backups: RetentionCandidate[];
  policy: RetentionPolicy;
  keep: string[];
  /** Reasons that must appear, by id (a part of the text). */
  reasons?: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'keeps the newest `keep` complete backups per system',
    backups: [b('a1', 1), b('a2', 2), b('a3', 3), b('a4', 4), b('t1', 9, { system: 'target' }), b('t2', 10, { system: 'target' })],
    policy: { keep: 2 },
    keep: ['a1', 'a2', 't1', 't2'],
    reasons: { a1: 'one of the 2 newest complete backups of legacy', a3: 'not among the 2 newest', t2: 'of target' },
  },
  {
    name: 'keeps complete backups younger than `days`',
    backups: [b('a1', 1), b('a2', 6.9), b('a3', 7.1), b('a4', 30)],
    policy: { days: 7 },
    keep: ['a1', 'a2'],
    reasons: { a2: 'younger than 7 days', a3: 'older than 7 days' },
  },
  {
    name: 'with keep and days, either one keeps a backup',
    backups: [b('a1', 10), b('a2', 20), b('a3', 30), b('a4', 40)],
    policy: { keep: 1, days: 25 },
    keep: ['a1', 'a2'],
    reasons: { a3: 'not among the 1 newest and older than 25 days' },
  },
  {
    name: 'with no policy keeps every complete backup, removes failed and abandoned ones',
    backups: [b('a1', 1), b('a2', 400), b('f', 2, { status: 'failed' }), b('gone', 3, { status: 'in_progress' }), b('run', 0.5, { status: 'in_progress' })],
    policy: {},
    keep: ['a1', 'a2', 'run'],
    reasons: { a2: 'no retention policy', f: 'failed', gone: 'abandoned', run: 'in progress, started less than a day ago' },
  },
  {
    name: 'never removes the newest verified backup even when keep=1 would',
    backups: [b('new', 1, { verified: null }), b('bad', 2, { verified: false }), b('good', 3, { verified: true }), b('older-good', 4, { verified: true })],
    policy: { keep: 1 },
    keep: ['new', 'good'],
    reasons: { good: 'the newest verified backup of legacy', 'older-good': 'beyond the retention policy' },
  },
  {
    name: 'keeps the newest verified backup of each system separately',
    backups: [b('a1', 1), b('a2', 2, { verified: true }), b('t1', 1, { system: 'target' }), b('t2', 2, { system: 'target', verified: true })],
    policy: { keep: 1 },
    keep: ['a1', 'a2', 't1', 't2'],
  },
  {
    name: 'a failed backup that once verified does not count as the newest verified one',
    backups: [b('a1', 1), b('f', 2, { status: 'failed', verified: true }), b('a2', 3, { verified: true })],
    policy: { keep: 1 },
    keep: ['a1', 'a2'],
  },
  {
    name: 'keeps referenced ones, whatever their age or status',
    backups: [b('a1', 1), b('golive', 90, { referenced: true }), b('drill', 60, { referenced: true, status: 'failed' })],
    policy: { keep: 1, days: 7 },
    keep: ['a1', 'golive', 'drill'],
    reasons: { golive: 'referenced' },
  },
  {
    name: 'keeps the base of a kept incremental, transitively',
    backups: [
      b('inc2', 1, { base: 'inc1' }),
      b('inc1', 2, { base: 'full' }),
      b('full', 3),
      b('older', 4),
    ],
    policy: { keep: 1 },
    keep: ['inc2', 'inc1', 'full'],
    reasons: { inc1: 'the base of the kept incremental backup inc2', full: 'the base of the kept incremental backup inc1', older: 'beyond' },
  },
  {
    name: 'keeps the base of a referenced or running incremental, not of a removed one',
    backups: [
      b('run', 0.1, { status: 'in_progress', base: 'full2' }),
      b('full2', 1),
      b('ref-inc', 20, { referenced: true, base: 'full1' }),
      b('gone-inc', 21, { base: 'full0' }),
      b('full1', 22),
      b('full0', 23),
    ],
    policy: { keep: 1 },
    keep: ['run', 'full2', 'ref-inc', 'full1'],
    reasons: { full1: 'base of the kept incremental backup ref-inc' },
  },
  {
    name: 'ignores a base it does not know',
    backups: [b('inc', 1, { base: 'elsewhere' })],
    policy: { keep: 1 },
    keep: ['inc'],
  },
  {
    name: 'removes in-progress backups abandoned for more than a day',
    backups: [b('a1', 1), b('young', 0.9, { status: 'in_progress' }), b('old', 1.1, { status: 'in_progress' })],
    policy: { keep: 5 },
    keep: ['a1', 'young'],
    reasons: { old: 'abandoned: in progress since' },
  },
  {
    name: 'failed and in-progress backups do not take places among the newest `keep`',
    backups: [b('f1', 0.1, { status: 'failed' }), b('run', 0.2, { status: 'in_progress' }), b('a1', 1), b('a2', 2)],
    policy: { keep: 1 },
    keep: ['run', 'a1'],
  },
  {
    name: 'orders by start time, not by input order',
    backups: [b('a3', 3), b('a1', 1), b('a2', 2)],
    policy: { keep: 2 },
    keep: ['a1', 'a2'],
  },
  {
    name: 'keep=0 keeps by the other rules only',
    backups: [b('a1', 1), b('a2', 2, { verified: true })],
    policy: { keep: 0 },
    keep: ['a2'],
  },
];

describe('planRetention', () => {
  it.each(cases)('$name', ({ backups, policy, keep, reasons }) => {
    const decisions = planRetention(backups, policy, NOW);
    expect(decisions.map((d) => d.id)).toEqual(backups.map((x) => x.id));
    expect(decisions.filter((d) => d.action === 'keep').map((d) => d.id).sort()).toEqual([...keep].sort());
    for (const decision of decisions) {
      expect(decision.reason.length, decision.id).toBeGreaterThan(0);
      expect(decision.system).toBe(backups.find((x) => x.id === decision.id)?.system);
    }
    for (const [id, reason] of Object.entries(reasons ?? {})) {
      expect(decisions.find((d: RetentionDecision) => d.id === id)?.reason, id).toContain(reason);
    }
  });

  it('decides nothing for no backups', () => {
    expect(planRetention([], { keep: 1 }, NOW)).toEqual([]);
  });

  it('does not change its input', () => {
    const backups = [b('a2', 2), b('a1', 1)];
    const copy = structuredClone(backups);
    planRetention(backups, { keep: 1 }, NOW);
    expect(backups).toEqual(copy);
  });

  it('refuses a policy that is not a count', () => {
    expect(() => planRetention([], { keep: -1 }, NOW)).toThrow(CutoverError);
    expect(() => planRetention([], { keep: 1.5 }, NOW)).toThrow(CutoverError);
    expect(() => planRetention([], { days: Number.NaN }, NOW)).toThrow(CutoverError);
  });
});
