/**
 * Workflow probes on every database. Query expectations count the records a
 * condition matches, with relative times measured from the evaluation's
 * moment. Synthetic transactions create a marked test record and wait for a
 * real automation (a database trigger created in each database) to act on
 * it; they pass when it does, fire when it does not, and in every case leave
 * the tables as they found them, or say exactly what they left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ObjectDefinition } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { parsePlan } from '../../src/plan/load-plan.js';
import type { ProbeConfig } from '../../src/plan/triggers-schema.js';
import { StateStore, type GoLive } from '../../src/state/index.js';
import type { CheckContext, Evaluation } from '../../src/watch/check-types.js';
import { PROBE_MARKER, probeProblems, workflowChecks } from '../../src/watch/checks/workflows.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/databases.js';

const TABLES: ObjectDefinition[] = [
  {
    name: 'leads',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'name', type: 'string', length: 40, nullable: false },
      { name: 'status', type: 'string', length: 20 },
      { name: 'owner_id', type: 'integer' },
      { name: 'created_at', type: 'datetime' },
    ],
  },
  {
    name: 'tasks',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'integer', autoAssigned: true },
      { name: 'lead_id', type: 'integer', references: { object: 'leads', field: 'id', constraint: true } },
      { name: 'subject', type: 'string', length: 80 },
    ],
  },
  {
    name: 'tickets',
    kind: 'object',
    idField: 'id',
    fields: [
      { name: 'id', type: 'string', length: 36, nullable: false },
      { name: 'title', type: 'string', length: 60, nullable: false },
      { name: 'state', type: 'string', length: 20 },
    ],
  },
];

/** The evaluation moment the query probes are measured at. */
const NOW = new Date('2030-06-01T12:00:00.000Z');

/**
 * Database automations, as each database writes them: `owner` assigns new
 * leads to user 7, `task` adds a follow-up task, `keep` refuses deletes of
 * leads, `refuse` refuses new leads (a validation rule).
 */
type Automation = 'owner' | 'task' | 'keep' | 'refuse';

function automationSql(kind: DatabaseKind, automation: Automation): string[] {
  switch (kind) {
    case 'sqlite':
      return {
        owner: ['CREATE TRIGGER leads_owner AFTER INSERT ON leads WHEN NEW.owner_id IS NULL BEGIN UPDATE leads SET owner_id = 7 WHERE id = NEW.id; END'],
        task: ["CREATE TRIGGER leads_task AFTER INSERT ON leads BEGIN INSERT INTO tasks (lead_id, subject) VALUES (NEW.id, 'Call ' || NEW.name); END"],
        keep: ["CREATE TRIGGER leads_keep BEFORE DELETE ON leads BEGIN SELECT RAISE(ABORT, 'leads are kept'); END"],
        refuse: ["CREATE TRIGGER leads_refuse BEFORE INSERT ON leads BEGIN SELECT RAISE(ABORT, 'new leads are closed'); END"],
      }[automation];
    case 'postgres':
      return {
        owner: [
          'CREATE FUNCTION leads_owner() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.owner_id IS NULL THEN NEW.owner_id := 7; END IF; RETURN NEW; END $$',
          'CREATE TRIGGER leads_owner BEFORE INSERT ON leads FOR EACH ROW EXECUTE FUNCTION leads_owner()',
        ],
        task: [
          "CREATE FUNCTION leads_task() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO tasks (lead_id, subject) VALUES (NEW.id, 'Call ' || NEW.name); RETURN NULL; END $$",
          'CREATE TRIGGER leads_task AFTER INSERT ON leads FOR EACH ROW EXECUTE FUNCTION leads_task()',
        ],
        keep: [
          "CREATE FUNCTION leads_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'leads are kept'; END $$",
          'CREATE TRIGGER leads_keep BEFORE DELETE ON leads FOR EACH ROW EXECUTE FUNCTION leads_keep()',
        ],
        refuse: [
          "CREATE FUNCTION leads_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'new leads are closed'; END $$",
          'CREATE TRIGGER leads_refuse BEFORE INSERT ON leads FOR EACH ROW EXECUTE FUNCTION leads_refuse()',
        ],
      }[automation];
    case 'mysql':
      return {
        owner: ['CREATE TRIGGER leads_owner BEFORE INSERT ON leads FOR EACH ROW SET NEW.owner_id = COALESCE(NEW.owner_id, 7)'],
        task: ["CREATE TRIGGER leads_task AFTER INSERT ON leads FOR EACH ROW INSERT INTO tasks (lead_id, subject) VALUES (NEW.id, CONCAT('Call ', NEW.name))"],
        keep: ["CREATE TRIGGER leads_keep BEFORE DELETE ON leads FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'leads are kept'"],
        refuse: ["CREATE TRIGGER leads_refuse BEFORE INSERT ON leads FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'new leads are closed'"],
      }[automation];
  }
}

function dropSql(kind: DatabaseKind, automation: Automation): string[] {
  const name = `leads_${automation}`;
  return kind === 'postgres' ? [`DROP TRIGGER IF EXISTS ${name} ON leads`, `DROP FUNCTION IF EXISTS ${name}()`] : [`DROP TRIGGER IF EXISTS ${name}`];
}

/** A plan with the test database as its target and these probes, parsed as `cutover.yaml` is (JSON is YAML). */
function probesOf(url: string, dir: string, probes: unknown[]): { plan: ReturnType<typeof parsePlan>; probes: ProbeConfig[] } {
  const text = ['version: 1', 'project:', '  name: Probes', 'systems:', '  crm:', '    role: target', `    url: ${JSON.stringify(url)}`, `triggers: ${JSON.stringify({ probes })}`, ''].join('\n');
  const plan = parsePlan(text, path.join(dir, 'cutover.yaml'));
  return { plan, probes: plan.plan.triggers?.probes ?? [] };
}

const ownerAndTask = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'new-lead',
  system: 'crm',
  object: 'leads',
  timeout: '10s',
  synthetic: {
    values: { name: 'Probe lead from the web form', status: 'new' },
    wait: '300ms',
    expect: { field: 'owner_id', notNull: true, related: { object: 'tasks', field: 'lead_id' } },
  },
  ...overrides,
});

for (const kind of databaseKinds()) {
  describe(`workflow probes on ${kind}`, () => {
    let db: TestDatabase;
    let crm: SqlConnector;
    let state: StateStore;
    let dir: string;
    let goLive: GoLive;
    let opened: string[] = [];
    const installed = new Set<Automation>();

    async function install(...automations: Automation[]): Promise<void> {
      for (const automation of automations) {
        for (const sql of automationSql(kind, automation)) await crm.execute(sql);
        installed.add(automation);
      }
    }

    async function uninstall(...automations: Automation[]): Promise<void> {
      for (const automation of automations) {
        for (const sql of dropSql(kind, automation)) await crm.execute(sql);
        installed.delete(automation);
      }
    }

    async function counts(): Promise<Record<string, number>> {
      return { leads: await crm.count('leads'), tasks: await crm.count('tasks'), tickets: await crm.count('tickets') };
    }

    function contextFor(plan: ReturnType<typeof parsePlan>, options: { now?: Date; signal?: AbortSignal; system?: (name: string) => Promise<Connector> } = {}): CheckContext {
      return {
        now: options.now ?? new Date(),
        plan,
        state,
        goLive,
        env: {},
        ...(options.signal ? { signal: options.signal } : {}),
        system:
          options.system ??
          (async (name) => {
            opened.push(name);
            if (name !== 'crm') throw new Error(`no system named ${name}`);
            return crm;
          }),
      };
    }

    async function run(probes: unknown[], options: Parameters<typeof contextFor>[1] = {}): Promise<Evaluation[]> {
      const parsed = probesOf(db.url, dir, probes);
      return workflowChecks(parsed.probes, contextFor(parsed.plan, options));
    }

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      crm = await openConnector({ kind, url: db.url, profile: resolveProfile('generic'), baseDir: process.cwd(), displayName: 'crm' }, { create: true });
      await crm.createObjects(TABLES);
      await crm.write('leads', 'insert', [
        { values: { name: 'Old, nobody owns it', status: 'new', owner_id: null, created_at: '2030-06-01T10:00:00.000Z' } },
        { values: { name: 'Fresh, nobody owns it yet', status: 'new', owner_id: null, created_at: '2030-06-01T11:50:00.000Z' } },
        { values: { name: 'Old and owned', status: 'working', owner_id: 3, created_at: '2030-06-01T09:00:00.000Z' } },
      ]);
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-probes-'));
      state = await StateStore.openFile(path.join(dir, '.cutover', 'state.db'));
      goLive = { id: `go-live-${kind}`, system: 'crm', source: 'legacy', at: '2030-06-01T08:00:00.000Z', backupId: null, migrateRun: null, frozenUsers: [], user: 'tester' };
      await state.goLives.record(goLive);
    });

    afterEach(async () => {
      opened = [];
      await uninstall(...installed);
    });

    afterAll(async () => {
      await state?.close();
      await crm?.close();
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const unownedLeads = {
      name: 'unowned-leads',
      system: 'crm',
      object: 'leads',
      where: { all: [{ field: 'owner_id', isNull: true }, { field: 'created_at', before: 'now-30m' }] },
    };

    it('a query probe fires for a lead older than 30 minutes without an owner, with the count, sample ids and resolved condition', async () => {
      opened = [];
      const [oldest] = (await crm.get('leads', ['1'])).map((record) => record.values.name);
      expect(oldest).toBe('Old, nobody owns it');
      const [evaluation, other] = await run([unownedLeads, { ...unownedLeads, name: 'no-unowned-today', where: { field: 'owner_id', isNull: true }, expect: { max: 2 } }], { now: NOW });
      expect(evaluation).toMatchObject({
        check: 'workflow.unowned-leads',
        kind: 'workflow',
        severity: 'critical',
        status: 'fired',
        measured: '1 record',
        threshold: 'at most 0 records',
        reason: '1 record matches; at most 0 expected',
        at: NOW.toISOString(),
        evidence: {
          system: 'crm',
          object: 'leads',
          count: 1,
          sampleIds: ['1'],
          condition: { all: [{ field: 'owner_id', isNull: true }, { field: 'created_at', before: '2030-06-01T11:30:00.000Z' }] },
        },
      });
      expect(other).toMatchObject({ check: 'workflow.no-unowned-today', status: 'ok', measured: '2 records', threshold: 'at most 2 records' });
      // Both probes use crm: it is opened once for the evaluation.
      expect(opened).toEqual(['crm']);
    });

    it('a query probe holds when nothing matches at its moment, and a minimum fires only below it', async () => {
      const earlier = new Date('2030-06-01T10:20:00.000Z');
      const [held] = await run([unownedLeads], { now: earlier });
      expect(held).toMatchObject({ status: 'ok', measured: '0 records', evidence: { count: 0, sampleIds: [], condition: { all: [{}, { before: '2030-06-01T09:50:00.000Z' }] } } });
      expect(held?.reason).toBeUndefined();

      const today = { name: 'leads-today', system: 'crm', object: 'leads', severity: 'warning', where: { field: 'created_at', after: 'today' } };
      const [enough, tooFew, range] = await run(
        [
          { ...today, expect: { min: 3 } },
          { ...today, name: 'busy-day', expect: { min: 4 } },
          { ...today, name: 'normal-day', expect: { min: 1, max: 5 } },
        ],
        { now: NOW },
      );
      expect(enough).toMatchObject({ status: 'ok', severity: 'warning', measured: '3 records', threshold: 'at least 3 records' });
      expect(tooFew).toMatchObject({ status: 'fired', measured: '3 records', threshold: 'at least 4 records', reason: '3 records match; at least 4 expected' });
      expect(range).toMatchObject({ status: 'ok', threshold: 'between 1 and 5 records' });
    });

    it('a query probe on an unknown object or field is unknown and names what exists', async () => {
      const [object, field, time] = await run(
        [
          { ...unownedLeads, name: 'wrong-object', object: 'lead' },
          { ...unownedLeads, name: 'wrong-field', where: { field: 'ownr', isNull: true } },
          { ...unownedLeads, name: 'wrong-time', where: { field: 'created_at', before: 'now-30 minutes' } },
        ],
        { now: NOW },
      );
      expect(object).toMatchObject({ status: 'unknown', measured: null });
      expect(object?.reason).toMatch(/crm has no object "lead"; its objects: .*leads/);
      expect(object?.reason).toContain('tasks');
      expect(field).toMatchObject({ status: 'unknown' });
      expect(field?.reason).toMatch(/leads has no field "ownr" \(fields of leads: id, name, status, owner_id, created_at\)/);
      expect(time?.status).toBe('unknown');
      expect(time?.reason).toContain('"now-30 minutes" is not a relative time');
    });

    it('a probe whose system does not answer within its timeout is unknown', async () => {
      const slow = async (): Promise<Connector> => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return crm;
      };
      const t0 = performance.now();
      const [evaluation] = await run([{ ...unownedLeads, timeout: '50ms' }], { now: NOW, system: slow });
      expect(performance.now() - t0).toBeLessThan(350);
      expect(evaluation).toMatchObject({ status: 'unknown', measured: null, reason: 'did not finish within 0.05 s' });
    });

    it('a probe whose system cannot be opened is unknown with the error', async () => {
      const [evaluation] = await run([{ ...unownedLeads, system: 'elsewhere' }], { now: NOW });
      expect(evaluation).toMatchObject({ check: 'workflow.unowned-leads', status: 'unknown', reason: 'no system named elsewhere' });
    });

    it('a synthetic lead gets an owner and a follow-up task from the database trigger: ok, and nothing is left', async () => {
      await install('owner', 'task');
      const before = await counts();
      const [evaluation] = await run([ownerAndTask()]);
      expect(evaluation).toMatchObject({
        check: 'workflow.new-lead',
        status: 'ok',
        threshold: 'owner_id set and at least 1 tasks record pointing at it (tasks.lead_id) within 300ms',
        evidence: {
          object: 'leads',
          observed: { testRecordFound: true, field: { name: 'owner_id', value: 7, ok: true }, related: { count: 1, ok: true } },
          polls: 1,
          cleanup: { ok: true, leftBehind: [] },
        },
      });
      expect(evaluation?.measured).toMatch(/^done in \d+(\.\d+)? s$/);
      const evidence = evaluation?.evidence as { testRecord: { id: string; marker: { field: string; text: string } }; cleanup: { deleted: Array<{ object: string; id: string }> }; actedAfterSeconds: number };
      expect(evidence.actedAfterSeconds).toBeGreaterThanOrEqual(0);
      // The marker fits the 40 characters of leads.name: the value is shortened, the marker kept whole.
      expect(evidence.testRecord.marker.field).toBe('name');
      expect(evidence.testRecord.marker.text).toMatch(PROBE_MARKER);
      expect(evidence.testRecord.marker.text).toMatch(/^Probe lead fr \[cutover probe [0-9a-f]{10}\]$/);
      expect(evidence.testRecord.marker.text.length).toBeLessThanOrEqual(40);
      expect(evidence.cleanup.deleted.map((item) => item.object)).toEqual(['tasks', 'leads']);
      expect(evidence.cleanup.deleted[1]?.id).toBe(evidence.testRecord.id);
      expect(await counts()).toEqual(before);
      expect(await crm.get('leads', [evidence.testRecord.id])).toEqual([]);
    });

    it('without the automation the probe fires, says what was missing, and still cleans up', async () => {
      const before = await counts();
      const t0 = performance.now();
      // The query runs before the transaction, so it never counts the test record (2 seeded leads have no owner).
      const [evaluation, query] = await run([ownerAndTask(), { ...unownedLeads, name: 'few-unowned', where: { field: 'owner_id', isNull: true }, expect: { max: 2 } }]);
      expect(query).toMatchObject({ check: 'workflow.few-unowned', status: 'ok', measured: '2 records' });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
      expect(evaluation).toMatchObject({
        status: 'fired',
        measured: 'not done in 300ms',
        reason: 'after 300ms: owner_id is still empty; no tasks record points at it (tasks.lead_id)',
        evidence: { observed: { testRecordFound: true, field: { value: null, ok: false }, related: { count: 0, ok: false } }, actedAfterSeconds: null, cleanup: { ok: true } },
      });
      expect((evaluation?.evidence as { polls: number }).polls).toBeGreaterThan(2);
      expect(await counts()).toEqual(before);
    });

    it('when the automation does only part of its work the probe fires, and the records it made are deleted too', async () => {
      await install('task');
      const before = await counts();
      const [evaluation] = await run([ownerAndTask()]);
      expect(evaluation).toMatchObject({ status: 'fired', reason: 'after 300ms: owner_id is still empty', evidence: { observed: { related: { count: 1, ok: true } }, cleanup: { ok: true } } });
      const deleted = (evaluation?.evidence as { cleanup: { deleted: Array<{ object: string }> } }).cleanup.deleted;
      expect(deleted.map((item) => item.object)).toEqual(['tasks', 'leads']);
      expect(await counts()).toEqual(before);

      const [twoTasks] = await run([ownerAndTask({ synthetic: { values: { name: 'Probe lead' }, wait: '300ms', expect: { related: { object: 'tasks', field: 'lead_id', min: 2 } } } })]);
      expect(twoTasks).toMatchObject({ status: 'fired', reason: 'after 300ms: only 1 of at least 2 tasks records point at it (tasks.lead_id)' });
      expect(await counts()).toEqual(before);
    });

    it('a test record whose id cutover gives (a text key) is created with newIds, fires without automation, and is deleted', async () => {
      const before = await counts();
      const [evaluation] = await run([
        {
          name: 'ticket-triage',
          system: 'crm',
          object: 'tickets',
          synthetic: { values: { state: 'open' }, wait: '200ms', expect: { field: 'state', equals: 'triaged' } },
        },
      ]);
      expect(evaluation).toMatchObject({
        status: 'fired',
        threshold: 'state = "triaged" within 200ms',
        reason: 'after 200ms: state is "open", not as expected',
        evidence: { values: { state: 'open' }, cleanup: { ok: true } },
      });
      const evidence = evaluation?.evidence as { testRecord: { id: string; marker: { field: string; text: string } } };
      expect(evidence.testRecord.id).toMatch(/^[0-9a-f-]{36}$/);
      // No text value given: the first free text field carries the marker alone.
      expect(evidence.testRecord.marker).toEqual({ field: 'title', text: expect.stringMatching(/^\[cutover probe [0-9a-f]{10}\]$/) });
      expect(await counts()).toEqual(before);
    });

    it('a cleanup that fails is reported with what it left behind, never silently', async () => {
      await install('owner', 'task', 'keep');
      const before = await counts();
      const [evaluation] = await run([ownerAndTask()]);
      expect(evaluation?.status).toBe('unknown');
      expect(evaluation?.reason).toMatch(/^the automation did its part, but cleanup failed, left behind: leads \d+: .*leads are kept/);
      const evidence = evaluation?.evidence as {
        testRecord: { id: string; marker: { text: string } };
        cleanup: { ok: boolean; deleted: Array<{ object: string }>; leftBehind: Array<{ object: string; id: string }> };
      };
      expect(evidence.cleanup.ok).toBe(false);
      expect(evidence.cleanup.leftBehind).toEqual([{ object: 'leads', id: evidence.testRecord.id, error: expect.stringContaining('leads are kept') }]);
      expect(evidence.cleanup.deleted.map((item) => item.object)).toEqual(['tasks']);
      // What was left is recognisable as cutover's by its marker.
      const [left] = await crm.get('leads', [evidence.testRecord.id]);
      expect(left?.values.name).toBe(evidence.testRecord.marker.text);
      expect(String(left?.values.name)).toMatch(PROBE_MARKER);

      // A probe that fires keeps its status and adds the cleanup failure.
      await uninstall('owner', 'task');
      const [fired] = await run([ownerAndTask()]);
      expect(fired?.status).toBe('fired');
      expect(fired?.reason).toMatch(/^after 300ms: owner_id is still empty; no tasks record points at it \(tasks\.lead_id\); cleanup failed, left behind: leads \d+: /);
      const firedId = (fired?.evidence as { testRecord: { id: string } }).testRecord.id;

      await uninstall('keep');
      await crm.delete('leads', [evidence.testRecord.id, firedId], { mode: 'hard' });
      expect(await counts()).toEqual(before);
    });

    it('a stopped watch interrupts the wait and still deletes the test record', async () => {
      const before = await counts();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      const t0 = performance.now();
      const [evaluation] = await run([ownerAndTask({ timeout: '20s', synthetic: { values: { name: 'Probe lead' }, wait: '10s', expect: { field: 'owner_id' } } })], { signal: controller.signal });
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(evaluation).toMatchObject({ status: 'unknown', measured: null, reason: 'the probe was interrupted: the watch was stopped', evidence: { cleanup: { ok: true } } });
      expect((evaluation?.evidence as { cleanup: { deleted: unknown[] } }).cleanup.deleted).toHaveLength(1);
      expect(await counts()).toEqual(before);
    });

    it('a transaction cut off by its timeout is unknown, and its test record is still deleted', async () => {
      const before = await counts();
      // Opening the system takes 400 ms of the probe's second: the 900 ms wait cannot end in time.
      const slow = async (): Promise<Connector> => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return crm;
      };
      const t0 = performance.now();
      const [evaluation] = await run([ownerAndTask({ timeout: '1s', synthetic: { values: { name: 'Probe lead' }, wait: '900ms', expect: { field: 'owner_id' } } })], { system: slow });
      expect(performance.now() - t0).toBeLessThan(3_000);
      expect(evaluation).toMatchObject({ status: 'unknown', measured: null, reason: 'did not finish within 1 s', evidence: { actedAfterSeconds: null, cleanup: { ok: true } } });
      const evidence = evaluation?.evidence as { polls: number; testRecord: { id: string }; cleanup: { deleted: Array<{ object: string; id: string }> } };
      expect(evidence.polls).toBeGreaterThan(0);
      expect(evidence.cleanup.deleted).toEqual([{ object: 'leads', id: evidence.testRecord.id }]);
      expect(await counts()).toEqual(before);
    });

    it('a test record the system refuses is unknown with its error, and nothing is created', async () => {
      await install('refuse');
      const before = await counts();
      const [refused] = await run([ownerAndTask()]);
      expect(refused).toMatchObject({ status: 'unknown', measured: null, evidence: { testRecord: { id: null, marker: { field: 'name' } }, polls: 0, cleanup: { ok: true, deleted: [], leftBehind: [] } } });
      expect(refused?.reason).toMatch(/^could not create the test record in leads: .*new leads are closed/);
      expect(await counts()).toEqual(before);
    });

    it('a synthetic transaction that cannot be set up is unknown before anything is written', async () => {
      const before = await counts();
      const [unknownField, noMarker, unknownRelated] = await run([
        ownerAndTask({ name: 'typo', synthetic: { values: { nmae: 'Probe lead' }, wait: '200ms', expect: { field: 'owner_id' } } }),
        // leads.status (20 characters) is too short for the marker, and name is given no text.
        ownerAndTask({ name: 'no-marker', synthetic: { values: { name: null }, wait: '200ms', expect: { field: 'owner_id' } } }),
        ownerAndTask({ name: 'wrong-related', synthetic: { values: { name: 'Probe lead' }, wait: '200ms', expect: { related: { object: 'task', field: 'lead_id' } } } }),
      ]);
      expect(unknownField).toMatchObject({ status: 'unknown' });
      expect(unknownField?.reason).toBe('leads has no field "nmae"; its fields: id, name, status, owner_id, created_at');
      expect(noMarker?.reason).toMatch(/^leads has no text field that can carry cutover's marker \[cutover probe [0-9a-f]{10}\]/);
      expect(unknownRelated?.reason).toMatch(/^crm has no object "task"; its objects: .*tasks/);
      expect(await counts()).toEqual(before);
    });
  });
}

describe('probe settings', () => {
  const parse = (probes: unknown[]): ProbeConfig[] => probesOf('sqlite:./crm.db', tmpdir(), probes).probes;
  const query = { name: 'q', system: 'crm', object: 'leads', where: { field: 'owner_id', isNull: true } };
  const synthetic = { values: { name: 'x' }, wait: '1s', expect: { field: 'owner_id' } };

  it('a sound set of probes has no problems', () => {
    expect(probeProblems(parse([query, { ...query, name: 's', where: undefined, synthetic }]))).toEqual([]);
  });

  it('reports every problem with its path', () => {
    const probes = parse([
      { ...query, where: undefined },
      { ...query, synthetic },
      query,
      { ...query, name: 'r', expect: { min: 3, max: 1 } },
      { name: 's', system: 'crm', object: 'leads', expect: { max: 0 }, synthetic: { values: { name: 'x', owner_id: 7 }, wait: '2m', expect: {} } },
      { name: 't', system: 'crm', object: 'leads', synthetic: { values: {}, expect: { notNull: true, equals: 1 } } },
    ]);
    expect(probeProblems(probes)).toEqual([
      { path: 'triggers.probes[0]', message: expect.stringMatching(/^give where \(a query expectation/) },
      { path: 'triggers.probes[1].name', message: 'triggers.probes[0] is already named "q"; probe names must be unique' },
      { path: 'triggers.probes[1].synthetic', message: expect.stringContaining('where (a query expectation) and synthetic (a synthetic transaction) exclude each other') },
      { path: 'triggers.probes[2].name', message: 'triggers.probes[0] is already named "q"; probe names must be unique' },
      { path: 'triggers.probes[3].expect.min', message: 'min (3) is more than max (1), so the probe would always fire' },
      { path: 'triggers.probes[4].expect', message: expect.stringContaining('synthetic.expect') },
      { path: 'triggers.probes[4].synthetic.expect', message: 'say what the automation must do: field (with notNull or equals), related, or both' },
      { path: 'triggers.probes[4].synthetic.wait', message: "the automation's wait (2m) must be shorter than the probe's timeout (60s), which also covers creating the test record" },
      { path: 'triggers.probes[5].synthetic.expect', message: 'say what the automation must do: field (with notNull or equals), related, or both' },
      { path: 'triggers.probes[5].synthetic.expect.field', message: 'notNull and equals need the field they are about' },
      { path: 'triggers.probes[5].synthetic.expect.equals', message: 'notNull and equals exclude each other; give one' },
    ]);
  });

  it('a test record created with the expected value already set is a problem', () => {
    const probes = parse([{ name: 's', system: 'crm', object: 'leads', synthetic: { values: { name: 'x', owner_id: 7 }, expect: { field: 'owner_id' } } }]);
    expect(probeProblems(probes)).toEqual([{ path: 'triggers.probes[0].synthetic.values.owner_id', message: expect.stringContaining('already as expected') }]);
    const changes = parse([{ name: 's', system: 'crm', object: 'leads', synthetic: { values: { name: 'x', status: 'new' }, expect: { field: 'status', equals: 'assigned' } } }]);
    expect(probeProblems(changes)).toEqual([]);
  });

  it('workflowChecks reports a probe with a problem as unknown with its message, without opening its system', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-probes-'));
    const state = await StateStore.openFile(path.join(dir, 'state.db'));
    try {
      const { plan, probes } = probesOf('sqlite:./crm.db', dir, [{ ...query, where: undefined }, { ...query, synthetic }]);
      const opened: string[] = [];
      const context: CheckContext = {
        now: NOW,
        plan,
        state,
        goLive: { id: 'g', system: 'crm', source: 'legacy', at: NOW.toISOString(), backupId: null, migrateRun: null, frozenUsers: [], user: 'tester' },
        env: {},
        system: async (name) => {
          opened.push(name);
          throw new Error('not expected to be opened');
        },
      };
      const evaluations = await workflowChecks(probes, context);
      expect(evaluations).toHaveLength(2);
      expect(evaluations[0]).toMatchObject({ check: 'workflow.q', kind: 'workflow', status: 'unknown', measured: null, evidence: {} });
      expect(evaluations[0]?.reason).toMatch(/^triggers\.probes\[0\]: give where/);
      expect(evaluations[1]?.reason).toMatch(/^triggers\.probes\[1\]\.name: triggers\.probes\[0\] is already named "q".*; triggers\.probes\[1\]\.synthetic: where/);
      expect(opened).toEqual([]);
    } finally {
      await state.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
