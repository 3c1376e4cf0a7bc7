/** The drill's reports: the data type they share and its Markdown and HTML renderings. */
export type { CheckStatus, DrillCheck, DrillPhase, DrillReport, DrillRollbackStep, EstimateStep, ProductionEstimate, RtoVerdict } from './drill-report-types.js';
export { drillReportMarkdown } from './drill-report-markdown.js';
export { drillReportHtml } from './drill-report-html.js';
