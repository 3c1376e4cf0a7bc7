/**
 * Builds a connector-independent description of a SQL database from what it
 * declares (tables, keys, foreign keys) and what the profile says (modified-at
 * columns, soft deletes, users, relationships the database does not declare).
 */
import type { ActivityDescription, FieldDescription, ObjectDescription, Relationship, SoftDeleteRule } from '../contract.js';
import type { SqlDialect, TableInfo } from './sql-driver.js';
import { matchesPattern, type SqlProfile } from './sql-profile.js';

/** A described SQL database: objects by name plus relationships, users and activity tables. */
export interface SqlModel {
  objects: ObjectDescription[];
  byName: Map<string, ObjectDescription>;
  relationships: Relationship[];
  usersTable?: string;
  activityTable?: string;
  /** The activity table's user and moment columns (and login marker), when all the profile names exist. */
  activity?: ActivityDescription;
}

/** Describes tables through a profile. Pure: no I/O. */
export function describeTables(tables: TableInfo[], profile: SqlProfile, dialect: SqlDialect): SqlModel {
  const included = tables.filter((table) => !profile.exclude.some((pattern) => matchesPattern(table.name, pattern)));
  const names = new Set(included.map((table) => table.name));
  const usersTable = profile.users?.table.find((name) => names.has(name));
  const activityTable = profile.activity?.table.find((name) => names.has(name));

  const objects = included.map((table) => describeTable(table, profile, dialect, { usersTable, activityTable }));
  const byName = new Map(objects.map((object) => [object.name, object]));
  const relationships = collectRelationships(included, profile, byName);
  for (const relationship of relationships) {
    const field = byName.get(relationship.from.object)?.fields.find((f) => f.name === relationship.from.field);
    if (field && !field.references) {
      field.references = {
        object: relationship.to.object,
        field: relationship.to.field,
        source: relationship.source,
        ...(relationship.polymorphic ? { polymorphic: relationship.polymorphic } : {}),
      };
    }
  }
  const activity = activityTable ? describeActivity(profile, byName.get(activityTable)) : undefined;
  return { objects, byName, relationships, usersTable, activityTable, ...(activity ? { activity } : {}) };
}

/** The profile's `activity` rule as fields of the activity object; none when a column it names is missing. */
function describeActivity(profile: SqlProfile, object: ObjectDescription | undefined): ActivityDescription | undefined {
  const rule = profile.activity;
  if (!rule || !object) return undefined;
  const has = (name: string): boolean => object.fields.some((field) => field.name === name);
  if (!has(rule.user) || !has(rule.at)) return undefined;
  const activity: ActivityDescription = { object: object.name, user: rule.user, at: rule.at };
  if (typeof rule.kind === 'object') {
    if (!has(rule.kind.column)) return undefined;
    activity.login = { field: rule.kind.column, values: [...rule.kind.login] };
  }
  if (rule.detail && has(rule.detail)) activity.detail = rule.detail;
  return activity;
}

function describeTable(
  table: TableInfo,
  profile: SqlProfile,
  dialect: SqlDialect,
  special: { usersTable: string | undefined; activityTable: string | undefined },
): ObjectDescription {
  const override = profile.objects[table.name] ?? {};
  const columnNames = new Set(table.columns.map((column) => column.name));
  const pick = (explicit: string | null | undefined, candidates: string[]): string | undefined => {
    if (explicit === null) return undefined;
    if (explicit !== undefined) return columnNames.has(explicit) ? explicit : undefined;
    return candidates.find((name) => columnNames.has(name));
  };
  const modifiedAtField = pick(override.modifiedAt, profile.modifiedAt);
  const createdAtField = pick(override.createdAt, profile.createdAt);
  const softDelete = pickSoftDelete(override.softDelete, profile.softDelete, columnNames);

  const uniqueSingles = new Set(table.uniques.filter((u) => u.length === 1).map((u) => u[0]));
  const idField = override.id ?? (table.primaryKey.length === 1 ? table.primaryKey[0] : undefined);

  const fields: FieldDescription[] = table.columns.map((column) => {
    const typeInfo = dialect.typeOf(column);
    const primaryKey = table.primaryKey.includes(column.name);
    const field: FieldDescription = {
      name: column.name,
      type: primaryKey && table.primaryKey.length === 1 && (typeInfo.type === 'string' || typeInfo.type === 'id') ? 'id' : typeInfo.type,
      nativeType: column.nativeType,
      nullable: column.nullable,
      primaryKey,
      autoAssigned: column.autoIncrement,
      unique: primaryKey && table.primaryKey.length === 1 ? true : uniqueSingles.has(column.name),
    };
    if (typeInfo.length !== undefined) field.length = typeInfo.length;
    if (typeInfo.precision !== undefined) field.precision = typeInfo.precision;
    if (typeInfo.scale !== undefined) field.scale = typeInfo.scale;
    if (column.allowedValues) field.picklistValues = column.allowedValues;
    if (column.defaultValue !== null) field.defaultValue = column.defaultValue;
    if (column.name === modifiedAtField) field.role = 'modifiedAt';
    else if (column.name === createdAtField) field.role = 'createdAt';
    else if (softDelete && column.name === softDelete.field) field.role = 'softDelete';
    return field;
  });

  const object: ObjectDescription = {
    name: table.name,
    kind: objectKind(table.name, override.kind, profile, special),
    idField: idField ?? table.primaryKey.join(','),
    fields,
  };
  if (modifiedAtField) object.modifiedAtField = modifiedAtField;
  if (createdAtField) object.createdAtField = createdAtField;
  if (softDelete) object.softDelete = softDelete;
  if (!idField || !columnNames.has(idField)) {
    object.unsupported =
      table.primaryKey.length === 0
        ? 'no primary key: name a key column in the profile (objects.<table>.id)'
        : `composite primary key (${table.primaryKey.join(', ')}): name a unique column in the profile (objects.<table>.id)`;
  }
  return object;
}

function objectKind(
  name: string,
  explicit: 'object' | 'link' | 'extension' | undefined,
  profile: SqlProfile,
  special: { usersTable: string | undefined; activityTable: string | undefined },
): ObjectDescription['kind'] {
  if (explicit) return explicit;
  if (name === special.usersTable) return 'users';
  if (name === special.activityTable) return 'activity';
  if (profile.linkTables.includes(name)) return 'link';
  if (profile.extensionTables && name.endsWith(profile.extensionTables.suffix)) return 'extension';
  return 'object';
}

function pickSoftDelete(
  explicit: SqlProfile['softDelete'][number] | null | undefined,
  candidates: SqlProfile['softDelete'],
  columns: Set<string>,
): SoftDeleteRule | undefined {
  if (explicit === null) return undefined;
  const rule = explicit ?? candidates.find((candidate) => columns.has(candidate.column));
  if (!rule || !columns.has(rule.column)) return undefined;
  return 'kind' in rule
    ? { field: rule.column, kind: 'timestamp' }
    : { field: rule.column, kind: 'flag', deletedValue: rule.deleted, activeValue: rule.active };
}

function collectRelationships(tables: TableInfo[], profile: SqlProfile, byName: Map<string, ObjectDescription>): Relationship[] {
  const relationships: Relationship[] = [];
  const taken = new Set<string>();
  const add = (relationship: Relationship): void => {
    const key = `${relationship.from.object}.${relationship.from.field}`;
    if (taken.has(key)) return;
    const source = byName.get(relationship.from.object);
    if (!source?.fields.some((field) => field.name === relationship.from.field)) return;
    if (!relationship.polymorphic) {
      const target = byName.get(relationship.to.object);
      if (!target?.fields.some((field) => field.name === relationship.to.field)) return;
    }
    taken.add(key);
    relationships.push(relationship);
  };

  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      if (fk.columns.length !== 1 || fk.refColumns.length !== 1) continue;
      add({
        from: { object: table.name, field: fk.columns[0] as string },
        to: { object: fk.table, field: fk.refColumns[0] as string },
        source: 'constraint',
      });
    }
  }
  for (const declared of profile.relationships) {
    const [fromObject, fromField] = splitColumn(declared.from);
    if (declared.types) {
      const first = Object.values(declared.types).find((table) => byName.has(table));
      const idOf = (table: string): string => byName.get(table)?.idField ?? 'id';
      add({
        from: { object: fromObject, field: fromField },
        to: { object: first ?? '', field: first ? idOf(first) : 'id' },
        source: 'profile',
        polymorphic: declared.typeColumn ? { typeField: declared.typeColumn, objects: declared.types } : { objects: declared.types },
      });
    } else if (declared.to) {
      const [toObject, toField] = splitColumn(declared.to);
      add({ from: { object: fromObject, field: fromField }, to: { object: toObject, field: toField }, source: 'profile' });
    }
  }
  if (profile.extensionTables) {
    const { suffix, idColumn } = profile.extensionTables;
    for (const table of tables) {
      const parent = table.name.slice(0, -suffix.length);
      if (table.name.endsWith(suffix) && byName.has(parent)) {
        add({ from: { object: table.name, field: idColumn }, to: { object: parent, field: byName.get(parent)?.idField ?? 'id' }, source: 'profile' });
      }
    }
  }
  for (const table of tables) {
    for (const column of table.columns) {
      for (const convention of profile.conventions) {
        const target = conventionTarget(column.name, convention.column, convention.to);
        if (!target) continue;
        const [toObject, toField] = splitColumn(target);
        if (toObject === table.name && toField === column.name) continue;
        add({ from: { object: table.name, field: column.name }, to: { object: toObject, field: toField }, source: 'convention' });
      }
    }
  }
  return relationships;
}

function conventionTarget(column: string, pattern: string, to: string): string | undefined {
  if (!pattern.includes('*')) return column === pattern ? to : undefined;
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+)')}$`);
  const match = regex.exec(column);
  return match ? to.replace('*', match[1] as string) : undefined;
}

function splitColumn(reference: string): [string, string] {
  const dot = reference.indexOf('.');
  return [reference.slice(0, dot), reference.slice(dot + 1)];
}

/**
 * Objects in dependency order: an object comes after the objects it
 * references, except through self-references and cycles, which are broken
 * (their references are written in a second pass).
 */
export function dependencyOrder(objects: ObjectDescription[], relationships: Relationship[]): string[] {
  const names = objects.map((object) => object.name);
  const dependsOn = new Map(names.map((name) => [name, new Set<string>()]));
  for (const relationship of relationships) {
    const targets = relationship.polymorphic ? Object.values(relationship.polymorphic.objects) : [relationship.to.object];
    for (const target of targets) {
      if (target !== relationship.from.object && dependsOn.has(target)) dependsOn.get(relationship.from.object)?.add(target);
    }
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.get(name)) return;
    state.set(name, 'visiting');
    for (const dependency of [...(dependsOn.get(name) ?? [])].sort()) visit(dependency);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...names].sort()) visit(name);
  return order;
}
