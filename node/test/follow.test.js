"use strict";
// Following a local pool without blocking: await stream.next(), for await,
// timeouts, max, close and AbortSignal, and proof that waiting followers
// leave the event loop and libuv's thread pool free.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { Client, Durability } = require("plasmite");
const { tmpdir, projectDir, runNode, pls } = require("./support.js");

const json = (v) => Buffer.from(JSON.stringify(v));
const parse = (b) => JSON.parse(b.toString());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fresh(t) {
  const dir = tmpdir(t);
  const client = new Client(dir);
  const pool = client.createPool("p", 1 << 20);
  t.after(() => pool.close());
  return { dir, client, pool };
}

test("await stream.next() delivers what is there, then waits for new messages", async (t) => {
  const { pool } = fresh(t);
  pool.appendJson(json("a"), [], Durability.Fast);
  const s = pool.openStream();
  assert.equal(parse(await s.next()).data, "a");
  const pending = s.next();
  let settled = false;
  pending.then(() => (settled = true));
  await sleep(50);
  assert.equal(settled, false, "next() resolved with nothing appended");
  pool.appendJson(json("b"), ["t"], Durability.Fast);
  const got = parse(await pending);
  assert.equal(got.data, "b");
  assert.deepEqual(got.meta.tags, ["t"]);
  s.close();
});

test("for await follows the pool; breaking out closes the stream", async (t) => {
  const { pool } = fresh(t);
  pool.appendJson(json(1), [], Durability.Fast);
  const s = pool.openStream();
  const timer = setInterval(() => pool.appendJson(json(0), [], Durability.Fast), 5);
  t.after(() => clearInterval(timer));
  const seen = [];
  for await (const m of s) {
    seen.push(parse(m).seq);
    if (seen.length === 5) break;
  }
  clearInterval(timer);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  await assert.rejects(s.next(), (e) => e.kind === "Usage");
});

test("timeoutMs: next() resolves null after that long without a message, and the stream ends", async (t) => {
  const { pool } = fresh(t);
  const s = pool.openStream(null, null, 120);
  const t0 = performance.now();
  assert.equal(await s.next(), null);
  const waited = performance.now() - t0;
  assert.ok(waited >= 110 && waited < 2000, `waited ${waited} ms`);
  pool.appendJson(json(1), [], Durability.Fast);
  assert.equal(await s.next(), null);
  // Messages arriving within the timeout keep it going.
  const s2 = pool.openStream(null, null, 300);
  setTimeout(() => pool.appendJson(json(2), [], Durability.Fast), 100);
  const got = [];
  for await (const m of s2) got.push(parse(m).data);
  assert.deepEqual(got, [1, 2]);
});

test("max ends async iteration; sinceSeq and tags apply", async (t) => {
  const { pool } = fresh(t);
  for (let i = 1; i <= 6; i++) pool.appendJson(json(i), [i % 2 ? "odd" : "even"], Durability.Fast);
  const got = [];
  for await (const m of pool.openStream(2n, 2, null, { tags: ["odd"] })) got.push(parse(m).data);
  assert.deepEqual(got, [3, 5]);
  const s = pool.openStream(5, 1);
  assert.equal(parse(await s.next()).data, 5);
  assert.equal(await s.next(), null);
});

test("concurrent next() calls get successive messages in order", async (t) => {
  const { pool } = fresh(t);
  const s = pool.openStream();
  const all = Promise.all([s.next(), s.next(), s.next()]);
  await sleep(20);
  for (let i = 1; i <= 3; i++) pool.appendJson(json(i), [], Durability.Fast);
  assert.deepEqual((await all).map((b) => parse(b).data), [1, 2, 3]);
  s.close();
});

test("close() resolves a pending next() with null", async (t) => {
  const { pool } = fresh(t);
  const s = pool.openStream();
  const pending = s.next();
  await sleep(20);
  s.close();
  assert.equal(await pending, null);
  s.close();
});

test("AbortSignal: on the stream it closes it; on next() it rejects that read", async (t) => {
  const { pool } = fresh(t);
  const ac = new AbortController();
  const s = pool.openStream(null, null, null, { signal: ac.signal });
  const pending = s.next();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(pending, { name: "AbortError" });
  await assert.rejects(s.next(), { name: "AbortError" });
  assert.throws(() => s.nextJson(), (e) => e.kind === "Usage");

  const s2 = pool.openStream();
  await assert.rejects(s2.next({ signal: AbortSignal.timeout(30) }), { name: "TimeoutError" });
  pool.appendJson(json("still open"), [], Durability.Fast);
  assert.equal(parse(await s2.next()).data, "still open");
  s2.close();

  const iter = pool.openStream(null, null, null, { signal: AbortSignal.abort() });
  await assert.rejects(iter.next(), { name: "AbortError" });
});

test("16 waiting followers block neither timers nor fs calls, and all wake on one append", async (t) => {
  const { dir, pool } = fresh(t);
  const followers = Array.from({ length: 16 }, () => pool.openStream());
  const waits = followers.map((s) => s.next());
  await sleep(20);
  // Timers keep ticking.
  let ticks = 0;
  const tick = setInterval(() => ticks++, 10);
  await sleep(300);
  clearInterval(tick);
  assert.ok(ticks >= 10, `only ${ticks} ticks in 300 ms`);
  // libuv's thread pool (4 threads by default) is free: 32 fs calls complete.
  const file = path.join(dir, "f.txt");
  fs.writeFileSync(file, "x".repeat(1000));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 32 }, () => fs.promises.readFile(file)));
  await fs.promises.stat(dir);
  assert.ok(performance.now() - t0 < 2000, "fs calls stalled");
  pool.appendJson(json("go"), [], Durability.Fast);
  const got = await Promise.all(waits);
  assert.deepEqual(got.map((b) => parse(b).data), Array(16).fill("go"));
  for (const s of followers) s.close();
});

test("a message appended by another process (the pls binary) wakes an async follower", async (t) => {
  const { dir, pool } = fresh(t);
  const s = pool.openStream();
  const pending = s.next();
  await sleep(20);
  execFileSync(pls, ["--dir", dir, "append", "p", '{"from": "pls"}', "-t", "cli"]);
  const got = parse(await pending);
  assert.deepEqual(got.data, { from: "pls" });
  assert.deepEqual(got.meta.tags, ["cli"]);
  s.close();
});

test("a follower does not keep the process alive once closed or timed out", async (t) => {
  const dir = projectDir(t);
  const code = `
    const { Client } = require("plasmite");
    const pool = new Client("./data").createPool("p", 1 << 20);
    const s = pool.openStream();
    s.next().then((v) => console.log("closed ->", v));
    setTimeout(() => s.close(), 50);
    const s2 = pool.openStream(null, null, 80);
    (async () => { for await (const m of s2) {} console.log("timed out"); })();`;
  const t0 = performance.now();
  const r = await runNode(dir, ["-e", code], { timeoutMs: 10000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /closed -> null/);
  assert.match(r.stdout, /timed out/);
  assert.ok(performance.now() - t0 < 5000);
});

test("Lite3Stream follows too (nextAsync, for await) and ends on timeout", async (t) => {
  const { pool } = fresh(t);
  const s = pool.openLite3Stream(null, null, 50);
  const t0 = performance.now();
  assert.equal(await s.nextAsync(), null);
  assert.ok(performance.now() - t0 >= 45);
  const it = pool.openLite3Stream(null, null, 50);
  for await (const f of it) assert.fail(`unexpected frame ${f}`);
});
