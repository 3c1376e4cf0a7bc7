/** Reads a PostgreSQL schema's tables, keys, foreign keys, configuration and privileges from the catalog. */
import type { ConfigurationArtifact } from '../contract.js';
import type { ColumnInfo, ForeignKeyInfo, SqlExecutor, TableInfo, TablePrivileges } from '../sql/sql-driver.js';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Base tables (plain and partitioned, not partitions) of the schema, as a catalog filter on `c` and `n`. */
const BASE_TABLES = `n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;

interface ColumnRow {
  table_name: string;
  name: string;
  native_type: string;
  not_null: boolean;
  default_value: string | null;
  identity: string;
  generated: string;
  enum_labels: string[] | null;
}

interface ConstraintRow {
  table_name: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'c';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  definition: string;
}

const COLUMNS_SQL = `
SELECT c.relname AS table_name, a.attname AS name,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END AS native_type,
  a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_value,
  a.attidentity::text AS identity, a.attgenerated::text AS generated,
  CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS enum_labels
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE ${BASE_TABLES} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`;

/** Columns of a key, in key order, as a subquery over `keys` (attnums) of relation `rel`. */
const keyColumns = (keys: string, rel: string): string =>
  `ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

const CONSTRAINTS_SQL = `
SELECT c.relname AS table_name, con.conname AS name, con.contype::text AS type,
  ${keyColumns('con.conkey', 'con.conrelid')} AS columns,
  rn.nspname AS ref_schema, rc.relname AS ref_table,
  CASE WHEN con.contype = 'f' THEN ${keyColumns('con.confkey', 'con.confrelid')} END AS ref_columns,
  pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE ${BASE_TABLES} AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY c.relname, con.contype, con.conname`;

/** Unique indexes that are not constraints (CREATE UNIQUE INDEX), on plain columns, without a WHERE. */
const UNIQUE_INDEXES_SQL = `
SELECT c.relname AS table_name,
  ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
        WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${BASE_TABLES} AND i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND 0 <> ALL (i.indkey::int2[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
ORDER BY c.relname`;

const LITERAL = String.raw`E?'((?:[^']|'')*)'(?:::[\w ."]+)?`;
const LITERAL_LIST = new RegExp(String.raw`^\s*${LITERAL}(?:\s*,\s*${LITERAL})*\s*$`);

/** Removes parentheses that wrap the whole expression. */
function unwrap(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let wrapsAll = true;
    for (let i = 0; i < text.length - 1; i += 1) {
      if (text[i] === "'") i = text.indexOf("'", i + 1) < 0 ? text.length : text.indexOf("'", i + 1);
      else if (text[i] === '(') depth += 1;
      else if (text[i] === ')') depth -= 1;
      if (depth === 0 && i < text.length - 1) {
        wrapsAll = false;
        break;
      }
    }
    if (!wrapsAll) break;
    text = text.slice(1, -1).trim();
  }
  return text;
}

/**
 * The values of a CHECK constraint that only lists a column's allowed values,
 * as `pg_get_constraintdef` prints it (`CHECK (((status)::text = ANY
 * ((ARRAY['a'::character varying, …])::text[])))`) or as written
 * (`CHECK (status IN ('a', 'b'))`). Anything more complex gives `undefined`.
 */
export function checkAllowedValues(definition: string, column: string): string[] | undefined {
  const match = /^CHECK\s*(.*?)(?:\s+NOT VALID)?$/is.exec(definition.trim());
  if (!match) return undefined;
  const expression = unwrap(match[1] as string);
  const name = `(?:${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|${quote(column).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`;
  const columnPart = String.raw`\(?${name}\)?(?:::[\w ."]+)?`;
  const anyForm = new RegExp(String.raw`^${columnPart}\s*=\s*ANY\s*\(\s*\(?\s*ARRAY\[(.*?)\]\s*(?:\)\s*::[\w ."]+\[\])?\s*\)$`, 's');
  const inForm = new RegExp(String.raw`^${columnPart}\s+IN\s*\((.*)\)$`, 'is');
  const list = (anyForm.exec(expression) ?? inForm.exec(expression))?.[1];
  if (list === undefined || !LITERAL_LIST.test(list)) return undefined;
  return [...list.matchAll(new RegExp(LITERAL, 'g'))].map((m) => (m[1] as string).replace(/''/g, "'"));
}

/** Base tables of the schema with columns, primary key, unique keys and foreign keys. */
export async function postgresTables(executor: SqlExecutor, schema: string): Promise<TableInfo[]> {
  const columns = (await executor.query(COLUMNS_SQL, [schema])) as unknown as ColumnRow[];
  const constraints = (await executor.query(CONSTRAINTS_SQL, [schema])) as unknown as ConstraintRow[];
  const uniqueIndexes = (await executor.query(UNIQUE_INDEXES_SQL, [schema])) as unknown as Array<{ table_name: string; columns: string[] }>;
  const tables = new Map<string, TableInfo>();
  const tableOf = (name: string): TableInfo => {
    let table = tables.get(name);
    if (!table) tables.set(name, (table = { name, columns: [], primaryKey: [], uniques: [], foreignKeys: [] }));
    return table;
  };
  for (const row of columns) {
    const info: ColumnInfo = {
      name: row.name,
      nativeType: row.native_type,
      nullable: !row.not_null,
      defaultValue: row.generated === 's' ? null : row.default_value,
      autoIncrement: row.identity === 'a' || row.identity === 'd' || /^nextval\(/i.test(row.default_value ?? ''),
    };
    if (row.enum_labels) info.allowedValues = row.enum_labels;
    tableOf(row.table_name).columns.push(info);
  }
  for (const row of constraints) {
    const table = tableOf(row.table_name);
    if (row.type === 'p') table.primaryKey = row.columns;
    else if (row.type === 'u') table.uniques.push(row.columns);
    else if (row.type === 'f' && row.ref_table) {
      const foreignKey: ForeignKeyInfo = {
        columns: row.columns,
        table: row.ref_schema === schema ? row.ref_table : `${row.ref_schema}.${row.ref_table}`,
        refColumns: row.ref_columns ?? [],
      };
      table.foreignKeys.push(foreignKey);
    } else if (row.type === 'c' && row.columns.length === 1) {
      const column = table.columns.find((candidate) => candidate.name === row.columns[0]);
      const allowed = column && !column.allowedValues ? checkAllowedValues(row.definition, column.name) : undefined;
      if (column && allowed) column.allowedValues = allowed;
    }
  }
  for (const row of uniqueIndexes) tableOf(row.table_name).uniques.push(row.columns);
  return [...tables.values()];
}

/** What the connected login may do on each table. */
export async function postgresPrivileges(executor: SqlExecutor, schema: string, tables: string[]): Promise<TablePrivileges[]> {
  const rows = await executor.query(
    `SELECT c.relname AS table_name,
       has_table_privilege(c.oid, 'SELECT') AS s, has_table_privilege(c.oid, 'INSERT') AS i,
       has_table_privilege(c.oid, 'UPDATE') AS u, has_table_privilege(c.oid, 'DELETE') AS d
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = ANY ($2::text[]) ORDER BY c.relname`,
    [schema, tables],
  );
  return rows.map((row) => ({
    table: String(row.table_name),
    select: row.s === true,
    insert: row.i === true,
    update: row.u === true,
    delete: row.d === true,
  }));
}

/** `CREATE TABLE` text rebuilt from the catalog: columns with types, defaults and identity, then constraints. */
function tableDdl(table: string, columns: ColumnRow[], constraints: ConstraintRow[]): string {
  const lines = columns.map((column) => {
    const parts = [quote(column.name), column.native_type];
    if (column.identity === 'a' || column.identity === 'd') parts.push(`GENERATED ${column.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
    else if (column.generated === 's' && column.default_value) parts.push(`GENERATED ALWAYS AS (${column.default_value}) STORED`);
    else if (column.default_value !== null) parts.push(`DEFAULT ${column.default_value}`);
    if (column.not_null) parts.push('NOT NULL');
    return `  ${parts.join(' ')}`;
  });
  for (const constraint of constraints) lines.push(`  CONSTRAINT ${quote(constraint.name)} ${constraint.definition}`);
  return `CREATE TABLE ${quote(table)} (\n${lines.join(',\n')}\n);`;
}

/**
 * DDL of the schema's sequences, tables, indexes, functions and procedures,
 * views and triggers, in an order that can be replayed.
 */
export async function postgresArtifacts(executor: SqlExecutor, schema: string): Promise<ConfigurationArtifact[]> {
  const artifacts: ConfigurationArtifact[] = [];
  const sequences = await executor.query(
    `SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max,
       s.seqstart AS start, s.seqcache AS cache, s.seqcycle AS cycle, owner.relname AS owner,
       CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN pg_sequence_last_value(c.oid) END AS last_value
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
     LEFT JOIN pg_class owner ON owner.oid = d.refobjid
     WHERE n.nspname = $1 AND (d.deptype IS NULL OR d.deptype <> 'i') ORDER BY c.relname`,
    [schema],
  );
  for (const row of sequences) {
    const name = String(row.name);
    const lines = [
      `CREATE SEQUENCE ${quote(name)} AS ${String(row.type)} INCREMENT BY ${String(row.increment)} MINVALUE ${String(row.min)} MAXVALUE ${String(row.max)} START WITH ${String(row.start)} CACHE ${String(row.cache)}${row.cycle ? ' CYCLE' : ''};`,
    ];
    if (row.last_value !== null && row.last_value !== undefined) lines.push(`SELECT setval('${quote(name).replace(/'/g, "''")}', ${String(row.last_value)});`);
    artifacts.push({ kind: 'sequence', name, ...(row.owner ? { object: String(row.owner) } : {}), language: 'sql', definition: lines.join('\n') });
  }

  const columns = (await executor.query(COLUMNS_SQL, [schema])) as unknown as ColumnRow[];
  const constraints = (await executor.query(CONSTRAINTS_SQL, [schema])) as unknown as ConstraintRow[];
  const order = { p: 0, u: 1, c: 2, f: 3 };
  for (const table of [...new Set(columns.map((column) => column.table_name))]) {
    const own = constraints.filter((c) => c.table_name === table).sort((a, b) => order[a.type] - order[b.type]);
    artifacts.push({ kind: 'table', name: table, object: table, language: 'sql', definition: tableDdl(table, columns.filter((c) => c.table_name === table), own) });
  }

  const indexes = await executor.query(
    `SELECT ic.relname AS name, c.relname AS table_name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${BASE_TABLES} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
     ORDER BY c.relname, ic.relname`,
    [schema],
  );
  for (const row of indexes) {
    artifacts.push({ kind: 'index', name: String(row.name), object: String(row.table_name), language: 'sql', definition: `${String(row.definition)};` });
  }

  const routines = await executor.query(
    `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, p.prokind::text AS kind, l.lanname AS language,
       pg_get_functiondef(p.oid) AS definition
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
     WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
     ORDER BY p.proname, 2`,
    [schema],
  );
  for (const row of routines) {
    artifacts.push({
      kind: row.kind === 'p' ? 'procedure' : 'function',
      name: `${String(row.name)}(${String(row.args)})`,
      language: String(row.language),
      definition: `${String(row.definition).trimEnd()};`,
    });
  }

  const views = await executor.query(
    `SELECT c.relname AS name, c.relkind::text AS kind, pg_get_viewdef(c.oid, true) AS definition
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY c.relname`,
    [schema],
  );
  for (const row of views) {
    const create = row.kind === 'm' ? 'CREATE MATERIALIZED VIEW' : 'CREATE VIEW';
    const body = String(row.definition).trim().replace(/;$/, '');
    artifacts.push({ kind: 'view', name: String(row.name), language: 'sql', definition: `${create} ${quote(String(row.name))} AS\n${body};` });
  }

  const triggers = await executor.query(
    `SELECT t.tgname AS name, c.relname AS table_name, pg_get_triggerdef(t.oid, true) AS definition
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY c.relname, t.tgname`,
    [schema],
  );
  for (const row of triggers) {
    artifacts.push({ kind: 'trigger', name: String(row.name), object: String(row.table_name), language: 'sql', definition: `${String(row.definition)};` });
  }
  return artifacts;
}
