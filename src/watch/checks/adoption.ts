/**
 * User adoption: the expected users of the new CRM who have logged in or
 * acted since go-live (the connector's user activity), as a share of those
 * expected, with the curve per day. Judged only between `after` and
 * `within` since go-live: too early, people are still starting; too late,
 * it is a question for fixing forward, not for a rollback.
 */
import type { CrmUser } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { type AdoptionConfig, spanMs } from '../../plan/triggers-schema.js';
import { type CheckContext, type Evaluation, unknownEvaluation } from '../check-types.js';
import { percent, shareOf } from '../limits.js';

const DAY = 86_400_000;

export async function adoptionCheck(config: AdoptionConfig, context: CheckContext): Promise<Evaluation> {
  const started = { at: context.now.toISOString(), t0: performance.now() };
  const base = { check: 'adoption', kind: 'adoption' as const, severity: config.severity, threshold: `≥ ${config.min} of expected users active, judged from ${config.after} to ${config.within} after go-live` };
  try {
    const target = await context.system(context.goLive.system);
    const description = await target.describe();
    if (!description.activityObject) {
      throw new CutoverError('capability.missing', `${context.goLive.system} records no logins or user actions that cutover can read.`, {
        hints: ['name the activity table in the profile: systems.<name>.profile.activity'],
      });
    }
    const users = await target.listUsers();
    const { expected, unknown } = expectedUsers(config.expected, users);
    if (expected.size === 0) throw new CutoverError('usage', `No users of ${context.goLive.system} are expected to use it${unknown.length > 0 ? ` (not found: ${unknown.join(', ')})` : ''}.`);
    const goLive = Date.parse(context.goLive.at);
    const now = context.now.getTime();
    // The first moment each expected user was active since go-live.
    const firstSeen = new Map<string, number>();
    for await (const batch of target.userActivity(new Date(goLive), context.signal ? { signal: context.signal } : {})) {
      for (const activity of batch) {
        const at = Date.parse(activity.at);
        if (!expected.has(activity.userId) || at > now) continue;
        const seen = firstSeen.get(activity.userId);
        if (seen === undefined || at < seen) firstSeen.set(activity.userId, at);
      }
    }
    const days = Math.max(1, Math.ceil((now - goLive) / DAY));
    const curve = Array.from({ length: days }, (_, index) => {
      const end = Math.min(goLive + (index + 1) * DAY, now);
      const active = [...firstSeen.values()].filter((at) => at <= end).length;
      return { day: index + 1, until: new Date(end).toISOString(), active, share: Math.round((active / expected.size) * 1000) / 1000 };
    });
    const share = firstSeen.size / expected.size;
    const elapsed = now - goLive;
    const judged = elapsed >= spanMs(config.after) && elapsed <= spanMs(config.within);
    const fired = judged && share < shareOf(config.min);
    const measured = `${percent(share)} (${firstSeen.size} of ${expected.size}) after ${Math.round((elapsed / DAY) * 10) / 10} days`;
    return {
      ...base,
      status: fired ? 'fired' : 'ok',
      measured,
      ...(fired
        ? { reason: `only ${firstSeen.size} of ${expected.size} expected users used ${context.goLive.system} since go-live` }
        : judged
          ? {}
          : { reason: elapsed < spanMs(config.after) ? `too early to judge: adoption is judged from ${config.after} after go-live` : `past ${config.within} after go-live: not a rollback question any more` }),
      evidence: {
        expected: expected.size,
        active: firstSeen.size,
        inactive: [...expected.keys()].filter((id) => !firstSeen.has(id)).slice(0, 20).map((id) => expected.get(id)),
        ...(unknown.length > 0 ? { notFound: unknown } : {}),
        curve,
      },
      at: started.at,
      seconds: Math.round(performance.now() - started.t0) / 1000,
    };
  } catch (error) {
    return unknownEvaluation(base, started, error);
  }
}

/** The expected users by id, with a name for the evidence; names in the plan's list that match no user. */
function expectedUsers(rule: AdoptionConfig['expected'], users: CrmUser[]): { expected: Map<string, string>; unknown: string[] } {
  const label = (user: CrmUser): string => user.username ?? user.email ?? user.id;
  if (rule === 'active') return { expected: new Map(users.filter((user) => user.active && !user.frozen).map((user) => [user.id, label(user)])), unknown: [] };
  const expected = new Map<string, string>();
  const unknown: string[] = [];
  for (const wanted of rule) {
    const key = wanted.trim().toLowerCase();
    const user = users.find((candidate) => candidate.username?.toLowerCase() === key || candidate.email?.toLowerCase() === key);
    if (user) expected.set(user.id, label(user));
    else unknown.push(wanted);
  }
  return { expected, unknown };
}
