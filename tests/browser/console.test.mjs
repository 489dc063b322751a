// The web console of `pls serve`, driven in a real headless Chromium (the
// Debian `chromium` package) with puppeteer-core: a real server on a free
// loopback port over a temporary pool directory, and real `pls append`
// processes writing to it. Screenshots go to target/ui-screenshots/.
//
//   npm test                      (after cargo build; PLS_BIN, CHROMIUM override)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLS = process.env.PLS_BIN || join(ROOT, 'target', 'debug', 'pls');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(ROOT, 'target', 'ui-screenshots');
mkdirSync(SHOTS, { recursive: true });

const servers = [];
let browser;

/** A running `pls serve` on a free port over a fresh directory. */
async function startServer(args = [], { dir = mkdtempSync(join(tmpdir(), 'pls-console-')), port = 0 } = {}) {
  const env = { ...process.env };
  delete env.PLASMITE_TOKEN;
  const child = spawn(PLS, ['serve', dir, '--port', String(port), '--quiet', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  const lines = createInterface({ input: child.stderr });
  const first = await new Promise((res, rej) => {
    lines.once('line', res);
    child.once('exit', (code) => rej(new Error('pls serve exited ' + code)));
  });
  const bound = Number(/127\.0\.0\.1:(\d+)/.exec(first)?.[1]);
  assert.ok(bound, 'no port in ' + first);
  const s = { child, dir, port: bound, url: `http://127.0.0.1:${bound}`, token: null };
  servers.push(s);
  return s;
}

async function stopServer(s, { keepDir = false } = {}) {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const gone = new Promise((res) => s.child.once('exit', res));
    s.child.kill('SIGTERM');
    await gone;
  }
  if (!keepDir) rmSync(s.dir, { recursive: true, force: true });
}

/** A protocol call from the test itself (setup and checks). */
async function call(s, method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (s.token) headers.Authorization = 'Bearer ' + s.token;
  const r = await fetch(s.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const v = await r.json();
  assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(v)}`);
  return v;
}

/** `pls ARGS` with DIR as the pool directory; resolves to its stdout. */
function pls(s, args, input) {
  return new Promise((res, rej) => {
    const child = execFile(PLS, ['--dir', s.dir, ...args], (err, stdout, stderr) =>
      err ? rej(new Error(`pls ${args.join(' ')}: ${err.message} ${stderr}`)) : res(stdout));
    if (input !== undefined) child.stdin.end(input);
  });
}

async function newPage(s, hash = '') {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 760 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Script errors and errors logged by the page; a refused request (a 400
  // for a bad filter, a 401 before the token) is what some tests ask for.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(s.url + '/ui/' + hash, { waitUntil: 'domcontentloaded' });
  return page;
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
const shot = (page, name) => page.screenshot({ path: join(SHOTS, name + '.png') });

before(async () => {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
});

after(async () => {
  if (browser) await browser.close();
  for (const s of servers) await stopServer(s);
});

test('the pools page lists pools with their counts, live', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'orders', size_bytes: 4 << 20 });
  await call(s, 'POST', '/v0/pools', { pool: 'empty' });
  await pls(s, ['append', 'orders', '-q'], '{"id":1}\n{"id":2}\n{"id":3}\n');
  const page = await newPage(s);
  await page.waitForSelector('tr[data-pool="orders"] .count');
  assert.equal(await text(page, 'tr[data-pool="orders"] .count'), '3');
  assert.equal(await text(page, 'tr[data-pool="empty"] .count'), '0');
  assert.equal(await text(page, 'tr[data-pool="orders"] .seqs'), '1–3');
  // Another process appends: the page follows without a reload.
  await pls(s, ['append', 'orders', '-q'], '{"id":4}\n{"id":5}\n');
  await page.waitForFunction(
    () => document.querySelector('tr[data-pool="orders"] .count')?.textContent === '5', { timeout: 5000 });
  assert.match(await text(page, 'tr[data-pool="orders"] .newest'), /ago|now/);
  assert.equal(await page.$('th:nth-child(8)'), null, 'no groups column without groups');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the pool page: live tail, filters, inspector, append form, text only', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'events', size_bytes: 8 << 20 });
  await call(s, 'POST', '/v0/pools', { pool: 'metrics', size_bytes: 1 << 20 });
  const kinds = ['deploy', 'signup', 'login'];
  const lines = [];
  for (let i = 1; i <= 30; i++) lines.push(JSON.stringify({ kind: kinds[i % 3], n: i, user: 'user' + (i % 7) }));
  await pls(s, ['append', 'events', '-q', '-t', 'web'], lines.join('\n') + '\n');
  await pls(s, ['append', 'events', '-q', '-t', 'ops', '-t', 'deploy'], '{"kind":"deploy","n":31,"svc":"api","ok":true}\n');
  await pls(s, ['append', 'metrics', '-q'], '{"cpu":0.42}\n');
  const page = await newPage(s, '#/pool/events');
  await page.waitForSelector('#list .row[data-seq="31"]');
  assert.equal(await text(page, '#newest-seq'), '31');
  assert.equal(await text(page, '#list .row:first-child .seq'), '31', 'newest first');

  // A message appended by another process shows within 1 s.
  const out = await pls(s, ['append', 'events', '-t', 'web', '{"kind":"signup","n":32,"user":"zoe"}']);
  const t0 = Date.now();
  assert.equal(JSON.parse(out).seq, 32);
  await page.waitForSelector('#list .row[data-seq="32"]', { timeout: 5000 });
  const shown = Date.now() - t0;
  console.log(`appended by another process -> on the page in ${shown} ms`);
  assert.ok(shown <= 1000, `shown after ${shown} ms`);

  // Filters narrow the list: a tag, then a where expression, then a time range.
  await page.type('#filter-tag', 'ops');
  await page.click('#filter-apply');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#list .row')];
    return rows.length === 1 && rows[0].dataset.seq === '31';
  }, { timeout: 5000 });
  await page.click('#filter-clear');
  await page.type('#filter-where', '.data.kind == "signup" and .data.n > 20');
  await page.click('#filter-apply');
  await page.waitForFunction(() => {
    const seqs = [...document.querySelectorAll('#list .row')].map((r) => r.dataset.seq).sort().join(',');
    return seqs === '22,25,28,32';
  }, { timeout: 5000 });
  await page.click('#filter-clear');
  await page.type('#filter-where', '.data.kind ==');
  await page.click('#filter-apply');
  await page.waitForFunction(() => /Usage/.test(document.querySelector('#tail-status').textContent), { timeout: 5000 });
  await page.click('#filter-clear');
  // A closed time range: its messages, then the stream is complete.
  const times = await (await fetch(s.url + '/v0/pools/events/tail?since_seq=31&max=2')).text();
  const [t31, t32] = times.trim().split('\n').map((l) => JSON.parse(l).time);
  await page.type('#filter-since', t31);
  await page.type('#filter-until', t32);
  await page.click('#filter-apply');
  await page.waitForFunction(() => /^complete/.test(document.querySelector('#tail-status').textContent), { timeout: 5000 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#list .row')].map((r) => r.dataset.seq).join(',') === '32,31', { timeout: 5000 });
  await page.click('#filter-clear');
  await page.type('#filter-since', new Date(Date.now() + 3600e3).toISOString());
  await page.click('#filter-apply');
  await page.waitForFunction(() => document.querySelector('#tail-status').textContent === 'live', { timeout: 5000 });
  assert.equal((await page.$$('#list .row')).length, 0, 'nothing after a future since');
  await page.click('#filter-clear');
  await page.waitForSelector('#list .row[data-seq="32"]');

  // The inspector shows one message: pretty data, tags, the raw envelope.
  await page.click('#list .row[data-seq="31"]');
  await page.waitForSelector('#inspector-seq');
  assert.equal(await text(page, '#inspector-seq'), '31');
  const pretty = await text(page, '#inspector-data');
  assert.deepEqual(JSON.parse(pretty), { kind: 'deploy', n: 31, svc: 'api', ok: true });
  assert.match(pretty, /\n {2}"svc": "api"/, 'pretty-printed');
  const raw = JSON.parse(await text(page, '#inspector-raw'));
  assert.deepEqual(raw.meta.tags, ['ops', 'deploy']);
  assert.equal(raw.seq, 31);
  await browser.defaultBrowserContext().overridePermissions(s.url,
    ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  await page.bringToFront();
  await page.click('#copy-data');
  await page.waitForFunction(() => /copie/.test(document.querySelector('#inspector .actions').textContent));
  assert.equal(await text(page, '#inspector .actions span'), 'copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), pretty);
  // The keyboard opens one too.
  await page.focus('#list .row[data-seq="30"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#inspector-seq')?.textContent === '30');
  await page.click('#list .row[data-seq="31"]');
  await shot(page, 'pool');

  // The append form appends (data as written, tags, durability).
  await page.type('#append-data', '{"kind":"manual","big":12345678901234567890}');
  await page.type('#append-tags', 'ui, test');
  await page.select('#append-durability', 'flush');
  await page.click('#append-submit');
  await page.waitForFunction(() => /appended seq 33/.test(document.querySelector('#append-result').textContent),
    { timeout: 5000 });
  const stored = await (await fetch(s.url + '/v0/pools/events/messages/33')).text();
  assert.match(stored, /"tags":\["ui","test"\]/);
  assert.match(stored, /"big":12345678901234567890/, 'the digits as typed');
  await page.waitForSelector('#list .row[data-seq="33"]');
  await page.$eval('#append-data', (e) => { e.value = '{"oops":'; });
  await page.click('#append-submit');
  await page.waitForFunction(() => /not JSON/.test(document.querySelector('#append-result').textContent));

  // Markup in a message is text: no element made, no script run.
  const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b>bold</b>';
  await pls(s, ['append', 'events', '-q', JSON.stringify({ html: evil })]);
  await page.waitForSelector('#list .row[data-seq="34"]');
  await page.click('#list .row[data-seq="34"]');
  await page.waitForFunction(() => document.querySelector('#inspector-seq')?.textContent === '34');
  assert.ok((await text(page, '#list .row[data-seq="34"] .data')).includes('<script>window.__pwned=1</script>'));
  assert.ok((await text(page, '#inspector-data')).includes('<img src=x onerror='));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('#list script, #list img, #list b, #inspector script, #inspector img, #inspector b', (l) => l.length), 0);

  // Pause holds the list; resume shows what came meanwhile.
  await page.click('#pause');
  await pls(s, ['append', 'events', '-q', '{"while":"paused"}']);
  await page.waitForFunction(() => /paused · 1 new/.test(document.querySelector('#tail-status').textContent),
    { timeout: 5000 });
  assert.equal(await page.$('#list .row[data-seq="35"]'), null, 'held while paused');
  await page.$eval('#list', (e) => { e.scrollTop = 40; e.dispatchEvent(new Event('scroll')); });
  await page.$eval('#list', (e) => { e.scrollTop = 0; e.dispatchEvent(new Event('scroll')); });
  assert.equal(await page.$('#list .row[data-seq="35"]'), null, 'held while paused and scrolled');
  assert.equal(await text(page, '#list .row:first-child .seq'), '34');
  await page.click('#pause');
  await page.waitForSelector('#list .row[data-seq="35"]', { timeout: 2000 });

  // Back to the pools page by the breadcrumb.
  await page.click('#crumbs a');
  await page.waitForSelector('tr[data-pool="metrics"] .count');
  await page.waitForFunction(() => document.querySelector('tr[data-pool="events"] .count')?.textContent === '35');
  await shot(page, 'pools');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('consumer groups: the pools page shows lag and pending, the pool page lists the groups', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'jobs' });
  await call(s, 'POST', '/v0/pools', { pool: 'plain' });
  await pls(s, ['append', 'jobs', '-q'], '{"job":1}\n{"job":2}\n{"job":3}\n{"job":4}\n{"job":5}\n');
  await pls(s, ['append', 'plain', '-q'], '{"n":1}\n');
  // A real group: a consumer process takes 2 of the 5 (pending 2, lag 3).
  await pls(s, ['consume', 'jobs', '--group', 'workers', '--consumer', 'w1', '--max', '2', '--lease', '10m']);
  const page = await newPage(s);
  const groupRequests = [];
  page.on('request', (r) => { if (r.url().includes('/groups')) groupRequests.push(new URL(r.url()).pathname); });
  const cell = (what) => `tr[data-pool="jobs"] .groups .group[data-group="workers"] .${what}`;
  await page.waitForSelector(cell('lag'));
  assert.equal(await text(page, cell('lag')), '3');
  assert.equal(await text(page, cell('pending')), '2');
  // A pool without groups shows none, and its groups are never fetched.
  assert.equal(await page.$eval('tr[data-pool="plain"] .groups', (e) => e.textContent), '');
  // Another process acks one and appends two: the column follows, live.
  await pls(s, ['ack', 'jobs', '--group', 'workers', '1']);
  await pls(s, ['append', 'jobs', '-q'], '{"job":6}\n{"job":7}\n');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '1', { timeout: 5000 }, cell('pending'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '5', { timeout: 5000 }, cell('lag'));
  assert.ok(groupRequests.length > 0);
  assert.ok(groupRequests.every((p) => p === '/v0/pools/jobs/groups'), groupRequests.join(' '));
  await shot(page, 'pools-groups');

  // The pool page lists each group: pending, lag, oldest pending age, dead.
  await pls(s, ['consume', 'jobs', '--group', 'audit', '--max', '1']);
  await page.click('tr[data-pool="jobs"] .pool-link');
  await page.waitForSelector('#groups tr[data-group="workers"] .pending');
  assert.equal(await page.$eval('#groups', (e) => e.hidden), false);
  const row = (g, what) => text(page, `#groups tr[data-group="${g}"] .${what}`);
  assert.equal(await row('workers', 'pending'), '1');
  assert.equal(await row('workers', 'lag'), '5');
  assert.equal(await row('workers', 'dead'), '0');
  assert.equal(await row('workers', 'consumers'), '1');
  assert.match(await row('workers', 'age'), /\d+(\.\d)? (ms|s|min)$/);
  assert.equal(await row('audit', 'pending'), '1');
  assert.equal(await row('audit', 'lag'), '6');
  await page.waitForSelector('#list .row[data-seq="7"]');
  await shot(page, 'pool-groups');
  // A pool without groups has no groups card.
  await page.evaluate(() => { location.hash = '#/pool/plain'; });
  await page.waitForSelector('#list .row[data-seq="1"]');
  await page.waitForFunction(() => document.querySelector('#stat-count')?.textContent === '1');
  assert.equal(await page.$eval('#groups', (e) => e.hidden), true);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('with a token the console prompts, then works; the token never goes in a URL', async () => {
  const s = await startServer(['--token', 'letmein-123']);
  s.token = 'letmein-123';
  await call(s, 'POST', '/v0/pools', { pool: 'secret' });
  await call(s, 'POST', '/v0/pools/secret/append', { data: { x: 1 } });
  const page = await newPage(s);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await page.waitForSelector('#token-dialog:not([hidden])');
  await shot(page, 'token');
  await page.type('#token-input', 'wrong-token');
  await page.click('#token-form button[type=submit]');
  await page.waitForFunction(() => /refused/.test(document.querySelector('#token-error').textContent),
    { timeout: 5000 });
  await page.$eval('#token-input', (e) => { e.value = ''; });
  await page.type('#token-input', 'letmein-123');
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('tr[data-pool="secret"] .count', { timeout: 5000 });
  assert.equal(await text(page, 'tr[data-pool="secret"] .count'), '1');
  await page.click('tr[data-pool="secret"] a');
  await page.waitForSelector('#list .row[data-seq="1"]', { timeout: 5000 });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('plasmite-token')), 'letmein-123');
  assert.ok(urls.length > 0 && urls.every((u) => !u.includes('letmein')), 'token in a URL');
  assert.deepEqual(page.errors.filter((e) => !/401/.test(e)), []);
  await page.close();
});

test('a read-only server hides the append form; nothing comes from another origin', async () => {
  const s = await startServer(['--access', 'read-only']);
  await call(s, 'GET', '/v0/pools');
  const page = await browser.newPage();
  const origins = new Set();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  await page.goto(s.url + '/ui/', { waitUntil: 'networkidle2' });
  await page.waitForSelector('#pools-status');
  assert.equal(await text(page, '#server-mode'), 'read-only');
  // No pool can be created here; the pool page of a missing pool says so
  // and has no append form.
  await page.goto(s.url + '/ui/#/pool/nothing', { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => /NotFound/.test(document.querySelector('#tail-status')?.textContent || ''),
    { timeout: 5000 });
  assert.equal(await page.$('#append-form'), null);
  assert.deepEqual([...origins], [s.url]);
  await page.close();
});

test('a browser EventSource reads the events route and resumes by Last-Event-ID', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'es' });
  await pls(s, ['append', 'es', '-q'], '{"n":1}\n{"n":2}\n{"n":3}\n');
  const page = await newPage(s);
  // Each stream ends after 300 ms without a message; the EventSource then
  // reconnects by itself, sending the last id it got.
  await page.evaluate(() => {
    window.__seen = [];
    const es = new EventSource('../v0/pools/es/events?last=2&timeout_ms=300');
    window.__es = es;
    es.onmessage = (e) => window.__seen.push([Number(e.lastEventId), JSON.parse(e.data).seq]);
  });
  await page.waitForFunction(() => window.__seen.length === 2, { timeout: 5000 });
  await pls(s, ['append', 'es', '-q'], '{"n":4}\n{"n":5}\n');
  await page.waitForFunction(() => window.__seen.length >= 4, { timeout: 15000 });
  await new Promise((r) => setTimeout(r, 300));
  const seen = await page.evaluate(() => { window.__es.close(); return window.__seen; });
  assert.deepEqual(seen, [[2, 2], [3, 3], [4, 4], [5, 5]], 'no repeat, no loss across reconnects');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('after the server restarts, the pool page resumes after the last seq it got', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'r' });
  await pls(s, ['append', 'r', '-q'], '{"n":1}\n{"n":2}\n{"n":3}\n');
  const page = await newPage(s, '#/pool/r');
  await page.waitForSelector('#list .row[data-seq="3"]');
  await stopServer(s, { keepDir: true });
  await page.waitForFunction(() => document.querySelector('#tail-status').classList.contains('down'),
    { timeout: 5000 });
  await pls(s, ['append', 'r', '-q'], '{"n":4}\n{"n":5}\n');
  await startServer([], { dir: s.dir, port: s.port });
  await page.waitForSelector('#list .row[data-seq="5"]', { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#tail-status').textContent === 'live');
  const seqs = await page.$$eval('#list .row', (rows) => rows.map((r) => Number(r.dataset.seq)));
  assert.deepEqual(seqs, [5, 4, 3, 2, 1], 'each message once, newest first');
  await page.close();
});

test('a burst larger than a frame can list is sampled, and the page says so', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'burst', size_bytes: 16 << 20 });
  const page = await newPage(s, '#/pool/burst');
  await page.waitForFunction(() => document.querySelector('#tail-status')?.textContent === 'live');
  // 20,000 messages in one write: one commit, far more than one frame's share.
  let lines = '';
  for (let i = 1; i <= 20000; i++) lines += `{"i":${i}}\n`;
  await pls(s, ['append', 'burst', '-q'], lines);
  await page.waitForFunction(() => document.querySelector('#newest-seq').textContent === '20,000', { timeout: 5000 });
  await page.waitForFunction(() => /^sampling: [\d,]+ messages/.test(document.querySelector('#sampling').textContent),
    { timeout: 5000 });
  assert.equal(await text(page, '#list .row:first-child .seq'), '20000', 'the newest is listed');
  // The notice goes once messages come at a pace the list can take.
  await pls(s, ['append', 'burst', '-q', '{"i":20001}']);
  await page.waitForFunction(() => document.querySelector('#sampling').textContent === '', { timeout: 10000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('under 10,000 messages/s for 10 s the page stays responsive and current', async () => {
  const s = await startServer();
  await call(s, 'POST', '/v0/pools', { pool: 'load', size_bytes: 64 << 20 });
  const page = await newPage(s, '#/pool/load');
  await page.waitForFunction(() => document.querySelector('#tail-status')?.textContent === 'live');
  // Latency of each click as the page sees it: from the input event to the
  // end of its handlers.
  await page.evaluate(() => {
    window.__clicks = [];
    window.addEventListener('click', (ev) => window.__clicks.push(performance.now() - ev.timeStamp));
  });

  // The writer: one `pls append` process fed 1,000 messages every 100 ms.
  const RATE = 10000;
  const SECONDS = 10;
  const writer = spawn(PLS, ['--dir', s.dir, 'append', 'load', '-q'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const writerDone = new Promise((res) => writer.once('exit', res));
  const started = Date.now();
  let seq = 0;
  const feed = (async () => {
    for (let tick = 1; tick <= SECONDS * 10; tick++) {
      let chunk = '';
      for (let i = 0; i < RATE / 10; i++) {
        seq++;
        chunk += `{"n":${seq},"kind":"load","payload":"${'x'.repeat(40)}"}\n`;
      }
      if (!writer.stdin.write(chunk)) await new Promise((r) => writer.stdin.once('drain', r));
      const wait = started + tick * 100 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    writer.stdin.end();
  })();

  const lags = [];
  const roundTrips = [];
  const newestOnPage = () => page.$eval('#newest-seq', (e) => Number(e.textContent.replace(/,/g, '')) || 0);
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 700));
    // A click (pause, then resume), timed from outside too.
    for (const want of ['Resume', 'Pause']) {
      const t = Date.now();
      await page.click('#pause');
      await page.waitForFunction((w) => document.querySelector('#pause').textContent === w, {}, want);
      roundTrips.push(Date.now() - t);
    }
    // What the server holds now must be on the page within 1 s.
    const newest = (await call(s, 'GET', '/v0/pools/load/info')).pool.bounds.newest ?? 0;
    const t = Date.now();
    await page.waitForFunction((n) => Number(document.querySelector('#newest-seq').textContent.replace(/,/g, '')) >= n,
      { timeout: 5000, polling: 20 }, newest);
    lags.push(Date.now() - t);
  }
  await feed;
  await writerDone;
  const elapsed = (Date.now() - started) / 1000;
  const final = (await call(s, 'GET', '/v0/pools/load/info')).pool.bounds.newest;
  const t = Date.now();
  await page.waitForFunction((n) => Number(document.querySelector('#newest-seq').textContent.replace(/,/g, '')) === n,
    { timeout: 5000, polling: 20 }, final);
  lags.push(Date.now() - t);
  await shot(page, 'load');
  const clicks = await page.evaluate(() => window.__clicks);
  const max = (a) => Math.max(...a);
  console.log(`writer: ${final} messages in ${elapsed.toFixed(1)} s (${Math.round(final / elapsed)}/s); ` +
    `click handled in max ${max(clicks).toFixed(1)} ms (${clicks.length} clicks), ` +
    `click round trip from the driver max ${max(roundTrips)} ms; newest seq on the page within max ${max(lags)} ms`);
  assert.equal(final, RATE * SECONDS);
  assert.ok(elapsed < SECONDS * 1.5, `the writer took ${elapsed} s`);
  assert.ok(clicks.length >= 10, 'clicks recorded');
  assert.ok(max(clicks) <= 200, `a click waited ${max(clicks)} ms`);
  assert.ok(max(lags) <= 1000, `newest seq shown after ${max(lags)} ms`);
  assert.ok(await page.$$eval('#list .row', (l) => l.length) > 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});
