/** Reads a MySQL/MariaDB database's tables, keys, configuration and grants from information_schema. */
import type { ConfigurationArtifact } from '../contract.js';
import type { ColumnInfo, Row, SqlExecutor, TableInfo, TablePrivileges } from '../sql/sql-driver.js';
import { checkInValues } from '../sql/sql-values.js';

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
const str = (value: unknown): string => (value === null || value === undefined ? '' : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/** Values of `enum('a','b')` or `set('a','b')`, unescaped. */
export function enumValues(columnType: string): string[] | undefined {
  const match = /^\s*(?:enum|set)\s*\((.*)\)\s*$/is.exec(columnType);
  if (!match) return undefined;
  return [...(match[1] as string).matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map((m) => (m[1] as string).replace(/''/g, "'").replace(/\\(.)/g, '$1'));
}

/**
 * Values of a CHECK clause that limits one column to a list. MariaDB writes
 * "`status` in ('a','b')"; MySQL "(`status` in (_utf8mb4'a',_utf8mb4'b'))".
 */
export function checkClauseValues(clause: string, column: string): string[] | undefined {
  let text = withoutIntroducers(clause.trim());
  while (/^\(.*\)$/s.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return checkInValues(`CHECK (${text})`, column);
}

/** Drops charset introducers (`_utf8mb4'a'` → `'a'`) outside string literals and writes `\'` as `''`. */
function withoutIntroducers(clause: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < clause.length; i += 1) {
    const ch = clause[i] as string;
    if (inString) {
      if (ch === '\\' && i + 1 < clause.length) {
        const next = clause[++i] as string;
        out += next === "'" ? "''" : next;
      } else if (ch === "'" && clause[i + 1] === "'") {
        out += "''";
        i += 1;
      } else {
        if (ch === "'") inString = false;
        out += ch;
      }
      continue;
    }
    const introducer = /^_[a-z0-9]+(?=')/i.exec(clause.slice(i));
    if (introducer && !/[\w`]/.test(clause[i - 1] ?? '')) {
      i += introducer[0].length - 1;
      continue;
    }
    if (ch === "'") inString = true;
    out += ch;
  }
  return out;
}

function balanced(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "'") inString = !inString;
    else if (!inString && ch === '(') depth += 1;
    else if (!inString && ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A column default as expression text, like SQLite's and MariaDB's catalogs
 * give it (`'active'`, `0`, `current_timestamp()`); `null` when there is none.
 * MySQL gives string literals unquoted and marks expressions DEFAULT_GENERATED.
 */
function defaultExpression(raw: unknown, extra: string, dataType: string, mariadb: boolean): string | null {
  if (raw === null || raw === undefined) return null;
  const text = str(raw);
  if (mariadb) return text === 'NULL' ? null : text;
  if (/DEFAULT_GENERATED/i.test(extra) || /^current_timestamp/i.test(text)) return text;
  if (/int|decimal|numeric|float|double|bit|year/i.test(dataType) && /^-?[\d.]+(e-?\d+)?$/i.test(text)) return text;
  return `'${text.replace(/'/g, "''")}'`;
}

interface CheckRow {
  table: string;
  clause: string;
}

/** CHECK clauses per table; empty on servers without CHECK_CONSTRAINTS (MySQL < 8.0.16). */
async function checkClauses(executor: SqlExecutor): Promise<CheckRow[]> {
  try {
    // MariaDB has TABLE_NAME here; column-level checks there share names across tables.
    const rows = await executor.query(
      `SELECT TABLE_NAME AS t, CHECK_CLAUSE AS c FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
    );
    return rows.map((row) => ({ table: str(row.t), clause: str(row.c) }));
  } catch {
    try {
      const rows = await executor.query(
        `SELECT tc.TABLE_NAME AS t, cc.CHECK_CLAUSE AS c FROM information_schema.CHECK_CONSTRAINTS cc
         JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
         WHERE cc.CONSTRAINT_SCHEMA = DATABASE()`,
      );
      return rows.map((row) => ({ table: str(row.t), clause: str(row.c) }));
    } catch {
      return [];
    }
  }
}

/** Rows grouped by a key, in their order. */
function group<T>(rows: Row[], key: (row: Row) => string, map: (row: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(map(row));
    else groups.set(key(row), [map(row)]);
  }
  return groups;
}

/** Base tables of the current database with columns, primary key, unique keys and foreign keys. */
export async function mysqlTables(executor: SqlExecutor, mariadb: boolean): Promise<TableInfo[]> {
  const tableRows = await executor.query(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME`,
  );
  const columnRows = await executor.query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, DATA_TYPE AS dataType, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const indexRows = await executor.query(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, SUB_PART AS part FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );
  const fkRows = await executor.query(
    `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS n, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS rt, k.REFERENCED_COLUMN_NAME AS rc
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA = DATABASE() ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
  );
  const checks = await checkClauses(executor);

  const columnsByTable = group(columnRows, (row) => str(row.t), (row) => row);
  const indexesByTable = group(indexRows, (row) => str(row.t), (row) => row);
  const fksByTable = group(fkRows, (row) => str(row.t), (row) => row);

  return tableRows.map((tableRow) => {
    const name = str(tableRow.t);
    const tableChecks = checks.filter((check) => check.table === name);
    const columns: ColumnInfo[] = (columnsByTable.get(name) ?? []).map((row) => {
      const column = str(row.c);
      const extra = str(row.extra);
      // MariaDB's JSON is LONGTEXT with a json_valid() CHECK; it was declared JSON, so report it as json.
      const isJson = tableChecks.some((check) => new RegExp(`^\\(?\\s*json_valid\\(\\s*${escapeRegex(quote(column))}\\s*\\)\\s*\\)?$`, 'i').test(check.clause.trim()));
      const info: ColumnInfo = {
        name: column,
        nativeType: isJson ? 'json' : str(row.type),
        nullable: str(row.nullable) === 'YES',
        defaultValue: defaultExpression(row.def, extra, str(row.dataType), mariadb),
        autoIncrement: /auto_increment/i.test(extra),
      };
      // A SET holds several of its members at once, so only an ENUM is a picklist.
      const allowed = (/^\s*enum/i.test(str(row.type)) ? enumValues(str(row.type)) : undefined) ?? tableChecks.map((check) => checkClauseValues(check.clause, column)).find((values) => values !== undefined);
      if (allowed) info.allowedValues = allowed;
      return info;
    });
    const keys = group(indexesByTable.get(name) ?? [], (row) => str(row.i), (row) => ({ column: row.c === null ? null : str(row.c), part: row.part }));
    const primaryKey = (keys.get('PRIMARY') ?? []).map((part) => part.column as string);
    const uniques = [...keys.entries()]
      .filter(([index]) => index !== 'PRIMARY')
      // A prefix or functional index does not make the column values unique.
      .filter(([, parts]) => parts.every((part) => part.column !== null && (part.part === null || part.part === undefined)))
      .map(([, parts]) => parts.map((part) => part.column as string));
    const fks = group(fksByTable.get(name) ?? [], (row) => str(row.n), (row) => ({ column: str(row.c), table: str(row.rt), refColumn: str(row.rc) }));
    const foreignKeys = [...fks.values()].map((parts) => ({ columns: parts.map((p) => p.column), table: parts[0]?.table ?? '', refColumns: parts.map((p) => p.refColumn) }));
    return { name, columns, primaryKey, uniques, foreignKeys };
  });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a SHOW CREATE statement and returns the named column; undefined when
 * the server hides it (a routine's body without the privilege to see it).
 * Errors propagate: a missing definition must not pass for an empty one.
 */
async function showCreate(executor: SqlExecutor, sql: string, column: string): Promise<string | undefined> {
  const rows = await executor.query(sql);
  const value = rows[0]?.[column];
  return value === null || value === undefined ? undefined : str(value);
}

/** DDL of tables (with their indexes), views, triggers, functions and procedures. */
export async function mysqlArtifacts(executor: SqlExecutor): Promise<ConfigurationArtifact[]> {
  const artifacts: ConfigurationArtifact[] = [];
  const objects = await executor.query(
    `SELECT TABLE_NAME AS n, TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') ORDER BY TABLE_TYPE = 'VIEW', TABLE_NAME`,
  );
  for (const row of objects) {
    const name = str(row.n);
    if (str(row.t) === 'VIEW') {
      const ddl = await showCreate(executor, `SHOW CREATE VIEW ${quote(name)}`, 'Create View');
      if (ddl) artifacts.push({ kind: 'view', name, language: 'sql', definition: `${ddl};` });
      continue;
    }
    const ddl = await showCreate(executor, `SHOW CREATE TABLE ${quote(name)}`, 'Create Table');
    // The AUTO_INCREMENT counter is data, not configuration: it changes with every insert.
    if (ddl) artifacts.push({ kind: 'table', name, object: name, language: 'sql', definition: `${ddl.replace(/\s+AUTO_INCREMENT=\d+/, '')};` });
  }
  const triggers = await executor.query(
    `SELECT TRIGGER_NAME AS n, EVENT_OBJECT_TABLE AS t, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event, ACTION_STATEMENT AS body
     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME`,
  );
  for (const row of triggers) {
    const name = str(row.n);
    const ddl =
      (await showCreate(executor, `SHOW CREATE TRIGGER ${quote(name)}`, 'SQL Original Statement')) ??
      `CREATE TRIGGER ${quote(name)} ${str(row.timing)} ${str(row.event)} ON ${quote(str(row.t))} FOR EACH ROW ${str(row.body)}`;
    artifacts.push({ kind: 'trigger', name, object: str(row.t), language: 'sql', definition: `${ddl};` });
  }
  const routines = await executor.query(
    `SELECT ROUTINE_NAME AS n, ROUTINE_TYPE AS t, ROUTINE_DEFINITION AS body FROM information_schema.ROUTINES
     WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE') ORDER BY ROUTINE_TYPE, ROUTINE_NAME`,
  );
  for (const row of routines) {
    const name = str(row.n);
    const kind = str(row.t) === 'FUNCTION' ? 'function' : 'procedure';
    const ddl = (await showCreate(executor, `SHOW CREATE ${str(row.t)} ${quote(name)}`, kind === 'function' ? 'Create Function' : 'Create Procedure')) ?? str(row.body);
    artifacts.push({ kind, name, language: 'sql', definition: `${ddl};` });
  }
  return artifacts;
}

/** A grant's database pattern (`crm`, `crm\_%`) as a test on a database name. */
function schemaPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern[++i] as string);
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegex(ch);
  }
  return new RegExp(`^${source}$`, 'i');
}

type Privilege = 'select' | 'insert' | 'update' | 'delete';
const PRIVILEGES: Privilege[] = ['select', 'insert', 'update', 'delete'];

/**
 * SELECT/INSERT/UPDATE/DELETE of the connected login per table, from its
 * global, database and table grants (ALL expands into each of them).
 */
export async function mysqlPrivileges(executor: SqlExecutor, tables: string[]): Promise<TablePrivileges[]> {
  const who = await executor.query('SELECT CURRENT_USER() AS u, DATABASE() AS d');
  const current = str(who[0]?.u);
  const database = str(who[0]?.d);
  const at = current.lastIndexOf('@');
  const grantee = `'${current.slice(0, at).replace(/'/g, "''")}'@'${current.slice(at + 1)}'`;
  const wanted = `'SELECT', 'INSERT', 'UPDATE', 'DELETE'`;
  const global = await executor.query(
    `SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? AND PRIVILEGE_TYPE IN (${wanted})`,
    [grantee],
  );
  const schema = await executor.query(
    `SELECT TABLE_SCHEMA AS s, PRIVILEGE_TYPE AS p FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND PRIVILEGE_TYPE IN (${wanted})`,
    [grantee],
  );
  const table = await executor.query(
    `SELECT TABLE_NAME AS t, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ? AND PRIVILEGE_TYPE IN (${wanted})`,
    [grantee, database],
  );
  const everywhere = new Set<string>(global.map((row) => str(row.p).toLowerCase()));
  for (const row of schema) if (schemaPattern(str(row.s)).test(database)) everywhere.add(str(row.p).toLowerCase());
  return tables.map((name) => {
    const own = new Set(table.filter((row) => str(row.t) === name).map((row) => str(row.p).toLowerCase()));
    const has = (privilege: Privilege): boolean => everywhere.has(privilege) || own.has(privilege);
    const result = { table: name } as TablePrivileges;
    for (const privilege of PRIVILEGES) result[privilege] = has(privilege);
    return result;
  });
}
