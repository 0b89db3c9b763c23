// CM catalog: poster grid, search as you type, filters, title pages with a quality picker.
// Inside Telegram (WebApp.initData present) it follows the Telegram theme, Telegram's
// BackButton leaves a title page, "Send to me" is the MainButton, and a startapp parameter
// ("t<title id>") opens that title; elsewhere each quality links to the bot (t.me deep link).
// Served at / (the website) and at /app/ (the Mini App URL the bot hands out); every link
// stays under the prefix it was opened with. No framework.
'use strict';

(() => {
  // Set by start() once Telegram's script has answered (or was never needed).
  let tg = null;
  let inTelegram = false;
  const TELEGRAM_SCRIPT = 'https://telegram.org/js/telegram-web-app.js';
  const TELEGRAM_WAIT_MS = 8000;
  const PAGE = 30;
  const YEAR_MIN = 1870;
  const YEAR_MAX = 2200;
  // "" for the website, "/app" for the Mini App: the prefix every in-app link keeps.
  const BASE = /^\/app(\/|$)/.test(location.pathname) ? '/app' : '';

  const $ = (sel) => document.querySelector(sel);
  const grid = $('#grid');
  const statusEl = $('#status');
  const moreBtn = $('#more');
  const browseView = $('#browse-view');
  const titleView = $('#title-view');
  const searchInput = $('#q');
  const filterIds = ['genre', 'quality', 'year_from', 'year_to', 'sort'];

  const browse = { cursor: null, seq: 0, loaded: false, loading: false };
  const page = { title: null, variant: null, sending: false };

  // ---- DOM helpers --------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function formatSize(bytes) {
    if (!bytes && bytes !== 0) return '';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = bytes;
    let i = 0;
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
  }
  function kindLabel(kind) { return kind === 'show' ? 'Series' : 'Movie'; }

  let toastTimer = null;
  function toast(message, kind) {
    const t = $('#toast');
    t.textContent = message;
    t.className = `toast ${kind || ''}`;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
  }

  // ---- Poster with an inline SVG stand-in when missing or broken ------------------------
  let placeholderSeq = 0;
  function hashHue(text) {
    let h = 0;
    for (const ch of text) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    return h % 360;
  }
  function wrapWords(text, width, maxLines) {
    const lines = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
      if (!word) continue;
      if ((line + ' ' + word).trim().length > width && line) {
        lines.push(line);
        line = word;
      } else {
        line = (line + ' ' + word).trim();
      }
    }
    if (line) lines.push(line);
    if (lines.length > maxLines) {
      lines.length = maxLines;
      lines[maxLines - 1] = lines[maxLines - 1].slice(0, width - 1) + '…';
    }
    return lines;
  }
  function placeholder(item) {
    const hue = hashHue(item.title || '');
    const id = `ph${++placeholderSeq}`;
    const root = svg('svg', { viewBox: '0 0 200 300', role: 'img', 'aria-label': `No poster for ${item.title}`,
      class: 'poster-placeholder', preserveAspectRatio: 'xMidYMid slice' });
    const defs = svg('defs');
    const grad = svg('linearGradient', { id, x1: 0, y1: 0, x2: 1, y2: 1 });
    grad.append(svg('stop', { offset: '0', 'stop-color': `hsl(${hue} 55% 32%)` }));
    grad.append(svg('stop', { offset: '1', 'stop-color': `hsl(${(hue + 50) % 360} 60% 14%)` }));
    defs.append(grad);
    root.append(defs, svg('rect', { width: 200, height: 300, fill: `url(#${id})` }));
    // A film-frame mark.
    const mark = svg('g', { fill: 'none', stroke: 'rgba(255,255,255,.35)', 'stroke-width': 4 });
    mark.append(svg('rect', { x: 70, y: 70, width: 60, height: 44, rx: 8 }));
    mark.append(svg('path', { d: 'M92 82v20l16-10z', fill: 'rgba(255,255,255,.35)', stroke: 'none' }));
    root.append(mark);
    const text = svg('text', { x: 100, y: 170, 'text-anchor': 'middle', fill: '#fff',
      'font-family': 'system-ui, sans-serif', 'font-size': 18, 'font-weight': 700 });
    wrapWords(item.title || '', 16, 4).forEach((line, i) => {
      const span = svg('tspan', { x: 100, dy: i === 0 ? 0 : 23 });
      span.textContent = line;
      text.append(span);
    });
    root.append(text);
    if (item.year) {
      const y = svg('text', { x: 100, y: 275, 'text-anchor': 'middle', fill: 'rgba(255,255,255,.7)',
        'font-family': 'system-ui, sans-serif', 'font-size': 15 });
      y.textContent = String(item.year);
      root.append(y);
    }
    return root;
  }
  function posterInto(box, item, eager) {
    if (item.poster_url) {
      const img = el('img', { src: item.poster_url, alt: '', loading: eager ? 'eager' : 'lazy', decoding: 'async' });
      img.addEventListener('error', () => img.replaceWith(placeholder(item)), { once: true });
      box.append(img);
    } else {
      box.append(placeholder(item));
    }
    return box;
  }

  // ---- API ------------------------------------------------------------------------------
  async function api(path, options) {
    const res = await fetch(path, options);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const err = new Error((body && body.error && body.error.message) || `The server answered ${res.status}`);
      err.status = res.status;
      err.code = body && body.error && body.error.code;
      throw err;
    }
    return body;
  }

  // ---- Browse: search, filters, grid --------------------------------------------------------
  function filterValues() {
    const v = { q: searchInput.value.trim(), kind: document.querySelector('input[name=kind]:checked').value };
    for (const id of filterIds) v[id] = $('#' + id).value.trim();
    return v;
  }
  function browseParams(values) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
    return p;
  }
  function yearProblem(values) {
    for (const k of ['year_from', 'year_to']) {
      if (!values[k]) continue;
      const n = Number(values[k]);
      if (!Number.isInteger(n) || n < YEAR_MIN || n > YEAR_MAX) return `Years go from ${YEAR_MIN} to ${YEAR_MAX}.`;
    }
    if (values.year_from && values.year_to && Number(values.year_from) > Number(values.year_to))
      return '“From year” is after “To year”.';
    return null;
  }

  function card(item) {
    const box = el('div', { class: 'poster' });
    posterInto(box, item, false);
    if (item.qualities && item.qualities.length) box.append(el('span', { class: 'badge', text: item.qualities[0] }));
    if (item.kind === 'show') box.append(el('span', { class: 'badge kind', text: 'Series' }));
    const facts = [item.year, kindLabel(item.kind)].filter(Boolean).join(' · ');
    return el('li', {},
      el('a', { class: 'card', href: `${BASE}/t/${item.id}`, 'data-id': item.id,
        'aria-label': `${item.title}${item.year ? ` (${item.year})` : ''}, ${kindLabel(item.kind)}` },
        box, el('h2', { text: item.title }), el('p', { text: facts })));
  }
  function skeletons(n) {
    return Array.from({ length: n }, () => el('li', { class: 'skeleton', 'aria-hidden': 'true' },
      el('div', { class: 'poster' })));
  }

  async function loadTitles(reset) {
    const values = filterValues();
    const problem = yearProblem(values);
    if (problem) { statusEl.textContent = problem; return; }
    const seq = ++browse.seq;
    if (reset) {
      browse.cursor = null;
      grid.replaceChildren(...skeletons(12));
      grid.setAttribute('aria-busy', 'true');
      const url = browseParams(values).toString();
      history.replaceState(null, '', url ? `${BASE}/?${url}` : `${BASE}/`);
    }
    browse.loading = true;
    const params = browseParams(values);
    params.set('limit', String(PAGE));
    if (!reset && browse.cursor) params.set('cursor', browse.cursor);
    try {
      const body = await api(`/api/v1/titles?${params}`);
      if (seq !== browse.seq) return;  // a newer search superseded this one
      if (reset) grid.replaceChildren();
      grid.append(...body.titles.map(card));
      browse.cursor = body.next_cursor;
      browse.loaded = true;
      moreBtn.hidden = !browse.cursor;
      const count = grid.querySelectorAll('.card').length;
      if (count === 0) {
        grid.append(el('li', { class: 'empty' }, el('strong', { text: 'Nothing found' }),
          values.q ? `No titles match “${values.q}” with these filters.` : 'No titles match these filters yet.'));
        statusEl.textContent = 'No titles found.';
      } else {
        const n = `${count}${browse.cursor ? '+' : ''}`;
        const one = count === 1 && !browse.cursor;
        statusEl.textContent = values.q
          ? `${n} ${one ? 'result' : 'results'} for “${values.q}”`
          : `${n} ${one ? 'title' : 'titles'}`;
      }
    } catch (err) {
      if (seq !== browse.seq) return;
      if (reset) grid.replaceChildren();
      statusEl.textContent = `Could not load titles: ${err.message}`;
    } finally {
      if (seq === browse.seq) { browse.loading = false; grid.removeAttribute('aria-busy'); }
    }
  }

  let debounce = null;
  function scheduleSearch() {
    clearTimeout(debounce);
    debounce = setTimeout(() => loadTitles(true), 250);
  }

  async function loadFacets() {
    try {
      const f = await api('/api/v1/facets');
      const genre = $('#genre');
      const keepGenre = genre.value || new URLSearchParams(location.search).get('genre') || '';
      for (const g of f.genres) genre.append(el('option', { value: g, text: g }));
      genre.value = keepGenre;
      const quality = $('#quality');
      const keepQuality = quality.value || new URLSearchParams(location.search).get('quality') || '';
      for (const q of f.qualities) quality.append(el('option', { value: q, text: q }));
      quality.value = keepQuality;
    } catch (e) { /* filters stay usable with their defaults */ }
  }

  function restoreFilters() {
    const p = new URLSearchParams(location.search);
    searchInput.value = p.get('q') || '';
    const kind = p.get('kind') || '';
    const radio = document.querySelector(`input[name=kind][value="${kind === 'movie' || kind === 'show' ? kind : ''}"]`);
    if (radio) radio.checked = true;
    for (const id of filterIds) {
      const v = p.get(id);
      if (v === null) continue;
      const field = $('#' + id);
      if (field.tagName === 'SELECT' && ![...field.options].some((o) => o.value === v))
        field.append(el('option', { value: v, text: v }));
      field.value = v;
    }
  }

  // ---- Title page -----------------------------------------------------------------------------
  function variantLabel(v) {
    return `${v.quality === 'UNKNOWN' ? 'Original' : v.quality}`;
  }
  function qualityPicker(variants, heading) {
    const wrap = el('div', { class: 'picker' });
    wrap.append(el('h2', { class: 'section-title', id: 'quality-heading', text: heading }));
    if (!variants.length) {
      wrap.append(el('p', { class: 'notice', text: 'Not available yet: it is still being uploaded.' }));
      selectVariant(null);
      return wrap;
    }
    const group = el('div', { class: 'qualities', role: 'radiogroup', 'aria-labelledby': 'quality-heading' });
    const buttons = variants.map((v, i) => {
      const b = el('button', {
        type: 'button', role: 'radio', 'aria-checked': i === 0 ? 'true' : 'false', tabindex: i === 0 ? 0 : -1,
        'data-variant': v.id, 'data-quality': v.quality,
        onclick: () => choose(i),
        onkeydown: (e) => {
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
          if (!step) return;
          e.preventDefault();
          choose((i + step + variants.length) % variants.length, true);
        },
      },
      el('span', { class: 'q-label', text: variantLabel(v) }),
      el('span', { class: 'q-size', text: `${formatSize(v.size_bytes)}${v.part_count > 1 ? ` · ${v.part_count} parts` : ''}` }));
      return b;
    });
    function choose(i, focus) {
      buttons.forEach((b, j) => {
        b.setAttribute('aria-checked', i === j ? 'true' : 'false');
        b.tabIndex = i === j ? 0 : -1;
      });
      if (focus) buttons[i].focus();
      if (inTelegram && tg.HapticFeedback && tg.HapticFeedback.selectionChanged) tg.HapticFeedback.selectionChanged();
      selectVariant(variants[i]);
    }
    group.append(...buttons);
    wrap.append(group);
    selectVariant(variants[0]);
    return wrap;
  }

  function getArea() {
    return el('div', { class: 'get', id: 'get-area' });
  }
  function selectVariant(v) {
    page.variant = v;
    const area = $('#get-area');
    if (!area) return;
    area.replaceChildren();
    if (!v) {
      if (inTelegram && tg.MainButton) tg.MainButton.hide();
      return;
    }
    const what = `${variantLabel(v)}, ${formatSize(v.size_bytes)}`;
    if (inTelegram) {
      area.append(el('p', { class: 'hint', id: 'deliver-status', role: 'status',
        text: `Press “Send to me” and the bot sends you ${what} in this chat.` }));
      if (tg.MainButton) {
        tg.MainButton.setText('Send to me');
        if (tg.MainButton.enable) tg.MainButton.enable();
        tg.MainButton.show();
      }
    } else {
      area.append(el('a', { class: 'button', href: v.deep_link, id: 'open-in-telegram', rel: 'noopener' },
        'Get it in Telegram'));
      area.append(el('p', { class: 'hint', text: `Opens the bot, which sends you ${what}.` }));
    }
  }

  async function sendToMe() {
    if (!inTelegram || !page.variant || page.sending) return;
    page.sending = true;
    const mb = tg.MainButton;
    if (mb && mb.showProgress) mb.showProgress(false);
    if (mb && mb.disable) mb.disable();
    const status = $('#deliver-status');
    try {
      await api('/api/v1/deliver', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Telegram-Init-Data': tg.initData },
        body: JSON.stringify({ variant_id: page.variant.id }),
      });
      if (status) { status.textContent = 'Sent! Check your chat with the bot.'; status.classList.remove('error'); }
      toast('Sent! Check your chat with the bot.', 'ok');
      if (tg.HapticFeedback && tg.HapticFeedback.notificationOccurred) tg.HapticFeedback.notificationOccurred('success');
    } catch (err) {
      const message = err.status === 401
        ? 'Telegram could not confirm it is you. Close this app and open it again from the bot.'
        : err.status === 429 ? 'Too many requests. Please wait a minute and try again.'
          : `Could not send: ${err.message}`;
      if (status) { status.textContent = message; status.classList.add('error'); }
      toast(message, 'error');
      if (tg.HapticFeedback && tg.HapticFeedback.notificationOccurred) tg.HapticFeedback.notificationOccurred('error');
    } finally {
      page.sending = false;
      if (mb && mb.hideProgress) mb.hideProgress();
      if (mb && mb.enable) mb.enable();
    }
  }

  // "Send the whole season": in Telegram the bot sends every stored episode in order
  // (POST /api/v1/deliver_season); on the website the season's t.me link does the same.
  function wholeSeason(t, s) {
    const stored = s.episodes.filter((e) => e.variants.length).length;
    const wrap = el('div', { class: 'get whole-season' });
    if (!stored) return wrap;
    const label = `Send the whole season (${stored} episode${stored > 1 ? 's' : ''})`;
    if (!inTelegram) {
      wrap.append(el('a', { class: 'button secondary', href: s.deep_link, id: 'season-in-telegram', rel: 'noopener' }, label));
      return wrap;
    }
    const status = el('p', { class: 'hint', role: 'status', id: 'season-status' });
    const button = el('button', { type: 'button', class: 'button secondary', id: 'send-season' }, label);
    button.onclick = async () => {
      button.disabled = true;
      try {
        const r = await api('/api/v1/deliver_season', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Telegram-Init-Data': tg.initData },
          body: JSON.stringify({ title_id: t.id, season: s.season }),
        });
        const text = r.status === 'resumed'
          ? `Going on: ${r.remaining} file${r.remaining === 1 ? '' : 's'} still to come in your chat with the bot.`
          : `Sending ${r.episodes} episode${r.episodes === 1 ? '' : 's'} in order to your chat with the bot.`;
        status.textContent = text;
        status.classList.remove('error');
        toast(text, 'ok');
      } catch (err) {
        const message = err.status === 401
          ? 'Telegram could not confirm it is you. Close this app and open it again from the bot.'
          : err.status === 429 ? 'Too many requests. Please wait a minute and try again.'
            : `Could not send: ${err.message}`;
        status.textContent = message;
        status.classList.add('error');
        toast(message, 'error');
      } finally {
        button.disabled = false;
      }
    };
    wrap.append(button, status);
    return wrap;
  }

  function episodePicker(t, mount) {
    const seasons = t.seasons;
    const seasonBar = el('div', { class: 'seasons', role: 'group', 'aria-label': 'Seasons' });
    const list = el('ul', { class: 'episodes', 'aria-label': 'Episodes' });
    const pickerSlot = el('div');
    const seasonSlot = el('div');
    function showSeason(si) {
      [...seasonBar.children].forEach((b, j) => b.setAttribute('aria-pressed', si === j ? 'true' : 'false'));
      seasonSlot.replaceChildren(wholeSeason(t, seasons[si]));
      list.replaceChildren();
      let first = -1;
      seasons[si].episodes.forEach((ep, ei) => {
        const available = ep.variants.length > 0;
        if (available && first < 0) first = ei;
        const best = available ? ` · ${ep.variants.map(variantLabel).join(', ')}` : ' · not available yet';
        list.append(el('li', {}, el('button', {
          type: 'button', 'aria-pressed': 'false', disabled: !available, 'data-episode': ep.id,
          onclick: () => showEpisode(si, ei),
        }, el('span', { class: 'ep-num', text: `E${ep.episode}` }),
        el('span', { class: 'ep-name' }, ep.name || `Episode ${ep.episode}`,
          el('small', { text: `S${ep.season} E${ep.episode}${best}` })))));
      });
      if (first >= 0) showEpisode(si, first);
      else { pickerSlot.replaceChildren(qualityPicker([], 'Choose quality')); }
    }
    function showEpisode(si, ei) {
      [...list.querySelectorAll('button')].forEach((b, j) => b.setAttribute('aria-pressed', j === ei ? 'true' : 'false'));
      const ep = seasons[si].episodes[ei];
      pickerSlot.replaceChildren(qualityPicker(ep.variants, `Quality for S${ep.season} E${ep.episode}`));
    }
    seasons.forEach((s, si) => seasonBar.append(el('button', {
      type: 'button', 'aria-pressed': 'false', 'data-season': s.season, onclick: () => showSeason(si),
      text: s.season === 0 ? 'Specials' : `Season ${s.season}`,
    })));
    mount.append(el('h2', { class: 'section-title', text: 'Episodes' }), seasonBar, seasonSlot, list, pickerSlot);
    const start = Math.max(0, seasons.findIndex((s) => s.episodes.some((e) => e.variants.length)));
    showSeason(start);
  }

  async function showTitle(id) {
    browseView.hidden = true;
    titleView.hidden = false;
    titleView.replaceChildren(el('p', { class: 'status', text: 'Loading…' }));
    page.variant = null;
    if (inTelegram && tg.BackButton) tg.BackButton.show();
    let t;
    try {
      t = await api(`/api/v1/titles/${id}`);
    } catch (err) {
      titleView.replaceChildren(backLink(), el('p', { class: 'notice', role: 'alert',
        text: err.status === 404 ? 'This title does not exist.' : `Could not load this title: ${err.message}` }));
      return;
    }
    page.title = t;
    document.title = `${t.title}${t.year ? ` (${t.year})` : ''} · CM`;
    const facts = el('ul', { class: 'facts', 'aria-label': 'Facts' },
      t.year ? el('li', { text: String(t.year) }) : null,
      el('li', { text: kindLabel(t.kind) }),
      ...t.genres.map((g) => el('li', { text: g })));
    const info = el('div', { class: 'info' },
      el('h1', { id: 'title-heading', tabindex: '-1', text: t.title }),
      t.original_title && t.original_title !== t.title ? el('p', { class: 'original', text: t.original_title }) : null,
      facts,
      t.overview ? el('p', { class: 'overview', text: t.overview }) : null);
    const choose = el('div', { class: 'choose' });
    info.append(choose);
    const backdrop = el('div', { class: 'backdrop', 'aria-hidden': 'true' });
    posterInto(backdrop, t, true);
    titleView.replaceChildren(backdrop, backLink(),
      el('div', { class: 'hero' }, posterInto(el('div', { class: 'poster' }), t, true), info));
    if (t.kind === 'show' && t.seasons.length) {
      episodePicker(t, choose);
    } else {
      choose.append(qualityPicker(t.variants, 'Choose quality'));
    }
    choose.append(getArea());
    selectVariant(page.variant);
    $('#title-heading').focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function backLink() {
    return el('a', { class: 'back-link', href: `${BASE}/`, onclick: (e) => { e.preventDefault(); goBrowse(); } },
      '← All titles');
  }

  // ---- Routing ----------------------------------------------------------------------------------
  function titleIdFromPath() {
    const rest = location.pathname.slice(BASE.length);
    const m = rest.match(/^\/t\/(\d{1,16})$/);
    return m ? m[1] : null;
  }
  function route() {
    const id = titleIdFromPath();
    if (id) { showTitle(id); return; }
    titleView.hidden = true;
    titleView.replaceChildren();
    browseView.hidden = false;
    document.title = 'CM · Movies & Shows';
    if (inTelegram && tg.MainButton) tg.MainButton.hide();
    if (inTelegram && tg.BackButton) tg.BackButton.hide();
    if (!browse.loaded) { restoreFilters(); loadTitles(true); }
  }
  function goBrowse() {
    if (history.state && history.state.fromBrowse) history.back();
    else { history.pushState(null, '', `${BASE}/`); route(); }
  }

  // ---- Telegram ---------------------------------------------------------------------------------
  // The title a startapp link names (t.me/<bot>?startapp=t<id> arrives as start_param), or null.
  function startParamTitleId() {
    const fromSdk = tg.initDataUnsafe && tg.initDataUnsafe.start_param;
    const param = fromSdk || new URLSearchParams(tg.initData).get('start_param') || '';
    const m = /^t(\d{1,16})$/.exec(param);
    return m ? m[1] : null;
  }

  // ---- Telegram's script ----------------------------------------------------------------------
  // index.html loads it with `async`, so a slow or unreachable telegram.org never holds up the
  // website. Telegram opens a Mini App with its launch parameters in the URL fragment
  // (#tgWebAppData=…), which its script saves in sessionStorage for reloads; its mobile apps also
  // inject a bridge. Only then is it worth waiting for the script, and nothing may touch the URL
  // before it has read them.
  function launchedByTelegram() {
    if (/(^#|&)tgWebApp(Data|Version|Platform)=/.test(location.hash)) return true;
    // The bridge Telegram's mobile apps inject into their web view before any script runs.
    if (window.TelegramWebviewProxy) return true;
    try { return sessionStorage.getItem('__telegram__initParams') !== null; } catch (e) { return false; }
  }
  function telegramWebApp() {
    const ready = () => (window.Telegram && window.Telegram.WebApp) || null;
    if (ready() || !launchedByTelegram()) return Promise.resolve(ready());
    const script = document.querySelector(`script[src="${TELEGRAM_SCRIPT}"]`);
    if (!script) return Promise.resolve(null);
    // Loaded or failed before this ran: a failure leaves no trace, so the wait is bounded.
    return new Promise((resolve) => {
      const done = () => resolve(ready());
      script.addEventListener('load', done, { once: true });
      script.addEventListener('error', done, { once: true });
      setTimeout(done, TELEGRAM_WAIT_MS);
    });
  }

  // ---- Wiring -------------------------------------------------------------------------------
  function start(webApp) {
    tg = webApp;
    inTelegram = !!(tg && typeof tg.initData === 'string' && tg.initData.length > 0);
    $('.brand').setAttribute('href', `${BASE}/`);
    if (inTelegram) {
      const root = document.documentElement;
      root.classList.add('tg');
      // Telegram's own BackButton leaves a title page; the in-page link would be a second one.
      if (tg.BackButton) root.classList.add('tg-back');
      const applyTheme = () => {
        const p = tg.themeParams || {};
        for (const [k, v] of Object.entries(p))
          if (typeof v === 'string') root.style.setProperty(`--tg-theme-${k.replace(/_/g, '-')}`, v);
        // Form controls and scrollbars follow the scheme; a theme change can go either way.
        root.style.colorScheme = tg.colorScheme === 'light' ? 'light' : 'dark';
      };
      applyTheme();
      if (tg.onEvent) tg.onEvent('themeChanged', applyTheme);
      if (tg.MainButton && tg.MainButton.onClick) tg.MainButton.onClick(sendToMe);
      if (tg.BackButton && tg.BackButton.onClick) tg.BackButton.onClick(() => goBrowse());
      if (tg.ready) tg.ready();
      if (tg.expand) tg.expand();
    }

    grid.addEventListener('click', (e) => {
      const a = e.target.closest('a.card');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      history.pushState({ fromBrowse: true }, '', `${BASE}/t/${a.dataset.id}`);
      route();
    });
    window.addEventListener('popstate', route);
    $('#search-form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(debounce); loadTitles(true); });
    searchInput.addEventListener('input', scheduleSearch);
    $('#filters').addEventListener('change', () => loadTitles(true));
    for (const id of ['year_from', 'year_to']) $('#' + id).addEventListener('input', scheduleSearch);
    moreBtn.addEventListener('click', () => loadTitles(false));
    if ('IntersectionObserver' in window) {
      new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting) && browse.cursor && !browse.loading && !browseView.hidden) loadTitles(false);
      }, { rootMargin: '600px' }).observe(moreBtn.parentElement);
    }

    if (inTelegram && !titleIdFromPath()) {
      const id = startParamTitleId();
      if (id) history.replaceState(null, '', `${BASE}/t/${id}`);
    }
    restoreFilters();
    loadFacets();
    route();
  }
  // Also while start() waits for Telegram's script: a native form submission would navigate
  // away and drop the launch parameters in the fragment.
  for (const form of ['#search-form', '#filters']) $(form).addEventListener('submit', (e) => e.preventDefault());
  telegramWebApp().then(start);
})();
