/**
 * The war-room page served at `/` by `cutover dashboard`: one self-contained
 * HTML document (inline CSS and script, nothing fetched but the API) that
 * polls the JSON API every 2 s and shows the status, the timeline, the
 * latest rollback or drill step by step, the drills against the RTO, a
 * ledger search and the customer messages with their approval. Every text
 * from the API reaches the DOM through `textContent`, never as markup.
 */

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
<header><h1>War room <span class="project">${name}</span></h1><p id="refreshed" aria-live="polite">Loading…</p></header>
<main>
<section id="status" aria-labelledby="status-h"><h2 id="status-h">Status</h2><dl id="status-list"></dl></section>
<section id="rollback" aria-labelledby="rollback-h"><h2 id="rollback-h">Rollback</h2><p id="rollback-run">No rollback or drill has run.</p>
<table><caption class="sr">Steps of the latest rollback or drill</caption><thead><tr><th scope="col">Step</th><th scope="col">Status</th><th scope="col">Seconds</th><th scope="col">Result</th></tr></thead><tbody id="rollback-steps"></tbody></table></section>
<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2><div class="axis" id="timeline-axis" aria-hidden="true"></div><ol id="timeline-list"></ol></section>
<section id="drills" aria-labelledby="drills-h"><h2 id="drills-h">Drills against the RTO</h2><p id="drills-none">No drill has run.</p><ul id="drills-list"></ul></section>
<section id="ledger" aria-labelledby="ledger-h"><h2 id="ledger-h">Ledger</h2>
<form id="ledger-form"><label for="ledger-by">Search by</label> <select id="ledger-by" name="by"><option value="sourceId">source id</option><option value="targetId">target id</option></select>
<label for="ledger-id">Record id</label> <input id="ledger-id" name="id" required autocomplete="off">
<button type="submit">Search</button></form>
<p id="ledger-note" role="status"></p>
<table><caption class="sr">Ledger entries found</caption><thead><tr><th scope="col">At</th><th scope="col">Run</th><th scope="col">System</th><th scope="col">Object</th><th scope="col">Source id</th><th scope="col">Target id</th><th scope="col">Operation</th><th scope="col">State</th></tr></thead><tbody id="ledger-rows"></tbody></table></section>
<section id="messages" aria-labelledby="messages-h"><h2 id="messages-h">Customer messages</h2>
<table><caption class="sr">Messages, sent and waiting for approval</caption><thead><tr><th scope="col">Created</th><th scope="col">Subject</th><th scope="col">Audience</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead><tbody id="messages-rows"></tbody></table>
<form id="approve-form" hidden><fieldset><legend id="approve-legend">Approve message</legend>
<label for="approve-token">Dashboard token</label> <input id="approve-token" type="password" required autocomplete="off">
<label for="approve-user">Your name</label> <input id="approve-user" required autocomplete="name">
<button type="submit">Approve and send</button> <button type="button" id="approve-cancel">Cancel</button></fieldset></form>
<p id="approve-result" role="alert"></p></section>
</main>
<script>${script()}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Colours checked against white at WCAG AA (4.5:1 or more) for text; focus is a thick outline.
const CSS = `
:root{--ok:#1b6e2e;--bad:#b3261e;--warn:#8a5300;--muted:#4a4f57;--line:#c9ced6;--focus:#0b57d0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#16181c;background:#f5f6f8}
header{background:#16181c;color:#fff;padding:.8rem 1.2rem}
header h1{margin:0;font-size:1.3rem}.project{font-weight:400;margin-left:.5rem}
header p{margin:.2rem 0 0;color:#d9dde3;font-size:.85rem}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1rem;padding:1rem}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;min-width:0;overflow-x:auto}
h2{margin:0 0 .6rem;font-size:1.05rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem .8rem;margin:0}dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.8rem;font-weight:600;color:#fff;background:var(--muted)}
.s-ok,.s-succeeded,.s-pass,.s-sent,.s-complete,.s-go{background:var(--ok)}
.s-failed,.s-critical,.s-fail,.s-rollback,.s-fired{background:var(--bad)}
.s-warning,.s-running,.s-awaiting_approval,.s-unverified,.s-pending,.s-rolling_back{background:var(--warn)}
.axis{position:relative;height:28px;border-bottom:2px solid var(--line);margin:0 .5rem .6rem}
.axis span{position:absolute;bottom:-7px;width:12px;height:12px;margin-left:-6px;border-radius:50%;border:2px solid #fff}
#timeline-list{list-style:none;margin:0;padding:0;max-height:22rem;overflow:auto}#timeline-list li{padding:.2rem 0;border-bottom:1px solid #eceef1}
time,.muted{color:var(--muted);font-size:.85rem}
.kind{display:inline-block;min-width:5.5rem;font-weight:600}
#drills-list{list-style:none;padding:0;margin:0}#drills-list li{margin:.4rem 0}
.bar{height:14px;background:#e4e7eb;border-radius:3px;overflow:hidden}.bar span{display:block;height:100%;min-width:2px}
input,select,button{font:inherit;padding:.3rem .5rem;border:1px solid #6b7280;border-radius:4px;background:#fff;color:#16181c}
button{background:#0b57d0;border-color:#0b57d0;color:#fff;cursor:pointer}button[type=button]{background:#fff;color:#0b57d0}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
fieldset{border:1px solid var(--line);margin:.6rem 0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
#approve-result:empty,#ledger-note:empty{display:none}.error{color:var(--bad);font-weight:600}
`;

/** The page's script, as text; written without template literals so that it sits in this one unescaped. */
function script(): string {
  return `"use strict";
(function () {
  var POLL = ${POLL_MS};
  var last = {};
  var shownRun = null;
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function badge(status) { var s = String(status == null ? 'unknown' : status); return el('span', s, 'badge s-' + s.replace(/[^a-z_-]/gi, '')); }
  function when(at) { if (!at) return el('span', '—', 'muted'); var t = el('time', new Date(at).toLocaleString()); t.setAttribute('datetime', at); return t; }
  function row(cells) { var tr = document.createElement('tr'); cells.forEach(function (c) { var td = document.createElement('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c == null ? '' : String(c); tr.appendChild(td); }); return tr; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function json(url, init) {
    return fetch(url, init).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error && body.error.message ? body.error.message : ('HTTP ' + r.status));
        return body;
      });
    });
  }
  // Re-renders a section only when its data changed, so polling keeps focus and scroll.
  function changed(key, data) { var s = JSON.stringify(data); if (last[key] === s) return false; last[key] = s; return true; }

  function renderStatus(s) {
    var dl = $('status-list'); clear(dl);
    function item(term, parts) { dl.appendChild(el('dt', term)); var dd = el('dd'); parts.forEach(function (p) { dd.appendChild(p instanceof Node ? p : document.createTextNode(String(p))); }); dl.appendChild(dd); }
    item('Migration', [s.source + ' → ' + s.target + ' ', s.migration ? badge(s.migration.status) : 'not run']);
    item('Go-live', s.goLive ? [when(s.goLive.at), ' — window: ' + s.goLive.window + (s.goLive.hoursSince != null ? ' (' + s.goLive.hoursSince + ' h since)' : '')] : ['not live']);
    if (s.watch) {
      var fired = el('span', s.watch.fired.length ? ' fired: ' + s.watch.fired.join(', ') : ' no check fired');
      fired.className = 'fired';
      item('Last watch', [badge(s.watch.verdict), fired, ' ', when(s.watch.at)]);
    } else item('Last watch', ['none']);
    item('Decision', s.decision ? [badge(s.decision.decision), ' ' + s.decision.reason + (s.decision.by ? ' — ' + s.decision.by : '') + ' ', when(s.decision.at)] : ['none']);
    item('Backup', s.backup ? [s.backup.id + ', ' + s.backup.records + ' records ', s.backup.verification ? badge(s.backup.verification.ok ? 'ok' : 'failed') : badge('unverified'), s.backup.verification ? ' ' + s.backup.verification.mode + ' verification' : ''] : ['none']);
    item('Rollback', s.rollback ? [badge(s.rollback.status), ' ' + s.rollback.id] : ['none']);
    item('Messages', [s.messages.awaitingApproval.length + ' waiting for approval, ' + s.messages.failed.length + ' failed']);
    item('Open findings', [String(s.openFindings)]);
  }

  function renderTimeline(events) {
    var list = $('timeline-list'), axis = $('timeline-axis'); clear(list); clear(axis);
    var times = events.map(function (e) { return Date.parse(e.at); });
    var min = Math.min.apply(null, times), max = Math.max.apply(null, times), span = max - min || 1;
    events.forEach(function (e, i) {
      var dot = el('span', null, 's-' + String(e.status).replace(/[^a-z_-]/gi, ''));
      dot.style.left = (((times[i] - min) / span) * 100) + '%';
      dot.title = e.kind + ': ' + e.title;
      axis.appendChild(dot);
      var li = el('li'); li.dataset.kind = e.kind; li.dataset.status = e.status;
      li.appendChild(when(e.at)); li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', e.kind, 'kind')); li.appendChild(badge(e.status)); li.appendChild(document.createTextNode(' ' + e.title));
      list.appendChild(li);
    });
  }

  function latestRun(s) {
    var runs = [s.rollback, s.drill].filter(Boolean);
    runs.sort(function (a, b) { return String(b.at).localeCompare(String(a.at)); });
    return runs[0] || null;
  }

  function renderRun(run) {
    $('rollback-run').textContent = '';
    var p = $('rollback-run');
    p.appendChild(document.createTextNode((run.kind || 'run') + ' ' + run.id + ' '));
    p.appendChild(badge(run.status));
    if (run.seconds != null) p.appendChild(document.createTextNode(' ' + run.seconds + ' s'));
    var body = $('rollback-steps'); clear(body);
    (run.steps || []).forEach(function (step) {
      var tr = row([step.title || step.name, badge(step.status), step.seconds == null ? '—' : step.seconds, step.result && step.result.summary ? step.result.summary : '']);
      tr.dataset.step = step.name;
      body.appendChild(tr);
    });
  }

  function objectiveSeconds(rto) {
    if (!rto) return null;
    if (typeof rto.objectiveSeconds === 'number') return rto.objectiveSeconds;
    var m = /^(\\d+(?:\\.\\d+)?)\\s*([smhd])$/.exec(String(rto.objective || ''));
    return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]] : null;
  }

  function renderDrills(drills) {
    var list = $('drills-list'); clear(list);
    $('drills-none').hidden = drills.length > 0;
    drills.forEach(function (run) {
      var sum = run.summary || {};
      var secs = sum.rollbackSeconds, obj = objectiveSeconds(sum.rto);
      var li = el('li'); li.dataset.run = run.id;
      li.appendChild(document.createTextNode(run.id + ' (' + (sum.mode || '') + ') '));
      li.appendChild(badge(sum.status || run.status));
      li.appendChild(document.createTextNode(' rollback ' + (secs == null ? 'did not finish' : secs + ' s') + ' of RTO ' + (sum.rto ? sum.rto.objective : '—') + ' '));
      if (sum.rto) li.appendChild(badge(sum.rto.verdict));
      var bar = el('div', null, 'bar'); var fill = el('span', null, sum.rto ? 's-' + sum.rto.verdict : '');
      var pct = secs != null && obj ? Math.min(100, (secs / obj) * 100) : 0;
      fill.style.width = pct + '%';
      bar.setAttribute('role', 'img');
      bar.setAttribute('aria-label', (secs == null ? 'no time' : secs + ' s') + ' of ' + (sum.rto ? sum.rto.objective : 'no objective') + ' (' + pct.toFixed(1) + '%)');
      bar.appendChild(fill); li.appendChild(bar);
      list.appendChild(li);
    });
  }

  var approving = null;
  function renderMessages(messages) {
    var body = $('messages-rows'); clear(body);
    messages.forEach(function (m) {
      var action = document.createTextNode(m.approvedBy ? 'approved by ' + m.approvedBy : '');
      if (m.status === 'awaiting_approval') {
        action = el('button', 'Approve');
        action.type = 'button';
        action.setAttribute('aria-label', 'Approve ' + m.subject);
        action.addEventListener('click', function () { openApprove(m); });
      }
      var tr = row([when(m.createdAt), m.subject, m.audience, badge(m.status), action]);
      tr.dataset.message = m.id; tr.dataset.status = m.status;
      body.appendChild(tr);
    });
  }
  function openApprove(m) {
    approving = m.id;
    $('approve-legend').textContent = 'Approve "' + m.subject + '"';
    $('approve-result').textContent = '';
    $('approve-form').hidden = false;
    $('approve-token').focus();
  }
  $('approve-cancel').addEventListener('click', function () { approving = null; $('approve-form').hidden = true; });
  $('approve-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!approving) return;
    var out = $('approve-result'); out.className = ''; out.textContent = 'Sending…';
    json('/api/messages/' + encodeURIComponent(approving) + '/approve', { method: 'POST', headers: { 'Authorization': 'Bearer ' + $('approve-token').value, 'X-Cutover-User': $('approve-user').value } })
      .then(function (report) {
        out.textContent = 'Message ' + report.id + ': ' + report.status + '.';
        approving = null; $('approve-form').hidden = true; $('approve-token').value = '';
        refresh();
      })
      .catch(function (error) { out.className = 'error'; out.textContent = 'Refused: ' + error.message; });
  });

  $('ledger-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var note = $('ledger-note'), body = $('ledger-rows');
    var params = new URLSearchParams(); params.set($('ledger-by').value, $('ledger-id').value.trim());
    note.className = ''; note.textContent = 'Searching…';
    json('/api/ledger?' + params.toString()).then(function (r) {
      clear(body);
      r.entries.forEach(function (e) { var tr = row([when(e.at), e.runId, e.system, e.object, e.sourceId, e.targetId, e.operation, e.state]); tr.dataset.target = e.targetId; body.appendChild(tr); });
      note.textContent = r.total + ' entr' + (r.total === 1 ? 'y' : 'ies') + (r.limited ? ', the first ' + r.entries.length + ' shown' : '') + '.';
    }).catch(function (error) { clear(body); note.className = 'error'; note.textContent = error.message; });
  });

  function refresh() {
    return Promise.all([
      json('/api/status').then(function (s) {
        if (changed('status', s.measuredAt ? Object.assign({}, s, { measuredAt: null, goLive: s.goLive && Object.assign({}, s.goLive, { hoursSince: null }) }) : s)) renderStatus(s);
        var run = latestRun(s);
        if (!run) return;
        shownRun = run.id;
        return json('/api/runs/' + encodeURIComponent(run.id)).then(function (r) { if (shownRun === r.id && changed('run', r)) renderRun(r); });
      }),
      json('/api/timeline').then(function (t) { if (changed('timeline', t)) renderTimeline(t.events); }),
      json('/api/drills').then(function (d) { if (changed('drills', d)) renderDrills(d.drills); }),
      json('/api/messages').then(function (m) { if (changed('messages', m)) renderMessages(m.messages); })
    ]).then(function () {
      $('refreshed').textContent = 'Updated ' + new Date().toLocaleTimeString();
    }, function (error) {
      $('refreshed').textContent = 'Cannot reach the dashboard: ' + error.message;
    });
  }
  function loop() { refresh().then(function () { setTimeout(loop, POLL); }); }
  loop();
})();
`;
}
