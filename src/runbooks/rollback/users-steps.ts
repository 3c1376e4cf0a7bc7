/**
 * The rollback's user steps: freeze the new CRM (everyone but the exempt
 * users, each one's prior state recorded as it goes, so a resumed step never
 * loses what an earlier attempt froze) and re-enable the source (exactly the
 * users frozen at go-live, back to their prior state).
 */
import type { CrmUser, UserFreezeState } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { jsonValue } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';
import type { RunbookStep } from '../engine/runbook.js';
import type { RollbackContext } from './rollback-context.js';

/** Users frozen per call: a resume repeats at most one batch. */
const FREEZE_BATCH = 50;

interface FrozenSoFar {
  frozen: Array<{ id: string; prior: Record<string, unknown> }>;
  /** The batch being frozen when the checkpoint was written. */
  freezing?: string[];
  /** Users an interrupted attempt froze before it could record their prior state (they were active before). */
  priorUnknown?: string[];
}

export const freezeTarget: RunbookStep<RollbackContext> = {
  name: 'freeze-target',
  title: 'Freeze the new CRM',
  async plan(context) {
    const target = await context.open(context.target);
    if (!target.capabilities.canFreezeUsers) {
      throw new CutoverError('capability.missing', `${context.target.name} cannot freeze users (its profile names no freeze columns), so people could go on entering data during the rollback.`, {
        hints: ['name them in the plan: systems.<name>.profile.users.freeze'],
      });
    }
    const users = await target.listUsers();
    const exempt = users.filter((user) => isExempt(user, context.exempt));
    const toFreeze = users.filter((user) => user.active && !user.frozen && !isExempt(user, context.exempt));
    return {
      summary: `freeze ${toFreeze.length} user(s) of ${context.target.name}${exempt.length > 0 ? `, ${exempt.length} exempt (${exempt.map(label).join(', ')})` : ''}`,
      counts: { users: users.length, toFreeze: toFreeze.length, exempt: exempt.length, alreadyFrozen: users.filter((user) => user.frozen).length },
      data: { ids: toFreeze.map((user) => user.id) },
    };
  },
  async apply(context, plan, handle) {
    const target = await context.open(context.target);
    const description = await target.describe();
    const usersObject = description.usersObject;
    const stamp = description.objects.find((object) => object.name === usersObject)?.modifiedAtField;
    const ids = (plan.data?.ids as string[] | undefined) ?? [];
    // An attempt stopped halfway froze some already: their prior states are the checkpoint's, not what they are now.
    const previous = handle.previous as FrozenSoFar | null;
    const done: FrozenSoFar = { frozen: [...(previous?.frozen ?? [])], priorUnknown: [...(previous?.priorUnknown ?? [])] };
    // Killed between freezing a batch and recording it: those users are frozen now, and were active before.
    if (previous?.freezing) {
      const recorded = new Set(done.frozen.map((user) => user.id));
      const now = new Map((await target.listUsers()).map((user) => [user.id, user]));
      for (const id of previous.freezing) if (!recorded.has(id) && now.get(id)?.frozen) done.priorUnknown!.push(id);
    }
    const failures: string[] = [];
    for (let start = 0; start < ids.length; start += FREEZE_BATCH) {
      const batch = ids.slice(start, start + FREEZE_BATCH);
      await handle.checkpoint({ ...done, freezing: batch });
      // The modified-at the freeze moves is put back by a reset too.
      const before = usersObject && stamp ? new Map((await target.get(usersObject, batch)).map((user) => [user.id, user.values[stamp] ?? null])) : undefined;
      const results = await target.freezeUsers(batch);
      const changed: Array<{ id: string; prior: Record<string, unknown> }> = [];
      for (const result of results) {
        if (!result.ok) failures.push(`${result.id}: ${result.error.message}`);
        else if (result.changed) changed.push({ id: result.id, prior: jsonPrior({ ...(before && stamp ? { [stamp]: before.get(result.id) ?? null } : {}), ...result.state.prior }) });
      }
      done.frozen.push(...changed);
      // The freeze is an effect on the target like any other: in the ledger, so that `cutover reset` puts the users back too.
      await context.state.transaction(async () => {
        if (usersObject && changed.length > 0) {
          await context.state.ledger.record(
            handle.runId,
            context.target.name,
            changed.map((user) => ({ object: usersObject, sourceObject: null, sourceId: null, targetId: user.id, operation: 'updated', hash: null, prior: user.prior })),
          );
        }
        await handle.checkpoint(done);
      });
    }
    if (failures.length > 0) {
      throw new CutoverError('write.failed', `${failures.length} user(s) of ${context.target.name} could not be frozen; they could still enter data.`, { details: failures });
    }
    const frozen = done.frozen.length + (done.priorUnknown?.length ?? 0);
    return { summary: `froze ${frozen} user(s) of ${context.target.name}`, counts: { frozen }, data: { ...done } };
  },
};

export const reenableSource: RunbookStep<RollbackContext> = {
  name: 'reenable-source',
  title: 'Re-enable the source CRM',
  async plan(context) {
    const frozen = context.goLive.frozenUsers;
    if (frozen.length === 0) {
      return { summary: `nothing to re-enable: no user of ${context.source.name} was frozen at go-live`, counts: { users: 0 }, skip: `no user of ${context.source.name} was frozen at go-live` };
    }
    return { summary: `unfreeze the ${frozen.length} user(s) of ${context.source.name} frozen at go-live, back to their prior state`, counts: { users: frozen.length } };
  },
  async apply(context) {
    const source = await context.open(context.source);
    const states: UserFreezeState[] = context.goLive.frozenUsers.map((user) => ({ id: user.id, prior: user.prior as Record<string, Value> }));
    const results = await source.unfreezeUsers(states);
    const failures = results.flatMap((result) => (result.ok ? [] : [`${result.id}: ${result.error.message}`]));
    if (failures.length > 0) {
      throw new CutoverError('write.failed', `${failures.length} of ${states.length} user(s) of ${context.source.name} could not be re-enabled.`, { details: failures });
    }
    return { summary: `re-enabled ${states.length} user(s) of ${context.source.name}`, counts: { reenabled: states.length } };
  },
};

function isExempt(user: CrmUser, exempt: readonly string[]): boolean {
  const keys = [user.id, user.username, user.email].filter((key): key is string => !!key).map((key) => key.toLowerCase());
  return exempt.some((entry) => keys.includes(entry.toLowerCase()));
}

function label(user: CrmUser): string {
  return user.username ?? user.email ?? user.id;
}

function jsonPrior(prior: Record<string, Value>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(prior).map(([field, value]) => [field, jsonValue(value)]));
}
