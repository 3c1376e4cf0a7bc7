/**
 * One connector for every SQL CRM database: the database's differences live
 * in its {@link SqlDialect} and {@link SqlDriver}, the CRM's meaning in its
 * {@link SqlProfile}.
 */
import type {
  Capabilities,
  CheckOptions,
  CheckProblem,
  CheckReport,
  ConfigurationArtifact,
  Connector,
  CrmRecord,
  KeyRange,
  CrmUser,
  ObjectDefinition,
  ObjectDescription,
  RangeChecksums,
  ReadOptions,
  RecordBatch,
  SystemDescription,
  UserActivity,
  UserChangeResult,
  UserFreezeState,
  WriteOptions,
  WriteRecord,
  WriteResult,
} from '../contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { dependencyOrder, describeTables, type SqlModel } from './sql-describe.js';
import type { SqlDialect, SqlDriver } from './sql-driver.js';
import type { SqlProfile } from './sql-profile.js';
import { readIds, readObject, countRecords } from './sql-read.js';
import { IdAllocator } from './sql-ids.js';
import { checksumKind, rangeChecksum, rangeCount, rowHashes, splitPoints } from './sql-checksum.js';
import { deleteRecords, writeRecords } from './sql-write.js';
import { freezeUsers, listUsers, unfreezeUsers, userActivity } from './sql-users.js';

/** Settings of a {@link SqlConnector}. */
export interface SqlConnectorOptions {
  kind: string;
  driver: SqlDriver;
  dialect: SqlDialect;
  profile: SqlProfile;
  /** Where the connector points, without secrets, for messages (e.g. `postgres://crm@db:5432/crm`). */
  displayName: string;
  /** Records per read batch. Default 2000. */
  batchSize?: number;
}

/** A {@link Connector} over a SQL database. */
export class SqlConnector implements Connector {
  readonly kind: string;
  readonly capabilities: Capabilities;
  readonly displayName: string;
  readonly profile: SqlProfile;
  private readonly driver: SqlDriver;
  private readonly dialect: SqlDialect;
  private readonly batchSize: number;
  private model: SqlModel | undefined;
  private readonly ids = new IdAllocator();

  /** Key-range checksums computed in the database (sql-checksum.ts), for diff's fast path. */
  readonly rangeChecksums: RangeChecksums = {
    checksumKind: async (object, fields) => {
      const model = await this.loadModel();
      return checksumKind(this.context(model), this.objectOf(model, object), fields);
    },
    rangeCount: async (object, range) => {
      const model = await this.loadModel();
      return rangeCount(this.context(model), this.objectOf(model, object), range);
    },
    rangeChecksum: async (object, fields, range) => {
      const model = await this.loadModel();
      return rangeChecksum(this.context(model), this.objectOf(model, object), fields, range);
    },
    splitPoints: async (object, range, options) => {
      const model = await this.loadModel();
      return splitPoints(this.context(model), this.objectOf(model, object), range, options);
    },
    rowHashes: (object, fields, range, options) => this.rowHashes(object, fields, range, options),
    readIds: (object, ids) => this.get(object, ids),
  };

  constructor(options: SqlConnectorOptions) {
    this.kind = options.kind;
    this.driver = options.driver;
    this.dialect = options.dialect;
    this.profile = options.profile;
    this.displayName = options.displayName;
    this.batchSize = options.batchSize ?? 2000;
    this.capabilities = {
      supportsTransactions: true,
      assignsIds: true,
      acceptsIds: true,
      maxBatchSize: 1000,
      partialBatchFailures: true,
      deletes: ['soft', 'hard'],
      incrementalRead: true,
      canFreezeUsers: options.profile.users?.freeze !== undefined,
      userActivity: options.profile.activity !== undefined,
      configurationExport: true,
      canCreateObjects: true,
    };
  }

  /** Runs raw SQL (generators use it for views, triggers and functions). */
  async execute(sql: string, params: unknown[] = []): Promise<void> {
    try {
      await this.driver.run(sql, params);
    } catch (error) {
      throw this.dialect.wrapError(error, `running SQL on ${this.displayName}`);
    } finally {
      this.model = undefined;
    }
  }

  /** The dialect name (`sqlite`, `postgres`, `mysql`). */
  get dialectName(): SqlDialect['name'] {
    return this.dialect.name;
  }

  async check(options: CheckOptions): Promise<CheckReport> {
    let version: string;
    try {
      version = await this.dialect.version(this.driver);
    } catch (error) {
      const wrapped = this.dialect.wrapError(error, `connecting to ${this.displayName}`);
      return { reachable: false, facts: [], problems: [{ severity: 'error', topic: 'connection', message: wrapped.message, hint: wrapped.hints[0] }] };
    }
    const problems: CheckProblem[] = [];
    const facts: string[] = [];
    let model: SqlModel;
    try {
      model = await this.loadModel(true);
    } catch (error) {
      const wrapped = error instanceof CutoverError ? error : this.dialect.wrapError(error, `reading the schema of ${this.displayName}`);
      return { reachable: true, version, facts, problems: [{ severity: 'error', topic: 'schema', message: wrapped.message, hint: wrapped.hints[0] }] };
    }
    const business = model.objects.filter((object) => object.kind === 'object');
    facts.push(`${model.objects.length} objects (${business.length} business)`);
    if (model.objects.length === 0) {
      problems.push({
        severity: options.write ? 'warning' : 'error',
        topic: 'schema',
        message: 'the database has no tables',
        hint: options.write ? 'restore a backup or create the schema before migrating' : 'check the URL names the CRM database, or fill a test one with `cutover generate`',
      });
    }
    this.checkUsers(model, facts, problems);
    for (const object of model.objects) {
      if (object.unsupported) problems.push({ severity: 'warning', topic: 'schema', message: `${object.name}: ${object.unsupported}` });
    }
    try {
      const privileges = await this.dialect.privileges(this.driver, model.objects.map((object) => object.name));
      for (const privilege of privileges) {
        const missing = (['select', ...(options.write ? (['insert', 'update', 'delete'] as const) : [])] as const).filter(
          (name) => !privilege[name],
        );
        if (missing.length > 0) {
          problems.push({
            severity: 'error',
            topic: 'permission',
            message: `${privilege.table}: no ${missing.join('/').toUpperCase()} permission`,
            hint: `grant ${missing.join(', ').toUpperCase()} on ${privilege.table} to the login cutover uses`,
          });
        }
      }
    } catch (error) {
      problems.push({ severity: 'warning', topic: 'permission', message: `could not read permissions: ${(error as Error).message}` });
    }
    return { reachable: true, version, facts, problems };
  }

  private checkUsers(model: SqlModel, facts: string[], problems: CheckProblem[]): void {
    const users = this.profile.users;
    if (!users) return;
    if (!model.usersTable) {
      problems.push({
        severity: 'warning',
        topic: 'users',
        message: `no users table (looked for ${users.table.join(', ')})`,
        hint: 'name it in the plan: systems.<name>.profile.users.table',
      });
      return;
    }
    facts.push(`users: ${model.usersTable}`);
    const table = model.byName.get(model.usersTable);
    const columns = new Set(table?.fields.map((field) => field.name));
    const expected = [users.id, users.status?.column, ...Object.keys(users.freeze?.set ?? {})].filter((c): c is string => !!c);
    const absent = expected.filter((column) => !columns.has(column));
    if (absent.length > 0) {
      problems.push({
        severity: 'warning',
        topic: 'users',
        message: `${model.usersTable}: missing column(s) ${absent.join(', ')}; freezing users will not work`,
        hint: 'set systems.<name>.profile.users in the plan to the columns this CRM uses',
      });
    }
    if (this.profile.activity) {
      if (model.activityTable) facts.push(`activity: ${model.activityTable}`);
      else {
        problems.push({
          severity: 'warning',
          topic: 'users',
          message: `no login/activity table (looked for ${this.profile.activity.table.join(', ')}); adoption cannot be measured`,
          hint: 'name it in the plan: systems.<name>.profile.activity.table',
        });
      }
    }
  }

  async describe(options: { counts?: boolean; signal?: AbortSignal } = {}): Promise<SystemDescription> {
    const model = await this.loadModel(true);
    const order = dependencyOrder(model.objects, model.relationships);
    const objects = order.map((name) => ({ ...(model.byName.get(name) as ObjectDescription) }));
    if (options.counts) {
      for (const object of objects) {
        throwIfAborted(options.signal, 'describe');
        if (!object.unsupported) object.recordCount = await this.count(object.name);
      }
    }
    const description: SystemDescription = {
      connector: this.kind,
      version: await this.dialect.version(this.driver).catch(() => 'unknown'),
      objects,
      relationships: model.relationships,
      capabilities: this.capabilities,
    };
    if (model.usersTable) description.usersObject = model.usersTable;
    if (model.activityTable) description.activityObject = model.activityTable;
    if (model.activity) description.activity = model.activity;
    return description;
  }

  async *read(object: string, options: ReadOptions = {}): AsyncIterable<RecordBatch> {
    const model = await this.loadModel();
    yield* readObject(this.context(model), this.objectOf(model, object), { batchSize: this.batchSize, ...options });
  }

  private async *rowHashes(object: string, fields: string[], range: KeyRange, options: { signal?: AbortSignal } = {}): AsyncIterable<Array<[string, string]>> {
    const model = await this.loadModel();
    yield* rowHashes(this.context(model), this.objectOf(model, object), fields, range, options);
  }

  async get(object: string, ids: string[], options: { signal?: AbortSignal } = {}): Promise<CrmRecord[]> {
    const model = await this.loadModel();
    return readIds(this.context(model), this.objectOf(model, object), ids, options.signal);
  }

  async newIds(object: string, count: number): Promise<string[]> {
    const model = await this.loadModel();
    return this.ids.allocate(this.context(model), this.objectOf(model, object), count);
  }

  async count(object: string, options: { includeDeleted?: boolean; since?: Date } = {}): Promise<number> {
    const model = await this.loadModel();
    return countRecords(this.context(model), this.objectOf(model, object), options);
  }

  async write(object: string, operation: 'insert' | 'update' | 'upsert', records: WriteRecord[], options: WriteOptions = {}): Promise<WriteResult[]> {
    const model = await this.loadModel();
    return writeRecords(this.context(model), this.objectOf(model, object), operation, records, options);
  }

  async delete(object: string, ids: string[], options: { mode: 'soft' | 'hard'; signal?: AbortSignal }): Promise<WriteResult[]> {
    const model = await this.loadModel();
    return deleteRecords(this.context(model), this.objectOf(model, object), ids, options);
  }

  async listUsers(): Promise<CrmUser[]> {
    const model = await this.loadModel();
    return listUsers(this.context(model), this.usersObject(model));
  }

  async freezeUsers(ids: string[]): Promise<UserChangeResult[]> {
    const model = await this.loadModel();
    return freezeUsers(this.context(model), this.usersObject(model), ids);
  }

  async unfreezeUsers(states: UserFreezeState[]): Promise<UserChangeResult[]> {
    const model = await this.loadModel();
    return unfreezeUsers(this.context(model), this.usersObject(model), states);
  }

  async *userActivity(since: Date, options: { signal?: AbortSignal } = {}): AsyncIterable<UserActivity[]> {
    const model = await this.loadModel();
    const table = model.activityTable ? model.byName.get(model.activityTable) : undefined;
    if (!table || !this.profile.activity) {
      throw new CutoverError('schema.object_missing', `${this.displayName} has no login/activity table the profile knows.`, {
        hints: ['name it in the plan: systems.<name>.profile.activity.table'],
      });
    }
    yield* userActivity(this.context(model), table, this.profile.activity, since, { batchSize: this.batchSize, ...options });
  }

  async exportConfiguration(options: { signal?: AbortSignal } = {}): Promise<ConfigurationArtifact[]> {
    throwIfAborted(options.signal, 'configuration export');
    try {
      const model = await this.loadModel();
      const wanted = new Set(model.objects.map((object) => object.name));
      return (await this.dialect.artifacts(this.driver)).filter(
        (artifact) => artifact.kind !== 'table' || wanted.has(artifact.name),
      );
    } catch (error) {
      throw error instanceof CutoverError ? error : this.dialect.wrapError(error, `exporting the configuration of ${this.displayName}`);
    }
  }

  async createObjects(definitions: ObjectDefinition[]): Promise<void> {
    const model = await this.loadModel(true);
    const existing = definitions.filter((definition) => model.byName.has(definition.name)).map((d) => d.name);
    if (existing.length > 0) {
      throw new CutoverError('schema.exists', `${this.displayName} already has table(s) ${existing.join(', ')}.`, {
        hints: ['use an empty database, or drop those tables first'],
      });
    }
    try {
      await this.driver.transaction(async (tx) => {
        for (const definition of definitions) {
          for (const statement of this.dialect.createTable(definition)) await tx.run(statement);
        }
        for (const definition of definitions) {
          for (const statement of this.dialect.foreignKeys?.(definition) ?? []) await tx.run(statement);
        }
      });
    } catch (error) {
      throw this.dialect.wrapError(error, `creating tables in ${this.displayName}`);
    } finally {
      this.model = undefined;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async loadModel(fresh = false): Promise<SqlModel> {
    if (this.model && !fresh) return this.model;
    try {
      const tables = await this.dialect.tables(this.driver);
      this.model = describeTables(tables, this.profile, this.dialect);
      return this.model;
    } catch (error) {
      throw error instanceof CutoverError ? error : this.dialect.wrapError(error, `reading the schema of ${this.displayName}`);
    }
  }

  private objectOf(model: SqlModel, name: string): ObjectDescription {
    const object = model.byName.get(name);
    if (!object) {
      const known = model.objects.map((o) => o.name);
      const close = known.filter((candidate) => candidate.toLowerCase() === name.toLowerCase());
      throw new CutoverError('schema.object_missing', `${this.displayName} has no object "${name}".`, {
        hints: [close.length > 0 ? `did you mean ${close.join(', ')}?` : `run \`cutover describe\` to list its objects (${known.length} found)`],
      });
    }
    if (object.unsupported) {
      throw new CutoverError('schema.unsupported', `${name} in ${this.displayName} cannot be used: ${object.unsupported}.`);
    }
    return object;
  }

  private usersObject(model: SqlModel): ObjectDescription {
    if (!model.usersTable || !this.profile.users) {
      throw new CutoverError('schema.object_missing', `${this.displayName} has no users table the profile knows.`, {
        hints: ['name it in the plan: systems.<name>.profile.users.table'],
      });
    }
    return this.objectOf(model, model.usersTable);
  }

  private context(model: SqlModel): SqlContext {
    return { driver: this.driver, dialect: this.dialect, profile: this.profile, model, displayName: this.displayName };
  }
}

/** What the read, write and user functions share. */
export interface SqlContext {
  driver: SqlDriver;
  dialect: SqlDialect;
  profile: SqlProfile;
  model: SqlModel;
  displayName: string;
}
