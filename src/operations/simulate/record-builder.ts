/**
 * Builds the values of a record a simulated user creates: from a template
 * (an existing record of the object, so that values that go together stay
 * together: a won opportunity's stage, flags and probability) with fresh
 * names, contact details and texts, fresh references to live records, the
 * acting user as owner, and the moment as created-at and modified-at. Without
 * a template every required field gets a valid value of its own.
 */
import type { CrmRecord, FieldDescription, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import type { Value } from '../../core/values.js';
import { DAY } from '../../generate/moments.js';
import type { Rng } from '../../generate/random.js';
import { fitText, freshText, idValue, momentValue, placeholderValue, textKindOf, token, type Persona } from './field-values.js';
import { referencedObjects } from './target-view.js';

/** What building one record needs. */
export interface BuildContext {
  description: SystemDescription;
  rng: Rng;
  /** The moment of the record, ms since the epoch. */
  at: number;
  /** The user creating it (owner, creator, last modifier), when there are users. */
  userId: string | undefined;
  persona: Persona;
  /** A live record of one of the objects that stays (not deleted by the simulation), or undefined when there is none. */
  pickReference(objects: readonly string[], rng: Rng): { object: string; id: string } | undefined;
  /** Whether the simulation knows the records of the object (the business objects); references elsewhere keep the template's value. */
  tracks(object: string): boolean;
}

/** The values built, or why the record cannot be made. */
export type Built = { ok: true; values: Record<string, Value> } | { ok: false; reason: string };

/** Whether the field points at the users object. */
export function isUserReference(field: FieldDescription, description: SystemDescription): boolean {
  return !!description.usersObject && field.references?.object === description.usersObject && !field.references.polymorphic;
}

/** A user reference that says who changed the record last (`LastModifiedById`, `modified_user_id`). */
export function isModifiedBy(field: FieldDescription, description: SystemDescription): boolean {
  const n = field.name.toLowerCase();
  return isUserReference(field, description) && (n.includes('modifi') || n.includes('updated'));
}

/** A user reference that says who created or last changed the record. */
function isStampUser(field: FieldDescription, description: SystemDescription): boolean {
  return isUserReference(field, description) && (field.name.toLowerCase().includes('creat') || isModifiedBy(field, description));
}

/** A system timestamp that moves with every change besides the modified-at field (Salesforce's `SystemModstamp`). */
export function isModstamp(field: FieldDescription): boolean {
  return field.type === 'datetime' && !field.role && /modstamp/i.test(field.name);
}

/** Fields naming the object a polymorphic reference points to (`parent_type`): changing them alone would break the reference. */
export function typeFieldsOf(object: ObjectDescription): Set<string> {
  return new Set(object.fields.flatMap((field) => (field.references?.polymorphic?.typeField ? [field.references.polymorphic.typeField] : [])));
}

/** Builds a new record's values (without its id). */
export function buildRecord(object: ObjectDescription, template: CrmRecord | undefined, context: BuildContext): Built {
  const { rng, at } = context;
  const values: Record<string, Value> = {};
  const from = template?.values ?? {};
  const createdAt = object.createdAtField ? from[object.createdAtField] : undefined;
  const templateMoment = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  const references: FieldDescription[] = [];
  for (const field of object.fields) {
    if (field.name === object.idField || field.autoAssigned) continue;
    if (field.references) {
      references.push(field);
      continue;
    }
    values[field.name] = plainValue(field, object, from[field.name] ?? null, template !== undefined, templateMoment, context);
  }
  for (const field of references) {
    const value = referenceValue(field, from[field.name] ?? null, template !== undefined, values, context);
    if (value === undefined) return { ok: false, reason: `${field.name} must point at a ${describeTargets(field)} record and there is none to point at` };
    values[field.name] = value;
  }
  // Whatever is still empty but required gets a placeholder of its type.
  for (const field of object.fields) {
    if (field.name === object.idField || field.autoAssigned || field.nullable) continue;
    if (values[field.name] === null || values[field.name] === undefined) values[field.name] = placeholderValue(field, rng, at);
  }
  return { ok: true, values };
}

function plainValue(field: FieldDescription, object: ObjectDescription, templateValue: Value, hasTemplate: boolean, templateMoment: number, context: BuildContext): Value {
  const { rng, at } = context;
  if (field.role === 'createdAt' || field.role === 'modifiedAt' || isModstamp(field)) return momentValue(field, at);
  if (field.role === 'softDelete') {
    const rule = object.softDelete;
    return rule?.kind === 'flag' ? rule.activeValue : null;
  }
  if (field.unique) return field.nullable ? null : token(rng, field);
  const kind = textKindOf(field);
  // A field the template leaves empty stays empty: new records are filled in as much as the existing ones are.
  if (kind && !(hasTemplate && templateValue === null && field.nullable)) {
    const fresh = freshText(kind, object, context.persona, rng);
    if (fresh !== null) return fitText(fresh, field);
    return field.nullable ? null : placeholderValue(field, rng, at);
  }
  if (!hasTemplate) return field.nullable ? null : placeholderValue(field, rng, at);
  // Dates of the record's life (close date, due date) keep their distance from its creation.
  if ((field.type === 'date' || field.type === 'datetime') && typeof templateValue === 'string' && Number.isFinite(templateMoment)) {
    const moment = Date.parse(field.type === 'date' ? `${templateValue}T00:00:00Z` : templateValue);
    if (Number.isFinite(moment) && moment >= templateMoment - DAY) {
      const shifted = moment + Math.round((at - templateMoment) / DAY) * DAY;
      return field.type === 'date' ? momentValue(field, shifted) : momentValue(field, moment + (at - templateMoment));
    }
  }
  return templateValue;
}

function referenceValue(field: FieldDescription, templateValue: Value, hasTemplate: boolean, values: Record<string, Value>, context: BuildContext): Value | undefined {
  const { description, rng } = context;
  if (isUserReference(field, description)) {
    // Who created and last changed a record is always known; other user fields (owner, assignee) are as often empty as in the template.
    if (hasTemplate && templateValue === null && field.nullable && !isStampUser(field, description)) return null;
    if (context.userId !== undefined) return idValue(context.userId, field);
    return hasTemplate ? templateValue : field.nullable ? null : undefined;
  }
  if (hasTemplate && templateValue === null && field.nullable) return null;
  if (!hasTemplate && field.nullable) return null;
  const known = new Set(description.objects.map((object) => object.name));
  const objects = referencedObjects(field, { ...values, [field.name]: templateValue }).filter((name) => known.has(name));
  if (hasTemplate && templateValue !== null && !objects.some((name) => context.tracks(name))) return templateValue;
  const picked = context.pickReference(objects, rng);
  if (picked) {
    // The type field names the object picked, so that the two always agree.
    const polymorphic = field.references?.polymorphic;
    const type = polymorphic?.typeField ? Object.entries(polymorphic.objects).find(([, object]) => object === picked.object)?.[0] : undefined;
    if (polymorphic?.typeField && type !== undefined) values[polymorphic.typeField] = type;
    return idValue(picked.id, field);
  }
  return field.nullable ? null : undefined;
}

function describeTargets(field: FieldDescription): string {
  const reference = field.references;
  if (!reference) return '';
  return reference.polymorphic ? [...new Set(Object.values(reference.polymorphic.objects))].join(' or ') : reference.object;
}
