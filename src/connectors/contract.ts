/**
 * The connector contract: what cutover needs of any CRM system, whether it is
 * a SQL database reached directly or a SaaS API. Core code never asks which
 * connector it has; it asks {@link Capabilities}.
 */
import type { FieldType, Value } from '../core/values.js';

/** What a connector can and cannot do; code branches on these, never on the connector's kind. */
export interface Capabilities {
  /** Writes of one batch can be made atomic (SQL databases: yes; SaaS APIs: no). */
  supportsTransactions: boolean;
  /** The system assigns record ids on insert (autoincrement, UUIDs, Salesforce ids). */
  assignsIds: boolean;
  /** An insert may carry the record's id and the system keeps it (needed to restore ids exactly). */
  acceptsIds: boolean;
  /** Largest number of records one write call sends in one request or statement. */
  maxBatchSize: number;
  /** Request budget, when the system enforces one; absent for local databases. */
  rateLimit?: { requestsPerSecond?: number; requestsPerDay?: number };
  /** One record of a batch can fail while the others are written. */
  partialBatchFailures: boolean;
  /** Deletions the connector can make: `soft` sets the deleted flag, `hard` removes the row. */
  deletes: Array<'soft' | 'hard'>;
  /** `read` honours `since` (changes after a moment, by the modified-at field). */
  incrementalRead: boolean;
  /** Users can be frozen and unfrozen exactly. */
  canFreezeUsers: boolean;
  /** Logins or actions of users can be listed. */
  userActivity: boolean;
  /** Configuration (schema, code, automations) can be exported. */
  configurationExport: boolean;
  /** Objects can be created from definitions (restoring into an empty sandbox). */
  canCreateObjects: boolean;
}

/** One field of an object as the system describes it. */
export interface FieldDescription {
  name: string;
  type: FieldType;
  /** The system's own type, e.g. `varchar(255)` or `Picklist`. */
  nativeType: string;
  nullable: boolean;
  /** Maximum length of text, when the system limits it. */
  length?: number;
  precision?: number;
  scale?: number;
  /** Part of the primary key. */
  primaryKey: boolean;
  /** The system fills the value on insert (autoincrement, generated id, default timestamp). */
  autoAssigned: boolean;
  /** Values are unique, so the field can match records across systems (an external id). */
  unique: boolean;
  /** The record this field points to, if it is a reference. */
  references?: FieldReference;
  /** Allowed values of a picklist, when the system declares them. */
  picklistValues?: string[];
  /** The default, as the system's own expression text. */
  defaultValue?: string;
  /** What this field means to cutover: modified-at, created-at, soft-delete flag. */
  role?: 'modifiedAt' | 'createdAt' | 'softDelete';
}

/** Where a reference came from: a declared constraint, the connector's profile, the plan, or naming conventions. */
export type ReferenceSource = 'constraint' | 'profile' | 'plan' | 'convention';

/**
 * How a polymorphic reference picks its target object: by the value of a type
 * field in the same record (SuiteCRM's `parent_type`), or, without a type
 * field, by the referenced id's key prefix (Salesforce's `WhoId`/`WhatId`).
 */
export interface PolymorphicReference {
  /** The field naming the target type; absent when the id's prefix tells. */
  typeField?: string;
  /** Target object per type value, or per 3-character id prefix. */
  objects: Record<string, string>;
}

/** The target of a reference field. Polymorphic references can point at several objects. */
export interface FieldReference {
  object: string;
  field: string;
  source: ReferenceSource;
  polymorphic?: PolymorphicReference;
}

/** One object (table, sObject, HubSpot object type) of a system. */
export interface ObjectDescription {
  name: string;
  /** `object` for business data; `link` for many-to-many link tables; `extension` for custom-field tables joined one-to-one. */
  kind: 'object' | 'link' | 'extension' | 'users' | 'activity';
  /** The field that identifies a record. */
  idField: string;
  fields: FieldDescription[];
  modifiedAtField?: string;
  createdAtField?: string;
  softDelete?: SoftDeleteRule;
  /** Records, including soft-deleted ones; present when the description was asked with counts. */
  recordCount?: number;
  /** Why the object cannot be read or written, if it cannot (e.g. no single-column key). */
  unsupported?: string;
}

/** How a system marks a record deleted without removing it. */
export type SoftDeleteRule =
  | { field: string; kind: 'flag'; deletedValue: Value; activeValue: Value }
  | { field: string; kind: 'timestamp' };

/** A relationship between two objects, for dependency order and re-linking. */
export interface Relationship {
  from: { object: string; field: string };
  to: { object: string; field: string };
  source: ReferenceSource;
  /** The target object is chosen per record (`to` is then the first of them). */
  polymorphic?: PolymorphicReference;
}

/** Everything cutover knows about a system's shape. */
export interface SystemDescription {
  /** Connector kind, e.g. `sqlite`. */
  connector: string;
  /** Server or engine version, when known. */
  version?: string;
  objects: ObjectDescription[];
  relationships: Relationship[];
  /** The object holding users, when the profile finds one. */
  usersObject?: string;
  /** The object holding logins or actions, when the profile finds one. */
  activityObject?: string;
  /** Which fields of {@link activityObject} hold the user and the moment, when the profile says so. */
  activity?: ActivityDescription;
  capabilities: Capabilities;
}

/**
 * The fields of the activity object, so that its records can be read and
 * written as logins (`simulate` writes logins as records of this object).
 */
export interface ActivityDescription {
  /** The object holding logins or actions: the same as {@link SystemDescription.activityObject}. */
  object: string;
  /** The field holding the user's id. */
  user: string;
  /** The field holding the moment of the login or action. */
  at: string;
  /** When the object holds actions too: the field that tells them apart, and its values meaning a login (the first is the one to write). */
  login?: { field: string; values: string[] };
  /** A field describing the outcome or detail of a row (Salesforce's `Status`), when the profile names one. */
  detail?: string;
}

/** A record as read: canonical values keyed by field name. */
export interface CrmRecord {
  id: string;
  values: Record<string, Value>;
  /** Soft-deleted in the system (the record is still there). */
  deleted: boolean;
}

/** A page of records of one object, in key order. */
export interface RecordBatch {
  object: string;
  records: CrmRecord[];
  /** Opaque position after the last record: pass as `after` to continue. */
  cursor: string | null;
}

/** Options of {@link Connector.read}. */
export interface ReadOptions {
  /** Only records modified at or after this moment (by the modified-at field). Needs `incrementalRead`. */
  since?: Date;
  /** Continue after this cursor (from a previous batch). */
  after?: string | null;
  /** Records per batch; defaults to the connector's choice (a few thousand). */
  batchSize?: number;
  /** Include soft-deleted records, flagged. Default true. */
  includeDeleted?: boolean;
  /** Only these fields (plus the id); default all. */
  fields?: string[];
  signal?: AbortSignal;
}

/** A record to write. */
export interface WriteRecord {
  /** Required for update; optional for insert (the system assigns one when absent, if it can). */
  id?: string;
  values: Record<string, Value>;
}

/** What happened to one record of a write, in the order of the input. */
export type WriteResult =
  | { ok: true; id: string; created: boolean }
  | { ok: false; id?: string; error: RecordError };

/** Why one record was not written. */
export interface RecordError {
  /** A short stable code: `required`, `duplicate`, `reference`, `too_long`, `invalid_value`, `unknown_field`, `not_found`, `failed`. */
  code: string;
  message: string;
  field?: string;
}

/** Options of {@link Connector.write}. */
export interface WriteOptions {
  /** For upsert: the unique field that matches existing records; default the id field. */
  matchField?: string;
  signal?: AbortSignal;
}

/** A user of the CRM. */
export interface CrmUser {
  id: string;
  username: string | null;
  email: string | null;
  name: string | null;
  /** Can log in (not inactive, not frozen). */
  active: boolean;
  frozen: boolean;
  /** The system's own status value, e.g. `Active`. */
  status: string | null;
  isAdmin: boolean | null;
  role: string | null;
  lastLoginAt: string | null;
}

/** A user's state before a freeze, exactly as it was, so that unfreeze can put it back. */
export interface UserFreezeState {
  id: string;
  /** The fields the freeze changed, with their values before it. */
  prior: Record<string, Value>;
}

/** What happened to one user in a freeze or unfreeze. */
export type UserChangeResult =
  | { ok: true; id: string; state: UserFreezeState; changed: boolean }
  | { ok: false; id: string; error: RecordError };

/** A login or action of a user. */
export interface UserActivity {
  userId: string;
  /** ISO 8601 UTC. */
  at: string;
  kind: 'login' | 'action';
  detail: string | null;
}

/** A piece of configuration: DDL, a view, a trigger, a stored function, a workflow, an integration. */
export interface ConfigurationArtifact {
  kind: 'table' | 'view' | 'index' | 'trigger' | 'function' | 'procedure' | 'sequence' | 'workflow' | 'code' | 'integration' | 'setting';
  name: string;
  /** The object it belongs to, if any. */
  object?: string;
  /** Its language, e.g. `sql`, `plpgsql`, `apex`. */
  language?: string;
  /** Its full definition text. */
  definition: string;
}

/** One finding of {@link Connector.check}. */
export interface CheckProblem {
  severity: 'error' | 'warning';
  /** What the problem is about, so callers can weigh it by the system's role. */
  topic: 'connection' | 'permission' | 'schema' | 'users';
  message: string;
  hint?: string;
}

/** Result of {@link Connector.check}. */
export interface CheckReport {
  reachable: boolean;
  version?: string;
  /** Short facts shown on the check line: counts of objects, users table, activity table. */
  facts: string[];
  problems: CheckProblem[];
}

/** What a check should verify beyond reachability. */
export interface CheckOptions {
  /** The system will be written (target, sandbox, restore): check write permissions. */
  write: boolean;
  signal?: AbortSignal;
}

/** An object to create, in connector-independent terms (restoring into an empty sandbox, generating data). */
export interface ObjectDefinition {
  name: string;
  kind?: ObjectDescription['kind'];
  idField: string;
  fields: FieldDefinition[];
  /** Extra unique keys (each a list of fields). */
  uniques?: string[][];
  /** Secondary indexes (each a list of fields). */
  indexes?: string[][];
}

/** A field to create. References become foreign keys only when `constraint` is true. */
export interface FieldDefinition {
  name: string;
  type: FieldType;
  nullable?: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  /** The system assigns the value (autoincrement for integer ids). */
  autoAssigned?: boolean;
  unique?: boolean;
  /** Allowed values, enforced by the system where it can (a CHECK constraint in SQL). */
  picklistValues?: string[];
  references?: { object: string; field: string; constraint: boolean };
  /** A default as a canonical value. */
  defaultValue?: Value;
}

/**
 * A connection to one CRM system. Connectors are created by the registry and
 * must be closed. Every method that does I/O wraps failures in a
 * `CutoverError` with the object and operation in its message.
 */
export interface Connector {
  /** Connector kind, e.g. `sqlite`, `postgres`, `mysql`. */
  readonly kind: string;
  readonly capabilities: Capabilities;
  /** Connects and reports what is reachable, missing, and not permitted. Never throws for a finding. */
  check(options: CheckOptions): Promise<CheckReport>;
  /** Objects, fields, relationships; with `counts`, record counts too. */
  describe(options?: { counts?: boolean; signal?: AbortSignal }): Promise<SystemDescription>;
  /** Records of one object in batches, in key order, soft-deleted ones flagged. */
  read(object: string, options?: ReadOptions): AsyncIterable<RecordBatch>;
  /** The records with these ids that exist (soft-deleted ones flagged), in any order. */
  get(object: string, ids: string[], options?: { signal?: AbortSignal }): Promise<CrmRecord[]>;
  /**
   * Ids that new records of the object may be inserted with: none in use,
   * none handed out before by this connector, in the form the system takes
   * (its own id scheme, or the next integers of an autoincrement column).
   * Lets a migration record the id it will create in its ledger before the
   * write, so a crash between the two is found out. Needs `acceptsIds`.
   */
  newIds(object: string, count: number): Promise<string[]>;
  /** Number of records, including soft-deleted ones unless told otherwise. */
  count(object: string, options?: { includeDeleted?: boolean; since?: Date }): Promise<number>;
  /**
   * Writes records in batches of at most `maxBatchSize`, returning one result
   * per record in input order. A record that fails does not stop the others.
   */
  write(object: string, operation: 'insert' | 'update' | 'upsert', records: WriteRecord[], options?: WriteOptions): Promise<WriteResult[]>;
  /** Deletes records by id, softly (flag) or for good; one result per id. */
  delete(object: string, ids: string[], options: { mode: 'soft' | 'hard'; signal?: AbortSignal }): Promise<WriteResult[]>;
  /** All users with their status. */
  listUsers(): Promise<CrmUser[]>;
  /** Stops users from logging in, returning each one's prior state. Already frozen users are reported unchanged. */
  freezeUsers(ids: string[]): Promise<UserChangeResult[]>;
  /** Puts users back exactly as the states say. */
  unfreezeUsers(states: UserFreezeState[]): Promise<UserChangeResult[]>;
  /** Logins and actions at or after `since`, in time order. */
  userActivity(since: Date, options?: { signal?: AbortSignal }): AsyncIterable<UserActivity[]>;
  /** Schema, views, triggers, code, workflows: what a restore or a review needs. */
  exportConfiguration(options?: { signal?: AbortSignal }): Promise<ConfigurationArtifact[]>;
  /** Creates objects from definitions. Needs `canCreateObjects`. */
  createObjects(definitions: ObjectDefinition[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: checksums of key ranges computed by the system itself, so that
   * diff can prove two systems equal without fetching their records (the
   * data-diff method). Absent where the system cannot compute them.
   */
  readonly rangeChecksums?: RangeChecksums;
}

/**
 * A range of records by id, in the system's own key order: from `from`
 * (included) up to `to` (excluded); an absent bound is open.
 */
export interface KeyRange {
  from?: string;
  to?: string;
}

/**
 * In-system checksums of key ranges (see {@link Connector.rangeChecksums}).
 * Checksums and row hashes are comparable only between two systems that
 * report the same {@link checksumKind} for the object and fields: equal
 * records then give equal row hashes, and equal sets of records in a range
 * give equal checksums (in any order). Soft-deleted records are included.
 */
export interface RangeChecksums {
  /**
   * What the checksums of these fields depend on (the database, the key's
   * and fields' native types). Two systems with different kinds compare
   * record by record instead.
   */
  checksumKind(object: string, fields: string[]): Promise<string>;
  /** Number of records in the range. */
  rangeCount(object: string, range: KeyRange): Promise<number>;
  /** Number of records in the range and an order-independent checksum over their row hashes. */
  rangeChecksum(object: string, fields: string[], range: KeyRange): Promise<{ count: number; checksum: string }>;
  /**
   * Ids that cut the range into about `parts` ranges of equal size, in key
   * order, each inside the range. `count` is the range's record count when
   * the caller knows it; none when the range holds fewer than `minRecords`.
   */
  splitPoints(object: string, range: KeyRange, options: { parts: number; count?: number; minRecords?: number }): Promise<string[]>;
  /** Every record's id and row hash in the range, in batches, in key order. */
  rowHashes(object: string, fields: string[], range: KeyRange, options?: { signal?: AbortSignal }): AsyncIterable<Array<[id: string, hash: string]>>;
  /** The records with these ids (those that exist), soft-deleted ones flagged, in any order. */
  readIds(object: string, ids: string[]): Promise<CrmRecord[]>;
}
