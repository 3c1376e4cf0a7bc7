/**
 * What a simulation needs to know of the target before it plans: which
 * records of each business object exist and are live, which of them were
 * migrated (the ledger's id map), and every reference into them, so that a
 * deletion never leaves a record pointing at one that is gone.
 */
import type { Connector, CrmRecord, CrmUser, FieldDescription, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import { compareIds } from '../../diff/index.js';

/** A record of an object, as one string: `object \u0001 id`. */
export type RecordKey = string;

/** The key of a record. */
export function keyOf(object: string, id: string): RecordKey {
  return `${object}\u0001${id}`;
}

/** The object and id of a key. */
export function splitKey(key: RecordKey): { object: string; id: string } {
  const cut = key.indexOf('\u0001');
  return { object: key.slice(0, cut), id: key.slice(cut + 1) };
}

/** One business object of the target as the simulation sees it. */
export interface ObjectView {
  object: ObjectDescription;
  /** Ids of live (not soft-deleted) records, in id order. */
  live: string[];
  /** Of those, the ones a migration wrote, in id order. */
  migrated: string[];
  /** Records of the object, soft-deleted ones included. */
  total: number;
}

/** The target, read once before planning. */
export interface TargetView {
  description: SystemDescription;
  /** Business objects (kind `object`) that can be read and written, in dependency order. */
  objects: Map<string, ObjectView>;
  /** Every reference into a business object: [referring record, referenced record]. */
  references: Array<[from: RecordKey, to: RecordKey]>;
  users: CrmUser[];
}

/** The business objects a simulation writes: records people work on, not users, logins or link tables. */
export function businessObjects(description: SystemDescription): ObjectDescription[] {
  return description.objects.filter(
    (object) => object.kind === 'object' && !object.unsupported && object.name !== description.usersObject && object.name !== description.activityObject,
  );
}

/**
 * The objects a value of a reference field may point to: its one object, or
 * for a polymorphic reference the one its type field or id prefix names (all
 * of them when neither tells, so that a deletion errs on the side of keeping).
 */
export function referencedObjects(field: FieldDescription, values: Record<string, Value>): string[] {
  const reference = field.references;
  if (!reference) return [];
  const polymorphic = reference.polymorphic;
  if (!polymorphic) return [reference.object];
  const value = values[field.name];
  const key = polymorphic.typeField ? values[polymorphic.typeField] : typeof value === 'string' ? value.slice(0, 3) : undefined;
  const named = key === null || key === undefined ? undefined : polymorphic.objects[String(key)];
  return named ? [named] : [...new Set(Object.values(polymorphic.objects))];
}

/** Reads the target: live and migrated records per business object, and the references into them. */
export async function readTarget(connector: Connector, migrated: ReadonlyArray<{ object: string; targetId: string }>, signal?: AbortSignal): Promise<TargetView> {
  const description = await connector.describe();
  const business = businessObjects(description);
  const names = new Set(business.map((object) => object.name));
  const migratedIds = new Map<string, Set<string>>();
  for (const entry of migrated) {
    if (!migratedIds.has(entry.object)) migratedIds.set(entry.object, new Set());
    migratedIds.get(entry.object)?.add(entry.targetId);
  }
  const objects = new Map<string, ObjectView>();
  const references: Array<[RecordKey, RecordKey]> = [];
  // Every object that can point into a business object is read (link tables and activity too), not only the business ones.
  for (const object of description.objects) {
    if (object.unsupported) continue;
    const refFields = object.fields.filter((field) => field.references && referencesAny(field, names));
    const isBusiness = names.has(object.name);
    if (!isBusiness && refFields.length === 0) continue;
    throwIfAborted(signal, 'reading the target');
    const typeFields = refFields.flatMap((field) => (field.references?.polymorphic?.typeField ? [field.references.polymorphic.typeField] : []));
    const fields = [...new Set([...refFields.map((field) => field.name), ...typeFields])];
    const live: string[] = [];
    let total = 0;
    for await (const batch of connector.read(object.name, { fields, includeDeleted: true, ...(signal ? { signal } : {}) })) {
      for (const record of batch.records) {
        total += 1;
        if (!record.deleted) live.push(record.id);
        collectReferences(object.name, record, refFields, names, references);
      }
    }
    if (isBusiness) {
      live.sort(compareIds);
      const mapped = migratedIds.get(object.name) ?? new Set<string>();
      objects.set(object.name, { object, live, migrated: live.filter((id) => mapped.has(id)), total });
    }
  }
  const users = description.usersObject ? await connector.listUsers() : [];
  // In dependency order, as the description lists them.
  const ordered = new Map(business.flatMap((object) => (objects.has(object.name) ? [[object.name, objects.get(object.name) as ObjectView] as const] : [])));
  return { description, objects: ordered, references, users };
}

function referencesAny(field: FieldDescription, names: Set<string>): boolean {
  const reference = field.references;
  if (!reference) return false;
  const targets = reference.polymorphic ? Object.values(reference.polymorphic.objects) : [reference.object];
  return targets.some((target) => names.has(target));
}

function collectReferences(object: string, record: CrmRecord, fields: FieldDescription[], names: Set<string>, into: Array<[RecordKey, RecordKey]>): void {
  const from = keyOf(object, record.id);
  for (const field of fields) {
    const value = record.values[field.name];
    if (value === null || value === undefined || value === '') continue;
    const id = String(value);
    for (const target of referencedObjects(field, record.values)) {
      if (!names.has(target)) continue;
      const to = keyOf(target, id);
      if (to !== from) into.push([from, to]);
    }
  }
}
