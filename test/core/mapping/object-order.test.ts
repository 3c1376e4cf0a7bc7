/** Ordering object mappings parents first, with a cycle, on real SQLite systems made from definitions. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectDefinition, SystemDescription } from '../../../src/connectors/contract.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { openSqlite } from '../../../src/connectors/sqlite/sqlite-connector.js';
import { compileMapping, type CompiledMapping, type TransformContext } from '../../../src/core/mapping/index.js';
import { orderMappings } from '../../../src/core/mapping/object-order.js';

const ref = (name: string, object: string) => ({ name, type: 'integer' as const, nullable: true, references: { object, field: 'id', constraint: false } });
/** Companies and people point at each other; deals at both. */
const DEFINITIONS: ObjectDefinition[] = [
  { name: 'companies', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'name', type: 'string', length: 80, nullable: false }, ref('primary_person_id', 'people')] },
  { name: 'people', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'name', type: 'string', length: 80, nullable: false }, ref('company_id', 'companies'), ref('manager_id', 'people')] },
  { name: 'deals', idField: 'id', fields: [{ name: 'id', type: 'integer', autoAssigned: true }, { name: 'title', type: 'string', length: 80, nullable: false }, ref('company_id', 'companies'), ref('person_id', 'people')] },
];

let dir: string;
let description: SystemDescription;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cutover-order-'));
  const connector = openSqlite({ file: path.join(dir, 'crm.db'), readonly: false }, resolveProfile('generic'), { create: true });
  await connector.createObjects(DEFINITIONS);
  description = await connector.describe();
  await connector.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(): CompiledMapping {
  const result = compileMapping(
    {
      objects: [
        { source: 'deals', target: 'deals', fields: { title: 'title', company_id: { from: 'company_id', lookup: 'companies' }, person_id: { from: 'person_id', lookup: 'people' } } },
        { source: 'people', target: 'people', fields: { name: 'name', company_id: { from: 'company_id', lookup: 'companies' }, manager_id: { from: 'manager_id', lookup: 'people' } } },
        { source: 'companies', target: 'companies', fields: { name: 'name', primary_person_id: { from: 'primary_person_id', lookup: 'people' } } },
      ],
    },
    description,
    description,
    { source: 'old', target: 'new' },
  );
  expect(result.problems).toEqual([]);
  return result.mapping!;
}

const nothingMigrated: TransformContext = { targetIdOf: () => undefined, failed: () => false, userOf: () => undefined };
const record = (values: Record<string, string | number | null>) => ({ id: '1', deleted: false, values });

describe('object order', () => {
  it('puts the mappings of a cycle together in plan order, before their children', () => {
    expect(compile().objects.map((object) => object.source)).toEqual(['people', 'companies', 'deals']);
  });

  it('defers references inside the cycle and fails those of a child whose parent is not migrated', () => {
    const [people, companies, deals] = compile().objects;
    expect(people!.transform(record({ name: 'Ada', company_id: 7, manager_id: 3 }), nothingMigrated)).toEqual({
      ok: true,
      values: { name: 'Ada', company_id: null, manager_id: null },
      deferred: [
        { targetField: 'company_id', sourceField: 'company_id', sourceObject: 'companies' },
        { targetField: 'manager_id', sourceField: 'manager_id', sourceObject: 'people' },
      ],
    });
    expect(companies!.transform(record({ name: 'Acme', primary_person_id: 1 }), nothingMigrated)).toMatchObject({ ok: true, deferred: [{ targetField: 'primary_person_id' }] });
    expect(deals!.transform(record({ title: 'Big', company_id: 7, person_id: null }), nothingMigrated)).toEqual({
      ok: false,
      errors: [{ field: 'company_id', rule: 'lookup', message: 'companies 7 is not migrated (filtered out by a where condition, soft-deleted, or missing from the source)' }],
    });
  });

  it('orders chains, independent mappings and several cycles, ties broken by plan order', () => {
    const order = (nodes: Array<[string, string[]]>) => orderMappings(nodes.map(([source, references]) => ({ source, references })));
    expect(order([['c', ['b']], ['b', ['a']], ['a', []]]).order).toEqual([2, 1, 0]);
    expect(order([['x', []], ['y', []], ['z', ['x']]]).order).toEqual([0, 1, 2]);
    expect(order([['self', ['self']]]).order).toEqual([0]);
    const two = order([['d', ['a', 'c']], ['a', ['b']], ['b', ['a']], ['c', ['e']], ['e', ['c', 'b']]]);
    expect(two.order).toEqual([1, 2, 3, 4, 0]);
    expect(two.component[1]).toBe(two.component[2]);
    expect(two.component[3]).toBe(two.component[4]);
    expect(two.component[0]).not.toBe(two.component[1]);
    // References to objects no mapping migrates do not order anything.
    expect(order([['a', ['nowhere']], ['b', []]]).order).toEqual([0, 1]);
  });
});
