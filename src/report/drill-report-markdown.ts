/**
 * The drill report as Markdown, to read in a terminal, a pull request or a
 * wiki: the verdict, the time against the RTO, the production estimate with
 * its assumptions, then the timeline, the rollback's steps, the checks, the
 * simulated use and the sandboxes, each as a table. Every text from the
 * report is escaped, so a summary cannot break a table or become HTML.
 */
import { redactText } from '../state/redact.js';
import {
  capitalized,
  estimateLine,
  rtoLine,
  simulatedLine,
  statusLabel,
  verdictReason,
  verdictWord,
} from './drill-report-lines.js';
import type { DrillReport, ProductionEstimate } from './drill-report-types.js';
import { phaseBars } from './drill-timeline.js';
import { markdownCode, markdownTable, markdownText } from './markdown-text.js';
import { groupedNumber, humanSeconds, stepSeconds, utcTime } from './report-figures.js';

/** The whole report as Markdown, ending with a new line. */
export function drillReportMarkdown(report: DrillReport): string {
  const sections = [
    header(report),
    rtoSection(report),
    estimateSection(report.estimate),
    timelineSection(report),
    rollbackSection(report.rollback),
    checksSection(report),
    `## Simulated use\n\nAfter the drill's go-live: ${markdownText(simulatedLine(report.simulated))}.`,
    sandboxesSection(report.sandboxes),
    filesSection(report.files),
  ];
  return `${sections.join('\n\n')}\n`;
}

function header(report: DrillReport): string {
  return [
    `# Rollback drill: ${markdownText(report.project)}`,
    `**${verdictWord(report)}**: ${markdownText(verdictReason(report))}.`,
    [
      `- Mode: ${report.mode} rollback`,
      `- Drill: ${markdownCode(report.id)}`,
      `- Ran: ${utcTime(report.startedAt)} to ${utcTime(report.finishedAt)}, ${humanSeconds(report.seconds)}`,
    ].join('\n'),
  ].join('\n\n');
}

function rtoSection(report: DrillReport): string {
  return `## Recovery time objective\n\n${markdownText(capitalized(rtoLine(report.rto, report.rollback)))}.`;
}

function estimateSection(estimate: ProductionEstimate | null): string {
  if (estimate === null) return '## Production estimate\n\nNo estimate: the rollback did not finish in the drill, so there is no time to scale.';
  const rows = estimate.steps.map((step) => [
    markdownText(step.title),
    groupedNumber(step.drillRecords),
    humanSeconds(step.drillSeconds),
    step.recordsPerSecond === null ? '—' : groupedNumber(step.recordsPerSecond),
    groupedNumber(step.productionRecords),
    humanSeconds(step.seconds),
    step.limit ? markdownText(step.limit) : '',
  ]);
  const table = markdownTable(
    [
      { header: 'Step' },
      { header: 'Drill records', align: 'right' },
      { header: 'Drill time', align: 'right' },
      { header: 'Records/s', align: 'right' },
      { header: 'Production records', align: 'right' },
      { header: 'Estimate', align: 'right' },
      { header: 'Limit' },
    ],
    rows,
  );
  const assumptions = estimate.assumptions.map((assumption) => `- ${markdownText(assumption)}`).join('\n');
  return `## Production estimate\n\n${markdownText(capitalized(estimateLine(estimate)))}.\n\n${table}\n\nThe estimate assumes:\n\n${assumptions || '- (nothing stated)'}`;
}

function timelineSection(report: DrillReport): string {
  const bars = phaseBars(report);
  const rows = report.phases.map((phase, i) => [
    String(i + 1),
    markdownText(phase.title),
    statusLabel(phase.status),
    `+${humanSeconds(bars[i]?.start ?? 0)}`,
    humanSeconds(phase.seconds),
    markdownText(phase.summary),
  ]);
  const table = markdownTable([{ header: '#', align: 'right' }, { header: 'Phase' }, { header: 'Status' }, { header: 'Started', align: 'right' }, { header: 'Time', align: 'right' }, { header: 'Summary' }], rows);
  return `## Timeline\n\n${rows.length > 0 ? table : 'No phase ran.'}`;
}

function rollbackSection(rollback: DrillReport['rollback']): string {
  if (rollback === null) return '## Rollback steps\n\nThe rollback did not run.';
  const rows = rollback.steps.map((step, i) => [
    String(i + 1),
    `${markdownText(step.title)} (${markdownCode(step.name)})`,
    statusLabel(step.status),
    stepSeconds(step.seconds),
    step.records === undefined ? '' : groupedNumber(step.records),
    markdownText(step.summary),
  ]);
  const table = markdownTable([{ header: '#', align: 'right' }, { header: 'Step' }, { header: 'Status' }, { header: 'Time', align: 'right' }, { header: 'Records', align: 'right' }, { header: 'Summary' }], rows);
  const time = rollback.seconds === null ? 'did not finish' : `took ${humanSeconds(rollback.seconds)}`;
  return `## Rollback steps\n\nRun ${markdownCode(rollback.runId)} ${rollback.status}; it ${time}.\n\n${table}`;
}

function checksSection(report: DrillReport): string {
  if (report.checks.length === 0) {
    return `## Checks\n\nNo check ran${report.rollback?.status === 'succeeded' ? '.' : ': the checks run only after a rollback that finished.'}`;
  }
  const passed = report.checks.filter((check) => check.status === 'passed').length;
  const rows = report.checks.map((check) => [markdownText(check.name), check.kind, statusLabel(check.status), markdownText(check.detail)]);
  return `## Checks\n\n${passed} of ${report.checks.length} passed.\n\n${markdownTable([{ header: 'Check' }, { header: 'Kind' }, { header: 'Status' }, { header: 'Detail' }], rows)}`;
}

function sandboxesSection(sandboxes: DrillReport['sandboxes']): string {
  const rows = (['source', 'target'] as const).map((role) => {
    const sandbox = sandboxes[role];
    return [role, markdownText(sandbox.name), markdownText(sandbox.stands_in_for), markdownCode(redactText(sandbox.url))];
  });
  return `## Sandboxes\n\n${markdownTable([{ header: 'Role' }, { header: 'Sandbox' }, { header: 'Stands in for' }, { header: 'URL' }], rows)}`;
}

function filesSection(files: DrillReport['files']): string {
  return `## Files\n\n- JSON: ${markdownCode(files.json)}\n- Markdown: ${markdownCode(files.markdown)}\n- HTML: ${markdownCode(files.html)}`;
}
