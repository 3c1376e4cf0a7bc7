/**
 * Retention planning: which backups `cutover backups prune` may remove. Pure,
 * no I/O: the caller gathers the candidates from the state store and applies
 * the decisions. Some backups are always kept whatever the policy says: the
 * newest verified backup of each system, every backup something refers to,
 * every base of a kept incremental backup, and backups still being written.
 */
import { CutoverError } from './errors.js';

/** How many backups to keep per system (the plan's `backup.retention`). */
export interface RetentionPolicy {
  /** Keep the newest `keep` complete backups of each system. */
  keep?: number;
  /** Keep complete backups started less than `days` days ago. */
  days?: number;
}

/** A backup as retention sees it. */
export interface RetentionCandidate {
  id: string;
  system: string;
  status: 'in_progress' | 'complete' | 'failed';
  finishedAt: string | null;
  /** When it started: its age and order (newest first) are measured from here. */
  startedAt: string;
  /** Whether its last verification passed; null if it was never verified. */
  verified: boolean | null;
  /** Whether a go-live, a rollback, a drill or a restore depends on it. */
  referenced: boolean;
  /** For an incremental backup, the id of the backup it builds on. */
  base: string | null;
}

/** What to do with one backup, and why. */
export interface RetentionDecision {
  id: string;
  system: string;
  action: 'keep' | 'remove';
  reason: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Decides, per system, which backups to keep. With `keep` and/or `days`, a
 * complete backup is kept when it is among the newest `keep` or younger
 * than `days` (either suffices); with neither, every complete backup is
 * kept. Always kept: the newest complete backup whose last verification
 * passed, every referenced backup, every backup a kept incremental builds
 * on (transitively), and backups in progress for less than a day. Failed
 * backups and ones abandoned in progress for more than a day are removed.
 * One decision per candidate, in the order given.
 */
export function planRetention(backups: RetentionCandidate[], policy: RetentionPolicy, now: Date): RetentionDecision[] {
  checkPolicy(policy);
  const nowMs = now.getTime();
  const keepReasons = new Map<string, string>();
  const keepFor = (id: string, reason: string): void => {
    if (!keepReasons.has(id)) keepReasons.set(id, reason);
  };

  // The strongest reasons first, so each kept backup shows the one that matters most.
  for (const backup of backups) if (backup.referenced) keepFor(backup.id, 'referenced: a go-live, rollback, drill or restore depends on it');

  for (const [system, ofSystem] of groupBySystem(backups)) {
    const complete = ofSystem.filter((b) => b.status === 'complete').sort(newestFirst);
    const newestVerified = complete.find((b) => b.verified === true);
    if (newestVerified) keepFor(newestVerified.id, `the newest verified backup of ${system}`);
    complete.forEach((backup, index) => {
      const reason = policyReason(backup, index, system, policy, nowMs);
      if (reason) keepFor(backup.id, reason);
    });
    for (const backup of ofSystem) {
      if (backup.status === 'in_progress' && !isOlderThanADay(backup, nowMs)) keepFor(backup.id, 'in progress, started less than a day ago');
    }
  }

  keepBases(backups, keepReasons, keepFor);

  return backups.map((backup) => {
    const keep = keepReasons.get(backup.id);
    if (keep) return { id: backup.id, system: backup.system, action: 'keep', reason: keep };
    return { id: backup.id, system: backup.system, action: 'remove', reason: removeReason(backup, policy) };
  });
}

/** Keeps the base of every kept incremental backup, and the base's base, until the chain reaches a full backup. */
function keepBases(backups: RetentionCandidate[], kept: Map<string, string>, keepFor: (id: string, reason: string) => void): void {
  const byId = new Map(backups.map((b) => [b.id, b]));
  const pending = [...kept.keys()];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const base = byId.get(id)?.base;
    if (!base || kept.has(base) || !byId.has(base)) continue;
    keepFor(base, `the base of the kept incremental backup ${id}`);
    pending.push(base);
  }
}

function policyReason(backup: RetentionCandidate, index: number, system: string, policy: RetentionPolicy, nowMs: number): string | undefined {
  if (policy.keep === undefined && policy.days === undefined) return 'complete, and no retention policy is set (backup.retention)';
  if (policy.keep !== undefined && index < policy.keep) return policy.keep === 1 ? `the newest complete backup of ${system}` : `one of the ${policy.keep} newest complete backups of ${system}`;
  if (policy.days !== undefined && nowMs - startMs(backup) < policy.days * DAY_MS) return `younger than ${plural(policy.days, 'day')}`;
  return undefined;
}

function removeReason(backup: RetentionCandidate, policy: RetentionPolicy): string {
  if (backup.status === 'failed') return 'failed';
  if (backup.status === 'in_progress') return `abandoned: in progress since ${backup.startedAt}, more than a day ago`;
  const beyond = [policy.keep !== undefined ? `not among the ${policy.keep} newest` : '', policy.days !== undefined ? `older than ${plural(policy.days, 'day')}` : ''];
  return `beyond the retention policy: ${beyond.filter(Boolean).join(' and ')}`;
}

function groupBySystem(backups: RetentionCandidate[]): Map<string, RetentionCandidate[]> {
  const groups = new Map<string, RetentionCandidate[]>();
  for (const backup of backups) {
    const group = groups.get(backup.system);
    if (group) group.push(backup);
    else groups.set(backup.system, [backup]);
  }
  return groups;
}

/** Unreadable start times sort last and count as old: they never win a "newest" place. */
function startMs(backup: RetentionCandidate): number {
  const ms = Date.parse(backup.startedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const byStart = startMs(b) - startMs(a);
  if (byStart !== 0 && !Number.isNaN(byStart)) return byStart;
  return (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '');
}

/** An in-progress backup with an unreadable start time is kept: it may still be running. */
function isOlderThanADay(backup: RetentionCandidate, nowMs: number): boolean {
  const ms = Date.parse(backup.startedAt);
  return !Number.isNaN(ms) && nowMs - ms > DAY_MS;
}

function checkPolicy(policy: RetentionPolicy): void {
  const problems: string[] = [];
  if (policy.keep !== undefined && !(Number.isInteger(policy.keep) && policy.keep >= 0)) problems.push(`backup.retention.keep: expected a whole number, got ${policy.keep}`);
  if (policy.days !== undefined && !(Number.isFinite(policy.days) && policy.days >= 0)) problems.push(`backup.retention.days: expected a number of days, got ${policy.days}`);
  if (problems.length > 0) throw new CutoverError('plan.invalid', 'The retention policy is not valid.', { details: problems, hints: ['fix backup.retention in the plan'] });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
