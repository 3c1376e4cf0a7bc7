/**
 * Matching source users to target users by the plan's user mapping: the
 * table first, then equal email (case-insensitive) when `by` is `email`.
 * A connector's `CrmUser` is a {@link UserLike}.
 */
import type { MappingProblem, UserMappingRule } from './mapping-types.js';

/** A user as matching needs it. */
export interface UserLike {
  id: string;
  email: string | null;
  /** Can log in; among target users sharing an email, an active one is preferred. */
  active?: boolean;
}

/** The outcome of {@link matchUsers}. */
export interface UserMatch {
  /** Source user id → target user id, for every source user matched by the table or by email. */
  targets: Map<string, string>;
  /** Source users with no match (records they own get the fallback, or fail without one). */
  unmatched: string[];
  /** Table entries and a fallback naming users that do not exist, and unmatched users when there is no fallback. */
  problems: MappingProblem[];
  /** A source user's target user, without the fallback (as {@link TransformContext.userOf} answers). */
  userOf(sourceUserId: string): string | undefined;
}

const emailKey = (email: string | null): string | undefined => {
  const key = email?.trim().toLowerCase();
  return key ? key : undefined;
};

const sample = (ids: string[]): string => (ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`);

/** Matches every source user to a target user and checks the table and fallback against the users that exist. */
export function matchUsers(rule: UserMappingRule, sourceUsers: readonly UserLike[], targetUsers: readonly UserLike[]): UserMatch {
  const problems: MappingProblem[] = [];
  const targetIds = new Set(targetUsers.map((user) => user.id));
  const sourceIds = new Set(sourceUsers.map((user) => user.id));
  const byEmail = new Map<string, UserLike>();
  for (const user of targetUsers) {
    const key = emailKey(user.email);
    if (!key) continue;
    const known = byEmail.get(key);
    if (!known || (user.active === true && known.active === false)) byEmail.set(key, user);
  }
  for (const [sourceId, targetId] of Object.entries(rule.table)) {
    if (!targetIds.has(targetId)) problems.push({ severity: 'error', path: ['mapping', 'users', 'table', sourceId], message: `the target has no user with id "${targetId}"` });
    if (!sourceIds.has(sourceId)) problems.push({ severity: 'warning', path: ['mapping', 'users', 'table', sourceId], message: `the source has no user with id "${sourceId}", so this entry is never used` });
  }
  if (rule.fallback !== undefined && !targetIds.has(rule.fallback)) {
    problems.push({ severity: 'error', path: ['mapping', 'users', 'fallback'], message: `the target has no user with id "${rule.fallback}"` });
  }
  const targets = new Map<string, string>();
  const unmatched: string[] = [];
  for (const user of sourceUsers) {
    const listed = rule.table[user.id];
    const key = emailKey(user.email);
    const found = listed ?? (rule.by === 'email' && key ? byEmail.get(key)?.id : undefined);
    if (found !== undefined) targets.set(user.id, found);
    else unmatched.push(user.id);
  }
  if (unmatched.length > 0 && rule.fallback === undefined) {
    problems.push({
      severity: 'warning',
      path: ['mapping', 'users'],
      message: `${unmatched.length} of ${sourceUsers.length} source users have no target user (${sample(unmatched)}); records they own fail on their user fields`,
      hint: 'add them to mapping.users.table, create them in the target, or set mapping.users.fallback',
    });
  }
  return { targets, unmatched, problems, userOf: (sourceUserId) => targets.get(sourceUserId) };
}
