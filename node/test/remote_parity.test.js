"use strict";
// Issue 12, remote side, against a real `pls serve`: tail() returns its
// RemoteTail at once (both the seed's `await pool.tail()` form and `for
// await (… of pool.tail())`), errorOnGap, where, since/until, Message
// returns, Lite3 get/append, the info object as the server sends it
// (metrics), baseUrl / pool / poolRef, Symbol.dispose.

const test = require("node:test");
const assert = require("node:assert/strict");
const { RemoteClient, RemoteTail, RemoteError, Message, Client, Durability } = require("plasmite");
const { tmpdir, startServe } = require("./support.js");

async function server(t) {
  const dir = tmpdir(t);
  const srv = await startServe(t, dir);
  return { dir, ...srv, client: new RemoteClient(srv.url) };
}

async function drain(tail) {
  const out = [];
  for await (const m of tail) out.push(m);
  return out;
}

const seqs = (ms) => ms.map((m) => Number(m.seq));

function isRemote(kind, check) {
  return (err) => {
    assert.ok(err instanceof RemoteError, `not a RemoteError: ${err}`);
    assert.equal(err.kind, kind, err.message);
    if (check) check(err);
    return true;
  };
}

test("tail() returns a RemoteTail synchronously: await form, next()/cancel(), for await, Symbol.dispose", async (t) => {
  const { client } = await server(t);
  await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  for (let i = 1; i <= 3; i++) await pool.append({ i }, ["n"]);
  const direct = pool.tail({ maxMessages: 3 });
  assert.ok(direct instanceof RemoteTail);
  assert.equal(typeof direct.then, "undefined"); // not a promise: `await` gives the tail itself
  const awaited = await pool.tail({ sinceSeq: 2, maxMessages: 1 });
  assert.ok(awaited instanceof RemoteTail);
  const m = await awaited.next();
  assert.ok(m instanceof Message);
  assert.equal(m.seq, 2n);
  assert.deepEqual(m.data, { i: 2 });
  assert.deepEqual(m.tags, ["n"]);
  assert.ok(m.time instanceof Date);
  assert.equal(await awaited.next(), null);
  awaited.cancel();
  assert.deepEqual(seqs(await drain(direct)), [1, 2, 3]);
  assert.deepEqual(seqs(await drain(pool.tail({ maxMessages: 2 }))), [1, 2]);
  // Symbol.dispose cancels.
  const live = pool.tail({ sinceSeq: 4 });
  const pending = live.next();
  live[Symbol.dispose]();
  assert.equal(await pending, null);
  const another = pool.tail({ sinceSeq: 4 });
  await another[Symbol.asyncDispose]();
  assert.equal(await another.next(), null);
  // Bad options throw at once, as a Usage RemoteError.
  assert.throws(() => pool.tail({ errorOnGap: "yes" }), isRemote("Usage"));
  assert.throws(() => pool.tail({ where: 5 }), isRemote("Usage"));
  assert.throws(() => pool.tail({ since: 5 }), isRemote("Usage"));
  assert.throws(() => pool.tail({ since: "yesterday" }), isRemote("Usage"));
  assert.throws(() => pool.tail({ sinceSeq: 1, since: "1h" }), isRemote("Usage"));
  assert.throws(() => pool.tail({ until: "3" }), isRemote("Usage"));
  // Errors of the request reject the first next().
  await assert.rejects((await client.openPool("p")).tail({ where: "((" }).next(), isRemote("Usage", (e) => assert.equal(e.status, 400)));
  await client.createPool("gone", 1 << 20);
  const gone = await client.openPool("gone");
  await client.deletePool("gone");
  await assert.rejects(gone.tail().next(), isRemote("NotFound"));
});

test("errorOnGap: a remote tail past a retention gap ends with RemoteError RetentionGap and the first missing seq", async (t) => {
  const { client } = await server(t);
  await client.createPool("small", 64 * 1024);
  const pool = await client.openPool("small");
  const big = "x".repeat(4000);
  for (let i = 0; i < 40; i++) await pool.append({ big });
  const oldest = (await client.poolInfo("small")).bounds.oldest;
  assert.ok(oldest > 2, `oldest ${oldest}`);
  // Without errorOnGap the tail skips to the oldest message (as before).
  const skipping = await drain(pool.tail({ sinceSeq: 1, maxMessages: 1 }));
  assert.deepEqual(seqs(skipping), [oldest]);
  // With it: an error, with the seq, and the tail ends.
  const tail = pool.tail({ sinceSeq: 1, errorOnGap: true, timeoutMs: 2000 });
  await assert.rejects(
    tail.next(),
    isRemote("RetentionGap", (e) => {
      assert.equal(e.seq, 1);
      assert.equal(e.status, 410);
    }),
  );
  assert.equal(await tail.next(), null);
  await assert.rejects(drain(pool.tail({ sinceSeq: 2, errorOnGap: true, timeoutMs: 2000 })), isRemote("RetentionGap", (e) => assert.equal(e.seq, 2)));
  // From a retained seq: no error.
  assert.deepEqual(seqs(await drain(pool.tail({ sinceSeq: oldest, errorOnGap: true, maxMessages: 1 }))), [oldest]);
});

test("where and since/until on a remote tail: the server filters and searches", async (t) => {
  const { client } = await server(t);
  await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  await pool.append({ kind: "a", n: 1 });
  await pool.append({ kind: "b", n: 2 });
  await pool.append({ kind: "a", n: 3 });
  const w = await drain(pool.tail({ where: '.data.kind == "a"', timeoutMs: 200 }));
  assert.deepEqual(w.map((m) => m.data.n), [1, 3]);
  const both = await drain(pool.tail({ where: ['.data.kind == "a"', ".data.n > 1"], timeoutMs: 200 }));
  assert.deepEqual(both.map((m) => m.data.n), [3]);
  await new Promise((r) => setTimeout(r, 20));
  const mid = new Date();
  await new Promise((r) => setTimeout(r, 20));
  await pool.append({ kind: "c", n: 4 });
  assert.deepEqual(seqs(await drain(pool.tail({ since: mid, timeoutMs: 200 }))), [4]);
  assert.deepEqual(seqs(await drain(pool.tail({ since: mid.toISOString(), timeoutMs: 200 }))), [4]);
  assert.deepEqual(seqs(await drain(pool.tail({ since: "1h", timeoutMs: 200 }))), [1, 2, 3, 4]);
  assert.deepEqual(seqs(await drain(pool.tail({ since: "3", timeoutMs: 200 }))), [3, 4]);
  assert.deepEqual(seqs(await drain(pool.tail({ until: mid }))), [1, 2, 3]);
});

test("append/get return Messages; Lite3 get/append; info with metrics; baseUrl, pool, poolRef", async (t) => {
  const { client, dir, url } = await server(t);
  const created = await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  assert.equal(pool.pool, "p");
  assert.equal(pool.poolRef(), "p");
  assert.ok(client.baseUrl instanceof URL);
  assert.equal(client.baseUrl.href, `${url}/`);
  const m = await pool.append({ kind: "deploy" }, ["ops"], Durability.Flush);
  assert.ok(m instanceof Message);
  assert.equal(m.seq, 1n);
  assert.deepEqual(m.meta, { tags: ["ops"] });
  const g = await pool.get(1n);
  assert.ok(g instanceof Message);
  assert.deepEqual(JSON.parse(g.raw), JSON.parse(m.raw));
  assert.equal((await pool.append(1, [], 1)).seq, 2n); // the published durability numbers
  // Lite3: the frame of a JSON message, appended back, read locally.
  const f = await pool.getLite3(1);
  assert.equal(f.seq, 1n);
  assert.equal(f.flags, 0);
  assert.equal(typeof f.timestampNs, "bigint");
  assert.ok(f.time instanceof Date);
  assert.equal(f.time.getTime(), g.time.getTime());
  const local = new Client(dir).openPool("p");
  assert.deepEqual(f.payload, local.getLite3(1).payload);
  assert.equal(f.timestampNs, local.getLite3(1).timestampNs);
  const seq = await pool.appendLite3(f.payload, Durability.Fast);
  assert.equal(seq, 3n);
  assert.deepEqual((await pool.get(3)).data, { kind: "deploy" });
  assert.deepEqual((await pool.get(3)).tags, ["ops"]);
  assert.equal((await pool.getLite3(3)).flags, 1);
  await assert.rejects(pool.appendLite3(Buffer.from("nope")), isRemote("Usage"));
  await assert.rejects(pool.appendLite3("nope"), isRemote("Usage"));
  await assert.rejects(pool.getLite3(99), isRemote("NotFound"));
  await assert.rejects(pool.getLite3(2), isRemote("Usage")); // data 1 has no Lite3 form
  local.close();
  // The info object as the server sends it.
  const info = await client.poolInfo("p");
  for (const k of ["name", "path", "file_size", "index_offset", "index_capacity", "index_size_bytes", "ring_offset", "ring_size", "bounds", "message_count", "bytes_used", "created", "metrics"]) {
    assert.ok(k in info, k);
  }
  assert.equal(info.metrics.message_count, 3);
  assert.deepEqual(Object.keys(info.metrics.utilization).sort(), ["free_bytes", "used_bytes", "used_percent"]);
  assert.deepEqual(Object.keys(info.metrics.age).sort(), ["newest_age_ms", "newest_time", "oldest_age_ms", "oldest_time"]);
  assert.equal(created.name, "p");
  assert.equal(client[Symbol.dispose](), undefined);
  assert.equal(pool[Symbol.dispose](), undefined);
});
