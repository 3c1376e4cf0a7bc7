/**
 * The migration flow of the demo plan, through the CLI in process, with
 * SQLite, PostgreSQL and MariaDB as source and target: snapshot the target,
 * back up and verify the source, migrate, verify the migration, reset the
 * target to its snapshot, migrate again, go live freezing the source's users.
 * The MariaDB → PostgreSQL run keeps its state in a shared PostgreSQL schema
 * (the plan's `state.url`) instead of the file beside the plan.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnector } from '../../../src/connectors/registry.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { shapeFacts } from '../../../src/generate/index.js';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../../support/databases.js';
import { demoOnDatabases, runCli } from '../../support/demo-databases.js';

const RECORDS = 200;
const kinds = databaseKinds();
// Every database as a source and as a target, in three runs.
const pairs: Array<[DatabaseKind, DatabaseKind]> = [
  ['sqlite', 'sqlite'],
  ['postgres', 'mysql'],
  ['mysql', 'postgres'],
].filter(([a, b]) => kinds.includes(a as DatabaseKind) && kinds.includes(b as DatabaseKind)) as Array<[DatabaseKind, DatabaseKind]>;

const run = runCli;

for (const [sourceKind, targetKind] of pairs) {
  describe(`migration flow: ${sourceKind} → ${targetKind}`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;
    let sharedState: string | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-flow-'));
      const shared: TestDatabase[] = [];
      databases.push(
        ...(await demoOnDatabases(dir, { source: sourceKind, target: targetKind }, {
          records: RECORDS,
          seed: 7,
          edit: async (plan) => {
            if (sourceKind !== 'mysql') return;
            const state = await createTestDatabase('postgres');
            shared.push(state);
            sharedState = `${state.url}?schema=team_ledger`;
            plan.set('state', { url: sharedState });
          },
        })),
        // Source and target stay first: the test opens databases[1] as the target.
        ...shared,
      );
    });

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('snapshots, backs up, migrates, verifies, resets to the snapshot, migrates again, goes live and watches the triggers', async () => {
      const snapshot = await run(dir, ['snapshot', 'salesforce']);
      expect(snapshot.err).toBe('');
      expect(snapshot.code).toBe(0);
      expect(snapshot.json.baseline).toBe(true);

      expect((await run(dir, ['backup', 'legacy'])).code).toBe(0);
      expect((await run(dir, ['verify', 'latest', '--deep'])).code).toBe(0);

      const dry = await run(dir, ['migrate', '--dry-run']);
      expect(dry.code).toBe(0);
      const first = await run(dir, ['migrate', '--yes']);
      expect(first.err).not.toContain('Error');
      expect(first.code).toBe(0);
      expect(first.json.failures.count).toBe(0);
      const created = first.json.objects.reduce((sum: number, o: { created: number }) => sum + o.created, 0);
      expect(created).toBeGreaterThan(RECORDS / 2);
      // The dry run promised what the run did.
      expect(dry.json.objects.map((o: { created: number }) => o.created)).toEqual(first.json.objects.map((o: { created: number }) => o.created));

      const verified = await run(dir, ['verify-migration']);
      expect(verified.code).toBe(0);
      expect(verified.json.ok).toBe(true);
      expect(verified.json.objects.every((o: { missing: number; corrupted: number; matched: number; expected: number }) => o.missing === 0 && o.corrupted === 0 && o.matched === o.expected)).toBe(true);

      const ledger = await run(dir, ['ledger', '--format', 'json']);
      expect(ledger.json.entries.filter((e: { operation: string }) => e.operation === 'created')).toHaveLength(created);

      const again = await run(dir, ['migrate', '--yes']);
      expect(again.json.objects.every((o: { created: number; updated: number }) => o.created === 0 && o.updated === 0)).toBe(true);

      const reset = await run(dir, ['reset', 'salesforce', '--yes']);
      expect(reset.code).toBe(0);
      expect(reset.json.equal).toBe(true);
      expect(reset.json.objects.reduce((sum: number, o: { deleted: number }) => sum + o.deleted, 0)).toBe(created);

      const second = await run(dir, ['migrate', '--yes']);
      expect(second.code).toBe(0);
      expect(second.json.objects.reduce((sum: number, o: { created: number }) => sum + o.created, 0)).toBe(created);
      expect((await run(dir, ['verify-migration'])).code).toBe(0);

      const live = await run(dir, ['go-live', '--freeze-source', '--yes']);
      expect(live.code).toBe(0);
      expect(live.json.frozenUsers.length).toBeGreaterThan(0);
      const status = await run(dir, ['status']);
      expect(status.json.goLive.window).toBe('immediate (0-24 h)');
      expect(status.json.migration.id).toBe(second.json.id);
      // After go-live, reset and migrate refuse without --force: they would overwrite what people entered.
      expect((await run(dir, ['reset', 'salesforce', '--yes'])).code).toBe(2);

      // The rollback triggers: healthy at first; records deleted in the target fire data-loss.
      const healthy = await run(dir, ['watch', '--once']);
      expect(healthy.code, healthy.err).toBe(0);
      expect(healthy.json.verdict).toBe('healthy');
      const target = await openConnector({ kind: targetKind, url: databases[1]!.url, profile: resolveProfile(shapeFacts('salesforce').profile), baseDir: dir, displayName: 'salesforce' });
      try {
        const contacts: string[] = [];
        for await (const batch of target.read('Contact', { batchSize: 20 })) {
          contacts.push(...batch.records.filter((record) => !record.deleted).slice(0, 20).map((record) => record.id));
          break;
        }
        expect((await target.delete('Contact', contacts, { mode: 'soft' })).every((result) => result.ok)).toBe(true);
        const user = (await target.listUsers()).find((candidate) => candidate.active && !candidate.isAdmin);
        expect((await target.write('User', 'update', [{ id: user!.id, values: { ProfileName: 'System Administrator' } }]))[0]?.ok).toBe(true);
      } finally {
        await target.close();
      }
      const fired = await run(dir, ['watch', '--once']);
      expect(fired.code).toBe(1);
      const evaluation = (result: { json: any }, name: string) => result.json.evaluations.find((e: { check: string }) => e.check === name);
      expect(evaluation(fired, 'data-loss')).toMatchObject({ status: 'fired' });
      expect(evaluation(fired, 'security.admins')).toMatchObject({ status: 'fired', evidence: { newAdmins: [expect.objectContaining({ role: expect.anything() })] } });
      expect(fired.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'immediate' });
      // Nobody logged in to the new CRM by day 3 and a half: adoption fires, and the delayed rollback applies.
      const later = await run(dir, ['watch', '--once', '--at', new Date(Date.parse(live.json.at) + 84 * 3_600_000).toISOString()]);
      expect(evaluation(later, 'adoption')).toMatchObject({ status: 'fired', evidence: { active: 0 } });
      expect(later.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'delayed' });

      expect(existsSync(path.join(dir, '.cutover', 'state.db'))).toBe(sharedState === undefined);
      if (sharedState) {
        // Everything the commands recorded is in the shared schema, where a teammate's cutover reads it.
        const client = new pg.Client({ connectionString: sharedState.replace(/\?.*$/, '') });
        await client.connect();
        try {
          const counts = await client.query(
            "SELECT (SELECT COUNT(*)::int FROM team_ledger.runs WHERE kind = 'migrate' AND NOT dry_run = 1) AS migrations, (SELECT COUNT(*)::int FROM team_ledger.go_lives) AS go_lives, (SELECT COUNT(*)::int FROM team_ledger.id_map) AS mapped",
          );
          expect(counts.rows[0]).toEqual({ migrations: 3, go_lives: 1, mapped: created });
        } finally {
          await client.end();
        }
      }
    });
  });
}
