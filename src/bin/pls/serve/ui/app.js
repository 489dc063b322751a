// The plasmite web console. Served by `pls serve` at /ui/ with a strict
// Content-Security-Policy: this file is the only script, nothing is loaded
// from another origin, and message content only ever reaches the page as
// text (textContent), never as HTML.
'use strict';

(() => {
  const API = '../v0';
  const TOKEN_KEY = 'plasmite-token';
  const ROW_H = 26;               // px, the --row of app.css
  const KEEP = 5000;              // messages kept for the list
  const START_LAST = 200;         // a pool page starts with the newest N
  const MAX_PER_FRAME = 1000;     // more than this between two frames: sample
  const POLL_MS = 1000;           // pools and info refresh
  const SPARK_POINTS = 60;

  const $ = (sel) => document.querySelector(sel);
  const main = $('#main');
  const server = { access: 'read-write', tokenRequired: false };
  let page = null;                // the current page: { stop() }

  // ---- DOM: text only ---------------------------------------------------

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  // ---- formatting ---------------------------------------------------------

  function fmtInt(n) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
  }
  function fmtBytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }
  function fmtAge(ms) {
    if (ms === null || ms === undefined) return '–';
    const s = ms / 1000;
    if (s < 1) return 'now';
    if (s < 60) return Math.floor(s) + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ago';
    return Math.floor(s / 86400) + 'd ago';
  }
  function fmtRate(r) {
    if (r === null || r === undefined || !isFinite(r)) return '–';
    if (r === 0) return '0/s';
    if (r < 10) return r.toFixed(1) + '/s';
    return Math.round(r).toLocaleString('en-US') + '/s';
  }
  function fmtClock(iso) {
    // 2026-12-01T20:52:40.593942619Z -> 20:52:40.593
    const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(iso || '');
    return m ? m[1] : (iso || '');
  }

  // ---- HTTP ---------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, kind, message, hint) {
      super(message);
      this.status = status;
      this.kind = kind;
      this.hint = hint;
    }
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const t = sessionStorage.getItem(TOKEN_KEY);
    if (t) h.Authorization = 'Bearer ' + t;
    return h;
  }

  async function errorOf(resp) {
    let body = null;
    try { body = await resp.json(); } catch (_) { /* not JSON */ }
    const e = body && body.error;
    return new ApiError(resp.status, e ? e.kind : 'Internal',
      e ? e.message : 'HTTP ' + resp.status, e ? e.hint : undefined);
  }

  async function api(method, path, body, signal) {
    const init = { method, headers: headers(), signal, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = body;
    }
    const resp = await fetch(API + path, init);
    if (!resp.ok) throw await errorOf(resp);
    return resp.json();
  }

  const poolPath = (name) => '/pools/' + encodeURIComponent(name);

  // A 401 anywhere shows the token prompt; the page is re-opened once a
  // token is given.
  function needToken(err) {
    if (!(err instanceof ApiError) || err.status !== 401) return false;
    showTokenDialog(sessionStorage.getItem(TOKEN_KEY) ? 'That token was refused: ' + err.message : null);
    return true;
  }

  function showTokenDialog(message) {
    const dlg = $('#token-dialog');
    const msg = $('#token-error');
    msg.hidden = !message;
    msg.textContent = message || '';
    dlg.hidden = false;
    $('#token-input').focus();
  }

  $('#token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('#token-input').value.trim();
    if (!t) return;
    sessionStorage.setItem(TOKEN_KEY, t);
    $('#token-input').value = '';
    $('#token-dialog').hidden = true;
    updateTokenButton();
    route();
  });

  $('#forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    updateTokenButton();
    route();
  });

  function updateTokenButton() {
    $('#forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
  }

  function showError(where, err) {
    where.replaceChildren(el('p', { class: 'error', text: describe(err) }));
  }

  function describe(err) {
    if (err instanceof ApiError) {
      return err.kind + ': ' + err.message + (err.hint ? ' (' + err.hint + ')' : '');
    }
    return String(err && err.message ? err.message : err);
  }

  // ---- routing ------------------------------------------------------------

  function route() {
    if (page) page.stop();
    page = null;
    const m = /^#\/pool\/(.+)$/.exec(location.hash);
    const crumbs = $('#crumbs');
    if (m) {
      const name = decodeURIComponent(m[1]);
      crumbs.replaceChildren(el('a', { href: '#/', text: 'pools' }), ' / ', el('span', { text: name }));
      page = poolPage(name);
    } else {
      crumbs.replaceChildren(el('span', { text: 'pools' }));
      page = poolsPage();
    }
  }

  // ---- pools page -----------------------------------------------------------

  // Consumer groups: a pool's info object counts them (`groups`); their
  // books (`GET /v0/pools/P/groups`) are fetched only for pools that have
  // some.
  const hasGroups = (info) => typeof (info && info.groups) === 'number' && info.groups > 0;

  async function groupsOf(name) {
    const v = await api('GET', poolPath(name) + '/groups');
    return v.groups || [];
  }

  function fmtAgeMs(ms) {
    if (ms === null || ms === undefined) return '–';
    const s = ms / 1000;
    if (s < 1) return ms + ' ms';
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 86400) return Math.floor(s / 3600) + ' h';
    return Math.floor(s / 86400) + ' d';
  }

  function poolsPage() {
    let timer = null;
    let stopped = false;
    const last = new Map();   // name -> {newest, t, rate}
    const table = el('table', { id: 'pools-table' });
    const status = el('p', { class: 'muted', id: 'pools-status', text: 'loading…' });
    main.replaceChildren(
      el('div', { class: 'pool-head' }, el('h1', { text: 'Pools' }), status),
      el('div', { class: 'card' }, table));

    function rate(info, now) {
      const newest = info.bounds && info.bounds.newest;
      const prev = last.get(info.name);
      let r = prev ? prev.rate : null;
      if (prev && newest !== undefined && prev.newest !== undefined && now > prev.t) {
        r = Math.max(0, (newest - prev.newest) * 1000 / (now - prev.t));
      } else if (!prev) {
        // Until a second poll: the mean over the retained messages.
        const m = info.metrics;
        const age = m && m.age;
        if (age && age.oldest_age_ms !== null && info.message_count > 1) {
          const span = age.oldest_age_ms - age.newest_age_ms;
          r = span > 0 ? (info.message_count - 1) * 1000 / span : null;
        }
      }
      last.set(info.name, { newest, t: now, rate: r });
      return r;
    }

    function render(pools, books) {
      const now = performance.now();
      const withGroups = pools.some(hasGroups);
      const head = el('tr', {},
        el('th', { text: 'Pool' }), el('th', { class: 'num', text: 'Messages' }),
        el('th', { class: 'num', text: 'Seqs' }), el('th', { text: 'Used / free' }),
        el('th', { text: 'Oldest' }), el('th', { text: 'Newest' }),
        el('th', { class: 'num', text: 'Append rate' }),
        withGroups ? el('th', { text: 'Consumer groups' }) : null);
      const rows = pools.map((p) => {
        const m = p.metrics || {};
        const u = m.utilization || {};
        const age = m.age || {};
        const b = p.bounds || {};
        const pct = u.used_percent ?? 0;
        const groups = books.get(p.name);
        return el('tr', { class: 'pool-row', dataset: { pool: p.name } },
          el('td', {}, el('a', { class: 'pool-link', href: '#/pool/' + encodeURIComponent(p.name), text: p.name })),
          el('td', { class: 'num count', text: fmtInt(p.message_count) }),
          el('td', { class: 'num seqs mono', text: b.oldest !== undefined && b.oldest !== null ? b.oldest + '–' + b.newest : '–' }),
          el('td', {}, el('div', { class: 'fill' },
            bar(pct), el('small', { text: fmtBytes(u.used_bytes) + ' used · ' + fmtBytes(u.free_bytes) + ' free' }))),
          el('td', { class: 'oldest', text: fmtAge(age.oldest_age_ms) }),
          el('td', { class: 'newest', text: fmtAge(age.newest_age_ms) }),
          el('td', { class: 'num rate', text: fmtRate(rate(p, now)) }),
          withGroups ? el('td', { class: 'groups' }, ...groupCells(p, groups)) : null);
      });
      table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
      status.textContent = pools.length === 0
        ? 'No pools yet: create one with `pls pool create NAME` or POST /v0/pools.'
        : pools.length + (pools.length === 1 ? ' pool' : ' pools') + ', live';
    }

    // One line per group: its name, lag (retained messages not yet
    // delivered) and pending (delivered, not acked).
    function groupCells(p, groups) {
      if (!hasGroups(p)) return [];
      if (!groups) return [el('span', { class: 'muted', text: p.groups + (p.groups === 1 ? ' group' : ' groups') })];
      return groups.map((g) => el('div', { class: 'group', dataset: { group: g.name } },
        el('b', { text: g.name }), ' lag ', el('span', { class: 'lag', text: fmtInt(g.lag) }),
        ' · pending ', el('span', { class: 'pending', text: fmtInt(g.pending) }),
        g.dead ? el('span', { class: 'dead', text: ' · dead ' + fmtInt(g.dead) }) : null));
    }

    async function poll() {
      if (stopped) return;
      try {
        const v = await api('GET', '/pools');
        if (stopped) return;
        const pools = v.pools || [];
        // Group books only for the pools that have groups; a pool that
        // went away in between just shows its count.
        const books = new Map();
        await Promise.all(pools.filter(hasGroups).map(async (p) => {
          try { books.set(p.name, await groupsOf(p.name)); } catch (err) { if (err.status === 401) throw err; }
        }));
        if (stopped) return;
        render(pools, books);
      } catch (err) {
        if (stopped) return;
        if (needToken(err)) {
          status.textContent = 'waiting for a token';
          return;
        }
        status.textContent = describe(err);
        status.className = 'error';
      }
      timer = setTimeout(poll, POLL_MS);
    }
    poll();
    return { stop() { stopped = true; clearTimeout(timer); } };
  }

  function bar(pct) {
    const inner = el('span');
    inner.style.width = Math.min(100, Math.max(0, pct)) + '%';
    return el('div', { class: 'bar', title: pct + '% used' }, inner);
  }

  // ---- pool page --------------------------------------------------------------

  // "5m", "2h", "30s", "1d" ago, as an RFC 3339 time; anything else is sent
  // as written (an RFC 3339 time or nanoseconds), and the server says when
  // it is not one.
  function absoluteTime(text) {
    const t = text.trim();
    const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(t);
    if (!m) return t;
    const mult = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2]];
    return new Date(Date.now() - parseFloat(m[1]) * mult).toISOString();
  }

  // The seq at the start of an envelope line, without parsing the rest.
  function seqOf(line) {
    if (line.startsWith('{"seq":')) {
      const end = line.indexOf(',', 7);
      const n = Number(line.slice(7, end));
      if (Number.isSafeInteger(n)) return n;
    }
    try { const v = JSON.parse(line); return typeof v.seq === 'number' ? v.seq : null; } catch (_) { return null; }
  }

  // The `data` member of an envelope line, as the server wrote it (the
  // envelope's last member).
  function dataText(line) {
    const i = line.indexOf('"data":');
    return i < 0 ? '' : line.slice(i + 7, line.length - 1);
  }

  function poolPage(name) {
    let stopped = false;
    let infoTimer = null;
    let ctrl = null;                  // the tail's AbortController
    let entries = [];                 // {seq, line, env?}, oldest first
    let held = null;                  // what the list shows while paused
    let incoming = [];                // lines not yet in `entries`
    let frameQueued = false;
    let paused = false;
    let newWhilePaused = 0;
    let lastSeq = null;               // newest seq received
    let received = 0;
    let sampledWindow = [];           // [time, dropped] of recent frames
    let selected = null;
    let reconnectDelay = 250;
    let filters = { tags: [], where: '', since: '', until: '' };
    const rates = [];                 // append rate per poll, for the sparkline
    let prevInfo = null;

    // -- layout
    const stats = el('div', { class: 'stats' },
      el('span', {}, 'messages ', el('b', { id: 'stat-count', text: '–' })),
      el('span', {}, 'newest seq ', el('b', { id: 'newest-seq', text: '–' })),
      el('span', {}, 'used ', el('b', { id: 'stat-used', text: '–' })),
      el('span', {}, 'append rate ', el('b', { id: 'stat-rate', text: '–' })));
    const spark = document.createElementNS(SVG_NS, 'svg');
    spark.setAttribute('class', 'spark');
    spark.setAttribute('viewBox', '0 0 160 32');
    spark.setAttribute('preserveAspectRatio', 'none');
    const sparkLine = document.createElementNS(SVG_NS, 'polyline');
    spark.append(sparkLine);
    spark.setAttribute('id', 'sparkline');

    const tagInput = el('input', { id: 'filter-tag', placeholder: 'tag, tag', spellcheck: 'false' });
    const whereInput = el('input', { id: 'filter-where', placeholder: 'where: .data.kind == "deploy"', spellcheck: 'false' });
    const sinceInput = el('input', { id: 'filter-since', placeholder: 'since: 5m or 2026-01-15T10:00:00Z', spellcheck: 'false' });
    const untilInput = el('input', { id: 'filter-until', placeholder: 'until: time', spellcheck: 'false' });
    const applyBtn = el('button', { id: 'filter-apply', type: 'submit', text: 'Apply' });
    const clearBtn = el('button', { id: 'filter-clear', type: 'button', class: 'secondary', text: 'Clear' });
    const pauseBtn = el('button', { id: 'pause', type: 'button', class: 'secondary', text: 'Pause' });
    const statusEl = el('span', { id: 'tail-status', class: 'status', text: 'connecting…' });
    const samplingEl = el('span', { id: 'sampling' });
    const filterForm = el('form', { id: 'filter-form', class: 'toolbar' },
      el('label', {}, 'tags', tagInput), el('label', {}, whereInput),
      el('label', {}, sinceInput), el('label', {}, untilInput), applyBtn, clearBtn);

    const list = el('div', { id: 'list', tabindex: '0' });
    const spacer = el('div', { id: 'list-spacer' });
    const emptyEl = el('div', { class: 'empty', id: 'list-empty', text: 'Waiting for messages…' });
    list.append(spacer, emptyEl);
    const inspector = el('div', { id: 'inspector', class: 'card' },
      el('h2', { text: 'Inspector' }), el('p', { class: 'muted', text: 'Click a message to inspect it.' }));
    const groupsCard = el('div', { id: 'groups', class: 'card', hidden: true },
      el('h2', { text: 'Consumer groups' }), el('table', { id: 'groups-table' }));
    const side = el('div', { class: 'side' }, groupsCard, inspector);

    main.replaceChildren(
      el('div', { class: 'pool-head' }, el('h1', { id: 'pool-name', text: name }), stats, spark),
      el('div', { class: 'toolbar' }, pauseBtn, statusEl, samplingEl),
      filterForm,
      el('div', { class: 'split' },
        el('div', { class: 'list-wrap' },
          el('div', { class: 'list-head' }, el('span', { text: 'seq' }), el('span', { text: 'time' }),
            el('span', { text: 'tags' }), el('span', { text: 'data' })),
          list),
        side));

    if (server.access !== 'read-only') side.append(appendForm());

    // -- the virtual list: only the visible rows exist in the DOM
    const rowPool = [];
    function renderList() {
      const shown = held || entries;
      const n = shown.length;
      spacer.style.height = (n * ROW_H) + 'px';
      emptyEl.hidden = n > 0;
      const first = Math.max(0, Math.floor(list.scrollTop / ROW_H) - 2);
      const count = Math.ceil((list.clientHeight || 600) / ROW_H) + 4;
      let used = 0;
      for (let i = first; i < Math.min(n, first + count); i++) {
        const entry = shown[n - 1 - i];     // newest first
        let row = rowPool[used];
        if (!row) {
          row = el('div', { class: 'row', tabindex: '0', role: 'button' }, el('span', { class: 'seq' }),
            el('span', { class: 'time' }), el('span', { class: 'tags' }), el('span', { class: 'data' }));
          row.addEventListener('click', () => inspect(row.entry));
          row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') inspect(row.entry); });
          rowPool.push(row);
        }
        if (!row.isConnected) spacer.append(row);
        used++;
        if (row.entry !== entry) {
          row.entry = entry;
          const env = envOf(entry);
          row.dataset.seq = entry.seq;
          row.children[0].textContent = entry.seq;
          row.children[1].textContent = env ? fmtClock(env.time) : '';
          row.children[2].textContent = env && env.meta && env.meta.tags ? env.meta.tags.join(' ') : '';
          row.children[3].textContent = dataText(entry.line).slice(0, 400);
        }
        row.style.top = (i * ROW_H) + 'px';
        row.classList.toggle('selected', selected === entry);
      }
      for (let j = used; j < rowPool.length; j++) {
        if (rowPool[j].isConnected) rowPool[j].remove();
        rowPool[j].entry = null;
      }
    }
    list.addEventListener('scroll', renderList);

    function envOf(entry) {
      if (entry.env === undefined) {
        try { entry.env = JSON.parse(entry.line); } catch (_) { entry.env = null; }
      }
      return entry.env;
    }

    // -- inspector
    function inspect(entry) {
      if (!entry) return;
      selected = entry;
      const env = envOf(entry) || {};
      const pretty = JSON.stringify(env.data, null, 2);
      const copyBtn = el('button', { type: 'button', class: 'secondary', id: 'copy-data', text: 'Copy data' });
      const copied = el('span', { class: 'muted' });
      copyBtn.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(pretty);
          copied.textContent = 'copied';
        } catch (_) {
          copied.textContent = 'copy failed (clipboard not available)';
        }
      });
      inspector.replaceChildren(
        el('h2', {}, 'Message ', el('span', { id: 'inspector-seq', text: entry.seq })),
        el('div', { class: 'meta' }, el('span', { text: env.time || '' }),
          env.meta && env.meta.tags && env.meta.tags.length ? el('span', { text: ' · tags: ' + env.meta.tags.join(', ') }) : null),
        el('pre', { id: 'inspector-data', text: pretty === undefined ? '' : pretty }),
        el('div', { class: 'actions' }, copyBtn, copied),
        el('details', {}, el('summary', { text: 'Raw envelope' }), el('pre', { id: 'inspector-raw', text: entry.line })));
      renderList();
    }

    // -- append form (hidden on read-only servers)
    function appendForm() {
      const data = el('textarea', { id: 'append-data', rows: '4', spellcheck: 'false', placeholder: '{"hello": "world"}' });
      const tags = el('input', { id: 'append-tags', placeholder: 'tags, comma-separated', spellcheck: 'false' });
      const dur = el('select', { id: 'append-durability' }, el('option', { value: 'fast', text: 'fast' }),
        el('option', { value: 'flush', text: 'flush' }));
      const result = el('span', { id: 'append-result' });
      const form = el('form', { id: 'append-form', class: 'card' },
        el('h2', { text: 'Append' }), data, el('div', { class: 'row2' }, tags, dur),
        el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'append-submit', text: 'Append' }), result));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const text = data.value.trim();
        try { JSON.parse(text); } catch (e) {
          result.className = 'error';
          result.textContent = 'not JSON: ' + e.message;
          return;
        }
        // The data goes as written (big numbers keep their digits).
        const tagList = tags.value.split(',').map((t) => t.trim()).filter(Boolean);
        const body = '{"data":' + text + ',"tags":' + JSON.stringify(tagList) +
          ',"durability":' + JSON.stringify(dur.value) + '}';
        try {
          const v = await api('POST', poolPath(name) + '/append', body);
          result.className = 'ok';
          result.textContent = 'appended seq ' + v.message.seq;
        } catch (err) {
          if (needToken(err)) return;
          result.className = 'error';
          result.textContent = describe(err);
        }
      });
      return form;
    }

    // -- receiving
    function queueFrame() {
      if (frameQueued) return;
      frameQueued = true;
      requestAnimationFrame(frame);
    }

    function frame() {
      frameQueued = false;
      if (stopped) return;
      let dropped = 0;
      if (incoming.length > MAX_PER_FRAME) {
        // More arrived since the last frame than a person can read: keep the
        // newest, and say that the list is sampled.
        dropped = incoming.length - MAX_PER_FRAME;
        incoming = incoming.slice(dropped);
      }
      const now = performance.now();
      sampledWindow.push([now, dropped]);
      while (sampledWindow.length && now - sampledWindow[0][0] > 2000) sampledWindow.shift();
      const recentDrops = sampledWindow.reduce((a, x) => a + x[1], 0);
      samplingEl.textContent = recentDrops > 0
        ? 'sampling: ' + fmtInt(recentDrops) + ' messages in the last 2 s were not listed (too fast to show each)'
        : '';
      // The notice ends 2 s after the last drop, messages or not.
      if (recentDrops > 0) setTimeout(queueFrame, 500);
      if (incoming.length) {
        const added = incoming.length;
        for (const line of incoming) entries.push({ seq: seqOf(line), line });
        incoming = [];
        if (entries.length > KEEP * 1.2) entries = entries.slice(entries.length - KEEP);
        if (paused) {
          newWhilePaused += added;
        } else if (list.scrollTop > 0) {
          // Keep what the reader looks at in place as rows arrive above.
          list.scrollTop += added * ROW_H;
        }
      }
      $('#newest-seq').textContent = lastSeq === null ? '–' : fmtInt(lastSeq);
      if (paused) {
        statusEl.textContent = 'paused · ' + fmtInt(newWhilePaused) + ' new';
      } else {
        renderList();
      }
    }

    function onLine(line) {
      if (line.startsWith('{"error"')) {
        let e = null;
        try { e = JSON.parse(line).error; } catch (_) { /* ignore */ }
        setStatus('down', 'stream ended: ' + (e ? e.kind + ': ' + e.message : line));
        return;
      }
      const seq = seqOf(line);
      if (seq !== null) lastSeq = lastSeq === null ? seq : Math.max(lastSeq, seq);
      received++;
      incoming.push(line);
      if (incoming.length > MAX_PER_FRAME * 4) incoming = incoming.slice(incoming.length - MAX_PER_FRAME);
      queueFrame();
    }

    function setStatus(kind, text) {
      statusEl.className = 'status ' + kind;
      statusEl.textContent = text;
    }

    function tailQuery() {
      const q = new URLSearchParams();
      for (const t of filters.tags) q.append('tag', t);
      if (filters.where) q.append('where', filters.where);
      if (filters.until) q.append('until_time', absoluteTime(filters.until));
      if (lastSeq !== null) q.append('since_seq', String(lastSeq + 1));
      else if (filters.since) q.append('since_time', absoluteTime(filters.since));
      else q.append('last', String(START_LAST));
      return q.toString();
    }

    async function connect() {
      if (stopped) return;
      ctrl = new AbortController();
      const mine = ctrl;
      let fatal = false;
      let ended = false;
      try {
        const resp = await fetch(API + poolPath(name) + '/tail?' + tailQuery(),
          { headers: headers(), signal: mine.signal, cache: 'no-store' });
        if (!resp.ok) {
          const err = await errorOf(resp);
          if (needToken(err)) { fatal = true; return; }
          // A request the server refuses will be refused again: say why
          // and wait for new filters.
          fatal = resp.status >= 400 && resp.status < 500 && resp.status !== 408 && resp.status !== 423;
          setStatus('down', describe(err));
          return;
        }
        setStatus(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
        reconnectDelay = 250;
        const reader = resp.body.getReader();
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) { ended = true; break; }
          buf += dec.decode(value, { stream: true });
          let start = 0;
          let nl;
          while ((nl = buf.indexOf('\n', start)) >= 0) {
            if (nl > start) onLine(buf.slice(start, nl));
            start = nl + 1;
          }
          buf = buf.slice(start);
        }
      } catch (err) {
        if (mine.signal.aborted || stopped) return;
        setStatus('down', 'disconnected: ' + describe(err));
      } finally {
        if (ended && filters.until && !stopped && !mine.signal.aborted) {
          // The stream reached the end of the time range: nothing more will come.
          fatal = true;
          setStatus('', 'complete: the time range ends at ' + absoluteTime(filters.until));
        }
        if (!stopped && !mine.signal.aborted && !fatal) {
          // Resume after the last message received (since_seq).
          if (statusEl.textContent === 'live' || statusEl.textContent === 'paused') setStatus('down', 'reconnecting…');
          setTimeout(connect, reconnectDelay);
          reconnectDelay = Math.min(reconnectDelay * 2, 5000);
        }
      }
    }

    function restart() {
      if (ctrl) ctrl.abort();
      entries = [];
      if (held) held = [];
      incoming = [];
      lastSeq = null;
      selected = null;
      newWhilePaused = 0;
      renderList();
      setStatus('', 'connecting…');
      connect();
    }

    filterForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      filters = {
        tags: tagInput.value.split(',').map((t) => t.trim()).filter(Boolean),
        where: whereInput.value.trim(),
        since: sinceInput.value.trim(),
        until: untilInput.value.trim(),
      };
      restart();
    });
    clearBtn.addEventListener('click', () => {
      tagInput.value = whereInput.value = sinceInput.value = untilInput.value = '';
      filters = { tags: [], where: '', since: '', until: '' };
      restart();
    });

    pauseBtn.addEventListener('click', () => {
      paused = !paused;
      pauseBtn.textContent = paused ? 'Resume' : 'Pause';
      if (paused) {
        held = entries.slice();
        newWhilePaused = 0;
        setStatus('paused', 'paused · 0 new');
      } else {
        held = null;
        setStatus('live', 'live');
        list.scrollTop = 0;
        renderList();
      }
    });

    // -- pool info: counts, fill and the rate sparkline
    async function pollInfo() {
      if (stopped) return;
      try {
        const v = await api('GET', poolPath(name) + '/info');
        if (stopped) return;
        const info = v.pool;
        const now = performance.now();
        const newest = info.bounds ? info.bounds.newest : undefined;
        if (prevInfo && newest !== undefined && prevInfo.newest !== undefined) {
          rates.push(Math.max(0, (newest - prevInfo.newest) * 1000 / (now - prevInfo.t)));
          if (rates.length > SPARK_POINTS) rates.shift();
        }
        prevInfo = { newest, t: now };
        $('#stat-count').textContent = fmtInt(info.message_count);
        const u = info.metrics && info.metrics.utilization;
        $('#stat-used').textContent = u ? u.used_percent + '%' : '–';
        $('#stat-rate').textContent = rates.length ? fmtRate(rates[rates.length - 1]) : '–';
        drawSpark();
        if (hasGroups(info)) renderGroups(await groupsOf(name));
        else groupsCard.hidden = true;
      } catch (err) {
        if (stopped) return;
        if (needToken(err)) return;
        setStatus('down', describe(err));
      }
      infoTimer = setTimeout(pollInfo, POLL_MS);
    }

    // The pool's consumer groups: pending (delivered, not acked), lag
    // (retained, not yet delivered), the oldest pending delivery's age,
    // dead letters and consumers.
    function renderGroups(groups) {
      if (stopped) return;
      groupsCard.hidden = groups.length === 0;
      const head = el('tr', {}, el('th', { text: 'Group' }), el('th', { class: 'num', text: 'Pending' }),
        el('th', { class: 'num', text: 'Lag' }), el('th', { class: 'num', text: 'Oldest pending' }),
        el('th', { class: 'num', text: 'Dead' }), el('th', { class: 'num', text: 'Consumers' }));
      const rows = groups.map((g) => el('tr', { dataset: { group: g.name }, title: 'acked ' + fmtInt(g.acked) +
          ', delivered ' + fmtInt(g.delivered) + ', redelivered ' + fmtInt(g.redelivered) +
          (g.lost ? ', lost ' + fmtInt(g.lost) : '') + ' · dead letters go to ' + g.dead_letter },
        el('td', { class: 'mono', text: g.name }),
        el('td', { class: 'num pending', text: fmtInt(g.pending) }),
        el('td', { class: 'num lag', text: fmtInt(g.lag) }),
        el('td', { class: 'num age', text: fmtAgeMs(g.oldest_pending_age_ms) }),
        el('td', { class: 'num dead', text: fmtInt(g.dead) }),
        el('td', { class: 'num consumers', text: fmtInt((g.consumers || []).length) })));
      $('#groups-table').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    }

    function drawSpark() {
      const max = Math.max(1, ...rates);
      const step = 160 / (SPARK_POINTS - 1);
      const off = SPARK_POINTS - rates.length;
      sparkLine.setAttribute('points', rates.map((r, i) =>
        ((off + i) * step).toFixed(1) + ',' + (31 - (r / max) * 29).toFixed(1)).join(' '));
      spark.setAttribute('data-max', String(Math.round(max)));
    }

    connect();
    pollInfo();
    return {
      stop() {
        stopped = true;
        if (ctrl) ctrl.abort();
        clearTimeout(infoTimer);
      },
    };
  }

  // ---- start ------------------------------------------------------------------

  async function start() {
    updateTokenButton();
    try {
      const resp = await fetch('../', { cache: 'no-store' });
      const v = await resp.json();
      server.access = v.access || 'read-write';
      server.tokenRequired = !!v.token_required;
    } catch (_) { /* an older server: assume read-write */ }
    const badge = $('#server-mode');
    badge.textContent = server.access === 'read-write' ? '' : server.access;
    document.body.dataset.access = server.access;
    window.addEventListener('hashchange', route);
    if (server.tokenRequired && !sessionStorage.getItem(TOKEN_KEY)) showTokenDialog(null);
    route();
  }

  start();
})();
