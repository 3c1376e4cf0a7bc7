/** Helpers for the generator's tests: generate into a fresh SQLite file, dump tables, find dangling references. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { valuesEqual, type Value } from '../../src/core/values.js';
import { createContext } from '../../src/generate/context.js';
import { shapeOf } from '../../src/generate/shapes/registry.js';
import { openSqlite } from '../../src/connectors/sqlite/sqlite-connector.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { generateInto, shapeDefinitions, shapeFacts, type GenerateOptions, type GenerateResult, type ShapeName } from '../../src/generate/index.js';

/** The fixed "now" of test data. */
export const AS_OF = new Date('2025-06-01T00:00:00.000Z');

/** A generated SQLite CRM. */
export interface Generated {
  file: string;
  connector: SqlConnector;
  result: GenerateResult;
  /** Closes the connector and removes the folder. */
  cleanup(): Promise<void>;
}

/** Opens an empty SQLite database with the shape's profile. */
export function openEmpty(shape: ShapeName): { file: string; dir: string; connector: SqlConnector } {
  const dir = mkdtempSync(path.join(tmpdir(), `cutover-generate-${shape}-`));
  const file = path.join(dir, 'crm.db');
  const connector = openSqlite({ file, readonly: false }, resolveProfile(shapeFacts(shape).profile), { create: true });
  return { file, dir, connector };
}

/** Generates a CRM into a new SQLite file. */
export async function generateSqlite(shape: ShapeName, options: Partial<GenerateOptions> = {}): Promise<Generated> {
  const { file, dir, connector } = openEmpty(shape);
  const result = await generateInto(connector, { shape, records: 2000, seed: 7, asOf: AS_OF, ...options });
  return {
    file,
    connector,
    result,
    cleanup: async () => {
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a read-only query on the file directly (for checks the connector has no API for). */
export function query<T = Record<string, unknown>>(file: string, sql: string, params: unknown[] = []): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every table's rows in key order, and the schema text: equal dumps mean identical databases. */
export function dump(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const out: string[] = [];
    const master = db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all() as Array<{ type: string; name: string; sql: string | null }>;
    for (const entry of master) {
      out.push(`${entry.type} ${entry.name}: ${entry.sql ?? ''}`);
      if (entry.type !== 'table') continue;
      for (const row of db.prepare(`SELECT * FROM "${entry.name}" ORDER BY 1`).iterate()) out.push(JSON.stringify(row));
    }
    return out;
  } finally {
    db.close();
  }
}

/** Rows of `table` whose non-null `column` matches no row of `target` by `targetColumn` (ignoring `except` values). */
export function dangling(file: string, table: string, column: string, target: string, targetColumn: string, where = '1 = 1', except: string[] = []): number {
  const skip = except.length > 0 ? ` AND c."${column}" NOT IN (${except.map(() => '?').join(', ')})` : '';
  const rows = query<{ n: number }>(
    file,
    `SELECT COUNT(*) AS n FROM "${table}" c WHERE c."${column}" IS NOT NULL AND (${where})${skip} AND NOT EXISTS (SELECT 1 FROM "${target}" t WHERE t."${targetColumn}" = c."${column}")`,
    except,
  );
  return rows[0]?.n ?? -1;
}

/** What a round trip saw among the values. */
export interface RoundTripSeen {
  han: boolean;
  arabic: boolean;
  hebrew: boolean;
  emoji: boolean;
  accents: boolean;
  long: boolean;
  nulls: number;
  values: number;
}

async function readAll(connector: SqlConnector, object: string): Promise<Map<string, CrmRecord>> {
  const records = new Map<string, CrmRecord>();
  for await (const batch of connector.read(object, { batchSize: 5000 })) for (const record of batch.records) records.set(record.id, record);
  return records;
}

/**
 * Regenerates every row (from the same seed, "now" and counts) and expects
 * the connector to read back exactly those values, row by row and column by
 * column; returns what kinds of text it saw.
 */
export async function expectRoundTrip(connector: SqlConnector, shape: ShapeName, options: { records: number; seed: number; users?: number }): Promise<RoundTripSeen> {
  const context = createContext(options.seed, AS_OF, options.records, options.users);
  const definitions = new Map(shapeDefinitions(shape).map((definition) => [definition.name, definition]));
  const seen: RoundTripSeen = { han: false, arabic: false, hebrew: false, emoji: false, accents: false, long: false, nulls: 0, values: 0 };
  for (const plan of shapeOf(shape).plans(context)) {
    const stored = await readAll(connector, plan.name);
    const definition = definitions.get(plan.name);
    const columns = definition?.fields.map((field) => field.name).filter((name) => name !== definition.idField).sort();
    let rows = 0;
    for (const record of plan.rows()) {
      rows += 1;
      expect(Object.keys(record.values).sort(), `${plan.name}: every column in every row`).toEqual(columns);
      const read = stored.get(record.id as string);
      expect(read, `${plan.name} ${record.id}`).toBeDefined();
      for (const [field, value] of Object.entries(record.values)) {
        const back = read?.values[field] as Value;
        if (!valuesEqual(back, value)) expect(back, `${plan.name} ${record.id} ${field}`).toEqual(value);
        seen.values += 1;
        if (value === null) seen.nulls += 1;
        if (typeof value !== 'string') continue;
        if (/\p{Script=Han}/u.test(value)) seen.han = true;
        if (/\p{Script=Arabic}/u.test(value)) seen.arabic = true;
        if (/\p{Script=Hebrew}/u.test(value)) seen.hebrew = true;
        if (/\p{Extended_Pictographic}/u.test(value)) seen.emoji = true;
        if (/[ëŁłüéçñøå]/u.test(value)) seen.accents = true;
        if (value.length > 4096) seen.long = true;
      }
    }
    expect(rows, plan.name).toBe(stored.size);
  }
  return seen;
}
