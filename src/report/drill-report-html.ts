/**
 * The drill report as one self-contained HTML file, to open from disk or
 * attach to a change request: the verdict, the rollback's time against the
 * RTO with bars to compare, the timeline of phases and rollback steps as
 * inline SVG, the checks, the production estimate with its assumptions,
 * the simulated use and the sandboxes. Inline CSS, no script, nothing
 * loaded from anywhere; every text from the report is escaped.
 *
 * Key figures carry `data-figure` attributes and sections stable ids
 * (`#verdict`, `#rto`, `#timeline`, `#rollback-steps`, `#checks`,
 * `#estimate`, `#simulated`), for tests and for people who script it.
 */
import { redactText } from '../state/redact.js';
import { DRILL_REPORT_CSS } from './drill-report-css.js';
import {
  estimateLine,
  marginText,
  objectiveText,
  rollbackTimeText,
  rtoLine,
  simulatedLine,
  statusLabel,
  verdictReason,
  verdictWord,
} from './drill-report-lines.js';
import type { DrillReport, ProductionEstimate } from './drill-report-types.js';
import { phaseBars } from './drill-timeline.js';
import { timelineSvg } from './drill-timeline-svg.js';
import { escapeHtml } from './html-escape.js';
import { exactSeconds, groupedNumber, humanSeconds, stepSeconds, utcTime } from './report-figures.js';

/** The whole report as an HTML document. */
export function drillReportHtml(report: DrillReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Rollback drill: ${report.project} — ${verdictWord(report)}`)}</title>
<style>${DRILL_REPORT_CSS}</style>
</head>
<body>
<main>
${header(report)}
${rtoSection(report)}
${timelineSection(report)}
${phasesSection(report)}
${rollbackSection(report.rollback)}
${checksSection(report)}
${estimateSection(report.estimate)}
${simulatedSection(report.simulated)}
${sandboxesSection(report.sandboxes)}
${footer(report.files)}
</main>
</body>
</html>
`;
}

function header(report: DrillReport): string {
  const failed =
    report.status === 'failed' && report.failed.length > 0
      ? `<ul aria-label="What failed">${report.failed.map((name) => `<li data-failed="${escapeHtml(name)}">${escapeHtml(name)}</li>`).join('')}</ul>`
      : `<span>${escapeHtml(verdictReason(report))}</span>`;
  const passedChecks = report.checks.filter((check) => check.status === 'passed').length;
  return `<header>
<p class="eyebrow">cutover drill · ${escapeHtml(report.mode)} rollback</p>
<h1>Rollback drill: ${escapeHtml(report.project)}</h1>
<p class="meta">Drill <code>${escapeHtml(report.id)}</code> · ${escapeHtml(utcTime(report.startedAt))} to ${escapeHtml(utcTime(report.finishedAt))} · <span class="num" data-figure="drill-seconds" data-value="${report.seconds}">${escapeHtml(humanSeconds(report.seconds))}</span> in all</p>
<div id="verdict" class="verdict ${escapeHtml(report.status)}" data-status="${escapeHtml(report.status)}" role="status">
<strong data-figure="verdict">${verdictWord(report)}</strong>
${failed}
</div>
<dl class="figures">
<div><dt>Rollback in the drill</dt><dd data-figure="rollback-seconds" data-value="${report.rto.actualSeconds ?? ''}">${rollbackFigure(report)}</dd></div>
<div><dt>Recovery time objective</dt><dd data-figure="rto-objective" data-value="${report.rto.objectiveSeconds}">${escapeHtml(objectiveText(report.rto))}</dd></div>
<div><dt>Against the RTO</dt><dd data-figure="rto-verdict" class="${escapeHtml(report.rto.verdict)}">${escapeHtml(report.rto.verdict)}</dd></div>
<div><dt>Estimate for production</dt><dd data-figure="estimate-seconds" data-value="${report.estimate?.seconds ?? ''}">${report.estimate ? escapeHtml(humanSeconds(report.estimate.seconds)) : 'none'}</dd></div>
<div><dt>Checks passed</dt><dd data-figure="checks-passed" data-value="${passedChecks}">${passedChecks} of ${report.checks.length}</dd></div>
</dl>
</header>`;
}

/** The rollback's seconds, or "did not finish" with the step that failed in small print. */
function rollbackFigure(report: DrillReport): string {
  if (report.rto.actualSeconds !== null) return escapeHtml(exactSeconds(report.rto.actualSeconds));
  const failed = report.rollback?.steps.find((step) => step.status === 'failed');
  if (report.rollback === null) return 'did not run';
  return `did not finish${failed ? `<small>${escapeHtml(failed.name)} failed</small>` : ''}`;
}

function rtoSection(report: DrillReport): string {
  const { rto, estimate } = report;
  const scale = Math.max(rto.objectiveSeconds, rto.actualSeconds ?? 0, estimate?.seconds ?? 0) || 1;
  const percent = (seconds: number): string => `${Math.round((seconds / scale) * 10000) / 100}%`;
  const mark = `<span class="mark" style="left:${percent(rto.objectiveSeconds)}" title="the RTO"></span>`;
  const row = (name: string, label: string, fill: string, value: string): string =>
    `<div class="label">${label}</div><div class="track" data-meter="${name}">${fill}${mark}</div><div class="value">${value}</div>`;
  const ofRto = (seconds: number): string =>
    rto.objectiveSeconds > 0 ? `, ${groupedNumber((seconds / rto.objectiveSeconds) * 100, seconds < rto.objectiveSeconds / 100 ? 2 : 1)} % of the RTO` : '';
  const rows = [
    row('objective', 'RTO', `<span class="fill objective" style="width:${percent(rto.objectiveSeconds)}"></span>`, `<span data-figure="rto-seconds">${escapeHtml(exactSeconds(rto.objectiveSeconds))}</span>`),
    row(
      'rollback',
      'Rollback in the drill',
      rto.actualSeconds === null ? '<span class="fill none"></span>' : `<span class="fill ${escapeHtml(rto.verdict)}" style="width:${percent(rto.actualSeconds)}"></span>`,
      rto.actualSeconds === null ? escapeHtml(rollbackTimeText(rto, report.rollback)) : `${escapeHtml(humanSeconds(rto.actualSeconds))}${escapeHtml(ofRto(rto.actualSeconds))}`,
    ),
  ];
  if (estimate) {
    rows.push(
      row('estimate', 'Estimate for production', `<span class="fill ${escapeHtml(estimate.verdict)}" style="width:${percent(estimate.seconds)}"></span>`, `${escapeHtml(humanSeconds(estimate.seconds))}${escapeHtml(ofRto(estimate.seconds))}`),
    );
  }
  const margin = marginText(rto.marginSeconds);
  return `<section id="rto" data-verdict="${escapeHtml(rto.verdict)}">
<h2>Recovery time objective</h2>
<p data-figure="rto-line">The ${escapeHtml(rtoLine(rto, report.rollback))}.</p>
<div class="meter">${rows.join('\n')}</div>
<p class="note">The dashed line is the RTO. ${margin ? `Margin in the drill: <span data-figure="rto-margin" data-value="${rto.marginSeconds}">${escapeHtml(margin)}</span>.` : 'No margin: the rollback did not finish.'} Short bars are drawn at least a few pixels wide, so they show.</p>
</section>`;
}

function timelineSection(report: DrillReport): string {
  return `<section id="timeline">
<h2>Timeline</h2>
<figure>
${timelineSvg(report)}
<figcaption>Phases at the time they started; the rollback's steps one after another on their own scale. Red failed, grey skipped or not run.</figcaption>
</figure>
</section>`;
}

function phasesSection(report: DrillReport): string {
  const bars = phaseBars(report);
  const rows = report.phases.map(
    (phase, i) => `<tr data-phase="${escapeHtml(phase.name)}" data-status="${escapeHtml(phase.status)}" class="${escapeHtml(phase.status)}">
<td class="r num">${i + 1}</td><td>${escapeHtml(phase.title)}</td><td><span class="status ${escapeHtml(phase.status)}">${escapeHtml(statusLabel(phase.status))}</span></td>
<td class="r num">+${escapeHtml(humanSeconds(bars[i]?.start ?? 0))}</td><td class="r num">${escapeHtml(humanSeconds(phase.seconds))}</td><td class="summary">${escapeHtml(phase.summary)}</td></tr>`,
  );
  return `<section id="phases">
<h2>Phases</h2>
<table><thead><tr><th class="r">#</th><th>Phase</th><th>Status</th><th class="r">Started</th><th class="r">Time</th><th>Summary</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function rollbackSection(rollback: DrillReport['rollback']): string {
  if (rollback === null) return `<section id="rollback-steps"><h2>Rollback steps</h2><p>The rollback did not run.</p></section>`;
  const rows = rollback.steps.map(
    (step, i) => `<tr data-step="${escapeHtml(step.name)}" data-status="${escapeHtml(step.status)}" class="${escapeHtml(step.status)}">
<td class="r num">${i + 1}</td><td>${escapeHtml(step.title)}<br><code>${escapeHtml(step.name)}</code></td><td><span class="status ${escapeHtml(step.status)}">${escapeHtml(statusLabel(step.status))}</span></td>
<td class="r num">${escapeHtml(stepSeconds(step.seconds))}</td><td class="r num">${step.records === undefined ? '' : escapeHtml(groupedNumber(step.records))}</td><td class="summary">${escapeHtml(step.summary)}</td></tr>`,
  );
  const time = rollback.seconds === null ? 'did not finish' : `took ${humanSeconds(rollback.seconds)}`;
  return `<section id="rollback-steps" data-status="${escapeHtml(rollback.status)}">
<h2>Rollback steps</h2>
<p>Run <code>${escapeHtml(rollback.runId)}</code> <span class="status ${escapeHtml(rollback.status)}">${escapeHtml(rollback.status)}</span>; it ${escapeHtml(time)}.</p>
<table><thead><tr><th class="r">#</th><th>Step</th><th>Status</th><th class="r">Time</th><th class="r">Records</th><th>Summary</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function checksSection(report: DrillReport): string {
  if (report.checks.length === 0) {
    const why = report.rollback?.status === 'succeeded' ? '' : ': the checks run only after a rollback that finished';
    return `<section id="checks"><h2>Checks</h2><p>No check ran${why}.</p></section>`;
  }
  const passed = report.checks.filter((check) => check.status === 'passed').length;
  const rows = report.checks.map(
    (check) => `<tr data-check="${escapeHtml(check.name)}" data-status="${escapeHtml(check.status)}" class="${escapeHtml(check.status)}">
<td>${escapeHtml(check.name)}</td><td>${escapeHtml(check.kind)}</td><td><span class="status ${escapeHtml(check.status)}">${escapeHtml(statusLabel(check.status))}</span></td><td class="summary">${escapeHtml(check.detail)}</td></tr>`,
  );
  return `<section id="checks">
<h2>Checks</h2>
<p>${passed} of ${report.checks.length} passed.</p>
<table><thead><tr><th>Check</th><th>Kind</th><th>Status</th><th>Detail</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function estimateSection(estimate: ProductionEstimate | null): string {
  if (estimate === null) return `<section id="estimate"><h2>Estimate for production</h2><p>No estimate: the rollback did not finish in the drill, so there is no time to scale.</p></section>`;
  const rows = estimate.steps.map(
    (step) => `<tr data-estimate="${escapeHtml(step.name)}">
<td>${escapeHtml(step.title)}</td><td class="r num">${escapeHtml(groupedNumber(step.drillRecords))}</td><td class="r num">${escapeHtml(humanSeconds(step.drillSeconds))}</td>
<td class="r num">${step.recordsPerSecond === null ? '—' : escapeHtml(groupedNumber(step.recordsPerSecond))}</td><td class="r num">${escapeHtml(groupedNumber(step.productionRecords))}</td>
<td class="r num">${escapeHtml(humanSeconds(step.seconds))}</td><td>${step.limit ? escapeHtml(step.limit) : ''}</td></tr>`,
  );
  const assumptions = estimate.assumptions.map((assumption) => `<li>${escapeHtml(assumption)}</li>`).join('\n');
  return `<section id="estimate" data-verdict="${escapeHtml(estimate.verdict)}">
<h2>Estimate for production</h2>
<p>The rollback is <span data-figure="estimate-line">${escapeHtml(estimateLine(estimate))}</span>.</p>
<table><thead><tr><th>Step</th><th class="r">Drill records</th><th class="r">Drill time</th><th class="r">Records/s</th><th class="r">Production records</th><th class="r">Estimate</th><th>Limit</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
<tfoot><tr><th colspan="5">Total</th><th class="r num">${escapeHtml(humanSeconds(estimate.seconds))}</th><th></th></tr></tfoot></table>
<p>The estimate assumes:</p>
<ul class="assumptions">${assumptions || '<li>(nothing stated)</li>'}</ul>
</section>`;
}

function simulatedSection(simulated: DrillReport['simulated']): string {
  const figures = (['created', 'edited', 'deleted', 'logins', 'days'] as const)
    .map((name) => `<div><dt>${name === 'days' ? 'days of use' : name}</dt><dd data-figure="simulated-${name}" data-value="${simulated[name]}">${escapeHtml(groupedNumber(simulated[name]))}</dd></div>`)
    .join('');
  return `<section id="simulated">
<h2>Simulated use after go-live</h2>
<p>${escapeHtml(simulatedLine(simulated))}: the changes the export had to hold.</p>
<dl class="figures">${figures}</dl>
</section>`;
}

function sandboxesSection(sandboxes: DrillReport['sandboxes']): string {
  const rows = (['source', 'target'] as const).map((role) => {
    const sandbox = sandboxes[role];
    return `<tr data-sandbox="${role}"><td>${role}</td><td>${escapeHtml(sandbox.name)}</td><td>${escapeHtml(sandbox.stands_in_for)}</td><td class="summary"><code>${escapeHtml(redactText(sandbox.url))}</code></td></tr>`;
  });
  return `<section id="sandboxes">
<h2>Sandboxes</h2>
<table><thead><tr><th>Role</th><th>Sandbox</th><th>Stands in for</th><th>URL</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function footer(files: DrillReport['files']): string {
  return `<footer id="files">
Made by <code>cutover drill</code>; every time here was measured in this drill. The same report:
<ul><li>JSON: <code>${escapeHtml(files.json)}</code></li><li>Markdown: <code>${escapeHtml(files.markdown)}</code></li><li>HTML: <code>${escapeHtml(files.html)}</code></li></ul>
</footer>`;
}
