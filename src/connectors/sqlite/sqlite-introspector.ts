/** Reads a SQLite database's tables, keys, foreign keys and configuration from its catalog. */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigurationArtifact } from '../contract.js';
import type { ColumnInfo, SqlExecutor, TableInfo, TablePrivileges } from '../sql/sql-driver.js';
import { checkInValues } from '../sql/sql-values.js';

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Base tables with columns, primary key, unique keys and foreign keys. */
export async function sqliteTables(executor: SqlExecutor): Promise<TableInfo[]> {
  const master = (await executor.query(
    `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  )) as unknown as MasterRow[];
  const tables: TableInfo[] = [];
  for (const table of master) {
    const ddl = table.sql ?? '';
    const columns = (await executor.query(`PRAGMA table_xinfo(${quote(table.name)})`)) as Array<{
      name: string;
      type: string;
      notnull: number | bigint;
      dflt_value: string | null;
      pk: number | bigint;
      hidden: number | bigint;
    }>;
    const visible = columns.filter((column) => Number(column.hidden) === 0);
    const primaryKey = visible
      .filter((column) => Number(column.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((column) => column.name);
    const rowidAlias = primaryKey.length === 1 && /^integer$/i.test(visible.find((c) => c.name === primaryKey[0])?.type.trim() ?? '');
    const columnInfos: ColumnInfo[] = visible.map((column) => {
      const info: ColumnInfo = {
        name: column.name,
        nativeType: column.type || 'BLOB',
        nullable: Number(column.notnull) === 0 && !(rowidAlias && column.name === primaryKey[0]),
        defaultValue: column.dflt_value,
        autoIncrement: rowidAlias && column.name === primaryKey[0],
      };
      const allowed = checkInValues(ddl, column.name);
      if (allowed) info.allowedValues = allowed;
      return info;
    });
    const uniques: string[][] = [];
    const indexes = (await executor.query(`PRAGMA index_list(${quote(table.name)})`)) as Array<{ name: string; unique: number | bigint; origin: string; partial: number | bigint }>;
    for (const index of indexes) {
      if (Number(index.unique) !== 1 || Number(index.partial) === 1 || index.origin === 'pk') continue;
      const parts = (await executor.query(`PRAGMA index_info(${quote(index.name)})`)) as Array<{ name: string | null }>;
      if (parts.every((part) => part.name)) uniques.push(parts.map((part) => part.name as string));
    }
    const fkRows = (await executor.query(`PRAGMA foreign_key_list(${quote(table.name)})`)) as Array<{
      id: number | bigint;
      seq: number | bigint;
      table: string;
      from: string;
      to: string | null;
    }>;
    const byId = new Map<number, { table: string; columns: string[]; refColumns: Array<string | null> }>();
    for (const row of fkRows) {
      const entry = byId.get(Number(row.id)) ?? { table: row.table, columns: [], refColumns: [] };
      entry.columns[Number(row.seq)] = row.from;
      entry.refColumns[Number(row.seq)] = row.to;
      byId.set(Number(row.id), entry);
    }
    tables.push({
      name: table.name,
      columns: columnInfos,
      primaryKey,
      uniques,
      foreignKeys: [...byId.values()].map((fk) => ({ table: fk.table, columns: fk.columns, refColumns: fk.refColumns.map((c) => c ?? '') })),
    });
  }
  // A foreign key without target columns points at the target's primary key.
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      if (fk.refColumns.some((column) => column === '')) {
        fk.refColumns = tables.find((candidate) => candidate.name === fk.table)?.primaryKey ?? fk.refColumns;
      }
    }
  }
  return tables;
}

/** DDL of every table, index, view and trigger, as SQLite keeps it. */
export async function sqliteArtifacts(executor: SqlExecutor): Promise<ConfigurationArtifact[]> {
  const rows = (await executor.query(
    `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name`,
  )) as unknown as MasterRow[];
  return rows.map((row) => ({
    kind: row.type as ConfigurationArtifact['kind'],
    name: row.name,
    ...(row.type === 'view' ? {} : { object: row.tbl_name }),
    language: 'sql',
    definition: `${row.sql as string};`,
  }));
}

/** SQLite has no grants: reading needs the file, writing needs it and its folder writable (for the journal). */
export async function sqlitePrivileges(file: string, readonly: boolean, tables: string[]): Promise<TablePrivileges[]> {
  let writable = !readonly;
  if (writable && file !== ':memory:') {
    writable = await Promise.all([access(file, constants.W_OK), access(path.dirname(file), constants.W_OK)]).then(
      () => true,
      () => false,
    );
  }
  return tables.map((table) => ({ table, select: true, insert: writable, update: writable, delete: writable }));
}
