/**
 * What the delta export knows of the target, batch by batch: which target
 * records the id map holds (and for which source record), which records
 * were in the baseline snapshot, which were created after go-live, and
 * the answers a reverse asks, prefetched for one batch of records.
 */
import type { Connector, CrmRecord, CrmUser, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import type { ReverseContext, ReverseObjectMapping } from '../../core/mapping/reverse-mapping.js';
import type { Value } from '../../core/values.js';
import { chainRecords, type BackupChain } from '../../backup/backup-chain.js';
import type { StateStore } from '../../state/index.js';
import type { DeltaUser } from './export-delta-types.js';

/** Where a migrated target record came from. */
export interface SourceRef {
  sourceObject: string;
  sourceId: string;
}

/** Why a target record the id map does not know is, or is not, part of the delta. */
export type Unknown = 'created' | 'baseline' | 'beforeGoLive' | 'createdAndDeleted';

const key = (object: string, id: string): string => `${object}\u0000${id}`;

/** The target as the export sees it: the id map, the baseline, go-live. */
export class TargetKnowledge {
  private readonly baselines = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly options: {
      state: StateStore;
      /** The target's plan name, as the ledger records it. */
      system: string;
      target: Connector;
      description: SystemDescription;
      goLiveAt: number;
      /** The baseline snapshot of the target, when one is recorded. */
      baseline: BackupChain | undefined;
      signal: AbortSignal | undefined;
    },
  ) {}

  /** The description of a target object. */
  object(name: string): ObjectDescription | undefined {
    return this.options.description.objects.find((object) => object.name === name);
  }

  /** Ids of an object in the baseline snapshot (read once, ids only kept). */
  baselineIds(object: string): Promise<Set<string>> {
    let ids = this.baselines.get(object);
    if (!ids) {
      ids = this.readBaseline(object);
      this.baselines.set(object, ids);
    }
    return ids;
  }

  private async readBaseline(object: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const chain = this.options.baseline;
    if (!chain || !chain.readers.some((reader) => reader.object(object))) return ids;
    for await (const batch of chainRecords(chain, object, this.options.signal ? { signal: this.options.signal } : {})) {
      for (const record of batch) ids.add(record.id);
    }
    return ids;
  }

  /** The source record of each of these target records the id map holds. */
  async known(object: string, ids: readonly string[]): Promise<Map<string, SourceRef>> {
    const found = new Map<string, SourceRef>();
    if (ids.length === 0) return found;
    const { state, system } = this.options;
    const wanted = new Set(ids);
    const bySource = new Map<string, Set<string>>();
    for (const entry of await state.ledger.entriesOf(system, object, ids)) {
      if (entry.operation === 'deleted' || entry.sourceObject === null || entry.sourceId === null) continue;
      bySource.set(entry.sourceObject, (bySource.get(entry.sourceObject) ?? new Set<string>()).add(entry.sourceId));
    }
    // The ledger tells which source records ever went to these ids; the id map, whether they are there now.
    for (const [sourceObject, sourceIds] of bySource) {
      for (const entry of (await state.ledger.targets(system, sourceObject, [...sourceIds])).values()) {
        if (entry.object === object && wanted.has(entry.targetId)) found.set(entry.targetId, { sourceObject, sourceId: entry.sourceId });
      }
    }
    return found;
  }

  /** Why a record the id map does not know is, or is not, people's work since go-live. */
  classify(object: ObjectDescription | undefined, record: CrmRecord, baseline: ReadonlySet<string>): Unknown {
    if (baseline.has(record.id)) return 'baseline';
    const createdAt = object?.createdAtField ? record.values[object.createdAtField] : undefined;
    // Without a created-at field, a record neither migrated nor in the baseline was made after the snapshot: counted as new.
    if (createdAt !== undefined && !(typeof createdAt === 'string' && Date.parse(createdAt) > this.options.goLiveAt)) return 'beforeGoLive';
    return record.deleted ? 'createdAndDeleted' : 'created';
  }

  /**
   * The answers a reverse of these target records asks, fetched at once:
   * for every reference, the source record the id map gives, or whether the
   * referenced record is one created after go-live.
   */
  async prefetch(reverse: ReverseObjectMapping, records: readonly CrmRecord[]): Promise<Pick<ReverseContext, 'sourceOf' | 'isNew'>> {
    const wanted = new Map<string, Set<string>>();
    for (const record of records) {
      for (const reference of reverse.references(record.values)) {
        for (const object of reference.targetObjects) wanted.set(object, (wanted.get(object) ?? new Set<string>()).add(reference.targetId));
      }
    }
    const sources = new Map<string, SourceRef>();
    const fresh = new Set<string>();
    for (const [object, idSet] of wanted) {
      throwIfAborted(this.options.signal, 'the delta export');
      const ids = [...idSet];
      const known = await this.known(object, ids);
      for (const [id, ref] of known) sources.set(key(object, id), ref);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length === 0) continue;
      const baseline = await this.baselineIds(object);
      const description = this.object(object);
      for (const record of await this.options.target.get(object, unknown, this.options.signal ? { signal: this.options.signal } : {})) {
        if (this.classify(description, record, baseline) === 'created') fresh.add(key(object, record.id));
      }
    }
    return { sourceOf: (object, id) => sources.get(key(object, id)), isNew: (object, id) => fresh.has(key(object, id)) };
  }
}

/** Target users as the export shows them, and the user matching reversed. */
export class DeltaUsers {
  private readonly byId: Map<string, CrmUser>;

  constructor(
    targetUsers: readonly CrmUser[],
    /** Source users matched to a target user. */
    readonly sourceUsersOf: (targetUserId: string) => string[],
  ) {
    this.byId = new Map(targetUsers.map((user) => [user.id, user]));
  }

  /** Email, else name, else the id. */
  label = (id: string): string => {
    const user = this.byId.get(id);
    return user?.email ?? user?.name ?? id;
  };

  /** A target user as a delta record's `by`. */
  user(id: Value | undefined): DeltaUser | null {
    if (id === null || id === undefined || id instanceof Uint8Array) return null;
    const text = String(id);
    const user = this.byId.get(text);
    const sources = this.sourceUsersOf(text);
    return { id: text, email: user?.email ?? null, name: user?.name ?? null, sourceUserId: sources.length === 1 ? (sources[0] as string) : null };
  }
}

/** Fields of a target object that say who changed a record: a user reference named for modification, else one naming the owner. */
export function whoFields(object: ObjectDescription | undefined, usersObject: string | undefined): string[] {
  if (!object || !usersObject) return [];
  const users = object.fields.filter((field) => field.references?.object === usersObject && !field.references.polymorphic);
  const modified = users.filter((field) => /modif|updated|changed|edited/i.test(field.name));
  const owner = users.filter((field) => /owner|assigned/i.test(field.name));
  return [...modified, ...owner].map((field) => field.name);
}
