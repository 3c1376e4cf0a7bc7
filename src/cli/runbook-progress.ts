/**
 * A runbook's progress for people, on stderr: on a terminal, the steps as a
 * live task list whose running step shows its timer; otherwise (a log, CI),
 * one line per event. Silent with --json.
 */
import type { RunbookEvent } from '../runbooks/engine/runbook.js';
import type { CliIo } from './io.js';

const MARK = { not_run: '·', running: '▸', succeeded: '✓', failed: '✗', skipped: '–' } as const;

interface Line {
  title: string;
  status: keyof typeof MARK;
  note: string;
  started?: number;
}

/** A listener for the engine's events, and `stop` to end the timer. */
export function runbookProgress(io: CliIo, options: { json: boolean }): { onEvent: (event: RunbookEvent) => void; stop: () => void } {
  if (options.json) return { onEvent: () => undefined, stop: () => undefined };
  if (!io.isTTY) return { onEvent: (event) => io.stderr(logLine(event)), stop: () => undefined };
  const lines: Line[] = [];
  let drawn = 0;
  const draw = (): void => {
    const text = lines
      .map((line) => {
        const timer = line.status === 'running' && line.started !== undefined ? ` ${((performance.now() - line.started) / 1000).toFixed(0)} s` : '';
        return `\x1b[2K${MARK[line.status]} ${line.title}${timer}${line.note ? `  ${line.note}` : ''}`;
      })
      .join('\n');
    io.stderr(`${drawn > 0 ? `\x1b[${drawn}F` : ''}${text}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    if (lines.some((line) => line.status === 'running')) draw();
  }, 1000);
  timer.unref();
  return {
    onEvent(event) {
      if (event.type === 'run') {
        lines.splice(0, lines.length, ...event.steps.map((step) => ({ title: step.title, status: step.status === 'succeeded' || step.status === 'skipped' ? step.status : ('not_run' as const), note: step.status === 'succeeded' ? 'done before' : '' })));
      } else if (event.type === 'step-start') {
        const line = lines[event.position];
        if (line) Object.assign(line, { status: 'running', note: event.plan.summary, started: performance.now() });
      } else {
        const line = lines[event.position];
        if (line) Object.assign(line, { status: event.status, note: `${event.seconds.toFixed(2)} s  ${event.summary}` });
      }
      draw();
    },
    stop: () => clearInterval(timer),
  };
}

function logLine(event: RunbookEvent): string {
  const at = new Date().toISOString();
  if (event.type === 'run') return `${at} run ${event.runId}${event.resumed ? ' resumed' : ''}: ${event.steps.map((step) => `${step.title} (${step.status})`).join(', ')}\n`;
  if (event.type === 'step-start') return `${at} step ${event.position + 1} ${event.title}: started, ${event.plan.summary}\n`;
  return `${at} step ${event.position + 1} ${event.title}: ${event.status} in ${event.seconds.toFixed(2)} s, ${event.summary}\n`;
}
