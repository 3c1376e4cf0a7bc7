/**
 * `cutover simulate`: realistic use of a sandbox or demo target after its
 * go-live, so that rollback triggers, drills and the demo have something to
 * measure: logins of a share of the active users over the days after the
 * go-live, new records pointing at migrated ones, edits of migrated records,
 * deletions that never leave a dangling reference, and corruption that
 * verify-migration must find. Deterministic for a seed and a go-live; the
 * whole plan is made before the first write.
 *
 * The simulated use is people's work, not cutover's: it is not in the
 * ledger, so reset and verify-migration see it as they would see real use.
 */
import type { Connector, CrmRecord, ObjectDescription } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import type { MappingInput } from '../core/mapping/index.js';
import { compareIds } from '../diff/index.js';
import { seedBase, tagOf } from '../generate/random.js';
import { applySimulation, type PlannedDelete, type SimulationFailure } from './simulate/apply.js';
import { momentValue, idValue } from './simulate/field-values.js';
import { shuffledIds, streamOf } from './simulate/picking.js';
import { planChanges } from './simulate/plan-changes.js';
import { planCreates } from './simulate/plan-creates.js';
import { planDeletes } from './simulate/plan-deletes.js';
import { planLogins, type LoginPlan } from './simulate/plan-logins.js';
import { isModifiedBy, isModstamp, type BuildContext } from './simulate/record-builder.js';
import { simulationSettings, type SimulationSettings } from './simulate/settings.js';
import { keyOf, readTarget, splitKey, type RecordKey, type TargetView } from './simulate/target-view.js';
import { actingMoment, simulationWindow, type Session } from './simulate/window.js';

export { DEFAULT_SIMULATION, MAX_DAYS, type SimulationSettings } from './simulate/settings.js';
export type { SimulationFailure } from './simulate/apply.js';

/** Records read per object as templates of new records and sources of plausible edits. */
const TEMPLATES_PER_OBJECT = 100;
/** Existing logins read as templates of new ones. */
const LOGIN_TEMPLATES = 500;

/** Settings of {@link simulate}. */
export interface SimulateOptions {
  /** The target, open. */
  connector: Connector;
  /** Its name (in messages and the report). */
  system: string;
  /** The amounts; defaults in {@link DEFAULT_SIMULATION}. */
  settings: Partial<SimulationSettings>;
  /** The target's latest go-live: the simulated days follow it. Without one, they are the days up to `now`. */
  goLive?: { id: string; at: string };
  /** The ledger's id map of the target: the migrated records (target object and id). */
  migrated: ReadonlyArray<{ object: string; targetId: string }>;
  /** Target fields the plan's mapping writes, per target object (see {@link mappedFieldsOf}); corruption damages only these. */
  mappedFields?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Logins were asked for explicitly: a target where they cannot be written is an error rather than a note. */
  loginsRequired?: boolean;
  /** "Now" when there is no go-live; default the clock. */
  now?: Date;
  signal?: AbortSignal;
}

/** What the simulation did to one object. */
export interface ObjectSimulation {
  object: string;
  /** Migrated records live in the target before the run. */
  migrated: number;
  created: number;
  edited: number;
  deleted: number;
  corrupted: number;
  /** `soft` where the object has a soft-delete rule, else `hard`; null when nothing was to be deleted. */
  deleteMode: 'soft' | 'hard' | null;
  /** Deletions asked for (the share of the migrated records). */
  deleteRequested: number;
  /** Of those, kept because a record that stays still references them. */
  deleteSkipped: number;
  failed: number;
  createdIds: string[];
  edits: Array<{ id: string; field: string; at: string }>;
  deletedIds: string[];
  corruptions: Array<{ id: string; field: string }>;
}

/** The result of {@link simulate}. */
export interface SimulationReport {
  system: string;
  settings: SimulationSettings;
  /** The go-live the days follow, or null (the days up to now). */
  goLive: { id: string; at: string } | null;
  window: { from: string; to: string; days: number };
  logins: {
    /** The activity object written, or null. */
    object: string | null;
    count: number;
    /** Users who logged in. */
    users: number;
    /** Users who can log in (active, not frozen). */
    activeUsers: number;
    first: string | null;
    last: string | null;
    ids: string[];
    /** Why no logins were written although some were asked for. */
    skipped: string | null;
  };
  objects: ObjectSimulation[];
  totals: { created: number; edited: number; deleted: number; corrupted: number; failed: number };
  /** What was left out, with why (objects that cannot take new records or cannot be corrupted). */
  notes: string[];
  failures: SimulationFailure[];
  measuredAt: string;
  seconds: number;
}

/** The target fields the mapping's object mappings write, per target object (every rule, lookups and users too). */
export function mappedFieldsOf(mapping: MappingInput): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  for (const object of mapping.objects) {
    const set = fields.get(object.target) ?? new Set<string>();
    for (const field of Object.keys(object.fields)) set.add(field);
    fields.set(object.target, set);
  }
  return fields;
}

/** Simulates use of the target (see the module comment). */
export async function simulate(options: SimulateOptions): Promise<SimulationReport> {
  const measuredAt = new Date();
  const started = performance.now();
  const settings = simulationSettings(options.settings);
  const { connector, system } = options;
  const window = simulationWindow(options.goLive, settings.days, options.now ?? measuredAt);
  const base = seedBase(settings.seed);

  const view = await readTarget(connector, options.migrated, options.signal);
  checkMigrated(options, settings, view);
  if (settings.corrupt > 0 && !options.mappedFields) {
    throw new CutoverError('usage', `--corrupt damages fields the plan's mapping writes, and no mapping of the plan writes into ${system}; nothing was written.`, {
      hints: ['simulate corruption on the target of the plan\'s mapping, or leave out --corrupt'],
    });
  }
  if (settings.deletes > 0 && connector.capabilities.deletes.length === 0) {
    throw new CutoverError('capability.missing', `${system} cannot delete records through its connector; nothing was written.`, { hints: ['leave out --deletes'] });
  }
  const objects = new Map(view.description.objects.map((object) => [object.name, object]));
  const activeUsers = view.users.filter((user) => user.active && !user.frozen).map((user) => user.id).sort(compareIds);

  // Plan everything before the first write: a plan that cannot be made changes nothing.
  const deletes = settings.deletes > 0 ? planDeletes(view, settings.deletes, base) : undefined;
  const deleted = deletes?.deleted ?? new Set<RecordKey>();
  const pools = referencePools(view, deleted);
  const context: Omit<BuildContext, 'rng' | 'at' | 'userId' | 'persona'> = {
    description: view.description,
    tracks: (object) => view.objects.has(object),
    pickReference: (candidates, rng) => {
      const usable = candidates.filter((object) => (pools.get(object)?.length ?? 0) > 0);
      if (usable.length === 0) return undefined;
      const object = rng.pick(usable);
      return { object, id: rng.pick(pools.get(object) as string[]) };
    },
  };
  const logins = await planLoginsOf(options, settings, view, window, base, context);
  const sessions: Session[] = logins.plan?.logins ?? [];
  const templates = settings.newRecords > 0 || settings.edits > 0 ? await readTemplates(connector, view, deleted, base) : new Map<string, CrmRecord[]>();
  const creates = planCreates({ view, count: settings.newRecords, window, sessions, users: activeUsers, templates, base, context });
  const changes = await planChanges({
    view,
    deleted,
    edits: settings.edits,
    corruptPercent: settings.corrupt,
    mappedFields: options.mappedFields,
    window,
    sessions,
    users: activeUsers,
    templates,
    base,
    fetch: (object, ids) => connector.get(object, ids, options.signal ? { signal: options.signal } : {}),
  });
  const deleteWaves: PlannedDelete[][] = (deletes?.waves ?? []).map((wave) =>
    wave.map((key) => {
      const object = objects.get(splitKey(key).object) as ObjectDescription;
      const mode = object.softDelete && connector.capabilities.deletes.includes('soft') ? 'soft' : 'hard';
      return { key, mode, stamps: mode === 'soft' ? deleteStamps(object, key, { window, sessions, users: activeUsers, base, view }) : {} };
    }),
  );

  const applied = await applySimulation({
    connector,
    objects,
    logins: logins.plan?.object ? { object: logins.plan.object, records: logins.plan.logins } : null,
    creates: creates.records,
    edits: changes.edits,
    corruptions: changes.corruptions,
    deletes: deleteWaves,
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const perObject: ObjectSimulation[] = [...view.objects.values()].map((object) => {
    const name = object.object.name;
    const planned = deletes?.objects.find((entry) => entry.object === name);
    const deletedIds = (applied.deleted.get(name) ?? []).slice().sort(compareIds);
    const edits = applied.edited.filter((change) => change.object === name);
    const corruptions = applied.corrupted.filter((change) => change.object === name);
    const createdIds = applied.created.get(name) ?? [];
    return {
      object: name,
      migrated: object.migrated.length,
      created: createdIds.length,
      edited: edits.length,
      deleted: deletedIds.length,
      corrupted: corruptions.length,
      deleteMode: planned ? planned.mode : null,
      deleteRequested: planned?.requested ?? 0,
      deleteSkipped: planned?.skipped ?? 0,
      failed: applied.failures.filter((failure) => failure.object === name).length,
      createdIds,
      edits: edits.map((change) => ({ id: change.id, field: change.field, at: new Date(change.at ?? window.from).toISOString() })),
      deletedIds,
      corruptions: corruptions.map((change) => ({ id: change.id, field: change.field })),
    };
  });
  const sum = (pick: (object: ObjectSimulation) => number): number => perObject.reduce((total, object) => total + pick(object), 0);
  const loginPlan = logins.plan;
  return {
    system,
    settings,
    goLive: window.goLive,
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), days: window.days },
    logins: {
      object: loginPlan?.object ?? null,
      count: applied.logins.length,
      users: new Set(loginPlan?.logins.map((login) => login.userId)).size,
      activeUsers: loginPlan?.activeUsers ?? activeUsers.length,
      first: loginPlan && loginPlan.logins.length > 0 ? new Date((loginPlan.logins[0] as Session).at).toISOString() : null,
      last: loginPlan && loginPlan.logins.length > 0 ? new Date((loginPlan.logins[loginPlan.logins.length - 1] as Session).at).toISOString() : null,
      ids: applied.logins,
      skipped: logins.skipped,
    },
    objects: perObject,
    totals: {
      created: sum((o) => o.created),
      edited: sum((o) => o.edited),
      deleted: sum((o) => o.deleted),
      corrupted: sum((o) => o.corrupted),
      failed: applied.failures.length,
    },
    notes: [
      ...(window.to > (options.now ?? measuredAt).getTime()
        ? [`the simulated days run past now (until ${new Date(window.to).toISOString()}): what measures up to now (cutover watch) sees only the use before it`]
        : []),
      ...creates.excluded.map((entry) => `${entry.object} takes no new records: ${entry.reason}`),
      ...changes.corruptSkipped.map((entry) => `${entry.object} is not corrupted: ${entry.reason}`),
    ],
    failures: applied.failures,
    measuredAt: measuredAt.toISOString(),
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** Edits, deletions and corruption need migrated records that are still there. */
function checkMigrated(options: SimulateOptions, settings: SimulationSettings, view: TargetView): void {
  const asked = [settings.edits > 0 ? '--edits' : '', settings.deletes > 0 ? '--deletes' : '', settings.corrupt > 0 ? '--corrupt' : ''].filter(Boolean);
  if (asked.length === 0) return;
  const live = [...view.objects.values()].reduce((sum, object) => sum + object.migrated.length, 0);
  if (live > 0) return;
  const message =
    options.migrated.length === 0
      ? `Nothing was migrated into ${options.system}, so ${asked.join(', ')} has no migrated records to work on; nothing was written.`
      : `None of the ${options.migrated.length} records migrated into ${options.system} is still there, so ${asked.join(', ')} has nothing to work on; nothing was written.`;
  throw new CutoverError('usage', message, {
    hints: ['migrate into it first (cutover migrate), or simulate only logins and new records (--new N)'],
  });
}

/** The logins to write, or why there are none. */
async function planLoginsOf(
  options: SimulateOptions,
  settings: SimulationSettings,
  view: TargetView,
  window: ReturnType<typeof simulationWindow>,
  base: number,
  context: Omit<BuildContext, 'rng' | 'at' | 'userId' | 'persona'>,
): Promise<{ plan: LoginPlan | undefined; skipped: string | null }> {
  if (settings.activeUsers === 0) return { plan: undefined, skipped: null };
  const { description } = view;
  const activity = description.activity;
  const object = activity ? description.objects.find((candidate) => candidate.name === activity.object) : undefined;
  const missing = !description.usersObject
    ? `${options.system} has no users object the profile knows`
    : !activity || !object || object.unsupported
      ? `${options.system} has no activity object whose user and time fields the profile names`
      : undefined;
  if (missing || !activity || !object) {
    const reason = missing ?? 'no activity object';
    if (options.loginsRequired) {
      throw new CutoverError('capability.missing', `Cannot simulate logins: ${reason}; nothing was written.`, {
        hints: ['name them in the plan (systems.<name>.profile.users and .activity), or leave out --active-users'],
      });
    }
    return { plan: undefined, skipped: reason };
  }
  const templates: CrmRecord[] = [];
  for await (const batch of options.connector.read(object.name, { batchSize: LOGIN_TEMPLATES, ...(options.signal ? { signal: options.signal } : {}) })) {
    templates.push(...batch.records);
    break;
  }
  return { plan: planLogins({ activity, object, users: view.users, templates, percent: settings.activeUsers, window, base, context }), skipped: null };
}

/** Per object, the live records new records may point at: the migrated ones that stay, else any that stay. */
function referencePools(view: TargetView, deleted: ReadonlySet<RecordKey>): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const [name, object] of view.objects) {
    const stays = (id: string): boolean => !deleted.has(keyOf(name, id));
    const migrated = object.migrated.filter(stays);
    pools.set(name, migrated.length > 0 ? migrated : object.live.filter(stays));
  }
  return pools;
}

/** A sample of each object's live records that stay, read whole. */
async function readTemplates(connector: Connector, view: TargetView, deleted: ReadonlySet<RecordKey>, base: number): Promise<Map<string, CrmRecord[]>> {
  const templates = new Map<string, CrmRecord[]>();
  for (const [name, object] of view.objects) {
    const ids = shuffledIds(object.live.filter((id) => !deleted.has(keyOf(name, id))), base, `template:${name}`).slice(0, TEMPLATES_PER_OBJECT);
    const records = ids.length > 0 ? await connector.get(name, ids) : [];
    // In the sample's order, not the order the system returned them in.
    const byId = new Map(records.map((record) => [record.id, record]));
    templates.set(name, ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as CrmRecord] : [])));
  }
  return templates;
}

/** What a soft delete sets besides the flag: the modified-at (and a timestamp flag) at a moment of the simulated days. */
function deleteStamps(
  object: ObjectDescription,
  key: RecordKey,
  input: { window: ReturnType<typeof simulationWindow>; sessions: readonly Session[]; users: readonly string[]; base: number; view: TargetView },
): Record<string, CrmRecord['values'][string]> {
  const rng = streamOf(input.base, `delete:${object.name}`, tagOf(splitKey(key).id));
  const { at, userId } = actingMoment(input.window, input.sessions, input.users, rng);
  const stamps: Record<string, CrmRecord['values'][string]> = {};
  for (const field of object.fields) {
    if (field.name === object.modifiedAtField || isModstamp(field)) stamps[field.name] = momentValue(field, at);
    else if (object.softDelete?.kind === 'timestamp' && field.name === object.softDelete.field) stamps[field.name] = momentValue(field, at);
    else if (userId !== undefined && isModifiedBy(field, input.view.description)) stamps[field.name] = idValue(userId, field);
  }
  return stamps;
}
