// gds ui: plain JavaScript, no build step, no third-party code. The server pushes "change" events (server-sent
// events); on each the page fetches the view it shows again. Every element is built with the DOM API (never
// innerHTML), so label values cannot inject markup.
'use strict';

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const r = await fetch(path, init);
  let data = null;
  try { data = await r.json(); } catch { /* no body */ }
  if (!r.ok) throw new Error((data && data.error) || `${r.status} ${r.statusText}`);
  return data;
}

function age(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function num(v) {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return (Math.round(v * 1000) / 1000).toString();
}

function time(t) { return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'); }

function chips(labels, cls) {
  return Object.entries(labels || {}).map(([k, v]) => h('span', { class: 'chip ' + (cls || '') , title: `${k}=${v}` }, h('b', {}, k), '=', v));
}

function severityClass(sev) { return 'sev-' + String(sev || '').toLowerCase(); }

// ---- who is acting: every write carries it (the server logs it; silences record it as created_by) ----
const me = $('me');
me.value = localStorage.getItem('gds-ui-me') || '';
me.addEventListener('change', () => { localStorage.setItem('gds-ui-me', me.value.trim()); $('s-by').value = me.value.trim(); });
function who() {
  const name = me.value.trim();
  if (!name) { me.focus(); me.classList.add('missing'); throw new Error('say who you are first (the "you" field at the top)'); }
  me.classList.remove('missing');
  return name;
}

// ---- views ----
let view = 'alerts';
let detailKey = null;

function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash.startsWith('alert=')) { view = 'alert'; detailKey = hash.slice(6); }
  else { view = ['alerts', 'silences', 'rules', 'health'].includes(hash) ? hash : 'alerts'; detailKey = null; }
  for (const sec of document.querySelectorAll('.view')) sec.hidden = sec.id !== 'view-' + view;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view || (view === 'alert' && a.dataset.view === 'alerts'));
  refresh();
}
window.addEventListener('hashchange', route);

let refreshing = false, again = false;
async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = true;
  try {
    if (view === 'alerts') await loadAlerts();
    else if (view === 'alert') await loadDetail();
    else if (view === 'silences') await loadSilences();
    else if (view === 'rules') await loadRules();
    else if (view === 'health') await loadHealth();
  } catch (e) {
    const status = $('alerts-status');
    if (status) status.textContent = 'could not load: ' + e.message;
  } finally {
    refreshing = false;
    if (again) { again = false; refresh(); }
  }
}

// ---- alerts ----
function matchers() {
  const text = $('f-match').value.trim();
  const list = text ? text.split(/,\s*(?=[A-Za-z_][A-Za-z0-9_]*\s*(?:=|!=|=~|!~))/).map(x => x.trim()).filter(Boolean) : [];
  for (const [id, label] of [['f-instance', 'instance_id'], ['f-rule', 'rule_id'], ['f-severity', 'severity']]) {
    const v = $(id).value;
    if (v) list.push(`${label}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  }
  return list;
}

function alertQuery() {
  const q = new URLSearchParams();
  for (const m of matchers()) q.append('match', m);
  const hide = ['silenced', 'inhibited', 'acknowledged', 'resolved'].filter(x => $('h-' + x).checked);
  if (hide.length) q.set('hide', hide.join(','));
  return q.toString();
}

function fillChoices(select, values) {
  const current = select.value;
  const first = select.options[0];
  select.replaceChildren(first, ...values.map(v => h('option', { value: v }, v)));
  select.value = values.includes(current) ? current : '';
}

async function loadAlerts() {
  const data = await api('/api/alerts?' + alertQuery());
  $('count-firing').textContent = data.counts.firing;
  $('count-pending').textContent = data.counts.pending;
  fillChoices($('f-instance'), data.choices.instance_id);
  fillChoices($('f-rule'), data.choices.rule_id);
  fillChoices($('f-severity'), data.choices.severity);
  const c = data.counts;
  $('alerts-status').textContent = (data.caught_up ? '' : 'catching up with the topics… ') +
    `${c.firing} firing, ${c.pending} pending, ${c.silenced} silenced, ${c.inhibited} inhibited, ${c.acknowledged} acknowledged; ${c.shown} shown`;
  const groups = data.groups.map(g => h('div', { class: 'group ' + severityClass(g.severity), 'data-group': g.group_key },
    h('div', { class: 'group-head' },
      h('span', { class: 'sev ' + severityClass(g.severity) }, g.severity),
      h('span', { class: 'group-count' }, `${g.alerts.length} alert${g.alerts.length === 1 ? '' : 's'}`),
      chips(g.shared_labels, 'shared')),
    g.alerts.map(alertRow)));
  $('groups').replaceChildren(...(groups.length ? groups : [h('p', { class: 'empty' }, data.caught_up ? 'Nothing firing or pending matches.' : 'Reading the topics…')]));
}

function marks(a) {
  return [
    h('span', { class: 'state ' + a.state }, a.state),
    a.silenced ? h('span', { class: 'mark silenced', title: 'silenced by ' + a.silenced_by.join(', ') }, 'silenced') : null,
    a.inhibited ? h('span', { class: 'mark inhibited', title: 'inhibited by ' + a.inhibited_by.join(', ') }, 'inhibited') : null,
    a.acknowledged ? h('span', { class: 'mark acknowledged', title: 'acknowledged by ' + a.acknowledged_by }, 'acknowledged by ' + a.acknowledged_by) : null,
  ];
}

function alertRow(a) {
  const row = h('div', { class: `alert ${a.state} ${severityClass(a.severity)}` + (a.silenced ? ' is-silenced' : '') + (a.acknowledged ? ' is-acknowledged' : ''), 'data-key': a.dedup_key },
    h('div', { class: 'alert-main' },
      h('span', { class: 'sev ' + severityClass(a.severity) }, a.severity),
      marks(a),
      h('a', { class: 'series', href: '#alert=' + encodeURIComponent(a.dedup_key) }, `${a.rule_id} on ${a.series}`),
      h('span', { class: 'value', title: 'value against what the rule expects' }, num(a.value), a.expected ? h('small', {}, ' expected ', a.expected) : null),
      h('span', { class: 'age', title: 'since ' + time(a.since) }, a.state === 'resolved' ? 'resolved' : age(a.age_seconds))),
    a.summary ? h('div', { class: 'summary' }, a.summary) : null,
    h('div', { class: 'alert-foot' },
      chips(a.labels),
      h('span', { class: 'actions' },
        a.state !== 'resolved' ? h('button', { class: 'silence', type: 'button', onclick: () => silenceFrom(a) }, 'Silence') : null,
        a.state === 'firing' && !a.acknowledged ? h('button', { class: 'ack', type: 'button', onclick: (e) => ack(a, e.target) }, 'Ack') : null)));
  return row;
}

async function ack(a, button) {
  try {
    const by = who();
    button.disabled = true;
    await api('/api/acks', { alert_id: a.dedup_key, by });
    button.textContent = 'acked';
  } catch (e) {
    button.disabled = false;
    alert('ack failed: ' + e.message);
  }
}

function silenceFrom(a) {
  location.hash = 'silences';
  // The matchers `gds silence add --alert ID` makes: this alert's identity and its series labels, nothing wider.
  const exact = { rule_id: a.rule_id, instance_id: a.instance_id, metric_name: a.metric_name, ...(a.series_labels || {}) };
  $('s-matchers').value = Object.entries(exact).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('\n');
  $('s-alert').value = '';
  $('s-comment').value = '';
  $('s-error').textContent = '';
  $('s-done').textContent = '';
  $('s-by').value = me.value.trim();
  $('s-comment').focus();
}

// ---- one alert ----
async function loadDetail() {
  const d = await api('/api/alert?key=' + encodeURIComponent(detailKey));
  const a = d.alert;
  $('alert-detail').replaceChildren(
    h('div', { class: 'card alert-head ' + severityClass(a.severity) },
      h('h2', {}, h('span', { class: 'sev ' + severityClass(a.severity) }, a.severity), ' ', a.rule_id, ' on ', a.series),
      h('p', {}, marks(a)),
      a.summary ? h('p', { class: 'summary' }, a.summary) : null,
      h('p', {}, 'value ', h('b', {}, num(a.value)), a.expected ? [' — expected ', h('b', {}, a.expected)] : null,
        ' — since ', time(a.since), a.state === 'resolved' && a.ends_at ? [' — resolved ', time(a.ends_at)] : [' (', age(a.age_seconds), ')']),
      h('p', {}, chips(a.all_labels)),
      a.runbook_url ? h('p', {}, h('a', { href: a.runbook_url, rel: 'noopener' }, 'runbook')) : null,
      h('p', { class: 'mono' }, 'alert id: ', a.dedup_key),
      h('p', { class: 'actions' },
        a.state !== 'resolved' ? h('button', { class: 'silence', type: 'button', onclick: () => silenceFrom(a) }, 'Silence') : null,
        a.state === 'firing' && !a.acknowledged ? h('button', { class: 'ack', type: 'button', onclick: (e) => ack(a, e.target) }, 'Ack') : null)),
    h('div', { class: 'card' }, h('h3', {}, d.series.metric, d.series.rate ? ' (per-second rate)' : ''), chart(d.series, d.rule)),
    h('div', { class: 'card' }, h('h3', {}, 'Timeline'),
      h('ol', { class: 'timeline' }, d.timeline.slice().reverse().map(t => h('li', { class: 'tl ' + t.kind.replace(/[^a-z]+/g, '-') },
        h('time', {}, time(t.at)), ' ', h('b', {}, t.kind), ' ', h('span', { class: 'sev ' + severityClass(t.severity) }, t.severity),
        t.value !== null ? [' value ', num(t.value)] : null, t.detail ? h('small', {}, ' — ', t.detail) : null)))),
    d.rule ? h('div', { class: 'card' }, h('h3', {}, 'Rule ', d.rule.id), h('p', {}, `${d.rule.kind}: ${d.rule.metric || ''} ${d.rule.condition}`, d.rule.for ? ` for ${d.rule.for}` : '')) : null);
}

function chart(series, rule) {
  const W = 860, H = 240, L = 60, R = 10, T = 10, B = 30;
  const pts = series.points;
  if (!pts.length) return h('p', { class: 'empty' }, 'No recent samples of this series on the metric topics.');
  let x0 = pts[0][0], x1 = Math.max(pts[pts.length - 1][0], Date.now() - 1000);
  let lo = Math.min(...pts.map(p => p[1])), hi = Math.max(...pts.map(p => p[1]));
  if (series.threshold) { lo = Math.min(lo, series.threshold.value); hi = Math.max(hi, series.threshold.value); }
  for (const b of series.band) { lo = Math.min(lo, b.low); hi = Math.max(hi, b.high); }
  if (hi === lo) { hi += 1; lo -= 1; }
  const pad = (hi - lo) * 0.08; hi += pad; lo -= pad;
  if (x1 <= x0) x1 = x0 + 1000;
  const X = t => L + (t - x0) / (x1 - x0) * (W - L - R);
  const Y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `${series.metric} samples` });
  svg.append(s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot' }));
  series.band.forEach((b, i) => {
    const from = Math.max(b.from, x0), to = i + 1 < series.band.length ? series.band[i + 1].from : x1;
    if (to > from) svg.append(s('rect', { x: X(from), y: Y(b.high), width: X(to) - X(from), height: Math.max(1, Y(b.low) - Y(b.high)), class: 'band' }, s('title', {}, `expected ${num(b.low)} … ${num(b.high)}`)));
  });
  if (series.threshold) {
    svg.append(s('line', { x1: L, x2: W - R, y1: Y(series.threshold.value), y2: Y(series.threshold.value), class: 'threshold' }));
    svg.append(s('text', { x: W - R - 4, y: Y(series.threshold.value) - 4, class: 'label end' }, `${series.threshold.op} ${num(series.threshold.value)}`));
  }
  for (const m of series.marks) {
    if (m.at < x0 || m.at > x1) continue;
    svg.append(s('line', { x1: X(m.at), x2: X(m.at), y1: T, y2: H - B, class: 'mark-line ' + m.kind.replace(/[^a-z]+/g, '-') }, s('title', {}, m.kind + ' ' + time(m.at))));
  }
  svg.append(s('polyline', { points: pts.map(p => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' '), class: 'line' }));
  const last = pts[pts.length - 1];
  svg.append(s('circle', { cx: X(last[0]), cy: Y(last[1]), r: 3, class: 'dot' }));
  for (const v of [lo + pad, (lo + hi) / 2, hi - pad]) svg.append(s('text', { x: L - 6, y: Y(v) + 4, class: 'label end' }, num(v)));
  svg.append(s('text', { x: L, y: H - 8, class: 'label' }, time(x0)));
  svg.append(s('text', { x: W - R, y: H - 8, class: 'label end' }, time(x1)));
  return svg;
}

// ---- silences ----
$('silence-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('s-error').textContent = '';
  $('s-done').textContent = '';
  const body = {
    matchers: $('s-matchers').value,
    alert: $('s-alert').value || null,
    duration: $('s-ends').value.trim() ? null : $('s-duration').value.trim() || null,
    ends_at: $('s-ends').value.trim() || null,
    starts_at: $('s-starts').value.trim() || null,
    schedule: $('s-schedule').value,
    notify_resolved: $('s-notify-resolved').checked,
    expire_when_clear: $('s-expire-when-clear').checked,
    until_resolved: $('s-until-resolved').checked,
    by: $('s-by').value.trim(),
    comment: $('s-comment').value.trim(),
  };
  try {
    const r = await api('/api/silences', body);
    $('s-done').textContent = 'silence ' + r.id + ' created';
    $('s-matchers').value = '';
    $('s-comment').value = '';
    refresh();
  } catch (err) {
    $('s-error').textContent = err.message;
  }
});
$('s-all').addEventListener('change', refresh);
// A weekly window recurs until expired unless a duration bounds it: typing one clears the default duration, visibly.
let durationTouched = false;
$('s-duration').addEventListener('input', () => { durationTouched = true; });
$('s-schedule').addEventListener('input', () => { if (!durationTouched && $('s-schedule').value.trim()) $('s-duration').value = ''; });

async function loadSilences() {
  const data = await api('/api/silences' + ($('s-all').checked ? '?all=true' : ''));
  $('count-silences').textContent = data.silences.filter(x => x.status === 'active').length;
  if (!$('s-by').value) $('s-by').value = me.value.trim();
  $('silences').tBodies[0].replaceChildren(...data.silences.map(x => h('tr', { class: 'silence-row ' + x.status, 'data-id': x.id },
    h('td', { class: 'mono' }, x.id),
    h('td', {}, h('span', { class: 'status ' + x.status }, x.status), x.error ? h('div', { class: 'error' }, x.error) : null),
    h('td', {}, x.matchers.map(m => h('div', { class: 'mono' }, m))),
    h('td', {}, x.when, x.options ? h('div', {}, h('small', {}, x.options)) : null),
    h('td', {}, x.created_by),
    h('td', {}, x.comment),
    h('td', {}, x.muting),
    h('td', {}, x.status !== 'expired' && x.status !== 'invalid' ? h('button', { class: 'expire', type: 'button', onclick: (e) => expire(x.id, e.target) }, 'Expire') : null))));
}

async function expire(id, button) {
  try {
    const by = who();
    button.disabled = true;
    await api(`/api/silences/${encodeURIComponent(id)}/expire`, { by });
    refresh();
  } catch (e) {
    button.disabled = false;
    alert('expire failed: ' + e.message);
  }
}

// ---- rules ----
async function loadRules() {
  const data = await api('/api/rules');
  $('rules').tBodies[0].replaceChildren(...data.rules.map(({ rule, counts }) => h('tr', {},
    h('td', { class: 'mono' }, rule.id), h('td', {}, rule.kind), h('td', {}, h('span', { class: 'sev ' + severityClass(rule.severity) }, rule.severity)),
    h('td', { class: 'mono' }, rule.metric || ''), h('td', {}, rule.condition), h('td', {}, rule.for || ''),
    h('td', { class: counts.firing ? 'n firing' : 'n' }, counts.firing), h('td', { class: 'n' }, counts.pending), h('td', { class: 'n' }, counts.silenced),
    h('td', { class: 'n' }, counts.acknowledged), h('td', { class: 'n' }, counts.resolved))));
}

// ---- pipeline health ----
async function loadHealth() {
  const data = await api('/api/health');
  const head = h('p', {}, 'Kafka ', h('span', { class: 'mono' }, data.kafka), data.caught_up ? ' — view up to date' : ' — catching up');
  if (!data.endpoints.length) {
    $('health').replaceChildren(head, h('p', { class: 'empty' }, 'No health endpoints given: start gds ui with --health URL (a process\'s --http address) for each process to watch.'));
    return;
  }
  $('health').replaceChildren(head, ...data.processes.map(p => h('div', { class: 'card health ' + (p.ready ? 'ready' : 'not-ready') },
    h('h3', {}, p.url, ' ', h('span', { class: 'status ' + (p.ready ? 'active' : 'expired') }, p.reachable ? (p.ready ? 'ready' : 'not ready') : 'unreachable')),
    p.error ? h('p', { class: 'error' }, p.error) : null,
    Object.keys(p.not_ready).length ? h('ul', {}, Object.entries(p.not_ready).map(([k, v]) => h('li', {}, h('b', {}, k), ': ', v))) : null,
    h('table', { class: 'table small' }, h('tbody', {}, Object.entries(p.figures).map(([k, v]) => h('tr', {},
      h('td', { class: 'mono' }, k), h('td', { class: 'n' }, num(v)), h('td', { class: 'n' }, p.rates_per_second[k] !== undefined ? num(p.rates_per_second[k]) + '/s' : ''))))))));
}

// ---- filters and live updates ----
for (const id of ['f-instance', 'f-rule', 'f-severity', 'h-silenced', 'h-inhibited', 'h-acknowledged', 'h-resolved']) $(id).addEventListener('change', refresh);
let typing;
$('f-match').addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(refresh, 300); });
$('filters').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });

function connect() {
  const live = $('live');
  const events = new EventSource('/api/events');
  events.addEventListener('change', () => { live.textContent = 'live'; live.className = 'live on'; refresh(); });
  events.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
}

// Ages tick even when nothing changes.
setInterval(() => { if (view === 'alerts' || view === 'alert') refresh(); }, 10000);
route();
connect();
