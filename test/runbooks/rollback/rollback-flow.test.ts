/**
 * The immediate rollback end to end through the CLI, with SQLite, PostgreSQL
 * and MariaDB as source and target: go-live freezing the source's users,
 * post-go-live use from `simulate`, the watch firing, the decision, then
 * the rollback: every step succeeds, the source equals its backup, its
 * users are as they were before go-live, the target is frozen, what was
 * entered in the target is exported, and `run <id>` shows the timings. The
 * delayed rollback on the same pairs carries the reconciliation into the
 * restored source, which then differs from its backup in exactly those records.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupSource, openBackupChain } from '../../../src/backup/backup-chain.js';
import { openConnector } from '../../../src/connectors/registry.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { connectorSource, diffSources } from '../../../src/diff/index.js';
import { shapeFacts } from '../../../src/generate/index.js';
import { readDeltaArchive } from '../../../src/runbooks/rollback/export-delta-files.js';
import { StateStore } from '../../../src/state/index.js';
import { databaseKinds, type DatabaseKind, type TestDatabase } from '../../support/databases.js';
import { demoOnDatabases, runCli, TEST_KEY } from '../../support/demo-databases.js';

const RECORDS = 200;
const kinds = databaseKinds();
const pairs = (
  [
    ['sqlite', 'sqlite'],
    ['postgres', 'mysql'],
    ['mysql', 'postgres'],
  ] as Array<[DatabaseKind, DatabaseKind]>
).filter(([a, b]) => kinds.includes(a) && kinds.includes(b));

const run = runCli;
const KEY = TEST_KEY;

for (const [sourceKind, targetKind] of pairs) {
  describe(`immediate rollback: ${sourceKind} → ${targetKind}`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-rollback-'));
      databases.push(...(await demoOnDatabases(dir, { source: sourceKind, target: targetKind }, { records: RECORDS, seed: 7 })));
      for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes']]) {
        const step = await run(dir, args);
        expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
      }
    });

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('freezes the target, restores the source to its backup, re-enables its users, and tells people', async () => {
      const simulated = await run(dir, ['simulate', 'salesforce', '--new', '20', '--edits', '10', '--deletes', '5', '--days', '1']);
      expect(simulated.code, simulated.err).toBe(0);
      expect((await run(dir, ['watch', '--once'])).code).toBe(1);

      // Without a decision it refuses; a dry run writes nothing.
      expect((await run(dir, ['rollback', '--yes'])).code).toBe(2);
      expect((await run(dir, ['decide', 'rollback', '--reason', 'records deleted after go-live'])).code).toBe(0);
      const dry = await run(dir, ['rollback', '--dry-run']);
      expect(dry.code, dry.err).toBe(0);
      expect(dry.json.steps.map((s: { name: string }) => s.name)).toEqual(['freeze-target', 'export-delta', 'restore-source', 'reenable-source', 'communicate']);

      const rollback = await run(dir, ['rollback', '--yes']);
      expect(rollback.code, rollback.err).toBe(0);
      expect(rollback.json.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)).toEqual([
        'freeze-target succeeded',
        'export-delta succeeded',
        'restore-source succeeded',
        'reenable-source succeeded',
        'communicate succeeded',
      ]);

      const state = await StateStore.open(dir);
      try {
        const goLive = (await state.goLives.latest('salesforce'))!;
        const backup = (await state.backups.get(goLive.backupId!))!;
        const chain = await openBackupChain(backup.path, KEY, state);
        const legacy = await openConnector({ kind: sourceKind, url: databases[0]!.url, profile: resolveProfile(shapeFacts('legacy').profile), baseDir: dir, displayName: 'legacy' });
        const salesforce = await openConnector({ kind: targetKind, url: databases[1]!.url, profile: resolveProfile(shapeFacts('salesforce').profile), baseDir: dir, displayName: 'salesforce' });
        try {
          // The source equals the backup taken before go-live, its users included: those frozen at go-live are active again.
          expect((await diffSources(backupSource(chain, 'backup'), connectorSource(legacy, 'legacy'))).equal).toBe(true);
          const users = await legacy.listUsers();
          expect(goLive.frozenUsers.length).toBeGreaterThan(0);
          for (const frozen of goLive.frozenUsers) expect(users.find((user) => user.id === frozen.id)).toMatchObject({ active: true, frozen: false });
          // Nobody but the exempt can log in to the target.
          expect((await salesforce.listUsers()).filter((user) => user.active && !user.frozen)).toEqual([]);
        } finally {
          await legacy.close();
          await salesforce.close();
        }
      } finally {
        await state.close();
      }
      // Everything people did in the target after go-live is in the export, mapped back to the right source records.
      const exported = rollback.json.steps.find((s: { name: string }) => s.name === 'export-delta').outcome.data;
      const delta = await readDeltaArchive(exported.archive, KEY);
      const records = [...delta.objects.values()].flat();
      const byTarget = new Map(records.map((record) => [`${record.targetObject} ${record.targetId}`, record]));
      const state2 = await StateStore.open(dir);
      try {
        const sourceOf = new Map((await state2.ledger.idMap('salesforce')).map((entry) => [`${entry.object} ${entry.targetId}`, entry.sourceId]));
        for (const object of simulated.json.objects as Array<{ object: string; createdIds: string[]; edits: Array<{ id: string }>; deletedIds: string[] }>) {
          for (const id of object.createdIds) expect(byTarget.get(`${object.object} ${id}`), `${object.object} ${id} created`).toMatchObject({ change: 'created', sourceId: null });
          for (const { id } of object.edits) {
            expect(byTarget.get(`${object.object} ${id}`), `${object.object} ${id} edited`).toMatchObject({ change: 'updated', sourceId: sourceOf.get(`${object.object} ${id}`) });
          }
          for (const id of object.deletedIds) {
            expect(byTarget.get(`${object.object} ${id}`), `${object.object} ${id} deleted`).toMatchObject({ change: 'deleted', sourceId: sourceOf.get(`${object.object} ${id}`) });
          }
        }
        expect(exported.csv.length).toBeGreaterThan(0);
      } finally {
        await state2.close();
      }
      // Rollback started, then the team, management and next-steps messages, each with this run's own figures.
      const communicated = rollback.json.steps.find((s: { name: string }) => s.name === 'communicate').outcome;
      expect(communicated.counts).toEqual({ sent: 4, awaitingApproval: 1, failed: 0 });
      const messages = readdirSync(path.join(dir, 'outbox')).map((name) => readFileSync(path.join(dir, 'outbox', name), 'utf8'));
      const ofThisRun = messages.filter((text) => communicated.data.messages.some((message: { id: string }) => text.includes(message.id)));
      expect(ofThisRun.map((text) => /^template: (.+)$/m.exec(text)?.[1]).sort()).toEqual(['customer', 'internal-team', 'management-escalation', 'post-rollback-next-steps', 'rollback-started']);
      // The customer message waits for a person to approve it; the others are sent.
      expect(ofThisRun.filter((text) => /^status: sent$/m.test(text))).toHaveLength(4);
      expect(ofThisRun.find((text) => text.includes('template: customer'))).toMatch(/^status: awaiting_approval$/m);
      const counts = rollback.json.steps.find((s: { name: string }) => s.name === 'export-delta').outcome.counts;
      const management = ofThisRun.find((text) => text.includes('template: management-escalation'));
      expect(management).toContain(`Records entered since go-live and exported for carrying back: ${counts.created + counts.updated + counts.deleted}.`);
      expect(ofThisRun.find((text) => text.includes('template: post-rollback-next-steps'))).toContain(rollback.json.id);
      const shown = await run(dir, ['run', rollback.json.id]);
      expect(shown.json.steps.every((s: { status: string; seconds: number }) => s.status === 'succeeded' && s.seconds >= 0)).toBe(true);
      expect(existsSync(rollback.json.path)).toBe(true);
    });
  });
}

for (const [sourceKind, targetKind] of pairs) {
  describe(`delayed rollback: ${sourceKind} → ${targetKind}`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-rollback-delayed-'));
      databases.push(...(await demoOnDatabases(dir, { source: sourceKind, target: targetKind }, { records: RECORDS, seed: 11 })));
      for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes']]) {
        const step = await run(dir, args);
        expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
      }
    });

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('ends with the source equal to its backup plus exactly the reconciled changes, its users re-enabled', async () => {
      expect((await run(dir, ['simulate', 'salesforce', '--new', '20', '--edits', '10', '--deletes', '5', '--days', '3'])).code).toBe(0);
      expect((await run(dir, ['decide', 'rollback', '--reason', 'adoption and data loss'])).code).toBe(0);
      const rollback = await run(dir, ['rollback', '--mode', 'delayed', '--apply-reconciliation', '--yes']);
      expect(rollback.code, rollback.err).toBe(0);
      expect(rollback.json.steps.every((s: { status: string }) => s.status === 'succeeded')).toBe(true);
      const applied = rollback.json.steps.find((s: { name: string }) => s.name === 'apply-reconciliation').outcome.counts;
      expect(applied.created + applied.updated + applied.deleted).toBeGreaterThan(0);

      const state = await StateStore.open(dir);
      const legacy = await openConnector({ kind: sourceKind, url: databases[0]!.url, profile: resolveProfile(shapeFacts('legacy').profile), baseDir: dir, displayName: 'legacy' });
      try {
        const goLive = (await state.goLives.latest('salesforce'))!;
        const chain = await openBackupChain((await state.backups.get(goLive.backupId!))!.path, KEY, state);
        const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(legacy, 'legacy'));
        const sum = (key: 'onlyInA' | 'onlyInB' | 'changed') => diff.objects.reduce((total, object) => total + object[key], 0);
        expect(sum('onlyInB')).toBe(applied.created);
        expect(sum('changed') + sum('onlyInA')).toBe(applied.updated + applied.deleted);
        const users = await legacy.listUsers();
        for (const frozen of goLive.frozenUsers) expect(users.find((user) => user.id === frozen.id)).toMatchObject({ active: true, frozen: false });
      } finally {
        await legacy.close();
        await state.close();
      }
    });
  });
}
