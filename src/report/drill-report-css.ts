/**
 * The HTML drill report's stylesheet, inlined in the page: system fonts
 * only, about 1000 px wide on screen, A4 when printed with its colours kept
 * (a red bar must stay red on paper). Status colours are classes, shared by
 * the tables, the RTO bars and the timeline's SVG.
 */

/** The stylesheet, without the `<style>` element. */
export const DRILL_REPORT_CSS = `
:root { --ink: #1d2330; --muted: #5f6673; --line: #dfe3ea; --soft: #f4f6f9; --ok: #1f7a4d; --ok-bar: #3a9a6a; --ok-soft: #e6f4ec; --bad: #c0261a; --bad-soft: #fdecea; --skip: #9aa1ad; --run: #b7791f; color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 32px 20px 48px; }
header { margin-bottom: 28px; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 6px; }
h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
section { margin: 0 0 30px; }
p { margin: 6px 0 10px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.eyebrow { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .06em; }
.meta { color: var(--muted); font-size: 14px; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.verdict { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 16px; margin: 16px 0 0; padding: 14px 18px; border-radius: 8px; border-left: 8px solid; }
.verdict.passed { background: var(--ok-soft); border-color: var(--ok); }
.verdict.failed { background: var(--bad-soft); border-color: var(--bad); }
.verdict strong { font-size: 28px; letter-spacing: .04em; }
.verdict.passed strong { color: var(--ok); }
.verdict.failed strong { color: var(--bad); }
.verdict ul { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px; }
.verdict li { background: #fff; border: 1px solid var(--bad); color: var(--bad); border-radius: 4px; padding: 0 8px; font-size: 14px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin: 16px 0 0; }
.figures div { background: var(--soft); border-radius: 6px; padding: 8px 12px; }
.figures dt { color: var(--muted); font-size: 13px; }
.figures dd { margin: 0; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figures dd small { display: block; font-size: 13px; font-weight: 400; color: var(--bad); overflow-wrap: anywhere; }
.pass { color: var(--ok); } .fail { color: var(--bad); }
.meter { display: grid; grid-template-columns: 170px 1fr 240px; align-items: center; gap: 6px 12px; margin: 12px 0 4px; }
.meter .label { font-size: 14px; }
.meter .value { font-size: 14px; font-variant-numeric: tabular-nums; }
.track { position: relative; height: 16px; background: var(--soft); border-radius: 3px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; min-width: 3px; border-radius: 3px; }
.fill.objective { background: #7f8da3; }
.fill.pass { background: var(--ok-bar); }
.fill.fail { background: var(--bad); }
.fill.none { background: repeating-linear-gradient(45deg, var(--bad-soft) 0 6px, #fff 6px 12px); border: 1px dashed var(--bad); width: 100%; }
.mark { position: absolute; top: -4px; bottom: -4px; border-left: 2px dashed var(--ink); }
.note { color: var(--muted); font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; margin: 6px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 13px; color: var(--muted); font-weight: 600; background: var(--soft); }
td.summary { overflow-wrap: anywhere; }
th.r, td.r { text-align: right; }
tr.failed td { background: var(--bad-soft); }
.status { white-space: nowrap; font-weight: 600; }
.status.succeeded, .status.passed { color: var(--ok); }
.status.failed { color: var(--bad); }
.status.skipped, .status.not_run { color: var(--skip); }
.status.running { color: var(--run); }
ul.assumptions { margin: 4px 0 0; padding-left: 20px; }
ul.assumptions li { margin: 2px 0; }
#timeline figure { margin: 0; overflow-x: auto; }
#timeline figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
svg.timeline { display: block; max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.timeline .lane-heading { font-size: 14px; font-weight: 600; fill: var(--ink); }
svg.timeline .stripe { fill: #f7f8fa; }
svg.timeline .grid { stroke: var(--line); stroke-width: 1; }
svg.timeline .axis { stroke: #9aa1ad; stroke-width: 1; }
svg.timeline .tick { fill: var(--muted); font-size: 11px; }
svg.timeline .bar-title { fill: var(--ink); }
svg.timeline .bar-label { fill: var(--muted); font-variant-numeric: tabular-nums; }
svg.timeline .bar-label.failed { fill: var(--bad); font-weight: 600; }
svg.timeline .bar.succeeded { fill: var(--ok-bar); }
svg.timeline .bar.failed { fill: var(--bad); }
svg.timeline .bar.skipped, svg.timeline .bar.not_run { fill: var(--skip); }
svg.timeline .bar.running { fill: var(--run); }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 12px; }
footer ul { margin: 4px 0 0; padding-left: 20px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  section, .verdict, .meter, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  #timeline figure { overflow: visible; }
}
`;
