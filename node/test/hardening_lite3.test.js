"use strict";
// Issue 10, items 15 and 16 in the addon: a Lite3 stream never stops at a
// message Lite3 cannot carry (skipped and counted, or, opted in, an error
// that ends the stream), and data as deep as a pool accepts reads back.

const test = require("node:test");
const assert = require("node:assert/strict");
const { Client, Durability } = require("plasmite");
const { tmpdir } = require("./support.js");

// The data of an envelope from getJson, as the exact text stored.
const dataText = (b) => {
  const s = b.toString();
  return s.slice(s.indexOf(',"data":') + 8, -1);
};

function fresh(t) {
  const pool = new Client(tmpdir(t)).createPool("p", 1 << 20);
  t.after(() => pool.close());
  return pool;
}

// Messages 1..6: two that convert around four that cannot.
function fill(pool) {
  const deep = '{"k":'.repeat(33) + "1" + "}".repeat(33);
  for (const m of ['{"a":1}', "5", '{"n":1e400}', '{"s":"\\ud800"}', deep, '{"b":2}']) {
    pool.appendJson(Buffer.from(m), [], Durability.Fast);
  }
}

test("a Lite3 stream skips messages Lite3 cannot carry and goes on", async (t) => {
  const pool = fresh(t);
  fill(pool);
  const s = pool.openLite3Stream();
  assert.deepEqual([...s].map((f) => f.seq), [1n, 6n]);
  assert.equal(s.skipped, 4);
  for (let since = 2; since <= 6; since++) {
    const r = pool.openLite3Stream(since);
    assert.deepEqual([...r].map((f) => f.seq), [6n], `since ${since}`);
  }
  // The async side too.
  const a = pool.openLite3Stream(1, 6);
  const seqs = [];
  for await (const f of a) seqs.push(f.seq);
  assert.deepEqual(seqs, [1n, 6n]);
  for (let seq = 2; seq <= 5; seq++) {
    assert.throws(() => pool.getLite3(seq), (e) => e.kind === "Usage" && e.seq === seq);
  }
});

test("onUnconvertible: 'error' throws at such a message and ends the stream", async (t) => {
  const pool = fresh(t);
  fill(pool);
  const s = pool.openLite3Stream(null, null, null, { onUnconvertible: "error" });
  assert.equal(s.next().seq, 1n);
  assert.throws(() => s.next(), (e) => e.kind === "Usage" && e.seq === 2);
  assert.equal(s.next(), null);
  const a = pool.openLite3Stream(3, null, null, { onUnconvertible: "error" });
  await assert.rejects(a.nextAsync(), (e) => e.kind === "Usage" && e.seq === 3);
  assert.equal(await a.nextAsync(), null);
  assert.throws(
    () => pool.openLite3Stream(null, null, null, { onUnconvertible: "maybe" }),
    (e) => e.kind === "Usage",
  );
});

test("data nested as deep as a pool accepts reads back", (t) => {
  const pool = fresh(t);
  const nest = (d) => "[".repeat(d) + "]".repeat(d);
  pool.appendJson(Buffer.from(nest(512)), [], Durability.Fast);
  assert.throws(() => pool.appendJson(Buffer.from(nest(513)), [], Durability.Fast), (e) => e.kind === "Usage");
  assert.equal(dataText(pool.getJson(1)), nest(512));
  const env = [...pool.openStream()].map((b) => JSON.parse(b));
  assert.equal(env.length, 1);
  assert.equal(JSON.stringify(env[0].data), nest(512));
});
