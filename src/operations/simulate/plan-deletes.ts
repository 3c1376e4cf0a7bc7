/**
 * Which migrated records a simulation deletes, and in what order: a share of
 * each object's migrated records, those nothing points at first; a record
 * still referenced by one that stays is skipped, and a record referenced only
 * by records deleted too goes after them (children first). Records that
 * reference each other in a cycle are skipped. No reference is left pointing
 * at a deleted record.
 */
import { percentOf, shuffledIds } from './picking.js';
import { keyOf, splitKey, type RecordKey, type TargetView } from './target-view.js';

/** Deletions of one object. */
export interface ObjectDeletes {
  object: string;
  mode: 'soft' | 'hard';
  /** Records asked for (the share of the migrated live records). */
  requested: number;
  /** Records deleted. */
  ids: string[];
  /** Records asked for but kept, because a record that stays still references them. */
  skipped: number;
}

/** The deletions in order: each wave only after the one before. */
export interface DeletePlan {
  objects: ObjectDeletes[];
  /** Waves of record keys: no record of a wave is referenced by a record of a later wave or by one that stays. */
  waves: RecordKey[][];
  /** Every record deleted. */
  deleted: Set<RecordKey>;
}

/** Plans deleting `percent` of the migrated live records of each object. */
export function planDeletes(view: TargetView, percent: number, base: number): DeletePlan {
  const referrers = new Map<RecordKey, Set<RecordKey>>();
  for (const [from, to] of view.references) {
    let set = referrers.get(to);
    if (!set) referrers.set(to, (set = new Set()));
    set.add(from);
  }
  const requested = new Map<string, number>();
  const candidates = new Set<RecordKey>();
  for (const [name, object] of view.objects) {
    const wanted = percentOf(object.migrated.length, percent);
    requested.set(name, wanted);
    if (wanted === 0) continue;
    // Records nothing points at first, so that the share asked for is deleted where the data allows.
    const order = shuffledIds(object.migrated, base, `delete:${name}`);
    const free = order.filter((id) => !referrers.has(keyOf(name, id)));
    const held = order.filter((id) => referrers.has(keyOf(name, id)));
    for (const id of [...free, ...held].slice(0, wanted)) candidates.add(keyOf(name, id));
  }

  const deletable = new Set(candidates);
  const waves: RecordKey[][] = [];
  for (;;) {
    dropReferencedFromOutside(deletable, referrers);
    const { ordered, cyclic } = childrenFirst(deletable, referrers);
    if (cyclic.length === 0) {
      waves.push(...ordered);
      break;
    }
    for (const key of cyclic) deletable.delete(key);
  }

  const objects: ObjectDeletes[] = [];
  for (const [name, object] of view.objects) {
    const wanted = requested.get(name) ?? 0;
    if (wanted === 0) continue;
    const ids = object.migrated.filter((id) => deletable.has(keyOf(name, id)));
    objects.push({ object: name, mode: object.object.softDelete ? 'soft' : 'hard', requested: wanted, ids, skipped: wanted - ids.length });
  }
  return { objects, waves, deleted: deletable };
}

/** Removes, until none is left, every candidate that a record staying (not a candidate) references. */
function dropReferencedFromOutside(deletable: Set<RecordKey>, referrers: Map<RecordKey, Set<RecordKey>>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const key of deletable) {
      for (const from of referrers.get(key) ?? []) {
        if (!deletable.has(from)) {
          deletable.delete(key);
          changed = true;
          break;
        }
      }
    }
  }
}

/** Kahn's order over the candidates: a record only after every candidate referencing it; what is left is in a cycle. */
function childrenFirst(deletable: Set<RecordKey>, referrers: Map<RecordKey, Set<RecordKey>>): { ordered: RecordKey[][]; cyclic: RecordKey[] } {
  const pending = new Map<RecordKey, number>();
  const references = new Map<RecordKey, RecordKey[]>();
  for (const key of deletable) {
    let count = 0;
    for (const from of referrers.get(key) ?? []) {
      if (!deletable.has(from)) continue;
      count += 1;
      const list = references.get(from);
      if (list) list.push(key);
      else references.set(from, [key]);
    }
    pending.set(key, count);
  }
  const ordered: RecordKey[][] = [];
  let wave = [...pending].filter(([, count]) => count === 0).map(([key]) => key);
  const done = new Set<RecordKey>();
  while (wave.length > 0) {
    wave.sort(compareKeys);
    ordered.push(wave);
    const next: RecordKey[] = [];
    for (const key of wave) {
      done.add(key);
      for (const to of references.get(key) ?? []) {
        const left = (pending.get(to) ?? 0) - 1;
        pending.set(to, left);
        if (left === 0) next.push(to);
      }
    }
    wave = next;
  }
  return { ordered, cyclic: [...deletable].filter((key) => !done.has(key)) };
}

function compareKeys(a: RecordKey, b: RecordKey): number {
  const x = splitKey(a);
  const y = splitKey(b);
  return x.object < y.object ? -1 : x.object > y.object ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}
