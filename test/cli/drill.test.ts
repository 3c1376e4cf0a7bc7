/**
 * `cutover drill` on the demo plan with its sandboxes on SQLite, PostgreSQL
 * and MariaDB: the rollback rehearsed end to end, every check passing, the
 * time against the RTO, the three reports written, `drills` listing it, the
 * team told — and nothing of the real plan touched: its systems and state
 * are as they were. A fault injected in the restore fails the drill with
 * exit 1, and its report still says what failed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/index.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { demoOnDatabases, runCli } from '../support/demo-databases.js';

const RECORDS = 300;

for (const kind of databaseKinds()) {
  describe(`cutover drill with ${kind} sandboxes`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), `cutover-drill-${kind}-`));
      // Production on SQLite files; the sandboxes on the database under test (SQLite: the plan's own sandbox files).
      const sandboxes: TestDatabase[] = kind === 'sqlite' ? [] : [await createTestDatabase(kind as DatabaseKind), await createTestDatabase(kind as DatabaseKind)];
      databases.push(...sandboxes);
      databases.push(
        ...(await demoOnDatabases(dir, { source: 'sqlite', target: 'sqlite' }, {
          records: RECORDS,
          seed: 3,
          edit: (plan) => {
            if (sandboxes.length === 0) return;
            plan.setIn(['systems', 'legacy-sandbox', 'url'], sandboxes[0]!.url);
            plan.setIn(['systems', 'salesforce-sandbox', 'url'], sandboxes[1]!.url);
          },
        })),
      );
      for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest']]) {
        const step = await runCli(dir, args);
        expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
      }
    });

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('rehearses the immediate rollback in the sandboxes, passes every check, and touches nothing of the real plan', async () => {
      const production = databases.filter((db) => db.kind === 'sqlite' && db.url.startsWith('sqlite:')).slice(-2);
      const fingerprint = () => production.map((db) => createHash('sha256').update(readFileSync(db.url.slice('sqlite:'.length))).digest('hex'));
      const before = fingerprint();
      const drill = await runCli(dir, ['drill', '--mode', 'immediate']);
      expect(drill.code, drill.err).toBe(0);
      const report = drill.json;
      expect(report.status).toBe('passed');
      expect(report.failed).toEqual([]);
      expect(report.phases.map((phase: { name: string; status: string }) => `${phase.name} ${phase.status}`)).toEqual([
        'sandboxes succeeded',
        'backup succeeded',
        'snapshot succeeded',
        'migrate succeeded',
        'go-live succeeded',
        'simulate succeeded',
        'watch succeeded',
        'decide succeeded',
        'rollback succeeded',
      ]);
      expect(report.rollback.steps.map((step: { name: string }) => step.name)).toEqual(['freeze-target', 'export-delta', 'restore-source', 'reenable-source', 'communicate']);
      expect(report.rollback.steps.every((step: { seconds: number }) => step.seconds >= 0)).toBe(true);
      const checks = Object.fromEntries(report.checks.map((check: { name: string; status: string; detail: string }) => [check.name, `${check.status}: ${check.detail}`]));
      expect(checks['source equals its backup']).toMatch(/^passed: legacy equals backup legacy-\S+ record for record: \d+ records/);
      expect(checks['export holds every change']).toMatch(/^passed: all \d+ records the use after go-live created, edited or deleted are in the export/);
      expect(checks['source users as before go-live']).toMatch(/^passed: all \d+ users of legacy are as before go-live/);
      // The plan's probe on the source, run against the restored sandbox.
      expect(checks['workflow.legacy-opportunities-have-account']).toBe('passed: passes: measured 0 records against at most 0 records');
      expect(report.rto).toMatchObject({ objective: '4h', objectiveSeconds: 14_400, verdict: 'pass' });
      expect(report.rto.actualSeconds).toBe(report.rollback.seconds);
      expect(report.estimate.verdict).toBe('pass');
      expect(report.estimate.assumptions.length).toBeGreaterThan(2);
      for (const file of Object.values(report.files) as string[]) expect(existsSync(file), file).toBe(true);
      expect(readFileSync(report.files.markdown, 'utf8')).toContain(report.id);

      // Nothing of the real plan moved: its databases are byte for byte as before, its state has no go-live, and the team was told through its outbox.
      expect(fingerprint()).toEqual(before);
      const state = await StateStore.open(dir);
      try {
        expect(await state.goLives.latest('salesforce')).toBeUndefined();
        expect((await state.runs.get(report.id))?.status).toBe('succeeded');
        const told = await state.messages.list({ runId: report.id });
        expect(told.map((message) => `${message.event} ${message.template} ${message.status}`)).toEqual(['drill_finished drill-finished sent']);
        expect(told[0]!.subject).toMatch(/Rollback drill passed: [\d.]+ s against an RTO of 4h/);
      } finally {
        await state.close();
      }
      const listed = await runCli(dir, ['drills']);
      expect(listed.json.drills[0]).toMatchObject({ id: report.id, mode: 'immediate', status: 'passed', rollbackSeconds: report.rollback.seconds, html: report.files.html });
    });

    it('fails with exit 1 when a rollback step fails, and its report says which', async () => {
      const drill = await runCli(dir, ['drill', '--mode', 'immediate', '--inject-fault', 'restore-source']);
      expect(drill.code, drill.err).toBe(1);
      expect(drill.json.status).toBe('failed');
      expect(drill.json.failed, JSON.stringify(drill.json.phases[0])).toEqual(['rollback: restore-source']);
      const restore = drill.json.rollback.steps.find((step: { name: string }) => step.name === 'restore-source');
      expect(restore).toMatchObject({ status: 'failed' });
      expect(restore.summary).toContain('injected fault');
      expect(drill.json.rto).toMatchObject({ verdict: 'fail', actualSeconds: null });
      expect(readFileSync(drill.json.files.html, 'utf8')).toContain('restore-source');
      const listed = await runCli(dir, ['drills']);
      expect(listed.json.drills.map((each: { status: string }) => each.status)).toEqual(['failed', 'passed']);
    });

    if (kind === 'sqlite') {
      it('rehearses the delayed rollback too', async () => {
        const drill = await runCli(dir, ['drill', '--mode', 'delayed']);
        expect(drill.code, drill.err).toBe(0);
        expect(drill.json.status).toBe('passed');
        expect(drill.json.rollback.steps.map((step: { name: string }) => step.name)).toContain('plan-reconciliation');
        expect(drill.json.checks.every((check: { status: string }) => check.status === 'passed')).toBe(true);
      });
    }
  });
}
