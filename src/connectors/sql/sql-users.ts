/** Users, freezing and unfreezing them exactly, and their logins, through the profile's users and activity tables. */
import type { CrmUser, ObjectDescription, UserActivity, UserChangeResult, UserFreezeState } from '../contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { canonicalDatetime, type Value } from '../../core/values.js';
import type { SqlContext } from './sql-connector.js';
import type { SqlProfile } from './sql-profile.js';
import { bindId, fieldOf, looseEqual, readObject } from './sql-read.js';

type UsersProfile = NonNullable<SqlProfile['users']>;

function usersProfile(context: SqlContext): UsersProfile {
  const users = context.profile.users;
  if (!users) throw new CutoverError('schema.object_missing', `the profile of ${context.displayName} names no users table.`);
  return users;
}

function text(value: Value | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function isFrozen(users: UsersProfile, values: Record<string, Value>): boolean {
  const set = users.freeze?.set;
  if (!set || Object.keys(set).length === 0) return false;
  return Object.entries(set).every(([column, value]) => looseEqual(values[column] ?? null, value));
}

/** Lists every user with status, admin flag and role. */
export async function listUsers(context: SqlContext, object: ObjectDescription): Promise<CrmUser[]> {
  const users = usersProfile(context);
  const has = (column: string | undefined): column is string => !!column && object.fields.some((field) => field.name === column);
  const users_: CrmUser[] = [];
  for await (const batch of readObject(context, object, { batchSize: 2000 })) {
    for (const record of batch.records) {
      const values = record.values;
      const status = users.status && has(users.status.column) ? values[users.status.column] : undefined;
      const statusActive = users.status && has(users.status.column) ? users.status.active.some((value) => looseEqual(status ?? null, value)) : true;
      const frozen = isFrozen(users, values);
      const nameColumns = Array.isArray(users.name) ? users.name : users.name ? [users.name] : [];
      const name = nameColumns
        .filter(has)
        .map((column) => text(values[column]))
        .filter((part): part is string => !!part)
        .join(' ');
      users_.push({
        id: record.id,
        username: has(users.username) ? text(values[users.username]) : null,
        email: has(users.email) ? text(values[users.email]) : null,
        name: name || null,
        active: statusActive && !frozen && !record.deleted,
        frozen,
        status: text(status),
        isAdmin: users.admin && has(users.admin.column) ? looseEqual(values[users.admin.column] ?? null, users.admin.value) : null,
        role: has(users.role) ? text(values[users.role]) : null,
        lastLoginAt: has(users.lastLogin) ? text(values[users.lastLogin]) : null,
      });
    }
  }
  return users_;
}

function freezeColumns(context: SqlContext, object: ObjectDescription): Record<string, Value> {
  const set = usersProfile(context).freeze?.set;
  if (!set || Object.keys(set).length === 0) {
    throw new CutoverError('schema.unsupported', `the profile of ${context.displayName} does not say how to freeze a user.`, {
      hints: ['set systems.<name>.profile.users.freeze.set in the plan, e.g. { status: locked }'],
    });
  }
  for (const column of Object.keys(set)) fieldOf(object, column);
  return set;
}

/** Freezes users, returning each one's prior values of the columns the freeze sets. */
export async function freezeUsers(context: SqlContext, object: ObjectDescription, ids: string[]): Promise<UserChangeResult[]> {
  const set = freezeColumns(context, object);
  return changeUsers(context, object, ids.map((id) => ({ id, target: set })));
}

/** Puts users back exactly as recorded before the freeze. */
export async function unfreezeUsers(context: SqlContext, object: ObjectDescription, states: UserFreezeState[]): Promise<UserChangeResult[]> {
  freezeColumns(context, object);
  return changeUsers(context, object, states.map((state) => ({ id: state.id, target: state.prior })));
}

async function changeUsers(
  context: SqlContext,
  object: ObjectDescription,
  changes: Array<{ id: string; target: Record<string, Value> }>,
): Promise<UserChangeResult[]> {
  const { dialect, driver } = context;
  const table = dialect.quoteIdentifier(object.name);
  const key = dialect.quoteIdentifier(object.idField);
  try {
    return await driver.transaction(async (tx) => {
      const results: UserChangeResult[] = [];
      for (const change of changes) {
        const columns = Object.keys(change.target);
        const fields = columns.map((column) => fieldOf(object, column));
        const rows = await tx.query(
          `SELECT ${fields.map((field) => dialect.quoteIdentifier(field.name)).join(', ')} FROM ${table} WHERE ${key} = ${dialect.placeholder(1)}`,
          [bindId(context, object, change.id)],
        );
        const row = rows[0];
        if (!row) {
          results.push({ ok: false, id: change.id, error: { code: 'not_found', message: `user ${change.id} does not exist` } });
          continue;
        }
        const prior: Record<string, Value> = {};
        for (const field of fields) prior[field.name] = dialect.decode(row[field.name], field);
        const changed = fields.some((field) => !looseEqual(prior[field.name] ?? null, change.target[field.name] ?? null));
        if (changed) {
          const set = fields.map((field, i) => `${dialect.quoteIdentifier(field.name)} = ${dialect.placeholder(i + 1)}`).join(', ');
          await tx.run(`UPDATE ${table} SET ${set} WHERE ${key} = ${dialect.placeholder(fields.length + 1)}`, [
            ...fields.map((field) => dialect.encode(change.target[field.name] ?? null, field)),
            bindId(context, object, change.id),
          ]);
        }
        results.push({ ok: true, id: change.id, state: { id: change.id, prior }, changed });
      }
      return results;
    });
  } catch (error) {
    throw error instanceof CutoverError ? error : dialect.wrapError(error, `changing users in ${context.displayName}`);
  }
}

/** Logins and actions at or after `since`, in time order, in batches. */
export async function* userActivity(
  context: SqlContext,
  object: ObjectDescription,
  activity: NonNullable<SqlProfile['activity']>,
  since: Date,
  options: { batchSize: number; signal?: AbortSignal },
): AsyncGenerator<UserActivity[]> {
  const { dialect, driver } = context;
  const atField = fieldOf(object, activity.at);
  const userField = fieldOf(object, activity.user);
  const kindField = typeof activity.kind === 'object' ? fieldOf(object, activity.kind.column) : undefined;
  const detailField = activity.detail ? fieldOf(object, activity.detail) : undefined;
  const idField = fieldOf(object, object.idField);
  const columns = [idField, atField, userField, kindField, detailField].filter((f): f is NonNullable<typeof f> => !!f);
  const select = columns.map((field) => dialect.quoteIdentifier(field.name)).join(', ');
  const at = dialect.quoteIdentifier(atField.name);
  const key = dialect.quoteIdentifier(idField.name);
  // Keyset on (at, id): stable under ties and never OFFSET.
  let last: { at: unknown; id: unknown } | undefined;
  for (;;) {
    throwIfAborted(options.signal, 'reading user activity');
    const params: unknown[] = [dialect.encode(canonicalDatetime(since), atField)];
    let where = `${at} >= ${dialect.placeholder(1)}`;
    if (last) {
      params.push(last.at, last.at, last.id);
      where += ` AND (${at} > ${dialect.placeholder(2)} OR (${at} = ${dialect.placeholder(3)} AND ${key} > ${dialect.placeholder(4)}))`;
    }
    let rows;
    try {
      rows = await driver.query(
        `SELECT ${select} FROM ${dialect.quoteIdentifier(object.name)} WHERE ${where} ORDER BY ${at}, ${key} LIMIT ${options.batchSize}`,
        params,
      );
    } catch (error) {
      throw dialect.wrapError(error, `reading ${object.name} in ${context.displayName}`);
    }
    if (rows.length === 0) return;
    yield rows.map((row) => {
      const kindValue = kindField ? text(dialect.decode(row[kindField.name], kindField)) : null;
      const kind = typeof activity.kind === 'object' ? (kindValue !== null && activity.kind.login.includes(kindValue) ? 'login' : 'action') : activity.kind;
      const detail = detailField ? text(dialect.decode(row[detailField.name], detailField)) : typeof activity.kind === 'object' ? kindValue : null;
      return {
        userId: String(dialect.decode(row[userField.name], userField)),
        at: String(dialect.decode(row[atField.name], atField)),
        kind,
        detail,
      };
    });
    const tail = rows[rows.length - 1] as Record<string, unknown>;
    last = { at: tail[atField.name], id: tail[idField.name] };
    if (rows.length < options.batchSize) return;
  }
}
