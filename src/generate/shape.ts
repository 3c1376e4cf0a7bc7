/** What a shape (a CRM layout) provides to the generator. */
import type { ObjectDefinition, WriteRecord } from '../connectors/contract.js';
import type { SqlConnector } from '../connectors/sql/sql-connector.js';
import type { GenerationContext } from './context.js';
import type { ShapeFacts, ShapeName } from './types.js';

/** The SQL dialect extras are written for. */
export type DialectName = SqlConnector['dialectName'];

/** The rows of one table, produced lazily. */
export interface ObjectPlan {
  /** Table name. */
  name: string;
  /** Rows {@link rows} yields (for progress). */
  total: number;
  /** The soft-delete flag, to count deleted rows. */
  deletedField?: string;
  /** Rows by index (ids grow with it where ids are numbers), each with every column, NULLs included, in the same order. */
  rows(): Iterable<WriteRecord>;
}

/** A CRM layout. */
export interface Shape {
  name: ShapeName;
  facts: ShapeFacts;
  /** Tables in dependency order. */
  definitions(): ObjectDefinition[];
  /** Views, triggers, functions and procedures, run once the tables exist and before rows go in. */
  extras(dialect: DialectName): string[];
  /** Tables to fill, in dependency order. */
  plans(context: GenerationContext): ObjectPlan[];
}

/** A plan whose rows are `row(i)` for i below `count`. */
export function indexedPlan(name: string, count: number, row: (i: number) => WriteRecord, deletedField?: string): ObjectPlan {
  const plan: ObjectPlan = {
    name,
    total: count,
    *rows() {
      for (let i = 0; i < count; i += 1) yield row(i);
    },
  };
  if (deletedField) plan.deletedField = deletedField;
  return plan;
}

/** A plan over rows that some indexes have and others do not (`row` returns null to skip), counted up front. */
export function filteredPlan(name: string, count: number, has: (i: number) => boolean, row: (i: number) => WriteRecord, deletedField?: string): ObjectPlan {
  let total = 0;
  for (let i = 0; i < count; i += 1) if (has(i)) total += 1;
  const plan: ObjectPlan = {
    name,
    total,
    *rows() {
      for (let i = 0; i < count; i += 1) if (has(i)) yield row(i);
    },
  };
  if (deletedField) plan.deletedField = deletedField;
  return plan;
}

/** A plan over a stream of rows whose length is known up front. */
export function streamPlan(name: string, total: number, rows: () => Iterable<WriteRecord>, deletedField?: string): ObjectPlan {
  const plan: ObjectPlan = { name, total, rows };
  if (deletedField) plan.deletedField = deletedField;
  return plan;
}
