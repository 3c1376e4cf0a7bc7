/**
 * The drill's timeline as one inline SVG: a lane of the phases at their
 * real start, then a lane of the rollback's steps end to end, each lane on
 * its own time axis. Every bar carries its title, its time and its status
 * (failed in red, skipped and not run in grey), and a tooltip with the
 * summary. Colours come from the page's stylesheet (`.bar.failed` …).
 */
import type { DrillReport } from './drill-report-types.js';
import { statusLabel } from './drill-report-lines.js';
import { laneSpan, phaseBars, stepBars, type TimelineBar } from './drill-timeline.js';
import { escapeHtml } from './html-escape.js';
import { humanSeconds } from './report-figures.js';

const WIDTH = 960;
/** Where the bars start; the titles sit left of it. */
const CHART_LEFT = 270;
/** Where the bars end; the time labels may run past it. */
const CHART_RIGHT = 840;
const ROW = 26;
const BAR = 16;
const LANE_HEAD = 30;
const AXIS = 24;
/** The narrowest bar drawn, so a step of no time still shows. */
const MIN_BAR = 3;
const TITLE_CHARS = 40;

/** Axis steps to choose from, in seconds: the first that gives at most six ticks is used. */
const TICK_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A lane's data: its heading, what its bars are, and the bars with their summaries. */
interface Lane {
  id: 'phases' | 'rollback';
  heading: string;
  kind: 'phase' | 'step';
  bars: TimelineBar[];
  summaries: string[];
  span: number;
}

/**
 * The SVG of the timeline. Each bar is a `rect` with `data-bar="phase"` or
 * `data-bar="step"`, `data-name` and `data-status`; the lanes are `g`
 * elements with `data-lane="phases"` and `data-lane="rollback"`.
 */
export function timelineSvg(report: DrillReport): string {
  const phases = phaseBars(report);
  const lanes: Lane[] = [
    { id: 'phases', heading: `The drill, phase by phase (${humanSeconds(report.seconds)})`, kind: 'phase', bars: phases, summaries: report.phases.map((phase) => phase.summary), span: laneSpan(phases, report.seconds) },
  ];
  if (report.rollback) {
    const steps = stepBars(report.rollback);
    const time = report.rollback.seconds === null ? 'did not finish' : humanSeconds(report.rollback.seconds);
    lanes.push({ id: 'rollback', heading: `The rollback, step by step (${time})`, kind: 'step', bars: steps, summaries: report.rollback.steps.map((step) => step.summary), span: laneSpan(steps, report.rollback.seconds ?? 0) });
  }
  let y = 0;
  const parts: string[] = [];
  for (const lane of lanes) {
    parts.push(laneSvg(lane, y));
    y += laneHeight(lane) + 12;
  }
  const height = y - 12;
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="timeline-title">
<title id="timeline-title">Timeline of the drill's phases and the rollback's steps</title>
${parts.join('\n')}
</svg>`;
}

function laneHeight(lane: Lane): number {
  return LANE_HEAD + Math.max(1, lane.bars.length) * ROW + AXIS;
}

function laneSvg(lane: Lane, top: number): string {
  const scale = (CHART_RIGHT - CHART_LEFT) / lane.span;
  const rowsTop = top + LANE_HEAD;
  const rowsBottom = rowsTop + Math.max(1, lane.bars.length) * ROW;
  const ticks = tickValues(lane.span).map((value) => {
    const x = round(CHART_LEFT + value * scale);
    return `<line class="grid" x1="${x}" y1="${rowsTop}" x2="${x}" y2="${rowsBottom}"/><text class="tick" x="${x}" y="${rowsBottom + 16}" text-anchor="middle">${escapeHtml(tickLabel(value))}</text>`;
  });
  const rows = lane.bars.map((bar, i) => barSvg(lane, bar, lane.summaries[i] ?? '', rowsTop + i * ROW, scale, i));
  const empty = lane.bars.length === 0 ? `<text class="bar-label" x="${CHART_LEFT}" y="${rowsTop + 17}">nothing ran</text>` : '';
  return `<g data-lane="${lane.id}">
<text class="lane-heading" x="0" y="${top + 18}">${escapeHtml(lane.heading)}</text>
${ticks.join('\n')}
${rows.join('\n')}${empty}
<line class="axis" x1="${CHART_LEFT}" y1="${rowsBottom}" x2="${CHART_RIGHT}" y2="${rowsBottom}"/>
</g>`;
}

function barSvg(lane: Lane, bar: TimelineBar, summary: string, rowTop: number, scale: number, index: number): string {
  const x = round(CHART_LEFT + bar.start * scale);
  const width = round(Math.max(MIN_BAR, (bar.seconds ?? 0) * scale));
  const barTop = rowTop + (ROW - BAR) / 2;
  const time = bar.seconds !== null ? humanSeconds(bar.seconds) : bar.status === 'running' ? 'running' : 'not run';
  const timeText = bar.status === 'failed' ? `${time}, failed` : bar.status === 'skipped' ? 'skipped' : time;
  const title = bar.title.length > TITLE_CHARS ? `${bar.title.slice(0, TITLE_CHARS - 1)}…` : bar.title;
  const tooltip = `${bar.title}: ${statusLabel(bar.status)}, ${time}${summary ? `. ${summary}` : ''}`;
  const stripe = index % 2 === 0 ? `<rect class="stripe" x="0" y="${rowTop}" width="${WIDTH}" height="${ROW}"/>` : '';
  return `<g class="row" data-${lane.kind}="${escapeHtml(bar.name)}"><title>${escapeHtml(tooltip)}</title>${stripe}
<text class="bar-title" x="${CHART_LEFT - 10}" y="${rowTop + 17}" text-anchor="end">${escapeHtml(title)}</text>
<rect class="bar ${escapeHtml(bar.status)}" data-bar="${lane.kind}" data-name="${escapeHtml(bar.name)}" data-status="${escapeHtml(bar.status)}" data-seconds="${bar.seconds ?? ''}" x="${x}" y="${barTop}" width="${width}" height="${BAR}" rx="3"/>
<text class="bar-label ${escapeHtml(bar.status)}" x="${round(x + width + 6)}" y="${rowTop + 17}">${escapeHtml(timeText)}</text></g>`;
}

/** Tick positions from 0 to the span, at the first step that gives at most six. */
function tickValues(span: number): number[] {
  const step = TICK_STEPS.find((candidate) => span / candidate <= 6) ?? Math.ceil(span / 6 / 86400) * 86400;
  const ticks: number[] = [];
  for (let value = 0; value <= span + 1e-9; value += step) ticks.push(Math.round(value * 1000) / 1000);
  return ticks;
}

/** "0 s", "0.5 s", "30 s", "2 min", "1 h 30 min". */
function tickLabel(value: number): string {
  return value < 60 ? `${Number(value.toFixed(2))} s` : humanSeconds(value);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
