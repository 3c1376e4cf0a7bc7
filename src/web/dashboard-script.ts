/**
 * The war-room page's script, as text for an inline `<script>`: it polls
 * the API, renders each section only when its data changed (so polling
 * keeps focus and scroll), and takes the actions through a confirmation
 * dialog. Written without template literals and backslashes so that it
 * sits in this one unchanged.
 */

/** The script, polling every `pollMs` milliseconds. */
export function dashboardScript(pollMs: number): string {
  return `"use strict";
(function () {
  var POLL = ${pollMs};
  var SVG = 'http://www.w3.org/2000/svg';
  var last = {};
  var shownRun = null;
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function svg(tag, attrs) { var e = document.createElementNS(SVG, tag); Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); }); return e; }
  function cls(status) { return 's-' + String(status == null ? 'unknown' : status).replace(/[^a-z_-]/gi, ''); }
  function badge(status) { return el('span', status == null ? 'unknown' : status, 'badge ' + cls(status)); }
  function when(at) { if (!at) return el('span', '—', 'muted'); var t = el('time', new Date(at).toLocaleString()); t.setAttribute('datetime', at); return t; }
  function append(parent, parts) { parts.forEach(function (p) { parent.appendChild(p instanceof Node ? p : document.createTextNode(String(p))); }); return parent; }
  function row(cells) { var tr = document.createElement('tr'); cells.forEach(function (c) { var td = document.createElement('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c == null ? '' : String(c); tr.appendChild(td); }); return tr; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function text(value) { return value == null ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value); }
  function json(url, init) {
    return fetch(url, init).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error && body.error.message ? body.error.message + (body.error.hints ? ' (' + body.error.hints.join('; ') + ')' : '') : ('HTTP ' + r.status));
        return body;
      });
    });
  }
  function changed(key, data) { var s = JSON.stringify(data); if (last[key] === s) return false; last[key] = s; return true; }
  function seconds(n) { return n == null ? '—' : n < 60 ? n + ' s' : n < 3600 ? (n / 60).toFixed(1) + ' min' : (n / 3600).toFixed(2) + ' h'; }

  function renderStatus(s) {
    var dl = $('status-list'); clear(dl);
    function item(term, parts) { dl.appendChild(el('dt', term)); dl.appendChild(append(el('dd'), parts)); }
    item('Migration', [s.source + ' → ' + s.target + ' ', s.migration ? badge(s.migration.status) : 'not run']);
    item('Go-live', s.goLive ? [when(s.goLive.at), ' — window: ' + s.goLive.window + (s.goLive.hoursSince != null ? ' (' + s.goLive.hoursSince + ' h since)' : '')] : ['not live']);
    if (s.watch) {
      var fired = el('span', s.watch.fired.length ? ' fired: ' + s.watch.fired.join(', ') : ' no trigger fired', 'fired');
      var rec = s.watch.recommendation || {};
      item('Last watch', [badge(s.watch.verdict), fired, ' ', when(s.watch.at)]);
      item('Recommended', [text(rec.action) + (rec.procedure ? ' (' + rec.procedure + ')' : '')]);
    } else item('Last watch', ['none']);
    item('Decision', s.decision ? [badge(s.decision.decision), ' ' + s.decision.reason + (s.decision.by ? ' — ' + s.decision.by : '') + ' ', when(s.decision.at)] : ['none']);
    item('Backup', s.backup ? [s.backup.id + ', ' + s.backup.records + ' records ', s.backup.verification ? badge(s.backup.verification.ok ? 'ok' : 'failed') : badge('unverified'), s.backup.verification ? ' ' + s.backup.verification.mode + ' verification' : ''] : ['none']);
    item('Rollback', s.rollback ? [badge(s.rollback.status), ' ' + s.rollback.id] : ['none']);
    item('Messages', [s.messages.awaitingApproval.length + ' waiting for approval, ' + s.messages.failed.length + ' failed']);
    item('Open findings', [String(s.openFindings)]);
  }

  // Evidence is whatever the check measured: scalars as text, lists of records as a table, objects as a list.
  function evidence(value, depth) {
    if (value == null || typeof value !== 'object') return document.createTextNode(text(value));
    if (Array.isArray(value)) {
      if (value.length === 0) return document.createTextNode('none');
      if (value.every(function (v) { return v == null || typeof v !== 'object'; })) {
        return document.createTextNode(value.slice(0, 8).map(text).join(', ') + (value.length > 8 ? ' and ' + (value.length - 8) + ' more' : ''));
      }
      if (value.every(function (v) { return v && typeof v === 'object' && !Array.isArray(v); })) {
        var keys = [];
        value.forEach(function (v) { Object.keys(v).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
        keys = keys.slice(0, 12);
        var table = el('table'), head = el('tr');
        keys.forEach(function (k) { var th = el('th', k); th.scope = 'col'; head.appendChild(th); });
        table.appendChild(el('thead')).appendChild(head);
        var body = table.appendChild(el('tbody'));
        value.slice(0, 50).forEach(function (v) { body.appendChild(row(keys.map(function (k) { return evidence(v[k], depth + 1); }))); });
        if (value.length > 50) body.appendChild(row(['and ' + (value.length - 50) + ' more']));
        return table;
      }
      return document.createTextNode(JSON.stringify(value).slice(0, 500));
    }
    if (depth > 2) return document.createTextNode(JSON.stringify(value).slice(0, 500));
    var dl = el('dl');
    Object.keys(value).forEach(function (k) { dl.appendChild(el('dt', k)); var dd = el('dd'); dd.appendChild(evidence(value[k], depth + 1)); dl.appendChild(dd); });
    return dl;
  }

  function history(points) {
    var w = 14, box = svg('svg', { width: Math.max(1, points.length) * w, height: 14, 'class': 'history', role: 'img', 'aria-label': 'history, oldest first: ' + points.map(function (p) { return p.status; }).join(', ') });
    points.forEach(function (p, i) {
      var dot = svg('circle', { cx: i * w + 7, cy: 7, r: 5, 'class': 'mark ' + cls(p.status) });
      var title = svg('title', {}); title.textContent = new Date(p.at).toLocaleString() + ': ' + p.status + ' — ' + text(p.measured);
      dot.appendChild(title); box.appendChild(dot);
    });
    return box;
  }

  function renderTriggers(t) {
    var body = $('triggers-rows'); clear(body);
    var head = $('triggers-round'); clear(head);
    if (!t.roundId) { head.textContent = 'No watch round yet: cutover watch.'; return; }
    append(head, ['Round ' + t.roundId + ': ', badge(t.verdict), ' ' + t.triggers.filter(function (x) { return x.current.status === 'fired'; }).length + ' of ' + t.triggers.length + ' fired']);
    t.triggers.forEach(function (x) {
      var state = append(el('div'), [badge(x.current.status), ' ', el('span', x.severity, 'muted')]);
      if (x.current.reason) state.appendChild(el('div', x.current.reason, 'muted'));
      var measured = append(el('div'), [text(x.current.measured)]);
      var details = el('details', null, 'evidence'); details.appendChild(el('summary', 'Evidence'));
      details.appendChild(evidence(x.current.evidence, 0));
      if (x.current.status === 'fired') details.open = true;
      measured.appendChild(details);
      var tr = row([append(el('div'), [el('strong', x.check), el('div', x.kind, 'muted')]), state, measured, text(x.current.threshold), history(x.history)]);
      tr.dataset.check = x.check; tr.dataset.status = x.current.status;
      body.appendChild(tr);
    });
  }

  function renderTimeline(events) {
    var list = $('timeline-list'), axis = $('timeline-axis'); clear(list); clear(axis);
    var times = events.map(function (e) { return Date.parse(e.at); });
    var min = Math.min.apply(null, times), max = Math.max.apply(null, times), span = max - min || 1;
    events.forEach(function (e, i) {
      var dot = el('span', null, cls(e.status));
      dot.style.left = (((times[i] - min) / span) * 100) + '%';
      dot.title = e.kind + ': ' + e.title;
      axis.appendChild(dot);
      var li = el('li'); li.dataset.kind = e.kind; li.dataset.status = e.status;
      append(li, [when(e.at), ' ', el('span', e.kind, 'kind'), badge(e.status), ' ' + e.title]);
      // Newest first: during a cutover the latest event is the one people look for.
      list.insertBefore(li, list.firstChild);
    });
  }

  function latestRun(s) {
    var runs = [s.rollback, s.drill].filter(Boolean);
    runs.sort(function (a, b) { return String(b.at).localeCompare(String(a.at)); });
    return runs[0] || null;
  }

  function counts(result) {
    var c = result && result.counts;
    if (!c || typeof c !== 'object') return '';
    return Object.keys(c).filter(function (k) { return typeof c[k] === 'number'; }).map(function (k) { return k + ' ' + c[k]; }).join(', ');
  }

  function renderRun(run) {
    var p = $('rollback-run'); clear(p);
    append(p, [(run.kind || 'run') + ' ' + run.id + ' ', badge(run.status), ' started ', when(run.startedAt), run.seconds != null ? ' — ' + seconds(run.seconds) : '']);
    if (run.error) p.appendChild(el('div', run.error, 'error'));
    var body = $('rollback-steps'); clear(body);
    (run.steps || []).forEach(function (step) {
      var elapsed = step.status === 'running' && step.startedAt ? Math.max(0, Math.round((Date.now() - Date.parse(step.startedAt)) / 1000)) + ' s so far' : step.seconds == null ? '—' : step.seconds;
      var result = [step.error || (step.result && step.result.summary) || '', counts(step.result)].filter(Boolean).join(' — ');
      if (step.attempts > 1) result += ' (' + step.attempts + ' attempts)';
      var tr = row([step.title || step.name, badge(step.status), elapsed, result]);
      tr.dataset.step = step.name;
      body.appendChild(tr);
    });
  }

  // One chart per drill: a bar per rollback step (scaled to the longest), then the rollback against the RTO.
  function drillChart(run, sum) {
    var steps = sum.rollbackSteps || [];
    var rowH = 20, labelW = 290, barW = 300, h = (steps.length + 1) * rowH + 8;
    var longest = Math.max.apply(null, steps.map(function (s) { return s.seconds || 0; }).concat([0.001]));
    var chart = svg('svg', { viewBox: '0 0 ' + (labelW + barW + 90) + ' ' + h, 'class': 'chart', role: 'img', 'aria-labelledby': 'chart-' + run.id });
    var title = svg('title', { id: 'chart-' + run.id });
    title.textContent = 'Rollback steps of drill ' + run.id + ': ' + steps.map(function (s) { return s.title + ' ' + (s.seconds == null ? 'not run' : s.seconds + ' s'); }).join('; ');
    chart.appendChild(title);
    steps.forEach(function (s, i) {
      var y = i * rowH + 4;
      var label = svg('text', { x: 0, y: y + 13 }); label.textContent = s.title; chart.appendChild(label);
      var bar = svg('rect', { x: labelW, y: y + 2, height: 14, width: Math.max(1, ((s.seconds || 0) / longest) * barW), 'data-step': s.name, 'class': 'step-bar mark ' + cls(s.status) });
      chart.appendChild(bar);
      var value = svg('text', { x: labelW + barW + 6, y: y + 13 }); value.textContent = s.seconds == null ? '—' : s.seconds + ' s'; chart.appendChild(value);
    });
    var secs = sum.rollbackSeconds, obj = sum.rto ? sum.rto.objectiveSeconds : null;
    var y = steps.length * rowH + 4;
    var label = svg('text', { x: 0, y: y + 13 }); label.textContent = 'Rollback against the RTO' + (sum.rto ? ' (' + sum.rto.objective + ')' : ''); chart.appendChild(label);
    chart.appendChild(svg('rect', { x: labelW, y: y + 2, height: 14, width: barW, fill: '#e4e7eb' }));
    var pct = secs != null && obj ? Math.min(1, secs / obj) : 0;
    var used = svg('rect', { x: labelW, y: y + 2, height: 14, width: Math.max(1, pct * barW), 'class': 'rto-bar mark ' + cls(sum.rto ? sum.rto.verdict : 'fail') });
    chart.appendChild(used);
    var v = svg('text', { x: labelW + barW + 6, y: y + 13 }); v.textContent = (pct * 100).toFixed(pct < 0.01 ? 3 : 1) + '%'; chart.appendChild(v);
    return chart;
  }

  function renderDrills(d) {
    var list = $('drills-list'); clear(list);
    $('drills-none').hidden = d.drills.length > 0;
    var started = $('drill-started');
    started.className = d.started && !d.started.running && d.started.exitCode !== 0 && d.started.exitCode !== 1 ? 'error' : '';
    started.textContent = d.started ? 'Drill ' + (d.started.id || 'process ' + d.started.pid) + ' started here by ' + d.started.by + ': ' + (d.started.running ? 'running' : 'ended' + (d.started.tail.length ? ' — ' + d.started.tail[d.started.tail.length - 1] : '')) + '.' : '';
    d.drills.slice(0, 8).forEach(function (run) {
      var sum = run.summary || {};
      var li = el('li'); li.dataset.run = run.id;
      append(li, [el('strong', run.id), ' (' + (sum.mode || (run.options && run.options.mode) || '') + ') ', badge(sum.status || run.status), ' ', when(run.startedAt)]);
      if (run.status === 'running') li.appendChild(el('div', 'Rehearsing now; its phases show under Rollback or drill in progress.', 'muted'));
      else {
        li.appendChild(el('div', 'rollback ' + (sum.rollbackSeconds == null ? 'did not finish' : seconds(sum.rollbackSeconds)) + ' of an RTO of ' + (sum.rto ? sum.rto.objective + ': ' + sum.rto.verdict : '—') + (sum.estimateSeconds != null ? '; estimate for production ' + seconds(sum.estimateSeconds) : '') + (sum.failed && sum.failed.length ? '; failed: ' + sum.failed.join(', ') : '')));
        if (sum.rollbackSteps) li.appendChild(drillChart(run, sum));
      }
      list.appendChild(li);
    });
  }

  function renderMessages(messages) {
    var body = $('messages-rows'); clear(body);
    messages.forEach(function (m) {
      var action = document.createTextNode(m.approvedBy ? 'approved by ' + m.approvedBy : '');
      if (m.status === 'awaiting_approval') {
        action = el('button', 'Review and approve…');
        action.type = 'button';
        action.setAttribute('aria-label', 'Review and approve ' + m.subject);
        action.addEventListener('click', function () { approve(m); });
      }
      var tr = row([when(m.createdAt), m.subject, m.audience, badge(m.status), action]);
      tr.dataset.message = m.id; tr.dataset.status = m.status;
      body.appendChild(tr);
    });
  }

  // Actions: the person and token come from "Acting as"; every action is confirmed in the dialog first.
  var pending = null;
  function say(message, isError) { var out = $('action-result'); out.className = isError ? 'error' : ''; out.textContent = message; }
  function credentials() {
    var token = $('act-token').value, user = $('act-user').value.trim();
    if (!token || !user) { say('Enter the dashboard token and your name under Acting as first.', true); (token ? $('act-user') : $('act-token')).focus(); return null; }
    return { token: token, user: user };
  }
  function confirmThen(title, parts, yes, run) {
    var who = credentials(); if (!who) return;
    pending = { run: run, who: who };
    $('confirm-h').textContent = title;
    append((clear($('confirm-body')), $('confirm-body')), parts.concat([el('p', 'As ' + who.user + '; this goes to the audit log.', 'muted')]));
    $('confirm-yes').textContent = yes;
    $('confirm').showModal();
  }
  $('confirm-no').addEventListener('click', function () { pending = null; $('confirm').close(); });
  $('confirm').addEventListener('close', function () { pending = null; });
  $('confirm-yes').addEventListener('click', function () {
    var action = pending; pending = null; $('confirm').close();
    if (!action) return;
    say('Sending…');
    action.run(function (url, body) {
      return json(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + action.who.token, 'X-Cutover-User': action.who.user }, body: JSON.stringify(Object.assign({ confirm: true }, body)) });
    }).then(function (message) { say(message); refresh(); }, function (error) { say('Refused: ' + error.message, true); });
  });

  function approve(m) {
    var preview = el('pre', m.message && m.message.text ? m.message.text : '');
    var to = m.message ? (m.message.to || []).concat((m.message.chat || []).map(function (c) { return '#' + c; })) : [];
    confirmThen('Approve and send "' + m.subject + '"', [el('p', 'To the ' + m.audience + (to.length ? ': ' + to.join(', ') : '')), preview], 'Approve and send', function (post) {
      return post('/api/messages/' + encodeURIComponent(m.id) + '/approve', {}).then(function (r) { return 'Message ' + r.id + ': ' + r.status + '.'; });
    });
  }
  $('decision-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var decision = document.querySelector('input[name=decision]:checked').value, reason = $('decision-reason').value.trim();
    confirmThen(decision === 'rollback' ? 'Record the decision to ROLL BACK' : 'Record the decision to continue', [el('p', 'Reason: ' + reason), el('p', decision === 'rollback' ? 'The rollback itself is run with cutover rollback; this records the go/no-go with its evidence and tells the people the plan routes it to.' : 'The watch goes on; this records the go/no-go with its evidence.')], decision === 'rollback' ? 'Record ROLL BACK' : 'Record continue', function (post) {
      return post('/api/decisions', { decision: decision, reason: reason }).then(function (r) { $('decision-reason').value = ''; return 'Decision ' + r.id + ' recorded: ' + r.decision + ' by ' + r.user + (r.againstRecommendation ? ' (against the recommendation)' : '') + '.'; });
    });
  });
  $('drill-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var body = {}; var mode = $('drill-mode').value; if (mode) body.mode = mode;
    ['new', 'edits', 'deletes', 'days'].forEach(function (k) { var v = $('drill-' + k).value; if (v !== '') body[k] = Number(v); });
    confirmThen('Start a drill', [el('p', 'Rehearse the ' + (mode || "plan's") + ' rollback in the sandboxes: restore them from the latest verified backup and the baseline, migrate, go live, simulate ' + (body.new || 0) + ' new records, ' + (body.edits || 0) + ' edits and ' + (body.deletes || 0) + '% deleted over ' + (body.days || 1) + ' day(s), then roll back. Production is not touched.')], 'Start the drill', function (post) {
      return post('/api/drills', body).then(function (r) { return 'Drill ' + (r.id || 'process ' + r.pid) + ' started.'; });
    });
  });

  $('acting-as').addEventListener('submit', function (event) { event.preventDefault(); });
  $('ledger-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var note = $('ledger-note'), body = $('ledger-rows');
    var params = new URLSearchParams(); params.set($('ledger-by').value, $('ledger-id').value.trim());
    note.className = ''; note.textContent = 'Searching…';
    json('/api/ledger?' + params.toString()).then(function (r) {
      clear(body);
      r.entries.forEach(function (e) { var tr = row([when(e.at), e.runId, e.system, e.object, e.sourceId, e.targetId, e.operation, e.state]); tr.dataset.target = e.targetId; tr.dataset.source = e.sourceId; body.appendChild(tr); });
      note.textContent = r.total + ' entr' + (r.total === 1 ? 'y' : 'ies') + (r.limited ? ', the first ' + r.entries.length + ' shown' : '') + '.';
    }).catch(function (error) { clear(body); note.className = 'error'; note.textContent = error.message; });
  });

  function refresh() {
    return Promise.all([
      json('/api/status').then(function (s) {
        if (changed('status', Object.assign({}, s, { measuredAt: null, goLive: s.goLive && Object.assign({}, s.goLive, { hoursSince: null }) }))) renderStatus(s);
        var run = latestRun(s);
        if (!run) return;
        shownRun = run.id;
        return json('/api/runs/' + encodeURIComponent(run.id)).then(function (r) {
          var live = r.steps && r.steps.some(function (step) { return step.status === 'running'; });
          if (shownRun === r.id && (changed('run', r) || live)) renderRun(r);
        });
      }),
      json('/api/triggers').then(function (t) { if (changed('triggers', t)) renderTriggers(t); }),
      json('/api/timeline').then(function (t) { if (changed('timeline', t)) renderTimeline(t.events); }),
      json('/api/drills').then(function (d) { if (changed('drills', d)) renderDrills(d); }),
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
