/**
 * `cutover simulate` through the CLI in process: on the demo (SQLite), and
 * on a Salesforce-shaped target in SQLite, PostgreSQL and MariaDB migrated
 * from the legacy CRM and gone live. Asserts the exact effects in the target
 * (counts before and after, logins inside the simulated days, valid new
 * records, edits, soft and hard deletions without a dangling reference,
 * corruption that verify-migration finds), determinism for a seed, and the
 * refusals (production, nothing migrated, bad options) changing nothing.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Connector, CrmRecord, FieldDescription, SystemDescription } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { generateInto, shapeFacts } from '../../src/generate/index.js';
import { compilePlanMapping, migrationSystems } from '../../src/operations/migration-setup.js';
import { openSystem } from '../../src/operations/open-system.js';
import { demoPlan } from '../../src/operations/plan-templates.js';
import { planDeletes } from '../../src/operations/simulate/plan-deletes.js';
import { keyOf, type TargetView } from '../../src/operations/simulate/target-view.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { systemFromPlan } from '../../src/plan/systems.js';
import { liveMigrationSource } from '../../src/runbooks/migrate/migration-source.js';
import { verifyMigration } from '../../src/runbooks/migrate/verify-migration.js';
import { StateStore } from '../../src/state/index.js';
import { runCliRaw, type CliRun } from '../support/cli-run.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/databases.js';

const RECORDS = 200;
const DAY = 86_400_000;

const run = runCliRaw;

async function ok(dir: string, args: string[]): Promise<CliRun> {
  const result = await run(dir, args);
  if (result.code !== 0) throw new Error(`cutover ${args.join(' ')} exited ${result.code}: ${result.err}${result.out}`);
  return result;
}

/** Every record of every object of the target, soft-deleted ones too. */
async function readAll(connector: Connector): Promise<Map<string, CrmRecord[]>> {
  const all = new Map<string, CrmRecord[]>();
  for (const object of (await connector.describe()).objects) {
    const records: CrmRecord[] = [];
    for await (const batch of connector.read(object.name, { includeDeleted: true })) records.push(...batch.records);
    all.set(object.name, records);
  }
  return all;
}

async function withTarget<T>(planFile: string, fn: (connector: Connector) => Promise<T>): Promise<T> {
  const connector = await openSystem(systemFromPlan(loadPlan(planFile), 'salesforce'));
  try {
    return await fn(connector);
  } finally {
    await connector.close();
  }
}

async function withState<T>(dir: string, fn: (state: StateStore) => Promise<T>): Promise<T> {
  const state = await StateStore.open(dir);
  try {
    return await fn(state);
  } finally {
    await state.close();
  }
}

/** Mapped field differences after go-live, per target object, by verify-migration (deleted, edited, corrupted). */
async function verifySince(planFile: string, since: Date): Promise<Map<string, { deleted: number; edited: number; corrupted: number; missing: number; extra: number }>> {
  const loaded = loadPlan(planFile);
  const systems = migrationSystems(loaded);
  const sourceConnector = await openSystem(systems.source);
  const targetConnector = await openSystem(systems.target);
  const state = await StateStore.open(loaded.dir);
  try {
    const source = await liveMigrationSource(sourceConnector, systems.source.name);
    const { mapping } = compilePlanMapping(systems, source.description, await targetConnector.describe());
    const result = await verifyMigration({ mapping, source, target: targetConnector, state, since });
    return new Map(result.objects.map((o) => [o.target, { deleted: o.deleted, edited: o.edited, corrupted: o.corrupted, missing: o.missing, extra: o.extra }]));
  } finally {
    await state.close();
    await sourceConnector.close();
    await targetConnector.close();
  }
}

/** Every reference of every record into a business object, as [object, id, field, referenced id]. */
function referencesOf(description: SystemDescription, all: Map<string, CrmRecord[]>): Array<{ object: string; id: string; field: string; to: string }> {
  const business = new Set(description.objects.filter((o) => o.kind === 'object').map((o) => o.name));
  const out: Array<{ object: string; id: string; field: string; to: string }> = [];
  for (const object of description.objects) {
    for (const field of object.fields) {
      const reference = field.references;
      if (!reference) continue;
      const targets = reference.polymorphic ? Object.values(reference.polymorphic.objects) : [reference.object];
      if (!targets.some((target) => business.has(target))) continue;
      for (const record of all.get(object.name) ?? []) {
        const value = record.values[field.name];
        if (value !== null && value !== undefined) out.push({ object: object.name, id: record.id, field: field.name, to: String(value) });
      }
    }
  }
  return out;
}

/** The problems of a record's values against the field descriptions (required, length, picklist). */
function invalidValues(fields: FieldDescription[], record: CrmRecord): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const value = record.values[field.name];
    if (!field.nullable && (value === null || value === undefined)) problems.push(`${field.name} is empty`);
    if (typeof value === 'string' && field.length !== undefined && Array.from(value).length > field.length) problems.push(`${field.name} is longer than ${field.length}`);
    if (value !== null && field.picklistValues && !field.picklistValues.includes(String(value))) problems.push(`${field.name}: ${String(value)} is not allowed`);
  }
  return problems;
}

/** A migrated, live Salesforce-shaped target: legacy source in SQLite, the target in `kind`, marked sandbox. */
async function migratedFlow(kind: DatabaseKind, options: { hardDeleteNotes?: boolean } = {}): Promise<{ dir: string; planFile: string; databases: TestDatabase[]; goLive: Date }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-simulate-'));
  const source = await createTestDatabase('sqlite');
  const target = await createTestDatabase(kind);
  const asOf = new Date('2026-06-30T00:00:00Z');
  for (const [db, shape, records] of [
    [source, 'legacy', RECORDS],
    [target, 'salesforce', 0],
  ] as const) {
    const connector = await openConnector({ kind: db.kind, url: db.url, profile: resolveProfile(shapeFacts(shape).profile), baseDir: dir, displayName: shape }, { create: true });
    await generateInto(connector, { shape, records, seed: 7, asOf });
    await connector.close();
  }
  const plan = parseDocument(demoPlan({ records: RECORDS, seed: 7 }));
  plan.setIn(['systems', 'legacy', 'url'], source.url);
  plan.setIn(['systems', 'salesforce', 'url'], target.url);
  plan.setIn(['systems', 'salesforce', 'environment'], 'sandbox');
  // Notes without a soft-delete rule are deleted for good: both deletion paths run.
  if (options.hardDeleteNotes) plan.setIn(['systems', 'salesforce', 'profile'], { base: 'salesforce', objects: { Note: { softDelete: null } } });
  plan.setIn(['backup', 'key'], 'env:CUTOVER_KEY');
  const planFile = path.join(dir, 'cutover.yaml');
  writeFileSync(planFile, plan.toString());
  await ok(dir, ['snapshot', 'salesforce', '--json']);
  await ok(dir, ['backup', 'legacy', '--json']);
  await ok(dir, ['verify', 'latest', '--json']);
  await ok(dir, ['migrate', '--yes', '--json']);
  const live = await ok(dir, ['go-live', '--json']);
  return { dir, planFile, databases: [source, target], goLive: new Date(live.json.at) };
}

describe('simulate: planning deletions', () => {
  const view = (objects: Record<string, string[]>, references: Array<[string, string, string, string]>): TargetView =>
    ({
      description: { connector: 'test', objects: [], relationships: [], capabilities: {} as never },
      objects: new Map(
        Object.entries(objects).map(([name, ids]) => [
          name,
          { object: { name, kind: 'object', idField: 'id', fields: [], softDelete: { field: 'deleted', kind: 'flag', deletedValue: 1, activeValue: 0 } }, live: ids, migrated: ids, total: ids.length },
        ]),
      ),
      references: references.map(([fo, fi, to, ti]) => [keyOf(fo, fi), keyOf(to, ti)]),
      users: [],
    }) as TargetView;

  it('deletes children before their parents, keeps what a record that stays references, and skips cycles', () => {
    // c1 → a1 (both deleted: c1 first); c2 → a2 with c2 kept at 50%… all at 100% here except the outside referrer.
    const plan = planDeletes(
      view({ A: ['a1', 'a2', 'a3', 'a4'], C: ['c1', 'c2', 'c3'] }, [
        ['C', 'c1', 'A', 'a1'],
        ['X', 'x1', 'A', 'a2'], // referenced by a record of an object that is not deleted
        ['A', 'a3', 'A', 'a4'],
        ['A', 'a4', 'A', 'a3'], // a cycle
        ['C', 'c2', 'C', 'c3'],
      ]),
      100,
      1,
    );
    const byObject = new Map(plan.objects.map((o) => [o.object, o]));
    expect(byObject.get('A')?.ids).toEqual(['a1']);
    expect(byObject.get('A')?.skipped).toBe(3);
    expect(byObject.get('C')?.ids).toEqual(['c1', 'c2', 'c3']);
    const waveOf = (key: string): number => plan.waves.findIndex((wave) => wave.includes(key));
    expect(waveOf(keyOf('C', 'c1'))).toBeLessThan(waveOf(keyOf('A', 'a1')));
    expect(waveOf(keyOf('C', 'c2'))).toBeLessThan(waveOf(keyOf('C', 'c3')));
    expect(plan.deleted.has(keyOf('A', 'a3'))).toBe(false);
  });

  it('takes the share asked for, records nothing points at first, the same for the same seed', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    const references: Array<[string, string, string, string]> = ids.slice(0, 50).map((id) => ['Y', `y-${id}`, 'R', id]);
    const first = planDeletes(view({ R: ids }, references), 10, 42);
    const again = planDeletes(view({ R: [...ids].reverse() }, references), 10, 42);
    const other = planDeletes(view({ R: ids }, references), 10, 43);
    expect(first.objects[0]?.ids).toHaveLength(10);
    expect(first.objects[0]?.ids.every((id) => Number(id.slice(1)) >= 50)).toBe(true);
    expect([...again.deleted].sort()).toEqual([...first.deleted].sort());
    expect([...other.deleted].sort()).not.toEqual([...first.deleted].sort());
  });
});

describe('simulate: the demo (SQLite)', () => {
  let dir: string;
  let planFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-simulate-demo-'));
    await ok(dir, ['init', '--demo', '--records', String(RECORDS), '--dir', 'demo', '--json']);
    planFile = path.join(dir, 'demo', 'cutover.yaml');
  });

  it('refuses a target marked production, and writes nothing', async () => {
    const plan = parseDocument(readFileSync(planFile, 'utf8'));
    plan.setIn(['systems', 'salesforce', 'environment'], 'production');
    writeFileSync(planFile, plan.toString());
    const before = await withTarget(planFile, (c) => c.count('LoginHistory'));
    const refused = await run(dir, ['simulate', 'salesforce', '--plan', planFile, '--new', '10']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('salesforce is a production system');
    expect(refused.err).toContain('environment: sandbox');
    expect(refused.err).not.toMatch(/\n\s+at /);
    expect(await withTarget(planFile, (c) => c.count('LoginHistory'))).toBe(before);
  });

  it('runs on the demo marked sandbox: refusals first, then logins, new records, edits, deletions and corruption with exact effects, the same again for the same seed', async () => {
    const plan = parseDocument(readFileSync(planFile, 'utf8'));
    plan.setIn(['systems', 'salesforce', 'environment'], 'sandbox');
    writeFileSync(planFile, plan.toString());
    const p = ['--plan', planFile];

    // Bad options and a target with nothing migrated: exit 2, clear messages, nothing written.
    const untouched = await withTarget(planFile, (c) => readAll(c));
    for (const [args, message] of [
      [['--deletes', '150'], '--deletes is a percentage from 0 to 100'],
      [['--days', '0'], '--days must be a whole number of days from 1'],
      [['--new', 'many'], '--new must be a whole number'],
      [['--corrupt', '-3'], '--corrupt is a percentage'],
      [['--edits', '5'], 'Nothing was migrated into salesforce'],
      [['--deletes', '10', '--new', '3'], 'Nothing was migrated into salesforce'],
    ] as const) {
      const refused = await run(dir, ['simulate', 'salesforce', ...p, ...args]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.err).toContain(message);
      expect(refused.err).not.toMatch(/\n\s+at /);
    }
    expect(await withTarget(planFile, (c) => readAll(c))).toEqual(untouched);

    await ok(dir, ['snapshot', 'salesforce', ...p, '--json']);
    await ok(dir, ['backup', 'legacy', ...p, '--json']);
    await ok(dir, ['verify', 'latest', ...p, '--json']);
    await ok(dir, ['migrate', '--yes', ...p, '--json']);
    const goLive = new Date((await ok(dir, ['go-live', ...p, '--json'])).json.at);
    const windowEnd = goLive.getTime() + 7 * DAY;
    const within = (value: unknown): boolean => typeof value === 'string' && Date.parse(value) >= goLive.getTime() && Date.parse(value) < windowEnd;

    const targetFile = path.join(dir, 'demo', 'salesforce.db');
    const pristine = path.join(dir, 'salesforce-live.db');
    copyFileSync(targetFile, pristine);
    const before = await withTarget(planFile, (c) => readAll(c));
    const description = await withTarget(planFile, (c) => c.describe());
    const migrated = await withState(path.join(dir, 'demo'), (state) => state.ledger.idMap('salesforce'));
    const migratedIds = new Set(migrated.map((entry) => entry.targetId));
    const users = await withTarget(planFile, (c) => c.listUsers());
    const active = new Set(users.filter((u) => u.active && !u.frozen).map((u) => u.id));

    const args = ['simulate', 'salesforce', ...p, '--new', '40', '--edits', '20', '--deletes', '10', '--corrupt', '5', '--seed', '7', '--json'];
    const first = await ok(dir, args);
    const report = first.json;
    expect(report.id).toMatch(/^simulate-/);
    expect(report.goLive.at).toBe(goLive.toISOString());
    expect(report.window).toEqual({ from: goLive.toISOString(), to: new Date(windowEnd).toISOString(), days: 7 });
    const after = await withTarget(planFile, (c) => readAll(c));

    // Logins: 80% of the active users (rounded), each logged in within the seven days after go-live.
    const beforeLogins = new Set((before.get('LoginHistory') ?? []).map((r) => r.id));
    const newLogins = (after.get('LoginHistory') ?? []).filter((r) => !beforeLogins.has(r.id));
    expect(newLogins.length).toBe(report.logins.count);
    expect(report.logins.count).toBeGreaterThan(0);
    expect(report.logins.activeUsers).toBe(active.size);
    expect(report.logins.users).toBe(Math.floor(active.size * 0.8 + 0.5));
    expect(new Set(newLogins.map((r) => r.values.UserId)).size).toBe(report.logins.users);
    for (const login of newLogins) {
      expect(within(login.values.LoginTime)).toBe(true);
      expect(active.has(String(login.values.UserId))).toBe(true);
      expect(login.values.Status).toBe('Success');
    }
    expect([...newLogins].sort((a, b) => String(a.values.LoginTime).localeCompare(String(b.values.LoginTime)))[0]?.values.LoginTime).toBe(report.logins.first);

    // Counts per object: every row is still there after soft deletions; the new ones came on top.
    const byObject = new Map<string, any>(report.objects.map((o: any) => [o.object, o]));
    expect(report.totals.created).toBe(40);
    expect(report.totals.edited).toBe(20);
    expect(report.totals.failed).toBe(0);
    expect(report.totals.deleted).toBeGreaterThan(0);
    expect(report.totals.corrupted).toBeGreaterThan(0);
    for (const [name, o] of byObject) {
      const rowsBefore = before.get(name) ?? [];
      const rowsAfter = after.get(name) ?? [];
      const liveBefore = rowsBefore.filter((r) => !r.deleted).length;
      expect(rowsAfter.length, name).toBe(rowsBefore.length + o.created);
      expect(rowsAfter.filter((r) => !r.deleted).length, name).toBe(liveBefore + o.created - o.deleted);
      expect(o.deleteMode).toBe('soft');
      expect(o.deleted + o.deleteSkipped).toBe(o.deleteRequested);
      expect(o.deleteRequested).toBe(Math.floor(o.migrated * 0.1 + 0.5));
      expect(o.corrupted).toBe(Math.floor(o.migrated * 0.05 + 0.5));
      // Records created are valid, made within the days, and point at migrated records.
      const objectDescription = description.objects.find((d) => d.name === name)!;
      const afterById = new Map(rowsAfter.map((r) => [r.id, r]));
      for (const id of o.createdIds) {
        const record = afterById.get(id)!;
        expect(invalidValues(objectDescription.fields, record), `${name} ${id}`).toEqual([]);
        expect(within(record.values.CreatedDate)).toBe(true);
        expect(record.values.LastModifiedDate).toBe(record.values.CreatedDate);
        expect(active.has(String(record.values.OwnerId))).toBe(true);
        for (const field of objectDescription.fields) {
          const value = record.values[field.name];
          if (field.references && field.references.object !== 'User' && value !== null) expect(migratedIds.has(String(value)), `${name}.${field.name}`).toBe(true);
        }
      }
      // Edits changed their field and moved the modified-at into the days; corruption kept it.
      const beforeById = new Map(rowsBefore.map((r) => [r.id, r]));
      for (const edit of o.edits) {
        const was = beforeById.get(edit.id)!;
        const now = afterById.get(edit.id)!;
        expect(now.values[edit.field]).not.toEqual(was.values[edit.field]);
        expect(now.values.LastModifiedDate).toBe(edit.at);
        expect(within(edit.at)).toBe(true);
      }
      for (const corruption of o.corruptions) {
        const was = beforeById.get(corruption.id)!;
        const now = afterById.get(corruption.id)!;
        expect(now.values[corruption.field]).not.toEqual(was.values[corruption.field]);
        expect(now.values.LastModifiedDate).toBe(was.values.LastModifiedDate);
      }
      for (const id of o.deletedIds) {
        expect(afterById.get(id)?.deleted).toBe(true);
        expect(within(afterById.get(id)?.values.LastModifiedDate)).toBe(true);
      }
      const changed = [...o.deletedIds, ...o.edits.map((e: any) => e.id), ...o.corruptions.map((c: any) => c.id)];
      expect(new Set(changed).size).toBe(changed.length);
      expect(changed.every((id) => migratedIds.has(id))).toBe(true);
    }

    // No record points at one the simulation deleted.
    const deleted = new Set(report.objects.flatMap((o: any) => o.deletedIds));
    expect(referencesOf(description, after).filter((r) => deleted.has(r.to) && !deleted.has(r.id))).toEqual([]);

    // verify-migration, measured since go-live, finds exactly the deletions, edits and corruption.
    const verified = await verifySince(planFile, goLive);
    for (const [name, o] of byObject) {
      expect(verified.get(name), name).toEqual({ deleted: o.deleted, edited: o.edited, corrupted: o.corrupted, missing: 0, extra: o.created });
    }

    // The same seed on the same target (and go-live) writes the same use; another seed, other use.
    // Ids of new records are the system's to give (time-based here); everything else must be equal.
    const beforeIds = new Set([...before.values()].flatMap((records) => records.map((r) => r.id)));
    const content = (all: Map<string, CrmRecord[]>): Record<string, string[]> =>
      Object.fromEntries([...all].map(([name, records]) => [name, records.map((r) => JSON.stringify({ ...r.values, Id: beforeIds.has(r.id) ? r.id : 'new' })).sort()]));
    const strip = (json: any): unknown =>
      JSON.parse(JSON.stringify(json, (key, value) => (['id', 'seconds', 'measuredAt', 'createdIds', 'ids'].includes(key) ? undefined : value)));
    copyFileSync(pristine, targetFile);
    const second = await ok(dir, args);
    expect(strip(second.json)).toEqual(strip(report));
    expect(content(await withTarget(planFile, (c) => readAll(c)))).toEqual(content(after));
    copyFileSync(pristine, targetFile);
    const otherSeed = await ok(dir, [...args.slice(0, -3), '--seed', '8', '--json']);
    expect(strip(otherSeed.json)).not.toEqual(strip(report));

    // The human summary: one row per object, and the logins.
    copyFileSync(pristine, targetFile);
    const human = await ok(dir, ['simulate', 'salesforce', ...p, '--deletes', '5']);
    expect(human.out).toMatch(/^Simulated 7 day\(s\) of use of salesforce after its go-live/);
    expect(human.out).toMatch(/logins: \d+ in LoginHistory by \d+ of \d+ active user\(s\)/);
    expect(human.out).toMatch(/\n {2}Contact +\d+ +0 +0 +\d+ soft +0\n/);
  });
});

for (const kind of databaseKinds()) {
  describe(`simulate: Salesforce-shaped target in ${kind}`, () => {
    let flow: Awaited<ReturnType<typeof migratedFlow>>;

    beforeAll(async () => {
      flow = await migratedFlow(kind, { hardDeleteNotes: true });
    });

    afterAll(async () => {
      for (const db of flow?.databases ?? []) await db.drop();
    });

    it('writes logins within the days after go-live and deletes softly and for good without a dangling reference', async () => {
      const { dir, planFile, goLive } = flow;
      const description = await withTarget(planFile, (c) => c.describe());
      expect(description.activity).toEqual({ object: 'LoginHistory', user: 'UserId', at: 'LoginTime', detail: 'Status' });
      const before = await withTarget(planFile, (c) => readAll(c));
      const users = await withTarget(planFile, (c) => c.listUsers());
      const active = users.filter((u) => u.active && !u.frozen).map((u) => u.id);

      const result = await ok(dir, ['simulate', 'salesforce', '--active-users', '50', '--days', '3', '--deletes', '20', '--new', '12', '--json']);
      const report = result.json;
      const after = await withTarget(planFile, (c) => readAll(c));
      const end = goLive.getTime() + 3 * DAY;

      const beforeLogins = new Set((before.get('LoginHistory') ?? []).map((r) => r.id));
      const newLogins = (after.get('LoginHistory') ?? []).filter((r) => !beforeLogins.has(r.id));
      expect(newLogins).toHaveLength(report.logins.count);
      expect(report.logins.users).toBe(Math.floor(active.length * 0.5 + 0.5));
      expect(new Set(newLogins.map((r) => String(r.values.UserId))).size).toBe(report.logins.users);
      for (const login of newLogins) {
        const at = Date.parse(String(login.values.LoginTime));
        expect(at).toBeGreaterThanOrEqual(goLive.getTime());
        expect(at).toBeLessThan(end);
        expect(active).toContain(String(login.values.UserId));
      }

      const byObject = new Map<string, any>(report.objects.map((o: any) => [o.object, o]));
      expect(byObject.get('Note').deleteMode).toBe('hard');
      expect(byObject.get('Note').deleted).toBe(byObject.get('Note').deleteRequested);
      expect(byObject.get('Contact').deleteMode).toBe('soft');
      expect(report.totals.created).toBe(12);
      expect(report.totals.failed).toBe(0);
      for (const [name, o] of byObject) {
        const rowsBefore = before.get(name) ?? [];
        const rowsAfter = after.get(name) ?? [];
        const ids = new Map(rowsAfter.map((r) => [r.id, r]));
        if (o.deleteMode === 'hard') {
          expect(rowsAfter.length, name).toBe(rowsBefore.length + o.created - o.deleted);
          for (const id of o.deletedIds) expect(ids.has(id)).toBe(false);
        } else {
          expect(rowsAfter.length, name).toBe(rowsBefore.length + o.created);
          for (const id of o.deletedIds) expect(ids.get(id)?.deleted).toBe(true);
        }
        expect(rowsAfter.filter((r) => !r.deleted).length, name).toBe(rowsBefore.filter((r) => !r.deleted).length + o.created - o.deleted);
      }
      expect(report.totals.deleted).toBeGreaterThan(0);

      // Every reference resolves to a record that is there, and none to a record the simulation deleted.
      const deleted = new Set(report.objects.flatMap((o: any) => o.deletedIds));
      const present = new Set([...after.values()].flatMap((records) => records.map((r) => r.id)));
      const references = referencesOf(description, after);
      expect(references.filter((r) => !present.has(r.to))).toEqual([]);
      expect(references.filter((r) => deleted.has(r.to) && !deleted.has(r.id))).toEqual([]);

      const verified = await verifySince(planFile, goLive);
      for (const [name, o] of byObject) expect(verified.get(name)?.deleted, name).toBe(o.deleted);
    });
  });
}

describe('simulate: a SuiteCRM-shaped sandbox with no go-live', () => {
  it('writes logins as tracker rows marked login, over the days up to now, that the connector reads back as logins', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-simulate-suite-'));
    const db = await createTestDatabase('sqlite');
    try {
      const connector = await openConnector({ kind: 'sqlite', url: db.url, profile: resolveProfile('suitecrm'), baseDir: dir, displayName: 'suite' }, { create: true });
      await generateInto(connector, { shape: 'suitecrm', records: 150, seed: 3 });
      await connector.close();
      writeFileSync(
        path.join(dir, 'cutover.yaml'),
        `version: 1\nproject:\n  name: suite sandbox\nsystems:\n  suite:\n    role: sandbox\n    url: ${db.url}\n    profile: suitecrm\nbackup:\n  storage: ./backups\n  key: env:CUTOVER_KEY\n`,
      );
      const started = Date.now();
      const report = (await ok(dir, ['simulate', 'suite', '--active-users', '100', '--days', '2', '--new', '5', '--json'])).json;
      expect(report.goLive).toBeNull();
      expect(Date.parse(report.window.to)).toBeLessThanOrEqual(started + 1000);
      expect(Date.parse(report.window.to) - Date.parse(report.window.from)).toBe(2 * DAY);
      expect(report.totals).toMatchObject({ created: 5, failed: 0 });
      const target = await openConnector({ kind: 'sqlite', url: db.url, profile: resolveProfile('suitecrm'), baseDir: dir, displayName: 'suite' });
      try {
        expect((await target.describe()).activity).toEqual({ object: 'tracker', user: 'user_id', at: 'date_modified', login: { field: 'action', values: ['login'] }, detail: 'item_summary' });
        const logins = [];
        for await (const batch of target.userActivity(new Date(report.window.from))) logins.push(...batch.filter((a) => a.kind === 'login' && Date.parse(a.at) < Date.parse(report.window.to)));
        const written = await target.get('tracker', report.logins.ids);
        expect(written).toHaveLength(report.logins.count);
        expect(written.every((row) => row.values.action === 'login' && row.values.item_id === row.values.user_id)).toBe(true);
        expect(logins.length).toBeGreaterThanOrEqual(report.logins.count);
        expect(new Set(written.map((row) => row.values.user_id)).size).toBe(report.logins.activeUsers);
      } finally {
        await target.close();
      }
    } finally {
      await db.drop();
    }
  });
});
