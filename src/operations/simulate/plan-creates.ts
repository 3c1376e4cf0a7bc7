/**
 * New records of the simulated days, spread over the target's business
 * objects in proportion to the records each holds, each created by a user
 * during one of their sessions and pointing at migrated records that stay.
 */
import type { CrmRecord } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import { personaOf } from './field-values.js';
import { apportion, streamOf } from './picking.js';
import { buildRecord, type BuildContext } from './record-builder.js';
import type { TargetView } from './target-view.js';
import { actingMoment, type Session, type SimulationWindow } from './window.js';

/** One record to create. */
export interface PlannedCreate {
  object: string;
  at: number;
  userId: string | undefined;
  values: Record<string, Value>;
}

/** What planning new records needs. */
export interface CreateInput {
  view: TargetView;
  count: number;
  window: SimulationWindow;
  sessions: readonly Session[];
  /** Users who can act when there are no sessions. */
  users: readonly string[];
  /** Existing records per object to copy what goes together from. */
  templates: ReadonlyMap<string, CrmRecord[]>;
  base: number;
  context: Omit<BuildContext, 'rng' | 'at' | 'userId' | 'persona'>;
}

/** The records to create, per object (in dependency order), and the objects that cannot take new records, with why. */
export interface CreatePlan {
  records: Map<string, PlannedCreate[]>;
  excluded: Array<{ object: string; reason: string }>;
}

/** Plans `count` new records. */
export function planCreates(input: CreateInput): CreatePlan {
  const excluded: CreatePlan['excluded'] = [];
  if (input.count === 0) return { records: new Map(), excluded };
  const candidates = [...input.view.objects.values()];
  for (;;) {
    if (candidates.length === 0) {
      throw new CutoverError('usage', `None of the target's objects can take new records${excluded.length > 0 ? '' : ' (it has no business objects)'}; nothing was written.`, {
        details: excluded.map((entry) => `${entry.object}: ${entry.reason}`),
        hints: ['simulate without --new, or migrate first so that new records have records to point at'],
      });
    }
    const shares = apportion(input.count, candidates.map((candidate) => candidate.live.length));
    const records = new Map<string, PlannedCreate[]>();
    let failed: { index: number; reason: string } | undefined;
    for (let index = 0; index < candidates.length && !failed; index += 1) {
      const candidate = candidates[index] as (typeof candidates)[number];
      const name = candidate.object.name;
      const templates = input.templates.get(name) ?? [];
      const planned: PlannedCreate[] = [];
      for (let i = 0; i < (shares[index] ?? 0); i += 1) {
        const rng = streamOf(input.base, `create:${name}`, i);
        const { at, userId } = actingMoment(input.window, input.sessions, input.users, rng);
        const template = templates.length > 0 ? rng.pick(templates) : undefined;
        const built = buildRecord(candidate.object, template, { ...input.context, rng, at, userId, persona: personaOf(rng) });
        if (!built.ok) {
          failed = { index, reason: built.reason };
          break;
        }
        planned.push({ object: name, at, userId, values: built.values });
      }
      if (planned.length > 0) records.set(name, planned);
    }
    if (!failed) return { records, excluded };
    const [dropped] = candidates.splice(failed.index, 1);
    if (dropped) excluded.push({ object: dropped.object.name, reason: failed.reason });
  }
}
