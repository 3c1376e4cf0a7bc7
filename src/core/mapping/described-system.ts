/**
 * The part of a system's description a mapping is checked against. Declared
 * here so that the core depends on nothing else of ours; a connector's
 * `SystemDescription` satisfies it as it is.
 */
import type { FieldType } from '../values.js';

/** One field, as the mapping needs to know it. */
export interface DescribedField {
  name: string;
  type: FieldType;
  nullable: boolean;
  /** Maximum length of text, when the system limits it. */
  length?: number;
  precision?: number;
  scale?: number;
  /** The system fills the value on insert (autoincrement, generated id, default timestamp). */
  autoAssigned: boolean;
  /** What the field points to, when it is a reference; polymorphic ones list their objects. */
  references?: { object: string; polymorphic?: { typeField?: string; objects: Record<string, string> } };
  /** Allowed values of a picklist. */
  picklistValues?: string[];
  /** The system's default, as its own expression text; present means an omitted value is filled. */
  defaultValue?: string;
  /** What the field means to cutover; modified-at and created-at fields are stamped by the connector. */
  role?: 'modifiedAt' | 'createdAt' | 'softDelete';
}

/** One object (table, sObject) of a system. */
export interface DescribedObject {
  name: string;
  idField: string;
  fields: DescribedField[];
  /** The soft-delete field, when the system marks deletions. */
  softDelete?: { field: string };
  /** Why the object cannot be read or written, if it cannot. */
  unsupported?: string;
}

/** A system as the mapping sees it. */
export interface DescribedSystem {
  objects: DescribedObject[];
  /** The object holding users, when known: owner fields should point at it. */
  usersObject?: string;
  /** Whether the system assigns record ids on insert (then the target id field need not be mapped). Default true. */
  capabilities?: { assignsIds: boolean };
}
