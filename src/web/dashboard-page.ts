/**
 * The war-room page served at `/` by `cutover dashboard`: one self-contained
 * HTML document (inline CSS and script, nothing fetched but the API) that
 * polls the JSON API and shows the status, the rollback triggers with
 * their evidence and history, the timeline, the rollback or drill in
 * progress step by step, the drills against the RTO as a chart, a ledger
 * search, the messages, and the actions (decide, start a drill, approve a
 * message), each confirmed in a dialog. Every text from the API reaches
 * the DOM through `textContent`, never as markup.
 */
import { escapeHtml } from '../report/html-escape.js';
import { dashboardScript } from './dashboard-script.js';

/** How often the page asks the API again, in milliseconds. */
const POLL_MS = 2000;

/** The page for the project named `projectName` (escaped here; the rest of the data is read by the page itself). */
export function dashboardPage(projectName: string): string {
  const name = escapeHtml(projectName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>War room — ${name}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#actions">Skip to the actions</a>
<header><h1>War room <span class="project">${name}</span></h1><p id="refreshed" aria-live="polite">Loading…</p></header>
<main>
<section id="status" aria-labelledby="status-h"><h2 id="status-h">Status</h2><dl id="status-list"></dl></section>
<section id="rollback" aria-labelledby="rollback-h"><h2 id="rollback-h">Rollback or drill in progress</h2><p id="rollback-run">No rollback or drill has run.</p>
<table><caption class="sr">Steps of the latest rollback or drill</caption><thead><tr><th scope="col">Step</th><th scope="col">Status</th><th scope="col">Seconds</th><th scope="col">Result</th></tr></thead><tbody id="rollback-steps"></tbody></table></section>
<section id="triggers" aria-labelledby="triggers-h"><h2 id="triggers-h">Rollback triggers</h2><p id="triggers-round">No watch round yet: <code>cutover watch</code>.</p>
<table><caption class="sr">Each trigger in the latest watch round: state, measured value, threshold, evidence and history</caption><thead><tr><th scope="col">Trigger</th><th scope="col">State</th><th scope="col">Measured</th><th scope="col">Threshold</th><th scope="col">History</th></tr></thead><tbody id="triggers-rows"></tbody></table></section>
<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2><div class="axis" id="timeline-axis" aria-hidden="true"></div><ol id="timeline-list"></ol></section>
<section id="drills" aria-labelledby="drills-h"><h2 id="drills-h">Drills against the RTO</h2><p id="drills-none">No drill has run.</p><p id="drill-started" role="status"></p><ul id="drills-list"></ul></section>
<section id="messages" aria-labelledby="messages-h"><h2 id="messages-h">Messages</h2>
<table><caption class="sr">Messages, sent and waiting for approval</caption><thead><tr><th scope="col">Created</th><th scope="col">Subject</th><th scope="col">Audience</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead><tbody id="messages-rows"></tbody></table></section>
<section id="ledger" aria-labelledby="ledger-h"><h2 id="ledger-h">Ledger</h2>
<form id="ledger-form"><label for="ledger-by">Search by</label> <select id="ledger-by" name="by"><option value="sourceId">source id</option><option value="targetId">target id</option><option value="runId">run id</option></select>
<label for="ledger-id">Record id</label> <input id="ledger-id" name="id" required autocomplete="off">
<button type="submit">Search</button></form>
<p id="ledger-note" role="status"></p>
<table><caption class="sr">Ledger entries found</caption><thead><tr><th scope="col">At</th><th scope="col">Run</th><th scope="col">System</th><th scope="col">Object</th><th scope="col">Source id</th><th scope="col">Target id</th><th scope="col">Operation</th><th scope="col">State</th></tr></thead><tbody id="ledger-rows"></tbody></table></section>
<section id="actions" aria-labelledby="actions-h"><h2 id="actions-h">Actions</h2>
<p class="muted">Each action needs the token the dashboard printed when it started, asks you to confirm, and goes to the audit log with your name.</p>
<form id="acting-as"><fieldset><legend>Acting as</legend>
<label for="act-token">Dashboard token</label> <input id="act-token" type="password" autocomplete="off">
<label for="act-user">Your name</label> <input id="act-user" autocomplete="name"></fieldset></form>
<form id="decision-form"><fieldset><legend>Go/no-go decision</legend>
<span role="radiogroup" aria-label="Decision"><label><input type="radio" name="decision" value="rollback" checked> Roll back</label> <label><input type="radio" name="decision" value="continue"> Continue</label></span>
<label for="decision-reason">Reason</label> <input id="decision-reason" name="reason" required class="wide" autocomplete="off">
<button type="submit">Record the decision…</button></fieldset></form>
<form id="drill-form"><fieldset><legend>Rehearse the rollback in the sandboxes</legend>
<label for="drill-mode">Procedure</label> <select id="drill-mode" name="mode"><option value="">the plan's</option><option value="immediate">immediate</option><option value="delayed">delayed</option></select>
<label for="drill-new">Records created</label> <input id="drill-new" name="new" type="number" min="0" value="20" class="num">
<label for="drill-edits">Edits</label> <input id="drill-edits" name="edits" type="number" min="0" value="10" class="num">
<label for="drill-deletes">Deleted (%)</label> <input id="drill-deletes" name="deletes" type="number" min="0" max="100" value="2" class="num">
<label for="drill-days">Days</label> <input id="drill-days" name="days" type="number" min="1" value="1" class="num">
<button type="submit">Start a drill…</button></fieldset></form>
<p id="action-result" role="alert"></p></section>
</main>
<dialog id="confirm" aria-labelledby="confirm-h" aria-describedby="confirm-body"><h2 id="confirm-h">Confirm</h2><div id="confirm-body"></div>
<p class="buttons"><button type="button" id="confirm-no" autofocus>Cancel</button> <button type="button" id="confirm-yes">Confirm</button></p></dialog>
<script>${dashboardScript(POLL_MS)}</script>
</body>
</html>
`;
}

// Colours checked against white at WCAG AA (4.5:1 or more) for text, in the page test; focus is a thick outline.
const CSS = `
:root{--ok:#1b6e2e;--bad:#b3261e;--warn:#8a5300;--muted:#4a4f57;--line:#c9ced6;--focus:#0b57d0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#16181c;background:#f5f6f8}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#0b57d0;padding:.3rem .6rem;z-index:2}
header{background:#16181c;color:#fff;padding:.8rem 1.2rem}
header h1{margin:0;font-size:1.3rem}.project{font-weight:400;margin-left:.5rem}
header p{margin:.2rem 0 0;color:#d9dde3;font-size:.85rem}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:1rem;padding:1rem}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;min-width:0;overflow-x:auto}
#triggers,#actions,#messages,#ledger{grid-column:1/-1}
td time{white-space:nowrap}
h2{margin:0 0 .6rem;font-size:1.05rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem .8rem;margin:0}dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
/* A status class sets --c; badges, timeline dots and chart marks take their colour from it. */
.s-ok,.s-succeeded,.s-pass,.s-passed,.s-sent,.s-complete,.s-healthy,.s-continue{--c:var(--ok)}
.s-failed,.s-critical,.s-fail,.s-rollback,.s-fired{--c:var(--bad)}
.s-warning,.s-running,.s-awaiting_approval,.s-unverified,.s-pending,.s-rolling_back,.s-unknown{--c:var(--warn)}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.8rem;font-weight:600;color:#fff;background:var(--c,var(--muted))}
.axis{position:relative;height:28px;border-bottom:2px solid var(--line);margin:0 .5rem .6rem}
.axis span{position:absolute;bottom:-7px;width:12px;height:12px;margin-left:-6px;border-radius:50%;border:2px solid #fff;background:var(--c,var(--muted))}
#timeline-list{list-style:none;margin:0;padding:0;max-height:22rem;overflow:auto}#timeline-list li{padding:.2rem 0;border-bottom:1px solid #eceef1}
time,.muted{color:var(--muted);font-size:.85rem}
.kind{display:inline-block;min-width:5.5rem;font-weight:600}
#drills-list{list-style:none;padding:0;margin:0}#drills-list li{margin:.5rem 0 .9rem}
svg.chart{width:100%;height:auto;display:block;margin-top:.3rem}svg.chart text{font:12px system-ui,sans-serif;fill:#16181c}
svg.history{vertical-align:middle}svg .mark{fill:var(--c,var(--muted))}
details{margin-top:.2rem}summary{cursor:pointer;color:#0b57d0}
.evidence{font-size:.85rem}.evidence table{font-size:.8rem;margin:.2rem 0}.evidence dl{gap:.1rem .6rem}
input,select,button,textarea{font:inherit;padding:.3rem .5rem;border:1px solid #6b7280;border-radius:4px;background:#fff;color:#16181c}
input.num{width:5.5rem}input.wide{min-width:18rem;flex:1}
button{background:#0b57d0;border-color:#0b57d0;color:#fff;cursor:pointer}button[type=button]{background:#fff;color:#0b57d0}
#confirm-yes{background:#b3261e;border-color:#b3261e;color:#fff}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
fieldset{border:1px solid var(--line);margin:.6rem 0;display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:center}
dialog{border:1px solid var(--line);border-radius:6px;max-width:40rem;width:90vw}dialog::backdrop{background:rgba(22,24,28,.55)}
dialog pre{white-space:pre-wrap;background:#f5f6f8;padding:.5rem;max-height:18rem;overflow:auto;font-size:.85rem}
.buttons{display:flex;gap:.6rem;justify-content:flex-end}
#action-result:empty,#ledger-note:empty,#drill-started:empty{display:none}.error{color:var(--bad);font-weight:600}
`;
