"use strict";
// The local API of the seed's tables: Client, Pool, Stream, Durability,
// errors, closed objects, bigint and number seqs, large payloads, and the
// README's local quick start run as written.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { Client, Pool, Stream, Durability, ErrorKind, PlasmiteNativeError } = require("plasmite");
const { tmpdir, projectDir, readmeBlocks, runNode } = require("./support.js");

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

const json = (v) => Buffer.from(JSON.stringify(v));
const parse = (b) => JSON.parse(b.toString());
// getJson returns the envelope (as nextJson does); its data:
const dataOf = (b) => parse(b).data;

function throwsKind(fn, kind, check) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected a ${kind} error`);
  assert.ok(caught instanceof PlasmiteNativeError, `not a PlasmiteNativeError: ${caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.kind, kind, caught.message);
  if (check) check(caught);
  return caught;
}

test("the README's local quick start runs as written", async (t) => {
  const dir = projectDir(t);
  const [quickStart] = readmeBlocks();
  assert.match(quickStart, /new Client\("\.\/data"\)/);
  const r = await runNode(dir, ["-e", quickStart]);
  assert.equal(r.code, 0, r.stderr);
  // getJson(1n) then the stream print the same envelope.
  const printed = r.stdout.split(/\n(?=\{)/);
  assert.equal(printed.length, 2, r.stdout);
  assert.equal(printed[0].trimEnd(), printed[1].trimEnd());
  assert.match(printed[0], /seq: 1,/);
  assert.match(printed[0], /tags: \[ 'user-event' \]/);
  assert.match(printed[0], /data: \{ kind: 'signup', user: 'alice' \}/);
  assert.ok(fs.existsSync(path.join(dir, "data", "events.plasmite")));
});

test("require and import give the same exports", async (t) => {
  const dir = projectDir(t);
  const code = `
    import { Client, Durability, Pool, RemoteClient, PlasmiteNativeError } from "plasmite";
    import { createRequire } from "node:module";
    const cjs = createRequire(import.meta.url)("plasmite");
    if (Client !== cjs.Client || Pool !== cjs.Pool || RemoteClient !== cjs.RemoteClient) throw new Error("different objects");
    if (PlasmiteNativeError !== cjs.PlasmiteNativeError || Durability.Flush !== "flush") throw new Error("bad exports");
    console.log("ok");`;
  const r = await runNode(dir, ["--input-type=module", "-e", code]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "ok\n");
});

test("exports: Durability and ErrorKind values", () => {
  assert.deepEqual({ ...Durability }, { Fast: "fast", Flush: "flush" });
  assert.equal(ErrorKind.NotFound, "NotFound");
  assert.deepEqual(Object.keys(ErrorKind), [
    "Usage",
    "NotFound",
    "AlreadyExists",
    "Busy",
    "Permission",
    "Corrupt",
    "Io",
    "Internal",
    "RetentionGap",
  ]);
  assert.ok(Object.isFrozen(Durability) && Object.isFrozen(ErrorKind));
  const e = new PlasmiteNativeError("boom", { kind: ErrorKind.Busy, seq: 3 });
  assert.equal(e.name, "PlasmiteNativeError");
  assert.equal(e.kind, "Busy");
  assert.equal(e.seq, 3);
});

test("Client: createPool creates the directory and returns a Pool; openPool opens it", (t) => {
  const dir = path.join(tmpdir(t), "a", "b");
  const client = new Client(dir);
  const pool = client.createPool("events", 64 * 1024);
  assert.ok(pool instanceof Pool);
  assert.ok(fs.existsSync(path.join(dir, "events.plasmite")));
  pool.appendJson(json({ n: 1 }), [], Durability.Fast);
  const again = client.openPool("events");
  assert.deepEqual(dataOf(again.getJson(1)), { n: 1 });
  // A path works too.
  const byPath = client.openPool(path.join(dir, "events.plasmite"));
  assert.deepEqual(dataOf(byPath.getJson(1n)), { n: 1 });
  const big = client.createPool("big", 1n << 21n);
  assert.ok(fs.statSync(path.join(dir, "big.plasmite")).size === 2 * 1024 * 1024);
  for (const p of [pool, again, byPath, big]) p.close();
  client.close();
});

test("Client errors: NotFound, AlreadyExists, Usage, with path and hint", (t) => {
  const dir = tmpdir(t);
  const client = new Client(dir);
  throwsKind(() => client.openPool("nope"), "NotFound", (e) => {
    assert.equal(e.path, path.join(dir, "nope.plasmite"));
    assert.match(e.hint, /pls create nope/);
  });
  client.createPool("x", 64 * 1024).close();
  throwsKind(() => client.createPool("x", 64 * 1024), "AlreadyExists", (e) => assert.ok(e.path.endsWith("x.plasmite")));
  throwsKind(() => client.createPool("bad name", 64 * 1024), "Usage", (e) => assert.ok(e.hint));
  throwsKind(() => client.createPool("..", 64 * 1024), "Usage");
  throwsKind(() => client.createPool("tiny", 100), "Usage");
  throwsKind(() => client.createPool("neg", -1), "Usage");
  throwsKind(() => client.createPool("frac", 1.5), "Usage");
  throwsKind(() => client.createPool("negbig", -5n), "Usage");
  client.close();
});

test("closed objects throw Usage; closing twice is harmless", (t) => {
  const { client, pool } = fresh(t);
  pool.appendJson(json(1), [], Durability.Fast);
  const stream = pool.openStream();
  client.close();
  client.close();
  throwsKind(() => client.openPool("p"), "Usage", (e) => assert.match(e.message, /closed/));
  throwsKind(() => client.createPool("q", 1 << 20), "Usage");
  pool.close();
  pool.close();
  throwsKind(() => pool.appendJson(json(1), [], Durability.Fast), "Usage");
  throwsKind(() => pool.appendLite3(Buffer.alloc(1), Durability.Fast), "Usage");
  throwsKind(() => pool.getJson(1), "Usage");
  throwsKind(() => pool.getLite3(1), "Usage");
  throwsKind(() => pool.openStream(), "Usage");
  throwsKind(() => pool.openLite3Stream(), "Usage");
  // A stream holds its own reference to the pool.
  assert.deepEqual(parse(stream.nextJson()).data, 1);
  stream.close();
  stream.close();
  throwsKind(() => stream.nextJson(), "Usage");
});

test("appendJson returns the stored envelope: seq, time, meta.tags, compact data", (t) => {
  const { pool } = fresh(t);
  const before = Date.now();
  const env = pool.appendJson(Buffer.from('{ "b" : 1.50, "a" : [1, 2] }'), ["user-event", "x"], Durability.Flush);
  assert.ok(Buffer.isBuffer(env));
  const text = env.toString();
  assert.match(text, /^\{"seq":1,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z","meta":\{"tags":\["user-event","x"\]\},"data":\{"b":1\.50,"a":\[1,2\]\}\}$/);
  const e = JSON.parse(text);
  assert.ok(Math.abs(Date.parse(e.time) - before) < 5000);
  // Defaults: no tags, Fast; null works as "absent".
  assert.equal(parse(pool.appendJson(json("x"))).seq, 2);
  assert.deepEqual(parse(pool.appendJson(json("y"), null, null)).meta.tags, []);
  assert.equal(parse(pool.appendJson(new Uint8Array(Buffer.from("[]")), [], Durability.Fast)).seq, 4);
  assert.equal(parse(pool.appendJson(json(5), [], "flush")).seq, 5);
  assert.deepEqual(pool.getJson(1), env);
});

test("appendJson rejects malformed JSON (with offset), bad tags and bad durability", (t) => {
  const { pool } = fresh(t);
  throwsKind(() => pool.appendJson(Buffer.from('{"a": }'), [], Durability.Fast), "Usage", (e) => assert.equal(e.offset, 6));
  throwsKind(() => pool.appendJson(Buffer.from(""), [], Durability.Fast), "Usage");
  throwsKind(() => pool.appendJson(Buffer.from("1 2"), [], Durability.Fast), "Usage");
  throwsKind(() => pool.appendJson(json(1), [""], Durability.Fast), "Usage");
  throwsKind(() => pool.appendJson(json(1), [], "sometimes"), "Usage");
  // Nothing was stored.
  throwsKind(() => pool.getJson(1), "NotFound");
});

test("getJson returns the envelope; seqs as number or bigint; NotFound carries the seq (and no path: the pool exists)", (t) => {
  const { pool } = fresh(t);
  for (let i = 1; i <= 3; i++) pool.appendJson(json({ i }), ["n"], Durability.Fast);
  assert.deepEqual(dataOf(pool.getJson(2)), { i: 2 });
  assert.deepEqual(dataOf(pool.getJson(2n)), { i: 2 });
  assert.deepEqual(dataOf(pool.getJson(3.0)), { i: 3 });
  const err = throwsKind(() => pool.getJson(999n), "NotFound");
  assert.equal(err.seq, 999);
  assert.equal(typeof err.seq, "number");
  assert.equal(err.path, undefined);
  throwsKind(() => pool.getJson(0), "NotFound", (e) => assert.equal(e.seq, 0));
  throwsKind(() => pool.getJson(-1), "Usage");
  throwsKind(() => pool.getJson(1.5), "Usage");
  throwsKind(() => pool.getJson(NaN), "Usage");
  throwsKind(() => pool.getJson(-1n), "Usage");
  throwsKind(() => pool.getJson(1n << 64n), "Usage");
  throwsKind(() => pool.getJson(2n ** 64n - 1n), "NotFound");
});

test("openStream: all, sinceSeq (inclusive), max, and null at the end", (t) => {
  const { pool } = fresh(t);
  for (let i = 1; i <= 5; i++) pool.appendJson(json(i), [i % 2 ? "odd" : "even"], Durability.Fast);
  const all = pool.openStream();
  assert.ok(all instanceof Stream);
  const seen = [];
  let f;
  while ((f = all.nextJson()) !== null) seen.push(parse(f));
  assert.deepEqual(seen.map((e) => e.seq), [1, 2, 3, 4, 5]);
  assert.deepEqual(seen[1], { seq: 2, time: seen[1].time, meta: { tags: ["even"] }, data: 2 });
  // Caught up is not the end: later messages arrive.
  pool.appendJson(json(6), [], Durability.Fast);
  assert.equal(parse(all.nextJson()).seq, 6);
  assert.equal(all.nextJson(), null);
  all.close();

  const since = (s, max) => [...pool.openStream(s, max)].map((b) => parse(b).seq);
  assert.deepEqual(since(3), [3, 4, 5, 6]);
  assert.deepEqual(since(3n), [3, 4, 5, 6]);
  assert.deepEqual(since(0), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(since(99), []);
  assert.deepEqual(since(2, 2), [2, 3]);
  assert.deepEqual(since(null, 1n), [1]);
  assert.deepEqual(since(undefined, 0), []);
  assert.deepEqual([...pool.openStream(null, null, null, { tags: ["odd"] })].map((b) => parse(b).data), [1, 3, 5]);
  assert.deepEqual([...pool.openStream(2, 1, null, { tags: ["odd"] })].map((b) => parse(b).data), [3]);
  throwsKind(() => pool.openStream(-1), "Usage");
  throwsKind(() => pool.openStream(0, -2), "Usage");
  throwsKind(() => pool.openStream(0, 1, -5), "Usage");
  throwsKind(() => pool.openStream(0, 1, 1, { tags: [""] }), "Usage");
});

test("openStream timeoutMs: nextJson waits for a message, null after that long without one", (t) => {
  const { pool } = fresh(t);
  pool.appendJson(json(1), [], Durability.Fast);
  const s = pool.openStream(0, null, 150);
  assert.equal(parse(s.nextJson()).data, 1);
  const t0 = performance.now();
  assert.equal(s.nextJson(), null);
  const waited = performance.now() - t0;
  assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
  // Timed out is the end of the stream.
  pool.appendJson(json(2), [], Durability.Fast);
  assert.equal(s.nextJson(), null);
  s.close();
  // With a message already there, no wait at all.
  const s2 = pool.openStream(2, null, 10_000);
  const t1 = performance.now();
  assert.equal(parse(s2.nextJson()).data, 2);
  assert.ok(performance.now() - t1 < 1000);
  s2.close();
});

test("large payloads: 1 MB messages round-trip through append, get and streams", (t) => {
  const { pool } = fresh(t, 8 << 20);
  const big = { blob: "x".repeat(1 << 20), n: 1 };
  const env = parse(pool.appendJson(json(big), ["big"], Durability.Flush));
  assert.equal(env.data.blob.length, 1 << 20);
  assert.deepEqual(dataOf(pool.getJson(1)), big);
  pool.appendJson(json({ ...big, n: 2 }), [], Durability.Fast);
  const got = [...pool.openStream()].map(parse);
  assert.deepEqual(got.map((e) => [e.seq, e.data.n, e.data.blob.length]), [
    [1, 1, 1 << 20],
    [2, 2, 1 << 20],
  ]);
  // Larger than the pool can hold: Usage, nothing written.
  const { pool: small } = fresh(t, 64 * 1024);
  throwsKind(() => small.appendJson(json(big), [], Durability.Fast), "Usage", (e) => assert.ok(e.hint));
});

test("retention: overwritten messages are NotFound and streams skip to the oldest", (t) => {
  const { pool } = fresh(t, 64 * 1024);
  const payload = json({ pad: "y".repeat(1000) });
  for (let i = 0; i < 200; i++) pool.appendJson(payload, [], Durability.Fast);
  throwsKind(() => pool.getJson(1), "NotFound", (e) => assert.equal(e.seq, 1));
  assert.ok(pool.getJson(200));
  const seqs = [...pool.openStream(1)].map((b) => parse(b).seq);
  assert.equal(seqs.at(-1), 200);
  assert.ok(seqs[0] > 1);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i));
});

test("two handles of one pool see each other's appends", (t) => {
  const { client, pool } = fresh(t);
  const other = client.openPool("p");
  t.after(() => other.close());
  const s = other.openStream();
  pool.appendJson(json("hello"), [], Durability.Fast);
  assert.equal(parse(s.nextJson()).data, "hello");
  s.close();
});

test("arguments of the wrong type are Usage errors", (t) => {
  const { client, pool } = fresh(t);
  throwsKind(() => new Client(42), "Usage");
  throwsKind(() => pool.appendJson(undefined), "Usage");
  throwsKind(() => pool.appendJson(Symbol("x")), "Usage");
  throwsKind(() => pool.appendJson(json(1), "tag"), "Usage");
  throwsKind(() => pool.appendJson(json(1), [1]), "Usage");
  pool.appendJson(json(0));
  throwsKind(() => pool.appendJson(json(1), ""), "Usage");
  throwsKind(() => pool.appendLite3("x"), "Usage");
  throwsKind(() => pool.getJson("1"), "Usage");
  throwsKind(() => pool.getJson(), "Usage");
  throwsKind(() => pool.getLite3({}), "Usage");
  throwsKind(() => pool.openStream("a"), "Usage");
  throwsKind(() => pool.openStream(0, 0, 0, { tags: "x" }), "Usage");
  throwsKind(() => pool.openStream(0, 0, 0, 5), "Usage");
  throwsKind(() => client.createPool(5, 1 << 20), "Usage");
  throwsKind(() => client.createPool("y", "big"), "Usage");
  throwsKind(() => client.openPool(), "Usage");
  // The pool is fine afterwards.
  assert.equal(JSON.parse(pool.appendJson(json(1), ["a"])).seq, 2);
});
