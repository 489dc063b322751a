"use strict";
// Lite3 through the addon: getLite3 / appendLite3 / openLite3Stream round
// trips (JSON -> Lite3 -> JSON), flags, large documents, errors, and the
// pls binary reading what Node appended as Lite3.

const test = require("node:test");
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const { Client, Durability, Lite3Stream, PlasmiteNativeError } = require("plasmite");
const { tmpdir, pls } = require("./support.js");

const json = (v) => Buffer.from(JSON.stringify(v));

function fresh(t, size = 4 << 20) {
  const dir = tmpdir(t);
  const pool = new Client(dir).createPool("p", size);
  t.after(() => pool.close());
  return { dir, pool };
}

test("getLite3 of a JSON message, appendLite3 of that frame, getJson back", (t) => {
  const { pool } = fresh(t);
  const data = { kind: "signup", user: "alice", n: 1.5, list: [1, "two", null, true], nested: { deep: {} } };
  pool.appendJson(json(data), ["user-event", "x"], Durability.Fast);
  const f = pool.getLite3(1n);
  assert.equal(f.seq, 1n);
  assert.equal(typeof f.timestampNs, "bigint");
  assert.ok(f.timestampNs > 1_600_000_000_000_000_000n);
  assert.equal(f.flags, 0);
  assert.ok(Buffer.isBuffer(f.payload));
  const seq = pool.appendLite3(f.payload, Durability.Flush);
  assert.equal(seq, 2n);
  assert.deepEqual(JSON.parse(pool.getJson(2)).data, data);
  const g = pool.getLite3(2);
  assert.equal(g.flags, 1);
  assert.deepEqual(g.payload, f.payload);
  // The envelope of the Lite3 message carries its tags.
  const env = [...pool.openStream(2)].map((b) => JSON.parse(b));
  assert.deepEqual(env[0].meta.tags, ["user-event", "x"]);
  assert.deepEqual(env[0].data, data);
  assert.equal(pool.appendLite3(f.payload), 3n);
  assert.equal(pool.getLite3(3n).seq, 3n);
});

test("openLite3Stream: frames of every message, sinceSeq, max, timeoutMs", (t) => {
  const { pool } = fresh(t);
  for (let i = 1; i <= 4; i++) pool.appendJson(json({ i }), [], Durability.Fast);
  pool.appendLite3(pool.getLite3(1).payload, Durability.Fast);
  const s = pool.openLite3Stream();
  assert.ok(s instanceof Lite3Stream);
  const frames = [...s];
  assert.deepEqual(frames.map((f) => f.seq), [1n, 2n, 3n, 4n, 5n]);
  assert.deepEqual(frames.map((f) => f.flags), [0, 0, 0, 0, 1]);
  assert.deepEqual(frames[4].payload, frames[0].payload);
  assert.equal(s.next(), null);
  s.close();
  assert.throws(() => s.next(), (e) => e.kind === "Usage");
  assert.deepEqual([...pool.openLite3Stream(2n, 2)].map((f) => f.seq), [2n, 3n]);
  const timed = pool.openLite3Stream(5, null, 100);
  assert.equal(timed.next().seq, 5n);
  const t0 = performance.now();
  assert.equal(timed.next(), null);
  assert.ok(performance.now() - t0 >= 90);
});

test("Lite3Stream async: nextAsync wakes on append", async (t) => {
  const { pool } = fresh(t);
  const s = pool.openLite3Stream();
  const pending = s.nextAsync();
  setTimeout(() => pool.appendJson(json({ late: true }), ["t"]), 30);
  const f = await pending;
  assert.equal(f.seq, 1n);
  s.close();
});

test("large Lite3 documents (1 MB) round-trip", (t) => {
  const { pool } = fresh(t, 8 << 20);
  const data = { blob: "z".repeat(1 << 20), arr: Array.from({ length: 1000 }, (_, i) => i) };
  pool.appendJson(json(data));
  const f = pool.getLite3(1);
  assert.ok(f.payload.length > 1 << 20);
  const seq = pool.appendLite3(f.payload, Durability.Flush);
  assert.deepEqual(JSON.parse(pool.getJson(seq)).data, data);
});

test("Lite3 errors: malformed bytes are Usage; non-object data cannot be Lite3", (t) => {
  const { pool } = fresh(t);
  for (const bad of [Buffer.alloc(0), Buffer.from("not lite3 at all"), Buffer.alloc(64, 0xff)]) {
    assert.throws(
      () => pool.appendLite3(bad, Durability.Fast),
      (e) => e instanceof PlasmiteNativeError && e.kind === "Usage",
    );
  }
  pool.appendJson(json([1, 2, 3]));
  assert.throws(() => pool.getLite3(1), (e) => e.kind === "Usage" && e.seq === 1);
  assert.throws(() => pool.getLite3(99), (e) => e.kind === "NotFound" && e.seq === 99);
  assert.throws(() => pool.appendLite3(Buffer.alloc(4), "sometimes"), (e) => e.kind === "Usage");
});

test("a Lite3 message appended by Node is read by the pls binary as JSON", (t) => {
  const { dir, pool } = fresh(t);
  pool.appendJson(json({ from: "node" }), ["js"]);
  pool.appendLite3(pool.getLite3(1).payload, Durability.Flush);
  const r = spawnSync(pls, ["--dir", dir, "get", "p", "2", "--format", "jsonl"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const env = JSON.parse(r.stdout);
  assert.deepEqual(env.data, { from: "node" });
  assert.deepEqual(env.meta.tags, ["js"]);
});
