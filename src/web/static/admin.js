// CM admin dashboard: renders /admin/api/status every 5 seconds. The login page shares this
// file only to show "wrong token" after a failed attempt.
'use strict';

(() => {
  if (document.body.classList.contains('login')) {
    if (new URLSearchParams(location.search).get('login') === 'failed') document.getElementById('login-failed').hidden = false;
    return;
  }

  const $ = (s) => document.querySelector(s);
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') n.className = v; else if (k === 'text') n.textContent = v; else n.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c);
    return n;
  }
  function size(bytes) {
    const u = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = Number(bytes) || 0;
    let i = 0;
    while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
    return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${u[i]}`;
  }
  function when(ms) { return ms ? new Date(ms).toLocaleString() : '—'; }
  function tiles(target, counts) {
    $(target).replaceChildren(...Object.entries(counts).map(([k, v]) =>
      el('div', { class: `tile ${k}` }, el('b', { text: String(v) }), el('span', { text: k.replace(/_/g, ' ') }))));
  }
  function rows(target, items, columns, emptyText) {
    const body = $(`${target} tbody`);
    if (!items.length) {
      body.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan: String(columns), text: emptyText })));
      return;
    }
    body.replaceChildren(...items);
  }
  function progressCell(p) {
    if (!p || !p.bytes_total) return el('td', { text: p && p.stage ? p.stage : '—' });
    const pct = Math.min(100, Math.round((100 * p.bytes_done) / p.bytes_total));
    const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': String(pct), 'aria-valuemin': '0',
      'aria-valuemax': '100' }, el('i'));
    bar.firstChild.style.width = `${pct}%`;  // CSSOM, not a style attribute: the CSP allows it
    return el('td', {}, `${p.stage || ''} ${pct}%`, bar);
  }

  function render(s) {
    tiles('#queue', s.queue);
    tiles('#deliveries', s.deliveries);
    rows('#accounts', s.accounts.map((a) => el('tr', {},
      el('td', { text: a.name }), el('td', { text: `${a.backend || '—'} ${a.kind ? `(${a.kind})` : ''}` }),
      el('td', { class: 'num', text: String(a.uploads) }), el('td', { class: 'num', text: size(a.bytes) }),
      el('td', { class: 'num', text: `${size(a.bytes_last_hour)} (${size(a.bytes_per_s_last_hour)}/s)` }),
      el('td', { class: a.flood_wait_s > 0 ? 'flood' : '', text: a.flood_wait_s > 0 ? `${a.flood_wait_s} s` : 'none' }))),
    6, 'No accounts yet.');
    rows('#workers', s.workers.map((w) => el('tr', {},
      el('td', { text: w.id }), el('td', { text: w.account }), el('td', { text: w.host || '—' }),
      el('td', { text: w.current_variant ? String(w.current_variant) : 'idle' }), progressCell(w.progress),
      el('td', { text: when(w.last_seen_at) }))), 6, 'No workers have reported.');
    rows('#channels', s.channels.map((c) => el('tr', {},
      el('td', { text: String(c.chat_id) }), el('td', { text: c.kind }),
      el('td', { class: 'num', text: String(c.files_stored) }), el('td', { class: 'num', text: size(c.bytes_stored) }),
      el('td', { text: c.enabled ? 'enabled' : `disabled: ${c.disabled_reason || ''}${c.fix ? ` (fix: ${c.fix})` : ''}` }))), 5, 'No storage channels.');
    rows('#failures', s.recent_failures.map((f) => el('tr', {},
      el('td', { text: when(f.at) }), el('td', { text: `${f.coded_name} (#${f.variant_id})` }),
      el('td', { text: f.account }), el('td', { text: f.outcome }), el('td', { text: f.error || '' }))),
    5, 'No failures.');
    rows('#dead', s.dead_variants.map((d) => el('tr', {},
      el('td', { text: when(d.at) }), el('td', { text: `${d.coded_name} (#${d.variant_id})` }),
      el('td', { text: d.reason || '' }))), 3, 'Nothing is dead.');
    $('#updated').textContent = `Updated ${new Date(s.generated_at).toLocaleTimeString()}`;
  }

  async function refresh() {
    try {
      const res = await fetch('/admin/api/status', { credentials: 'same-origin' });
      if (res.status === 401) { location.reload(); return; }
      if (!res.ok) throw new Error(`status ${res.status}`);
      render(await res.json());
    } catch (e) {
      $('#updated').textContent = `Could not refresh: ${e.message}`;
    }
  }
  refresh();
  setInterval(refresh, 5000);
})();
