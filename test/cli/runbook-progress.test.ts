/** A runbook's progress on a terminal (a live list redrawn in place) and in a log (one line per event). */
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.js';
import { runbookProgress } from '../../src/cli/runbook-progress.js';
import type { RunbookEvent } from '../../src/runbooks/engine/runbook.js';

const events: RunbookEvent[] = [
  { type: 'run', runId: 'rollback-1', resumed: true, steps: [{ name: 'a', title: 'Freeze', status: 'succeeded' }, { name: 'b', title: 'Restore', status: 'failed' }] },
  { type: 'step-start', position: 1, title: 'Restore', plan: { summary: 'restore 3 records', counts: {} } },
  { type: 'step-end', position: 1, title: 'Restore', status: 'succeeded', seconds: 1.5, summary: 'restored 3 records' },
];

describe('runbook progress', () => {
  it('writes one line per event without a terminal', () => {
    const io = bufferIo({ cwd: '/' });
    const progress = runbookProgress(io, { json: false });
    for (const event of events) progress.onEvent(event);
    progress.stop();
    const lines = io.err.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/run rollback-1 resumed: Freeze \(succeeded\), Restore \(failed\)$/);
    expect(lines[1]).toMatch(/step 2 Restore: started, restore 3 records$/);
    expect(lines[2]).toMatch(/step 2 Restore: succeeded in 1\.50 s, restored 3 records$/);
  });

  it('redraws the task list in place on a terminal', () => {
    const io = { ...bufferIo({ cwd: '/' }), isTTY: true };
    let err = '';
    io.stderr = (text: string) => void (err += text);
    const progress = runbookProgress(io, { json: false });
    for (const event of events) progress.onEvent(event);
    progress.stop();
    // Each redraw after the first moves the cursor back up over the two lines.
    expect(err.match(/\x1b\[2F/g)).toHaveLength(2);
    const last = err.split('\x1b[2F').at(-1)!;
    expect(last).toContain('✓ Freeze  done before');
    expect(last).toContain('✓ Restore  1.50 s  restored 3 records');
  });

  it('is silent with --json', () => {
    const io = bufferIo({ cwd: '/' });
    const progress = runbookProgress(io, { json: true });
    for (const event of events) progress.onEvent(event);
    expect(io.err).toBe('');
  });
});
