/**
 * Turning a backed-up system description back into definitions, so a
 * restore into an empty database can create the objects first.
 */
import { literalDefault } from '../core/default-value.js';
import type { FieldDefinition, ObjectDefinition, ObjectDescription, SystemDescription } from '../connectors/contract.js';

/** One object's definition. References become constraints only where the original declared them. */
export function definitionOf(object: ObjectDescription): ObjectDefinition {
  const fields: FieldDefinition[] = object.fields.map((field) => {
    const definition: FieldDefinition = { name: field.name, type: field.type, nullable: field.nullable };
    if (field.length !== undefined) definition.length = field.length;
    if (field.precision !== undefined) definition.precision = field.precision;
    if (field.scale !== undefined) definition.scale = field.scale;
    if (field.autoAssigned && field.primaryKey) definition.autoAssigned = true;
    if (field.unique && !field.primaryKey) definition.unique = true;
    if (field.picklistValues?.length) definition.picklistValues = [...field.picklistValues];
    // A literal default is kept, so that a record written without the field gets what the original would have given it.
    const fallback = literalDefault(field.defaultValue, field.type);
    if (fallback !== undefined) definition.defaultValue = fallback;
    if (field.references && !field.references.polymorphic) {
      definition.references = { object: field.references.object, field: field.references.field, constraint: field.references.source === 'constraint' };
    }
    return definition;
  });
  const idField = fields.find((field) => field.name === object.idField);
  // An integer key the system assigned stays an assigned integer; a text key stays text.
  if (idField && idField.type === 'id' && idField.autoAssigned) idField.type = 'integer';
  return { name: object.name, kind: object.kind, idField: object.idField, fields };
}

/** Definitions of every object that can be restored, in the description's (dependency) order. */
export function definitionsOf(schema: SystemDescription, only?: Set<string>): ObjectDefinition[] {
  return schema.objects.filter((object) => !object.unsupported && (!only || only.has(object.name))).map(definitionOf);
}
