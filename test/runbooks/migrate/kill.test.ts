/**
 * Crash safety of migrate and reset with real processes: `cutover migrate`
 * and `cutover reset` run as child processes on the demo plan and are killed
 * with SIGKILL at points spread over their run. Running the command again
 * finishes the job with no duplicate and no orphan: every record the id map
 * names is in the target once, every record the migration wrote is in the
 * id map, nothing is left pending, and a reset ends equal to the baseline.
 * CUTOVER_KILL_POINTS sets how many kill points (default 10 each).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { openConnector } from '../../../src/connectors/registry.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import { systemFromPlan } from '../../../src/plan/systems.js';
import { StateStore } from '../../../src/state/index.js';
import { runAndKill } from '../../support/child-cli.js';

const POINTS = Number(process.env.CUTOVER_KILL_POINTS ?? 10);

describe('migrate and reset killed with SIGKILL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-kill-migrate-'));
  const demo = path.join(dir, 'demo');
  let target: SqlConnector;
  let baselineCounts: Map<string, number>;

  const cli = async (args: string[]): Promise<number> => main([...args, '--plan', path.join(demo, 'cutover.yaml')], bufferIo({ cwd: dir }));

  /** Records per object of the target. */
  const counts = async (): Promise<Map<string, number>> => {
    const result = new Map<string, number>();
    for (const object of (await target.describe()).objects) result.set(object.name, await target.count(object.name));
    return result;
  };

  /** The ledger agrees with the target: no duplicate, no orphan, nothing pending. */
  const expectConsistent = async (label: string): Promise<number> => {
    const state = await StateStore.open(demo);
    try {
      expect(await state.ledger.pending('salesforce'), label).toEqual([]);
      const mapped = await state.ledger.idMap('salesforce');
      const now = await counts();
      let migrated = 0;
      for (const [object, count] of now) {
        const ids = mapped.filter((entry) => entry.object === object).map((entry) => entry.targetId);
        expect(new Set(ids).size, `${label}: ${object} ids mapped twice`).toBe(ids.length);
        // Every record beyond the baseline is one the id map names (no orphan), and each of those exists (no ghost).
        expect(count - (baselineCounts.get(object) ?? 0), `${label}: ${object}`).toBe(ids.length);
        if (ids.length > 0) expect((await target.get(object, ids)).length, `${label}: ${object}`).toBe(ids.length);
        migrated += ids.length;
      }
      return migrated;
    } finally {
      await state.close();
    }
  };

  beforeAll(async () => {
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '600'], bufferIo({ cwd: dir }))).toBe(0);
    expect(await cli(['snapshot', 'salesforce'])).toBe(0);
    target = await openConnector(systemFromPlan(loadPlan(path.join(demo, 'cutover.yaml')), 'salesforce'));
    baselineCounts = await counts();
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`a migration killed at ${POINTS} points finishes when run again, with no duplicate and no orphan`, async () => {
    const plan = ['--plan', path.join(demo, 'cutover.yaml')];
    const full = await runAndKill(['migrate', '--yes', ...plan], dir, undefined);
    expect(full.code === 0 || full.code === 1).toBe(true);
    const expected = await expectConsistent('uninterrupted');
    expect(expected).toBeGreaterThan(400);
    expect(await cli(['reset', 'salesforce', '--yes'])).toBe(0);
    let killed = 0;
    for (let point = 0; point < POINTS; point += 1) {
      const delay = Math.round(((point + 0.5) / POINTS) * full.ms);
      const run = await runAndKill(['migrate', '--yes', ...plan], dir, delay);
      if (run.killed) killed += 1;
      const finish = await runAndKill(['migrate', '--yes', ...plan], dir, undefined);
      expect(finish.killed).toBe(false);
      expect(await expectConsistent(`point ${point} (${delay} ms)`)).toBe(expected);
      expect(await cli(['reset', 'salesforce', '--yes'])).toBe(0);
    }
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(POINTS / 2));
  });

  it(`a reset killed at ${POINTS} points finishes when run again, equal to the baseline`, async () => {
    const plan = ['--plan', path.join(demo, 'cutover.yaml')];
    expect([0, 1]).toContain(await cli(['migrate', '--yes']));
    const full = await runAndKill(['reset', 'salesforce', '--yes', ...plan], dir, undefined);
    expect(full.code).toBe(0);
    let killed = 0;
    for (let point = 0; point < POINTS; point += 1) {
      expect([0, 1]).toContain(await cli(['migrate', '--yes']));
      const delay = Math.round(((point + 0.5) / POINTS) * full.ms);
      const run = await runAndKill(['reset', 'salesforce', '--yes', ...plan], dir, delay);
      if (run.killed) killed += 1;
      const finish = await runAndKill(['reset', 'salesforce', '--yes', ...plan], dir, undefined);
      expect(finish.code, `point ${point}: the reset run again ends equal to the baseline`).toBe(0);
      expect(await expectConsistent(`reset point ${point}`)).toBe(0);
      expect(await counts()).toEqual(baselineCounts);
    }
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(POINTS / 2));
  });
});
