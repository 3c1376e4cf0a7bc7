/**
 * The demo's story as one self-contained HTML file: each chapter with what
 * happened and its figures, the time of each, and where the drill's own
 * report is. Inline CSS, nothing loaded from anywhere.
 */
import { escapeHtml } from './html-escape.js';

/** A chapter as the report shows it. */
export interface DemoReportChapter {
  title: string;
  status: 'succeeded' | 'failed';
  seconds: number;
  story: string;
  figures: Record<string, string | number>;
}

/** What the report tells. */
export interface DemoReport {
  project: string;
  generatedAt: string;
  records: number;
  seconds: number;
  ok: boolean;
  chapters: DemoReportChapter[];
  drillReport: string | null;
}

/** The report's HTML. */
export function demoReportHtml(report: DemoReport): string {
  const longest = Math.max(...report.chapters.map((chapter) => chapter.seconds), 0.001);
  const chapters = report.chapters
    .map(
      (chapter, index) => `<section class="chapter ${chapter.status}" data-chapter="${index + 1}">
  <h2><span class="n">${index + 1}</span> ${escapeHtml(chapter.title)} <span class="time">${chapter.seconds.toFixed(2)} s</span></h2>
  <div class="bar" style="width:${Math.max(1, Math.round((chapter.seconds / longest) * 100))}%"></div>
  <p>${escapeHtml(chapter.story)}</p>
  ${
    Object.keys(chapter.figures).length > 0
      ? `<dl>${Object.entries(chapter.figures)
          .map(([name, value]) => `<div><dt>${escapeHtml(words(name))}</dt><dd data-figure="${escapeHtml(name)}">${escapeHtml(String(value))}</dd></div>`)
          .join('')}</dl>`
      : ''
  }
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cutover demo — ${escapeHtml(report.project)}</title>
<style>
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 0 auto; max-width: 960px; padding: 32px 24px; }
  header { border-bottom: 3px solid ${report.ok ? '#1f7a4d' : '#b42318'}; margin-bottom: 24px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  .verdict { font-weight: 600; color: ${report.ok ? '#1f7a4d' : '#b42318'}; }
  .chapter { border-left: 4px solid #1f7a4d; padding: 4px 0 8px 16px; margin: 0 0 18px; }
  .chapter.failed { border-color: #b42318; }
  h2 { font-size: 17px; margin: 0; display: flex; gap: 8px; align-items: baseline; }
  .n { color: #6b7280; font-variant-numeric: tabular-nums; }
  .time { margin-left: auto; color: #6b7280; font-weight: 400; font-variant-numeric: tabular-nums; }
  .bar { height: 4px; background: #9ec5b0; margin: 6px 0; border-radius: 2px; }
  .failed .bar { background: #f0a8a0; }
  p { margin: 4px 0 8px; }
  dl { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0; font-size: 13px; }
  dl div { background: #f3f5f8; border-radius: 4px; padding: 2px 8px; }
  dt { display: inline; color: #6b7280; } dt::after { content: ': '; }
  dd { display: inline; margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
  footer { color: #6b7280; font-size: 13px; border-top: 1px solid #e5e7eb; padding-top: 12px; }
  code { font-size: 13px; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(report.project)}</h1>
  <p><span class="verdict" id="verdict">${report.ok ? 'The whole story ran' : 'The demo stopped'}</span> — ${report.records} records, ${report.chapters.length} chapters in <span data-figure="total-seconds">${report.seconds.toFixed(1)}</span> s, ${escapeHtml(report.generatedAt)}</p>
</header>
${chapters}
<footer>
  ${report.drillReport ? `The drill's own report, with its timeline, checks and the estimate for production: <code>${escapeHtml(report.drillReport)}</code><br>` : ''}
  Made by <code>cutover demo</code>. Every figure here was measured in this run.
</footer>
</body>
</html>
`;
}

/** A camelCase figure name as words: exportSeconds → export seconds. */
function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
