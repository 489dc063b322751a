"use strict";
// The remote client against a real `pls serve` (started per test on a free
// port): every method of the seed's table, tail options, errors, tokens,
// for await and AbortSignal, and the README's remote examples as written.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { RemoteClient, RemotePool, RemoteTail, RemoteError, Durability, Client } = require("plasmite");
const { tmpdir, projectDir, startServe, readmeBlocks, runNode, pls } = require("./support.js");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function server(t, args) {
  const dir = tmpdir(t);
  const srv = await startServe(t, dir, { args });
  return { dir, ...srv, client: new RemoteClient(srv.url) };
}

async function rejectsRemote(promise, status, kind) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof RemoteError, `not a RemoteError: ${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "RemoteError");
    assert.equal(err.status, status, err.message);
    assert.equal(err.kind, kind, err.message);
    return true;
  });
}

test("pools: createPool, openPool, poolInfo, listPools, deletePool", async (t) => {
  const { client, dir } = await server(t);
  const info = await client.createPool("events", 128 * 1024);
  assert.equal(info.name, "events");
  assert.equal(info.file_size, 128 * 1024);
  assert.deepEqual(info.bounds, {}); // an empty pool, as other v0 servers show it
  assert.ok(fs.existsSync(path.join(dir, "events.plasmite")));
  await client.createPool("b", 64n * 1024n);
  await client.createPool("a"); // default size
  const pool = await client.openPool("events");
  assert.ok(pool instanceof RemotePool);
  assert.equal(pool.name, "events");
  assert.equal(pool.info.name, "events");
  await pool.append({ n: 1 });
  const again = await client.poolInfo("events");
  assert.deepEqual(again.bounds, { oldest: 1, newest: 1 });
  assert.equal(again.message_count, 1);
  assert.deepEqual((await client.listPools()).map((p) => p.name), ["a", "b", "events"]);
  assert.equal(await client.deletePool("b"), undefined);
  assert.deepEqual((await client.listPools()).map((p) => p.name), ["a", "events"]);
  await rejectsRemote(client.openPool("b"), 404, "NotFound");
  await rejectsRemote(client.poolInfo("b"), 404, "NotFound");
  await rejectsRemote(client.deletePool("b"), 404, "NotFound");
  await rejectsRemote(client.createPool("events", 1 << 20), 409, "AlreadyExists");
  await rejectsRemote(client.createPool("tiny", 10), 400, "Usage");
  // Names that are not names never leave the client.
  for (const bad of ["..", "a/b", "", ".hidden", "x".repeat(129)]) {
    await rejectsRemote(client.openPool(bad), 0, "Usage");
  }
});

test("append: plain values, tags, durability; get by number or bigint", async (t) => {
  const { client, dir } = await server(t);
  await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  const m = await pool.append({ kind: "deploy", sha: "abc123" }, ["ops", "prod"]);
  assert.equal(m.seq, 1n);
  assert.deepEqual(m.meta.tags, ["ops", "prod"]);
  assert.deepEqual(m.data, { kind: "deploy", sha: "abc123" });
  assert.match(m.timeRfc3339, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.deepEqual((await pool.append([1, "two", null])).meta.tags, []);
  assert.equal((await pool.append("s", [], Durability.Flush)).seq, 3n);
  assert.equal((await pool.append(42, null, Durability.Fast)).data, 42);
  assert.equal((await pool.append(false, undefined, "flush")).data, false);
  assert.deepEqual((await pool.get(1)).data, { kind: "deploy", sha: "abc123" });
  assert.deepEqual((await pool.get(2n)).data, [1, "two", null]);
  await assert.rejects(pool.append(undefined), (e) => e instanceof RemoteError && e.kind === "Usage");
  await assert.rejects(pool.append(1, [], "sometimes"), (e) => e instanceof RemoteError && e.kind === "Usage");
  await rejectsRemote(pool.append(1, [""]), 400, "Usage");
  const missing = await pool.get(999).catch((e) => e);
  assert.ok(missing instanceof RemoteError);
  assert.equal(missing.status, 404);
  assert.equal(missing.kind, "NotFound");
  assert.equal(missing.seq, 999);
  // The server wrote a real pool: the local API reads it.
  const local = new Client(dir).openPool("p");
  assert.deepEqual(JSON.parse(local.getJson(1n)).data, { kind: "deploy", sha: "abc123" });
  local.close();
});

test("tail: sinceSeq, maxMessages, timeoutMs, tags; next() waits for new messages", async (t) => {
  const { client } = await server(t);
  await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  for (let i = 1; i <= 5; i++) await pool.append(i, [i % 2 ? "odd" : "even"]);

  const collect = async (tail) => {
    const out = [];
    let m;
    while ((m = await tail.next()) !== null) out.push(m.data);
    return out;
  };
  assert.deepEqual(await collect(await pool.tail({ maxMessages: 3 })), [1, 2, 3]);
  assert.deepEqual(await collect(await pool.tail({ sinceSeq: 2, maxMessages: 2 })), [2, 3]);
  assert.deepEqual(await collect(await pool.tail({ sinceSeq: 0n, tags: ["odd"], timeoutMs: 200 })), [1, 3, 5]);
  assert.deepEqual(await collect(await pool.tail({ tags: ["odd", "even"], timeoutMs: 100 })), []);

  const t0 = performance.now();
  assert.deepEqual(await collect(await pool.tail({ sinceSeq: 6, timeoutMs: 150 })), []);
  assert.ok(performance.now() - t0 >= 140);

  const live = await pool.tail({ sinceSeq: 6 });
  const pending = live.next();
  await sleep(50);
  await pool.append("live", ["x"]);
  const got = await pending;
  assert.equal(got.seq, 6n);
  assert.equal(got.data, "live");
  live.cancel();
  assert.equal(await live.next(), null);
  live.cancel();
  assert.ok(live instanceof RemoteTail);
});

test("tail: for await, cancel on break, AbortSignal, and HTTP errors before the stream", async (t) => {
  const { client } = await server(t);
  await client.createPool("p", 1 << 20);
  const pool = await client.openPool("p");
  for (let i = 1; i <= 3; i++) await pool.append(i);
  const seen = [];
  for await (const m of await pool.tail()) {
    seen.push(m.seq);
    if (seen.length === 3) break;
  }
  assert.deepEqual(seen, [1n, 2n, 3n]);

  const ac = new AbortController();
  const tail = await pool.tail({ sinceSeq: 4, signal: ac.signal });
  const pending = tail.next();
  setTimeout(() => ac.abort(), 30);
  await assert.rejects(pending, { name: "AbortError" });
  await assert.rejects(tail.next(), { name: "AbortError" });
  // tail() returns its RemoteTail at once: an aborted signal rejects the reads.
  await assert.rejects(pool.tail({ signal: AbortSignal.abort() }).next(), { name: "AbortError" });

  const concurrent = await pool.tail({ maxMessages: 3 });
  assert.deepEqual((await Promise.all([concurrent.next(), concurrent.next(), concurrent.next(), concurrent.next()])).map((m) => m && m.seq), [1n, 2n, 3n, null]);

  const gone = await client.openPool("p");
  await client.deletePool("p");
  await rejectsRemote(gone.tail().next(), 404, "NotFound");
});

test("tokens: RemoteClient(url, {token}) and withToken", async (t) => {
  const dir = tmpdir(t);
  const tokenFile = path.join(dir, "token");
  fs.writeFileSync(tokenFile, "s3cret\n");
  const srv = await startServe(t, path.join(dir, "pools"), { args: ["--token-file", tokenFile] });
  await rejectsRemote(new RemoteClient(srv.url).listPools(), 401, "Permission");
  await rejectsRemote(new RemoteClient(srv.url, { token: "wrong" }).listPools(), 401, "Permission");
  assert.deepEqual(await new RemoteClient(srv.url, { token: "s3cret" }).listPools(), []);
  const c = new RemoteClient(srv.url);
  assert.equal(c.withToken("s3cret"), c);
  await c.createPool("p");
  assert.equal((await (await c.openPool("p")).append(1)).seq, 1n);
});

test("an unreachable server is a RemoteError of status 0 and kind Io; bad URLs are Usage", async (t) => {
  const { freePort } = require("./support.js");
  const port = await freePort();
  await rejectsRemote(new RemoteClient(`http://127.0.0.1:${port}`).listPools(), 0, "Io");
  assert.throws(() => new RemoteClient("not a url"), (e) => e instanceof RemoteError && e.kind === "Usage");
  assert.throws(() => new RemoteClient("ftp://x"), (e) => e instanceof RemoteError && e.kind === "Usage");
});

test("the README's remote examples run as written against pls serve", async (t) => {
  const dir = projectDir(t);
  const data = path.join(dir, "data");
  const srv = await startServe(t, data);
  // The README's set-up step, with the CLI of the package.
  const shim = path.join(__dirname, "..", "bin", "plasmite.js");
  const made = await runNode(dir, [shim, "create", "events", "--dir", "./data"]);
  assert.equal(made.code, 0, made.stderr);
  const blocks = readmeBlocks();
  const remote = blocks.find((b) => b.includes('new RemoteClient("http://127.0.0.1:9700")'));
  // Top-level await: run it as an ES module, with `require` as in CommonJS.
  // The only change: the port of the server this test started.
  const code =
    'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);\n' +
    remote.replaceAll("http://127.0.0.1:9700", srv.url);
  const r = await runNode(dir, ["--input-type=module", "-e", code]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "1n");
  assert.equal(lines[1], "{ kind: 'deploy', sha: 'abc123' }");
  assert.match(r.stdout, /seq: 1n,/);
  assert.match(r.stdout, /tags: \[ 'ops' \]/);

  // Tail options, against the same pool.
  const options = blocks.find((b) => b.startsWith("await pool.tail({"));
  const r2 = await runNode(dir, [
    "--input-type=module",
    "-e",
    `import { RemoteClient } from "plasmite"; const pool = await new RemoteClient("${srv.url}").openPool("events");\n` +
      `const tail = ${options.trim().replace(/;$/, "")};\nconsole.log(tail.constructor.name); tail.cancel();`,
  ]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stdout, "RemoteTail\n");

  // Remote tails: the follow() example, given the server's URL.
  const follow = blocks.find((b) => b.includes("async function follow(url)"));
  const r3 = await runNode(dir, ["-e", `${follow}\nfollow("${srv.url}").then(() => console.log("done"));`]);
  assert.equal(r3.code, 0, r3.stderr);
  assert.match(r3.stdout, /^1n \{ kind: 'deploy', sha: 'abc123' \}\ndone\n$/);
});
