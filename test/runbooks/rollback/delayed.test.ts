/**
 * The delayed rollback on the demo: after two days of use in the new CRM
 * (`simulate`), it freezes the target, exports and assesses what was entered
 * (per object, user and day), restores the source, writes the plan for the
 * next attempt, re-enables the source's users and tells people.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { backupSource, openBackupChain } from '../../../src/backup/backup-chain.js';
import { backupSecret } from '../../../src/backup/backup-key.js';
import { openConnector } from '../../../src/connectors/registry.js';
import { connectorSource, diffSources } from '../../../src/diff/index.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import { systemFromPlan } from '../../../src/plan/systems.js';
import { StateStore } from '../../../src/state/index.js';
import { runCli, type CliRun } from '../../support/cli-run.js';

const run = (dir: string, args: string[]): Promise<CliRun> => runCli(dir, [...args, '--plan', 'demo/cutover.yaml']);

describe('the delayed rollback on the demo', () => {
  it('assesses what was entered since go-live, plans and applies its reconciliation after the restore, and plans the re-migration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-delayed-'));
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '300'], bufferIo({ cwd: dir }))).toBe(0);
    for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes']]) {
      const step = await run(dir, args);
      expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
    }
    const simulated = await run(dir, ['simulate', 'salesforce', '--new', '24', '--edits', '12', '--deletes', '5', '--days', '2']);
    expect(simulated.code, simulated.err).toBe(0);
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    expect((await run(dir, ['decide', 'rollback', '--reason', 'contacts deleted by a sync job'])).code).toBe(0);

    const rollback = await run(dir, ['rollback', '--mode', 'delayed', '--apply-reconciliation', '--yes']);
    expect(rollback.code, rollback.err).toBe(0);
    expect(rollback.json.mode).toBe('delayed');
    expect(rollback.json.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)).toEqual([
      'freeze-target succeeded',
      'export-delta succeeded',
      'assess succeeded',
      'plan-reconciliation succeeded',
      'restore-source succeeded',
      'apply-reconciliation succeeded',
      'plan-remigration succeeded',
      'reenable-source succeeded',
      'communicate succeeded',
    ]);
    const step = (name: string) => rollback.json.steps.find((s: { name: string }) => s.name === name);
    const exported = step('export-delta').outcome.counts;
    const assessment = JSON.parse(readFileSync(step('assess').outcome.data.json, 'utf8'));
    // The assessment accounts for every exported record, per object, user and day alike.
    expect(assessment.totals).toMatchObject({ created: exported.created, updated: exported.updated, deleted: exported.deleted, records: exported.created + exported.updated + exported.deleted });
    for (const by of ['objects', 'users', 'days']) {
      const sum = assessment[by].reduce((total: number, item: { created: number; updated: number; deleted: number }) => total + item.created + item.updated + item.deleted, 0);
      expect(sum, by).toBe(assessment.totals.records);
    }
    expect(assessment.totals.created).toBe(simulated.json.totals.created);
    expect(readFileSync(step('assess').outcome.data.markdown, 'utf8')).toContain('## Per user');
    const plan = readFileSync(step('plan-remigration').outcome.data.file, 'utf8');
    expect(plan).toContain('contacts deleted by a sync job');
    expect(plan).toContain('- data-loss:');
    expect(plan).toContain('cutover reset salesforce');
    expect(existsSync(path.join(dir, 'demo', 'outbox'))).toBe(true);
    const shown = await run(dir, ['run', rollback.json.id]);
    expect(shown.json.steps).toHaveLength(9);

    // The source is its backup plus exactly what the reconciliation carried over: new records, and changed or deleted ones.
    const reconciliation = JSON.parse(readFileSync(step('plan-reconciliation').outcome.data.path, 'utf8'));
    const applied = step('apply-reconciliation').outcome.counts;
    expect(applied.created + applied.updated + applied.deleted + applied.held).toBe(reconciliation.entries.length);
    // What needs a person waits: every conflict, and what links to one.
    expect(applied.held).toBeGreaterThanOrEqual(reconciliation.entries.filter((entry: { action: string }) => entry.action === 'conflict').length);
    const loaded = loadPlan(path.join(dir, 'demo', 'cutover.yaml'));
    const state = await StateStore.open(path.join(dir, 'demo'));
    const legacy = await openConnector(systemFromPlan(loaded, 'legacy'));
    try {
      const goLive = (await state.goLives.latest('salesforce'))!;
      const chain = await openBackupChain((await state.backups.get(goLive.backupId!))!.path, backupSecret({ plan: loaded, cwd: dir, env: process.env }), state);
      const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(legacy, 'legacy'));
      const sum = (key: 'onlyInA' | 'onlyInB' | 'changed') => diff.objects.reduce((total, object) => total + object[key], 0);
      expect(sum('onlyInB')).toBe(applied.created);
      expect(sum('changed') + sum('onlyInA')).toBe(applied.updated + applied.deleted);
      // Every write is in the ledger of the source, under the rollback's run.
      const written = await state.ledger.entries({ system: 'legacy', runId: rollback.json.id });
      // One entry per record carried over (marked as the plan's), besides the references set among new records.
      expect(written.filter((entry) => entry.hash?.startsWith('reconcile:'))).toHaveLength(applied.created + applied.updated + applied.deleted);
      expect(written.every((entry) => entry.state === 'done')).toBe(true);
    } finally {
      await legacy.close();
      await state.close();
    }
  });
});
