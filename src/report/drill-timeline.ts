/**
 * Where each phase and rollback step sits in time, as offsets in seconds:
 * the data of the timeline both reports draw. Pure; no markup.
 */
import type { DrillPhase, DrillReport, DrillRollbackStep } from './drill-report-types.js';

/** One bar of the timeline. */
export interface TimelineBar {
  name: string;
  title: string;
  status: DrillPhase['status'] | DrillRollbackStep['status'];
  /** Seconds from the start of its lane (the drill for phases, the rollback for steps). */
  start: number;
  /** How long it took; null for a step that has no time (not run, still running). */
  seconds: number | null;
}

/**
 * The phases at their real start: `startedAt` less the drill's `startedAt`.
 * When a time cannot be read the phases are laid end to end instead, so a
 * report with odd dates still draws. Offsets below zero are taken as zero.
 */
export function phaseBars(report: Pick<DrillReport, 'startedAt' | 'phases'>): TimelineBar[] {
  const origin = Date.parse(report.startedAt);
  const starts = report.phases.map((phase) => (Date.parse(phase.startedAt) - origin) / 1000);
  const readable = starts.every((start) => Number.isFinite(start));
  let cursor = 0;
  return report.phases.map((phase, i) => {
    const start = readable ? Math.max(0, starts[i]!) : cursor;
    cursor = start + phase.seconds;
    return { name: phase.name, title: phase.title, status: phase.status, start, seconds: phase.seconds };
  });
}

/**
 * The rollback's steps laid end to end in their order: a step records how
 * long it took, not when it started, and the runbook runs them one after
 * another. A step without time takes no room.
 */
export function stepBars(rollback: NonNullable<DrillReport['rollback']>): TimelineBar[] {
  let cursor = 0;
  return rollback.steps.map((step) => {
    const bar: TimelineBar = { name: step.name, title: step.title, status: step.status, start: cursor, seconds: step.seconds };
    cursor += step.seconds ?? 0;
    return bar;
  });
}

/** Where a lane's axis ends: the latest end of its bars, or `atLeast` when that is later, and never zero. */
export function laneSpan(bars: readonly TimelineBar[], atLeast = 0): number {
  const end = Math.max(atLeast, ...bars.map((bar) => bar.start + (bar.seconds ?? 0)));
  return end > 0 ? end : 1;
}
