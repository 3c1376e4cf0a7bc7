/**
 * The runbook engine on both state stores: steps run in order with their
 * plans and outcomes stored; a failing step stops the run with the command
 * that continues it; a resume starts at that step, never applies a
 * succeeded step twice, and hands a step stopped halfway its checkpoint; a
 * dry run plans every step and writes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../../src/core/errors.js';
import { runRunbook, type RunbookEvent, type RunbookStep } from '../../../src/runbooks/engine/runbook.js';
import { STATE_KINDS, useTestState } from '../../state/helpers.js';

/** A world the steps act on: a list of writes, and switches to make a step fail. */
interface World {
  writes: string[];
  failAt?: string;
  /** Items the `batches` step handles; it fails after `stopAfter` of them once. */
  items: string[];
  stopAfter?: number;
}

const step = (name: string): RunbookStep<World> => ({
  name,
  title: `Step ${name}`,
  async plan(world) {
    return { summary: `write ${name}`, counts: { writes: 1 } };
  },
  async apply(world) {
    if (world.failAt === name) throw new CutoverError('write.failed', `${name} could not be written`);
    world.writes.push(name);
    return { summary: `wrote ${name}`, counts: { written: 1 } };
  },
});

const batches: RunbookStep<World> = {
  name: 'batches',
  title: 'Step batches',
  async plan(world) {
    return { summary: `handle ${world.items.length} items`, counts: { items: world.items.length } };
  },
  async apply(world, _plan, handle) {
    const done = [...((handle.previous as { done?: string[] } | null)?.done ?? [])];
    for (const item of world.items) {
      if (done.includes(item)) continue;
      if (world.stopAfter !== undefined && done.length === world.stopAfter) {
        world.stopAfter = undefined;
        throw new CutoverError('write.failed', 'the system went away');
      }
      world.writes.push(item);
      done.push(item);
      await handle.checkpoint({ done });
    }
    return { summary: `handled ${done.length} items`, counts: { handled: done.length }, data: { done } };
  },
};

const skipping: RunbookStep<World> = {
  name: 'nothing',
  title: 'Step nothing',
  async plan() {
    return { summary: 'nothing to do', counts: {}, skip: 'nothing to do here' };
  },
  async apply() {
    throw new Error('a skipped step is never applied');
  },
};

describe.each(STATE_KINDS)('the runbook engine on the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });
  let world: World;
  beforeEach(() => {
    world = { writes: [], items: ['i1', 'i2', 'i3', 'i4'] };
  });
  const steps = [step('a'), batches, skipping, step('b')];
  const options = (runId: string) => ({ state: state(), kind: 'rollback', system: 'crm', source: 'legacy', steps, context: world, runId, resumeCommand: 'cutover rollback --resume' });

  it('runs every step in order, storing plans, outcomes and timings', async () => {
    const events: RunbookEvent[] = [];
    const report = await runRunbook({ ...options('run-1'), onEvent: (event) => events.push(event) });
    expect(world.writes).toEqual(['a', 'i1', 'i2', 'i3', 'i4', 'b']);
    expect(report).toMatchObject({ id: 'run-1', status: 'succeeded', resumed: false });
    expect(report.steps.map((s) => `${s.name} ${s.status} ${s.attempts}`)).toEqual(['a succeeded 1', 'batches succeeded 1', 'nothing skipped 1', 'b succeeded 1']);
    expect(report.steps[1]?.outcome).toMatchObject({ summary: 'handled 4 items', counts: { handled: 4 } });
    expect(report.steps.every((s) => s.seconds !== null && s.seconds >= 0)).toBe(true);
    expect(await state().runs.get('run-1')).toMatchObject({ status: 'succeeded', kind: 'rollback' });
    expect(events.map((e) => (e.type === 'run' ? 'run' : `${e.type} ${e.position}`))).toEqual(['run', 'step-start 0', 'step-end 0', 'step-start 1', 'step-end 1', 'step-start 2', 'step-end 2', 'step-start 3', 'step-end 3']);
  });

  it('stops at a failing step with the command that continues, and a resume starts there without applying a step twice', async () => {
    world.failAt = 'b';
    const error = await runRunbook(options('run-2')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).message).toBe('Step 4 of 4, step b, failed: b could not be written');
    expect((error as CutoverError).hints).toContain('fix what it says, then continue where it stopped: cutover rollback --resume');
    expect(await state().runs.get('run-2')).toMatchObject({ status: 'failed', error: 'step 4 (b) failed: b could not be written' });
    world.failAt = undefined;
    const run = (await state().runs.get('run-2'))!;
    const resumed = await runRunbook({ ...options('ignored'), resume: run });
    expect(resumed).toMatchObject({ id: 'run-2', status: 'succeeded', resumed: true });
    expect(world.writes).toEqual(['a', 'i1', 'i2', 'i3', 'i4', 'b']);
    expect(resumed.steps.map((s) => `${s.name} ${s.status} ${s.attempts}`)).toEqual(['a succeeded 1', 'batches succeeded 1', 'nothing skipped 1', 'b succeeded 2']);
  });

  it("hands a step stopped halfway its checkpoint, so what it did is not done again", async () => {
    world.stopAfter = 2;
    await expect(runRunbook(options('run-3'))).rejects.toThrow('the system went away');
    expect(world.writes).toEqual(['a', 'i1', 'i2']);
    const resumed = await runRunbook({ ...options('ignored'), resume: (await state().runs.get('run-3'))! });
    expect(world.writes).toEqual(['a', 'i1', 'i2', 'i3', 'i4', 'b']);
    expect(resumed.steps[1]).toMatchObject({ status: 'succeeded', attempts: 2, outcome: { counts: { handled: 4 } } });
  });

  it('plans every step in a dry run and writes nothing', async () => {
    const report = await runRunbook({ ...options('run-dry'), dryRun: true });
    expect(report.status).toBe('planned');
    expect(report.steps.map((s) => s.plan?.summary)).toEqual(['write a', 'handle 4 items', 'nothing to do', 'write b']);
    expect(world.writes).toEqual([]);
    expect(await state().runs.get('run-dry')).toBeUndefined();
  });

  it('refuses to resume a run with other steps than it was started with', async () => {
    world.failAt = 'a';
    await expect(runRunbook(options('run-4'))).rejects.toThrow();
    const other = await runRunbook({ ...options('ignored'), steps: [step('x')], resume: (await state().runs.get('run-4'))! }).catch((caught: unknown) => caught);
    expect((other as CutoverError).message).toContain('was started with other steps');
  });
});
