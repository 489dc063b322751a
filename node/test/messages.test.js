"use strict";
// Issue 12, local side: getJson's envelope, the message level (Client
// defaults, client.pool, append/get → Message, parseMessage), tail/replay
// as async generators with where/since/until/errorOnGap/signal, errorOnGap
// on openStream (boolean 4th argument or option) sync and async,
// iterables and Symbol.dispose, Lite3 frame times, durability numbers.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const plasmite = require("plasmite");
const {
  Client,
  Pool,
  Message,
  parseMessage,
  replay,
  Durability,
  ErrorKind,
  PlasmiteNativeError,
  DEFAULT_POOL_DIR,
  DEFAULT_POOL_SIZE,
  DEFAULT_POOL_SIZE_BYTES,
} = plasmite;
const { tmpdir, projectDir, runNode } = require("./support.js");

function fresh(t, size = 1 << 20) {
  const dir = tmpdir(t);
  const client = new Client(dir);
  const pool = client.createPool("p", size);
  t.after(() => {
    pool.close();
    client.close();
  });
  return { dir, client, pool };
}

function throwsKind(fn, kind) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PlasmiteNativeError, `expected a PlasmiteNativeError of kind ${kind}, got ${caught}`);
  assert.equal(caught.kind, kind, caught.message);
  return caught;
}

async function collect(gen) {
  const out = [];
  for await (const m of gen) out.push(m);
  return out;
}

const seqs = (ms) => ms.map((m) => Number(m.seq));

test("getJson returns the envelope, as nextJson does", (t) => {
  const { pool } = fresh(t);
  const stored = pool.appendJson(Buffer.from('{"kind":"signup"}'), ["user-event"]);
  const got = pool.getJson(1n);
  assert.deepEqual(got, stored);
  const env = JSON.parse(got);
  assert.deepEqual(Object.keys(env), ["seq", "time", "meta", "data"]);
  assert.equal(env.seq, 1);
  assert.deepEqual(env.meta, { tags: ["user-event"] });
  assert.deepEqual(env.data, { kind: "signup" });
  assert.deepEqual(pool.openStream().nextJson(), got);
});

test("Client: default directory from PLASMITE_DIR (created), pool() opens or creates, defaults exported", async (t) => {
  assert.equal(DEFAULT_POOL_SIZE, DEFAULT_POOL_SIZE_BYTES);
  assert.equal(DEFAULT_POOL_SIZE_BYTES, 1024 * 1024); // the command's default size
  assert.equal(typeof DEFAULT_POOL_DIR, "string");
  const dir = path.join(tmpdir(t), "nested", "pools");
  const cwd = projectDir(t);
  const code = `
    const { Client, DEFAULT_POOL_DIR } = require("plasmite");
    const c = new Client();
    const p = c.pool("events");
    p.append({ n: 1 });
    const q = c.pool("events", 1 << 20);
    console.log(JSON.stringify({ dir: DEFAULT_POOL_DIR, n: Number(q.get(1).seq), data: q.get(1).data }));`;
  const r = await runNode(cwd, ["-e", code], { env: { PLASMITE_DIR: dir } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { dir, n: 1, data: { n: 1 } });
  assert.equal(fs.statSync(path.join(dir, "events.plasmite")).size, 1024 * 1024);
  // Without PLASMITE_DIR: ~/.plasmite/pools.
  const home = tmpdir(t);
  const r2 = await runNode(cwd, ["-e", `const p = require("plasmite"); new p.Client(); console.log(p.DEFAULT_POOL_DIR)`], {
    env: { PLASMITE_DIR: "", HOME: home },
  });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stdout.trim(), path.join(home, ".plasmite", "pools"));
  assert.ok(fs.statSync(path.join(home, ".plasmite", "pools")).isDirectory());

  // new Client(dir) creates dir; createPool without a size uses the default.
  const made = path.join(tmpdir(t), "a", "b");
  const client = new Client(made);
  assert.ok(fs.statSync(made).isDirectory());
  const p = client.createPool("d");
  assert.equal(fs.statSync(path.join(made, "d.plasmite")).size, DEFAULT_POOL_SIZE_BYTES);
  const sized = client.pool("s", 128 * 1024);
  assert.equal(fs.statSync(path.join(made, "s.plasmite")).size, 128 * 1024);
  throwsKind(() => client.pool("s2", 10), "Usage");
  throwsKind(() => client.pool(""), "Usage");
  throwsKind(() => new Client(42), "Usage");
  // A directory that cannot be created: a file in the way.
  const file = path.join(made, "file");
  fs.writeFileSync(file, "");
  const err = throwsKind(() => new Client(path.join(file, "sub")), "Io");
  assert.match(err.message, /cannot create pool directory/);
  p.close();
  sized.close();
  client.close();
});

test("append/get return Messages: bigint seq, Date time, timeRfc3339, lazy data, meta.tags, tags, raw", (t) => {
  const { pool } = fresh(t);
  const m = pool.append({ kind: "deploy", n: [1, 2] }, ["ops", "prod"], Durability.Flush);
  assert.ok(m instanceof Message);
  assert.equal(m.seq, 1n);
  assert.ok(m.time instanceof Date);
  assert.match(m.timeRfc3339, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.equal(m.time.getTime(), Date.parse(m.timeRfc3339));
  assert.ok(Math.abs(m.time.getTime() - Date.now()) < 60_000);
  assert.deepEqual(m.data, { kind: "deploy", n: [1, 2] });
  assert.deepEqual(m.meta, { tags: ["ops", "prod"] });
  assert.deepEqual(m.tags, ["ops", "prod"]);
  assert.ok(Buffer.isBuffer(m.raw));
  assert.deepEqual(JSON.parse(m.raw), { seq: 1, time: m.timeRfc3339, meta: { tags: ["ops", "prod"] }, data: m.data });
  const g = pool.get(1);
  assert.ok(g instanceof Message);
  assert.deepEqual(g.raw, m.raw);
  assert.equal(g.seq, 1n);
  assert.deepEqual(JSON.parse(JSON.stringify(g)), JSON.parse(m.raw));
  // Any JSON value; a string is a JSON string (as in the published package); bytes are JSON text.
  assert.equal(pool.append("text").data, "text");
  assert.equal(pool.append(null).data, null);
  assert.equal(pool.append(42).data, 42);
  assert.deepEqual(pool.append(Buffer.from('{"raw":true}')).data, { raw: true });
  assert.deepEqual(JSON.parse(pool.appendJson({ a: 1 }, ["x"])).data, { a: 1 });
  assert.deepEqual(JSON.parse(pool.appendJson([1, "two"])).data, [1, "two"]);
  assert.equal(JSON.parse(pool.appendJson("s")).data, "s");
  assert.equal(pool.get(2n).data, "text");
  // Bad input: clear Usage errors.
  throwsKind(() => pool.append(undefined), "Usage");
  throwsKind(() => pool.append(() => 1), "Usage");
  throwsKind(() => pool.append(10n), "Usage");
  const cyclic = {};
  cyclic.self = cyclic;
  throwsKind(() => pool.append(cyclic), "Usage");
  throwsKind(() => pool.append({}, "tag"), "Usage");
  throwsKind(() => pool.append({}, [], "sometimes"), "Usage");
  throwsKind(() => pool.append(Buffer.from("{oops")), "Usage");
  throwsKind(() => pool.get(999), "NotFound");
  // The published package's durability numbers.
  assert.equal(pool.append({}, [], 0).seq, 9n);
  assert.equal(pool.append({}, [], 1).seq, 10n);
  throwsKind(() => pool.append({}, [], 2), "Usage");
});

test("parseMessage: envelope bytes, envelope objects, Messages; bad input is Usage", (t) => {
  const { pool } = fresh(t);
  pool.append({ a: 1 }, ["x"]);
  const fromBytes = parseMessage(pool.getJson(1));
  assert.equal(fromBytes.seq, 1n);
  assert.deepEqual(fromBytes.data, { a: 1 });
  assert.deepEqual(fromBytes.tags, ["x"]);
  assert.equal(parseMessage(fromBytes), fromBytes);
  const fromStream = parseMessage(pool.openStream().nextJson());
  assert.deepEqual(fromStream.raw, fromBytes.raw);
  const obj = parseMessage({ seq: "18446744073709551615", time: "2026-01-15T10:00:00.000000001Z", data: [1] });
  assert.equal(obj.seq, 18446744073709551615n);
  assert.deepEqual(obj.tags, []);
  assert.equal(obj.time.toISOString(), "2026-01-15T10:00:00.000Z");
  assert.equal(obj.timeRfc3339, "2026-01-15T10:00:00.000000001Z");
  assert.deepEqual(JSON.parse(obj.raw), { seq: "18446744073709551615", time: obj.timeRfc3339, meta: { tags: [] }, data: [1] });
  assert.equal(parseMessage(new Uint8Array(pool.getJson(1))).seq, 1n);
  assert.equal(new Message({ seq: 7n, time: "2026-01-15T10:00:00Z", meta: { tags: ["a"] }, data: 1 }).seq, 7n);
  for (const bad of [
    Buffer.from("not json"),
    Buffer.from("[1]"),
    Buffer.from('{"seq":-1,"time":"2026-01-15T10:00:00Z"}'),
    Buffer.from('{"seq":1,"time":"yesterday"}'),
    { seq: 1.5, time: "2026-01-15T10:00:00Z" },
    { seq: 1, time: 5 },
    { seq: 1, time: "2026-01-15T10:00:00Z", meta: { tags: [1] } },
    42,
    null,
  ]) {
    throwsKind(() => parseMessage(bad), "Usage");
  }
});

test("pool.tail: async generator of Messages; sinceSeq, maxMessages, timeoutMs, tags, follows new appends", async (t) => {
  const { pool } = fresh(t);
  for (let i = 1; i <= 5; i++) pool.append({ i }, i % 2 ? ["odd"] : ["even"]);
  const gen = pool.tail({ timeoutMs: 100 });
  assert.equal(typeof gen.next, "function");
  assert.equal(typeof gen[Symbol.asyncIterator], "function");
  const all = await collect(gen);
  assert.ok(all.every((m) => m instanceof Message));
  assert.deepEqual(seqs(all), [1, 2, 3, 4, 5]);
  assert.deepEqual(seqs(await collect(pool.tail({ sinceSeq: 2n, maxMessages: 2 }))), [2, 3]);
  assert.deepEqual(seqs(await collect(pool.tail({ tags: ["odd"], timeoutMs: 50 }))), [1, 3, 5]);
  // Follows: a message appended later is delivered, then the tail ends on maxMessages.
  setTimeout(() => pool.append({ late: true }), 50);
  const live = await collect(pool.tail({ sinceSeq: 6, maxMessages: 1 }));
  assert.deepEqual(live.map((m) => m.data), [{ late: true }]);
  // Breaking out closes the underlying stream.
  for await (const m of pool.tail()) {
    assert.equal(m.seq, 1n);
    break;
  }
  await assert.rejects(pool.tail(5).next(), (e) => e.kind === "Usage");
  await assert.rejects(pool.tail({ timeoutMs: -1 }).next(), { kind: "Usage" });
  await assert.rejects(pool.tail({ maxMessages: "x" }).next(), { kind: "Usage" });
});

test("pool.tail: where and since/until use the command's semantics (library filter and time search)", async (t) => {
  const { pool } = fresh(t);
  pool.append({ kind: "a", n: 1 });
  pool.append({ kind: "b", n: 2 }, ["x"]);
  pool.append({ kind: "a", n: 3 }, ["x"]);
  const w = await collect(pool.tail({ where: '.data.kind == "a"', timeoutMs: 50 }));
  assert.deepEqual(w.map((m) => m.data.n), [1, 3]);
  const both = await collect(pool.tail({ where: ['.data.kind == "a"', ".data.n > 1"], timeoutMs: 50 }));
  assert.deepEqual(both.map((m) => m.data.n), [3]);
  const onEnvelope = await collect(pool.tail({ where: '.meta.tags | index("x") != null', timeoutMs: 50 }));
  assert.deepEqual(onEnvelope.map((m) => m.data.n), [2, 3]);
  // A filter that does not compile: Usage before anything is read, quoting it.
  await assert.rejects(pool.tail({ where: ".data.kind ==" }).next(), (e) => {
    assert.equal(e.kind, "Usage");
    assert.match(e.message, /\.data\.kind ==/);
    return true;
  });
  // A non-boolean output ends the stream with a Usage error carrying the seq.
  await assert.rejects(collect(pool.tail({ where: ".data.kind", timeoutMs: 50 })), (e) => {
    assert.equal(e.kind, "Usage");
    assert.equal(e.seq, 1);
    return true;
  });

  // Times: since a time between the first and the later messages.
  const t1 = pool.get(1).time;
  await new Promise((r) => setTimeout(r, 20));
  const mid = new Date();
  await new Promise((r) => setTimeout(r, 20));
  pool.append({ kind: "c", n: 4 });
  assert.ok(t1 < mid);
  assert.deepEqual(seqs(await collect(pool.tail({ since: mid, timeoutMs: 50 }))), [4]);
  assert.deepEqual(seqs(await collect(pool.tail({ since: mid.toISOString(), timeoutMs: 50 }))), [4]);
  assert.deepEqual(seqs(await collect(pool.tail({ since: "1h", timeoutMs: 50 }))), [1, 2, 3, 4]);
  assert.deepEqual(seqs(await collect(pool.tail({ since: "2", maxMessages: 2 }))), [2, 3]); // a bare integer is a seq
  assert.deepEqual(seqs(await collect(pool.tail({ until: mid }))), [1, 2, 3]);
  assert.deepEqual(seqs(await collect(pool.tail({ since: "2", until: "3" }))), [2, 3]);
  assert.deepEqual(seqs(await collect(pool.tail({ since: "2099-01-01T00:00:00Z", timeoutMs: 50 }))), []);
  for (const bad of [{ since: "yesterday" }, { since: 5 }, { since: new Date(NaN) }, { until: "5x" }, { sinceSeq: 1, since: "1h" }, { where: 5 }]) {
    await assert.rejects(pool.tail(bad).next(), (e) => e.kind === "Usage", JSON.stringify(bad));
  }
  // The stream form takes the same options.
  const s = pool.openStream(null, null, null, { where: ".data.n == 2" });
  assert.equal(JSON.parse(s.nextJson()).seq, 2);
  assert.equal(s.nextJson(), null);
});

// A pool small enough to overwrite: 64 KiB, messages of ~4 KiB.
function gapPool(t) {
  const { pool } = fresh(t, 64 * 1024);
  const big = "x".repeat(4000);
  const fill = (n) => {
    for (let i = 0; i < n; i++) pool.append({ big });
  };
  return { pool, fill };
}

test("errorOnGap: a stream past a retention gap ends with RetentionGap carrying the first missing seq (sync, async, tail)", async (t) => {
  const { pool, fill } = gapPool(t);
  fill(1);
  const syncStream = pool.openStream(1, null, null, true); // the published package's boolean 4th argument
  const asyncStream = pool.openStream(1, null, null, { errorOnGap: true });
  const tail = pool.tail({ sinceSeq: 1, errorOnGap: true });
  const quiet = pool.openStream(1); // default: skip the gap
  assert.equal(JSON.parse(quiet.nextJson()).seq, 1);
  assert.equal(JSON.parse(syncStream.nextJson()).seq, 1);
  assert.equal((await asyncStream.next()) && true, true);
  assert.equal((await tail.next()).value.seq, 1n);
  fill(40); // overwrites seq 2 and more before they are read
  const oldest = JSON.parse(pool.openStream().nextJson()).seq;
  assert.ok(oldest > 2, `oldest ${oldest}`);
  const e1 = throwsKind(() => syncStream.nextJson(), "RetentionGap");
  assert.equal(e1.seq, 2);
  assert.ok(e1 instanceof PlasmiteNativeError);
  assert.equal(syncStream.nextJson(), null); // the stream has ended
  await assert.rejects(asyncStream.next(), (e) => e instanceof PlasmiteNativeError && e.kind === ErrorKind.RetentionGap && e.seq === 2);
  assert.equal(await asyncStream.next(), null);
  await assert.rejects(tail.next(), (e) => e.kind === "RetentionGap" && e.seq === 2);
  assert.equal(JSON.parse(quiet.nextJson()).seq, oldest);
  // for await over the stream too.
  const s = pool.openStream(1, null, 100, true);
  await assert.rejects(collect(s), (e) => e.kind === "RetentionGap" && e.seq === 1);
  // Lite3 streams take the option as well.
  const l = pool.openLite3Stream(1, null, null, true);
  throwsKind(() => l.next(), "RetentionGap");
  // errorOnGap: false, or no 4th argument: skipping.
  assert.equal(JSON.parse(pool.openStream(1, null, null, false).nextJson()).seq, oldest);
  throwsKind(() => pool.openStream(1, null, null, "yes"), "Usage");
  throwsKind(() => pool.openStream(1, null, null, { errorOnGap: "yes" }), "Usage");
});

test("pool.replay: original pacing scaled by speed; speed 0 no pauses; module-level replay(pool)", async (t) => {
  const { pool } = fresh(t);
  pool.append({ n: 1 });
  await new Promise((r) => setTimeout(r, 150));
  pool.append({ n: 2 });
  pool.append({ n: 3 }, ["x"]);
  let t0 = performance.now();
  const paced = await collect(pool.replay());
  const took = performance.now() - t0;
  assert.deepEqual(seqs(paced), [1, 2, 3]);
  assert.ok(took >= 140, `replay at speed 1 took ${took} ms`);
  t0 = performance.now();
  await collect(pool.replay({ speed: 0 }));
  await collect(replay(pool, { speed: 1000 }));
  const fast = performance.now() - t0;
  assert.ok(fast < took, `fast replays took ${fast} ms`);
  assert.deepEqual(seqs(await collect(replay(pool, { speed: 0, tags: ["x"] }))), [3]);
  assert.deepEqual(seqs(await collect(pool.replay({ speed: 0, sinceSeq: 2, maxMessages: 1 }))), [2]);
  // Ends at the end of what is stored.
  assert.deepEqual(seqs(await collect(pool.replay({ speed: 0, sinceSeq: 4 }))), []);
  for (const speed of [-1, NaN, Infinity, "2"]) {
    await assert.rejects(pool.replay({ speed }).next(), (e) => e.kind === "Usage");
  }
  assert.throws(() => replay({}, {}), (e) => e.kind === "Usage");
  // Aborting a paced replay rejects with the signal's reason.
  const ac = new AbortController();
  const r = pool.replay({ signal: ac.signal });
  await r.next();
  setTimeout(() => ac.abort(new Error("stop")), 10);
  await assert.rejects(r.next(), /stop/);
});

test("tail: an AbortSignal ends a pending wait with its reason", async (t) => {
  const { pool } = fresh(t);
  const ac = new AbortController();
  const gen = pool.tail({ signal: ac.signal });
  const pending = gen.next();
  setTimeout(() => ac.abort(), 30);
  await assert.rejects(pending, { name: "AbortError" });
  await assert.rejects(pool.tail({ signal: AbortSignal.abort() }).next(), { name: "AbortError" });
});

test("iterables and Symbol.dispose on every local object; Lite3 frames carry time", (t) => {
  const dir = tmpdir(t);
  // (Node 20 has Symbol.dispose but not the `using` syntax: dispose by hand.)
  const client = new Client(dir);
  const pool = client.pool("p");
  pool.append({ n: 1 }, ["a"]);
  pool.append({ n: 2 });
  const stream = pool.openStream();
  assert.deepEqual([...stream].map((b) => JSON.parse(b).data.n), [1, 2]);
  const lite = pool.openLite3Stream();
  const frames = [...lite];
  assert.equal(frames.length, 2);
  assert.ok(frames[0].time instanceof Date);
  assert.equal(frames[0].time.getTime(), pool.get(1).time.getTime());
  const f = pool.getLite3(2);
  assert.ok(f.time instanceof Date);
  assert.equal(BigInt(f.time.getTime()), f.timestampNs / 1000000n);
  for (const o of [lite, stream, pool, client]) o[Symbol.dispose]();
  throwsKind(() => pool.get(1), "Usage");
  throwsKind(() => client.openPool("p"), "Usage");
  throwsKind(() => stream.nextJson(), "Usage");
  throwsKind(() => lite.next(), "Usage");
  for (const cls of [Client, Pool, plasmite.Stream, plasmite.Lite3Stream]) {
    assert.equal(typeof cls.prototype[Symbol.dispose], "function", cls.name);
  }
});

test("ESM and CommonJS give the same new exports", async (t) => {
  const cwd = projectDir(t);
  const names = ["Message", "parseMessage", "replay", "DEFAULT_POOL_DIR", "DEFAULT_POOL_SIZE", "DEFAULT_POOL_SIZE_BYTES"];
  const code = `import * as p from "plasmite"; import c from "plasmite";
    console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => p[n] !== undefined && p[n] === c[n])));`;
  const r = await runNode(cwd, ["--input-type=module", "-e", code]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), names.map(() => true));
});

test("serialized values: the envelope's data is what was stored, for any text (escapes, unicode, whitespace in strings, large)", (t) => {
  const { pool } = fresh(t, 8 << 20);
  const values = [
    { s: "a b\tc\n", q: 'quote " and \\ backslash', u: "été 😀", lone: "\ud800x", ctl: "\u0001" },
    ["  spaced  ", { "k e y": [1, 2.5, -0, 1e21] }],
    "x".repeat(100_000), // larger than the reused input buffer
    { deep: { er: { est: [[[null]]] } } },
  ];
  for (const v of values) {
    const env = pool.appendJson(v, ["t"]);
    const seq = JSON.parse(env).seq;
    assert.deepEqual(env, pool.getJson(seq), "the returned envelope is the stored one");
    assert.deepEqual(JSON.parse(env).data, JSON.parse(JSON.stringify(v)));
    const m = pool.append(v);
    assert.deepEqual(m.raw.subarray(m.raw.indexOf(',"data":')), pool.getJson(m.seq).subarray(pool.getJson(m.seq).indexOf(',"data":')));
  }
  // Bytes keep being validated and compacted as before.
  const env = JSON.parse(pool.appendJson(Buffer.from(' { "a" : [ 1 , 2 ] } ')));
  assert.deepEqual(env.data, { a: [1, 2] });
  assert.equal(pool.getJson(env.seq).toString().endsWith(',"data":{"a":[1,2]}}'), true);
});

test("typecheck.ts (tsc --strict, part of npm test) imports every runtime export", () => {
  const src = require("node:fs").readFileSync(require("node:path").join(__dirname, "typecheck.ts"), "utf8");
  const imports = src.slice(src.indexOf("import {"), src.indexOf('} from "plasmite"'));
  for (const name of Object.keys(plasmite)) assert.match(imports, new RegExp(`\\b${name}\\b`), name);
  assert.match(require("node:fs").readFileSync(require("node:path").join(__dirname, "tsconfig.json"), "utf8"), /"strict": true/);
});
