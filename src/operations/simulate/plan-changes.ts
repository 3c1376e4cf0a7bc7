/**
 * Changes to migrated records: edits people make (a text or picklist field,
 * with the modified-at moving to the moment of the edit) and corruption
 * (a mapped field set to a wrong value, the modified-at left as it was, as
 * damage that verify-migration must find). Each record is changed at most
 * once, and never one the simulation deletes.
 */
import type { CrmRecord, FieldDescription, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import { tagOf } from '../../generate/random.js';
import { editedValue, idValue, IDENTITY_KINDS, momentValue, textKindOf, wrongValue } from './field-values.js';
import { apportion, percentOf, shuffledIds, streamOf } from './picking.js';
import { isModifiedBy, isModstamp, typeFieldsOf } from './record-builder.js';
import { keyOf, type RecordKey, type TargetView } from './target-view.js';
import { actingMoment, clampToWindow, type Session, type SimulationWindow } from './window.js';

/** One record to update. */
export interface PlannedChange {
  object: string;
  id: string;
  /** The field edited or damaged. */
  field: string;
  /** Every value the update writes (the field, and the stamps that move or are kept). */
  values: Record<string, Value>;
  /** The moment of an edit (corruption keeps the record's modified-at). */
  at: number | null;
}

/** The changes of a simulation. */
export interface ChangePlan {
  edits: PlannedChange[];
  corruptions: PlannedChange[];
  /** Objects asked to be corrupted that have no mapped field that can be: with why. */
  corruptSkipped: Array<{ object: string; reason: string }>;
}

/** What planning the changes needs. */
export interface ChangeInput {
  view: TargetView;
  /** Records the simulation deletes: never changed. */
  deleted: ReadonlySet<RecordKey>;
  edits: number;
  corruptPercent: number;
  /** Target fields the mapping writes, per target object; needed for corruption. */
  mappedFields: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  window: SimulationWindow;
  sessions: readonly Session[];
  users: readonly string[];
  /** Other records' values, for plausible edits of free-text fields. */
  templates: ReadonlyMap<string, CrmRecord[]>;
  base: number;
  /** Reads whole records by id. */
  fetch(object: string, ids: string[]): Promise<CrmRecord[]>;
}

/** Fields an edit or corruption may change: not keys, references, unique values, stamps or the fields naming a polymorphic reference's object. */
export function changeableFields(object: ObjectDescription): FieldDescription[] {
  const typeFields = typeFieldsOf(object);
  return object.fields.filter(
    (field) =>
      field.name !== object.idField &&
      !field.primaryKey &&
      !field.autoAssigned &&
      !field.references &&
      !field.unique &&
      !field.role &&
      !isModstamp(field) &&
      !typeFields.has(field.name) &&
      field.type !== 'binary' &&
      field.type !== 'id',
  );
}

/** The text and picklist fields people edit (not names: a renamed record is a different story), the mapped ones when there are any. */
export function editableFields(object: ObjectDescription, mapped: ReadonlySet<string> | undefined): FieldDescription[] {
  const fields = changeableFields(object).filter((field) => {
    if (field.picklistValues && field.picklistValues.length > 1) return true;
    if (field.type !== 'string' && field.type !== 'text') return false;
    const kind = textKindOf(field);
    return !kind || !IDENTITY_KINDS.has(kind);
  });
  const preferred = mapped ? fields.filter((field) => mapped.has(field.name)) : [];
  return preferred.length > 0 ? preferred : fields;
}

/** Plans the edits and corruptions. */
export async function planChanges(input: ChangeInput): Promise<ChangePlan> {
  const { view, base } = input;
  const description = view.description;
  const corruptions: PlannedChange[] = [];
  const corruptSkipped: ChangePlan['corruptSkipped'] = [];
  const changed = new Set<RecordKey>(input.deleted);
  const eligible = (name: string, ids: readonly string[]): string[] => ids.filter((id) => !changed.has(keyOf(name, id)));

  if (input.corruptPercent > 0) {
    for (const [name, object] of view.objects) {
      const wanted = percentOf(object.migrated.length, input.corruptPercent);
      if (wanted === 0) continue;
      const mapped = input.mappedFields?.get(name);
      const fields = changeableFields(object.object).filter((field) => mapped?.has(field.name));
      if (fields.length === 0) {
        corruptSkipped.push({ object: name, reason: mapped ? 'the mapping writes no field of it that can be damaged without breaking keys or references' : 'the mapping writes nothing into it' });
        continue;
      }
      const order = shuffledIds(eligible(name, object.migrated), base, `corrupt:${name}`);
      const planned = await take(order, wanted, (ids) => input.fetch(name, ids), (record) => corruption(object.object, record, fields, input));
      for (const change of planned) changed.add(keyOf(name, change.id));
      corruptions.push(...planned);
    }
  }

  const edits: PlannedChange[] = [];
  if (input.edits > 0) {
    const objects = [...view.objects.values()].map((object) => ({ object, fields: editableFields(object.object, input.mappedFields?.get(object.object.name)) }));
    const pools = objects.map(({ object, fields }) => (fields.length > 0 ? eligible(object.object.name, object.migrated) : []));
    const available = pools.reduce((sum, pool) => sum + pool.length, 0);
    if (input.edits > available) {
      throw new CutoverError('usage', `--edits ${input.edits} asks for more edits than there are migrated records to edit (${available}, not counting those this run deletes or corrupts); nothing was written.`, {
        hints: [`ask for at most ${available} edits`],
      });
    }
    const shares = apportion(input.edits, pools.map((pool) => pool.length));
    for (const [index, { object, fields }] of objects.entries()) {
      const wanted = shares[index] ?? 0;
      if (wanted === 0) continue;
      const name = object.object.name;
      const order = shuffledIds(pools[index] ?? [], base, `edit:${name}`);
      edits.push(...(await take(order, wanted, (ids) => input.fetch(name, ids), (record) => edit(object.object, record, fields, input, description))));
    }
  }
  return { edits, corruptions, corruptSkipped };
}

/** Walks the ids in order, reading records in chunks, until `wanted` of them gave a change. */
async function take(order: string[], wanted: number, fetch: (ids: string[]) => Promise<CrmRecord[]>, make: (record: CrmRecord) => PlannedChange | undefined): Promise<PlannedChange[]> {
  const planned: PlannedChange[] = [];
  const chunk = Math.max(50, wanted * 2);
  for (let start = 0; start < order.length && planned.length < wanted; start += chunk) {
    const ids = order.slice(start, start + chunk);
    const byId = new Map((await fetch(ids)).map((record) => [record.id, record]));
    for (const id of ids) {
      const record = byId.get(id);
      const change = record && !record.deleted ? make(record) : undefined;
      if (change) planned.push(change);
      if (planned.length === wanted) break;
    }
  }
  return planned;
}

function edit(object: ObjectDescription, record: CrmRecord, fields: FieldDescription[], input: ChangeInput, description: SystemDescription): PlannedChange | undefined {
  const rng = streamOf(input.base, `edit:${object.name}`, tagOf(record.id));
  const samples = input.templates.get(object.name) ?? [];
  for (const field of shuffledFields(fields, rng.int(fields.length))) {
    const value = editedValue(field, object, record.values[field.name] ?? null, rng, samples.map((sample) => sample.values[field.name] ?? null));
    if (value === undefined) continue;
    let { at, userId } = actingMoment(input.window, input.sessions, input.users, rng);
    // An edit comes after the record's last change.
    const last = object.modifiedAtField ? record.values[object.modifiedAtField] : undefined;
    const lastMoment = typeof last === 'string' ? Date.parse(last) : Number.NaN;
    if (Number.isFinite(lastMoment) && at <= lastMoment) at = clampToWindow(input.window, lastMoment + 60_000);
    const values: Record<string, Value> = { [field.name]: value };
    for (const stamp of object.fields) {
      if (stamp.name === object.modifiedAtField || isModstamp(stamp)) values[stamp.name] = momentValue(stamp, at);
      else if (userId !== undefined && isModifiedBy(stamp, description)) values[stamp.name] = idValue(userId, stamp);
    }
    return { object: object.name, id: record.id, field: field.name, values, at };
  }
  return undefined;
}

function corruption(object: ObjectDescription, record: CrmRecord, fields: FieldDescription[], input: ChangeInput): PlannedChange | undefined {
  const rng = streamOf(input.base, `corrupt:${object.name}`, tagOf(record.id));
  for (const field of shuffledFields(fields, rng.int(fields.length))) {
    const value = wrongValue(field, record.values[field.name] ?? null, rng, input.window.from);
    if (value === undefined) continue;
    const values: Record<string, Value> = { [field.name]: value };
    // Damage does not show as a change: the modified-at stays as it was (the connector would set it to now otherwise).
    if (object.modifiedAtField) values[object.modifiedAtField] = record.values[object.modifiedAtField] ?? null;
    return { object: object.name, id: record.id, field: field.name, values, at: null };
  }
  return undefined;
}

/** The fields starting at one of them, wrapping around: each record tries its fields in its own order. */
function shuffledFields(fields: FieldDescription[], start: number): FieldDescription[] {
  return [...fields.slice(start), ...fields.slice(0, start)];
}
