/**
 * The delayed rollback's reconciliation on real databases: after go-live,
 * post-go-live use and the immediate rollback (which exports the delta and
 * restores the source), a reconciliation plan is made, edited, checked and
 * applied through `cutover reconcile`.
 *
 * The plan is meant to be made against the live source before its restore.
 * The immediate rollback restores at once, so the test stands in for that
 * moment: it changes, in the restored source, a record the delta updates
 * (as if the old CRM had been used after the backup), plans against that,
 * then puts the record back as the backup holds it (what the restore does).
 *
 * Proven: the changed record and lossy values become conflicts; a broken
 * edit reports every problem with its entry and field; after an apply that
 * crashed with intents pending and a resumed `--apply`, the source equals
 * the backup plus exactly the plan's creates, updates and deletes (no
 * duplicates); the ledger holds every write; a second `--apply` writes
 * nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainRecords } from '../../../src/backup/backup-chain.js';
import type { Connector, CrmRecord, FieldDescription } from '../../../src/connectors/contract.js';
import { openConnector } from '../../../src/connectors/registry.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { jsonValue } from '../../../src/core/record-hash.js';
import { shapeFacts } from '../../../src/generate/index.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import { readDeltaArchive } from '../../../src/runbooks/rollback/export-delta-files.js';
import { applyReconciliation } from '../../../src/runbooks/rollback/reconcile-apply.js';
import { goLiveBackup } from '../../../src/runbooks/rollback/go-live-backup.js';
import { planReconciliation } from '../../../src/runbooks/rollback/reconcile-plan.js';
import type { ReconciliationPlan } from '../../../src/runbooks/rollback/reconcile-types.js';
import { StateStore } from '../../../src/state/index.js';
import { databaseKinds, type DatabaseKind, type TestDatabase } from '../../support/databases.js';
import { demoOnDatabases, runCli, TEST_KEY } from '../../support/demo-databases.js';

const kinds = databaseKinds();
const pairs = (
  [
    ['sqlite', 'sqlite'],
    ['postgres', 'mysql'],
    ['mysql', 'postgres'],
  ] as Array<[DatabaseKind, DatabaseKind]>
).filter(([a, b]) => kinds.includes(a) && kinds.includes(b));

const CHANGED = 'Changed in the old CRM after the backup';

async function allRecords(read: AsyncIterable<CrmRecord[]>): Promise<Map<string, CrmRecord>> {
  const records = new Map<string, CrmRecord>();
  for await (const batch of read) for (const record of batch) records.set(record.id, record);
  return records;
}

async function* connectorRecords(connector: Connector, object: string): AsyncGenerator<CrmRecord[]> {
  for await (const batch of connector.read(object)) yield batch.records;
}

/** A text field any text fits: no picklist, long enough. */
const freeText = (field: FieldDescription | undefined): boolean =>
  !!field && ['string', 'text'].includes(field.type) && !field.picklistValues?.length && (field.length === undefined || field.length >= CHANGED.length) && !field.references;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

for (const [sourceKind, targetKind] of pairs) {
  describe(`reconciliation: ${sourceKind} → ${targetKind}`, () => {
    const databases: TestDatabase[] = [];
    let dir: string;
    let archive: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cutover-reconcile-'));
      databases.push(
        ...(await demoOnDatabases(dir, { source: sourceKind, target: targetKind }, { records: 200, seed: 11, edit: (plan) => plan.setIn(['rollback', 'reconcile', 'policy'], 'manual') })),
      );
      for (const args of [
        ['snapshot', 'salesforce'],
        ['backup', 'legacy'],
        ['verify', 'latest'],
        ['migrate', '--yes'],
        ['go-live', '--freeze-source', '--yes'],
        ['simulate', 'salesforce', '--new', '20', '--edits', '10', '--deletes', '5', '--days', '1'],
        ['decide', 'rollback', '--reason', 'reconciliation test'],
        ['rollback', '--yes'],
      ]) {
        const step = await runCli(dir, args);
        expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
        if (args[0] === 'rollback') archive = step.json.steps.find((s: { name: string }) => s.name === 'export-delta').outcome.data.archive;
      }
    }, 300_000);

    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    it('plans, checks and applies the delta into the restored source, once, resuming a crashed apply', async () => {
      const legacy = await openConnector({ kind: sourceKind, url: databases[0]!.url, profile: resolveProfile(shapeFacts('legacy').profile), baseDir: dir, displayName: 'legacy' });
      let state = await StateStore.open(dir);
      try {
        const description = await legacy.describe();
        const goLive = (await state.goLives.latest('salesforce'))!;
        const backup = await goLiveBackup(state, goLive, TEST_KEY);

        // The old CRM used after the backup: a text field of a record the delta updates.
        const delta = [...(await readDeltaArchive(archive, TEST_KEY)).objects.values()].flat();
        const touched = delta.find(
          (record) =>
            record.change === 'updated' &&
            Object.keys(record.values).some((field) => freeText(description.objects.find((o) => o.name === record.sourceObject)!.fields.find((f) => f.name === field))),
        )!;
        const object = description.objects.find((o) => o.name === touched.sourceObject)!;
        const field = Object.keys(touched.values).find((name) => freeText(object.fields.find((f) => f.name === name)))!;
        const [original] = await legacy.get(object.name, [touched.sourceId!]);
        const stamp = object.modifiedAtField!;
        expect((await legacy.write(object.name, 'update', [{ id: touched.sourceId!, values: { [field]: CHANGED, [stamp]: '2027-01-01T00:00:00.000Z' } }]))[0]!.ok).toBe(true);

        const planned = await planReconciliation({ plan: loadPlan(path.join(dir, 'cutover.yaml')), state, archive, secret: TEST_KEY, sourceName: 'legacy', source: legacy, output: path.join(dir, 'reconcile') });
        const plan = planned.plan;
        expect(plan.policy).toEqual({ policy: 'manual', deletes: 'apply' });
        expect(plan.entries).toHaveLength(delta.length);
        expect(readFileSync(planned.summary!, 'utf8')).toContain('conflict(s) to decide');
        const changedEntry = plan.entries.findIndex((entry) => entry.from.id === touched.targetId);
        expect(plan.entries[changedEntry]).toMatchObject({ action: 'conflict', proposed: 'update', sourceNow: { [field]: CHANGED } });
        expect(plan.entries[changedEntry]!.notes.some((note) => note.kind === 'changed-in-source')).toBe(true);
        const lossy = plan.entries.filter((entry) => entry.notes.some((note) => note.kind === 'lossy' && !note.reason.endsWith('(not written)')));
        expect(lossy.length).toBeGreaterThan(0);
        expect(lossy.every((entry) => entry.action === 'conflict')).toBe(true);

        // The restore, which follows the planning, puts the record back as the backup holds it.
        expect((await legacy.write(object.name, 'update', [{ id: touched.sourceId!, values: { [field]: original!.values[field] ?? null, [stamp]: original!.values[stamp] ?? null } }]))[0]!.ok).toBe(true);

        // A person decides: every conflict as proposed, and one plain update skipped.
        const edited: ReconciliationPlan = structuredClone(plan);
        for (const entry of edited.entries) {
          if (entry.action !== 'conflict') continue;
          entry.action = entry.proposed;
          // A required field the new CRM gives no value for: the person fills one in, as other records of the object hold.
          for (const note of entry.notes.filter((n) => n.kind === 'missing' && n.field)) {
            for await (const batch of chainRecords(backup.chain, entry.object)) {
              const holder = batch.find((record) => record.values[note.field!] !== null && record.values[note.field!] !== undefined);
              if (holder) {
                entry.values[note.field!] = jsonValue(holder.values[note.field!]!);
                break;
              }
            }
          }
        }
        const skipped = edited.entries.findIndex((entry, index) => entry.action === 'update' && index !== changedEntry);
        edited.entries[skipped]!.action = 'skip';
        const file = path.join(dir, 'reconcile', 'edited.json');
        writeFileSync(file, JSON.stringify(edited, null, 2));

        // A broken edit: every problem at once, with its entry and field.
        const broken: ReconciliationPlan = structuredClone(edited);
        const creates = broken.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.action === 'create');
        const updates = broken.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.action === 'update');
        creates[0]!.entry.values.no_such_field = 'x';
        updates[0]!.entry.id = '999999999';
        updates[1]!.entry.action = 'conflict';
        creates[1]!.entry.links.push({ field: Object.keys(creates[1]!.entry.values)[0]!, entry: 100_000, targetObject: 'Account', targetId: 'nope' });
        const brokenFile = path.join(dir, 'reconcile', 'broken.json');
        writeFileSync(brokenFile, JSON.stringify(broken, null, 2));
        await state.close();

        const brokenCheck = await runCli(dir, ['reconcile', '--check', brokenFile]);
        expect(brokenCheck.code).toBe(1);
        const problems = brokenCheck.json.problems.map((p: { entry: number; field: string }) => `${p.entry} ${p.field}`);
        expect(problems).toEqual(
          expect.arrayContaining([`${creates[0]!.index} values.no_such_field`, `${updates[0]!.index} id`, `${updates[1]!.index} action`, `${creates[1]!.index} links.${creates[1]!.entry.links.length - 1}`]),
        );
        expect((await runCli(dir, ['reconcile', '--apply', brokenFile, '--yes'])).code).toBe(2);

        const checked = await runCli(dir, ['reconcile', '--check', file]);
        expect(checked.code, checked.out + checked.err).toBe(0);

        // A crash after the first write, before its confirmation: its intents stay pending.
        state = await StateStore.open(dir);
        await state.runs.start({ id: 'reconcile-crashed', kind: 'reconcile', system: 'legacy', source: plan.export.id, dryRun: false });
        let writes = 0;
        const crashing = new Proxy(legacy, {
          get(target, property, receiver) {
            if (property === 'write') {
              return async (...args: Parameters<Connector['write']>) => {
                const results = await target.write(...args);
                writes += 1;
                if (writes === 1) throw new Error('killed after the write');
                return results;
              };
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        await expect(applyReconciliation({ plan: edited, state, system: 'legacy', source: crashing, runId: 'reconcile-crashed' })).rejects.toThrow('killed after the write');
        expect((await state.ledger.pending('legacy')).length).toBeGreaterThan(0);
        await state.close();

        const applied = await runCli(dir, ['reconcile', '--apply', file, '--yes']);
        expect(applied.code, applied.out + applied.err).toBe(0);
        expect(applied.json.recovered.confirmed).toBeGreaterThan(0);
        expect(applied.json.failures).toEqual([]);
        expect(applied.json.safetyBackup).toBeTruthy();
        const again = await runCli(dir, ['reconcile', '--apply', file, '--yes']);
        expect(again.code, again.err).toBe(0);
        expect(again.json).toMatchObject({ wrote: false, created: 0, updated: 0, deleted: 0, linked: 0 });

        // The source is the backup plus exactly the plan's changes.
        state = await StateStore.open(dir);
        expect(await state.ledger.pending('legacy')).toEqual([]);
        const ledger = (await state.ledger.entries({ system: 'legacy' })).filter((entry) => entry.hash?.startsWith('reconcile:'));
        const toApply = edited.entries.filter((entry) => entry.action !== 'skip');
        expect(ledger).toHaveLength(toApply.length);
        const createdId = new Map(ledger.filter((entry) => entry.operation === 'created').map((entry) => [`${entry.sourceObject} ${entry.sourceId}`, entry.targetId]));
        const linkWrites = (await state.ledger.entries({ system: 'legacy' })).filter((entry) => entry.hash === null && entry.operation === 'updated');
        expect(linkWrites).toHaveLength(toApply.filter((entry) => entry.links.length > 0).length);
        for (const name of new Set(edited.entries.map((entry) => entry.object))) {
          const before = await allRecords(chainRecords(backup.chain, name));
          const after = await allRecords(connectorRecords(legacy, name));
          const entries = toApply.filter((entry) => entry.object === name);
          const expectedNew = entries.filter((entry) => entry.action === 'create').map((entry) => createdId.get(`${entry.from.object} ${entry.from.id}`)!);
          expect([...after.keys()].filter((id) => !before.has(id)).sort()).toEqual([...expectedNew].sort());
          expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
          const differs = (a: CrmRecord, b: CrmRecord): boolean =>
            a.deleted !== b.deleted || [...new Set([...Object.keys(a.values), ...Object.keys(b.values)])].some((f) => !same(jsonValue(a.values[f] ?? null), jsonValue(b.values[f] ?? null)));
          const changedIds = [...after.keys()].filter((id) => before.has(id) && differs(before.get(id)!, after.get(id)!));
          const expectedChanged = entries.filter((entry) => entry.action === 'update' || entry.action === 'delete').map((entry) => entry.id!);
          expect(changedIds.sort()).toEqual([...new Set(expectedChanged)].sort());
          for (const entry of entries) {
            const record = after.get(entry.action === 'create' ? createdId.get(`${entry.from.object} ${entry.from.id}`)! : entry.id!)!;
            if (entry.action === 'delete') {
              expect(record.deleted).toBe(true);
              continue;
            }
            for (const [f, value] of Object.entries(entry.values)) expect(jsonValue(record.values[f] ?? null), `${name} ${record.id}.${f}`).toEqual(value);
            for (const link of entry.links) expect(String(record.values[link.field])).toBe(createdId.get(`${edited.entries[link.entry]!.from.object} ${edited.entries[link.entry]!.from.id}`));
            if (entry.action === 'update') {
              const old = before.get(entry.id!)!;
              for (const f of Object.keys(old.values)) if (!(f in entry.values)) expect(jsonValue(record.values[f] ?? null), `${name} ${record.id}.${f} untouched`).toEqual(jsonValue(old.values[f] ?? null));
            }
          }
          // The skipped entry's record is as the backup holds it.
          const skip = edited.entries[skipped]!;
          if (skip.object === name) expect(same(Object.entries(after.get(skip.id!)!.values).map(([f, v]) => [f, jsonValue(v)]), Object.entries(before.get(skip.id!)!.values).map(([f, v]) => [f, jsonValue(v)]))).toBe(true);
        }
      } finally {
        await state.close().catch(() => undefined);
        await legacy.close();
      }
    }, 300_000);
  });
}
