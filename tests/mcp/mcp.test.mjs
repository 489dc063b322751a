// `pls mcp` (stdio) and `POST /mcp` on `pls serve` (Streamable HTTP), driven
// by the official MCP TypeScript SDK client: the tool list, every tool, a
// wait woken by an append from another process, auth failure, read-only mode,
// and the consumer-group tools (claim and ack) used as a job queue.
//
// The binary is target/debug/pls (built by `cargo test`), or $PLS_BIN.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const here = dirname(fileURLToPath(import.meta.url));
const PLS = process.env.PLS_BIN ?? resolve(here, "..", "..", "target", "debug", "pls");

const ALL_TOOLS = [
  "plasmite_ack",
  "plasmite_claim",
  "plasmite_feed",
  "plasmite_fetch",
  "plasmite_pool_create",
  "plasmite_pool_delete",
  "plasmite_pool_info",
  "plasmite_pool_list",
  "plasmite_read",
  "plasmite_wait",
];
const READ_TOOLS = ["plasmite_fetch", "plasmite_pool_info", "plasmite_pool_list", "plasmite_read", "plasmite_wait"];

const cleanups = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), "pls-mcp-"));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function pls(dir, ...args) {
  return execFileSync(PLS, ["--dir", dir, ...args], { encoding: "utf8" });
}

/** Starts `pls serve DIR --port 0 ...` and resolves with its base URL once it listens. */
function serve(dir, ...args) {
  const child = spawn(PLS, ["serve", dir, "--port", "0", "-q", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  cleanups.push(
    () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  );
  return new Promise((ok, fail) => {
    let err = "";
    const timer = setTimeout(() => fail(new Error(`pls serve did not start in 30 s: ${err}`)), 30_000);
    child.stderr.on("data", (b) => {
      err += b;
      const m = err.match(/listening on (http:\/\/[0-9.:]+) \(/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once("exit", (code) => fail(new Error(`pls serve exited ${code}: ${err}`)));
  });
}

async function connect(transport) {
  const client = new Client({ name: "plasmite-tests", version: "1.0.0" });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

function stdioClient(dir, ...extra) {
  return connect(new StdioClientTransport({ command: PLS, args: ["--dir", dir, "mcp", ...extra], stderr: "pipe" }));
}

function httpClient(base, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  return connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
}

async function call(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.ok(!r.isError, `${name} failed: ${JSON.stringify(r.content)}`);
  // The text block carries the same JSON as structuredContent.
  assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
  return r.structuredContent;
}

async function callError(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, true, `${name} should fail: ${JSON.stringify(r)}`);
  return JSON.parse(r.content[0].text).error;
}

/** Every tool, through `client`, on the pools of `dir`. */
async function exercise(client, dir) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), ALL_TOOLS);
  for (const t of tools) {
    assert.equal(t.inputSchema.type, "object", t.name);
    assert.equal(t.outputSchema.type, "object", t.name);
    assert.ok(t.description.length > 80, `${t.name} needs a description an agent can use`);
  }
  const init = client.getInstructions();
  assert.match(init, /seq/);
  assert.match(init, /plasmite_wait/);

  const created = await call(client, "plasmite_pool_create", { name: "events", size: "256K" });
  assert.equal(created.pool.name, "events");
  assert.equal(created.pool.file_size, 256 * 1024);
  assert.equal((await callError(client, "plasmite_pool_create", { name: "events" })).kind, "AlreadyExists");

  const one = await call(client, "plasmite_feed", { pool: "events", data: { kind: "deploy", n: 1 }, tags: ["ops"] });
  assert.equal(one.message.seq, 1);
  assert.deepEqual(one.message.meta.tags, ["ops"]);
  assert.deepEqual(one.message.data, { kind: "deploy", n: 1 });
  const many = await call(client, "plasmite_feed", {
    pool: "events",
    messages: [{ data: { n: 2 } }, { data: { n: 3 }, tags: ["ops"] }, { data: "four" }],
    durability: "flush",
  });
  assert.deepEqual(
    many.messages.map((m) => m.seq),
    [2, 3, 4],
  );
  const made = await call(client, "plasmite_feed", { pool: "fresh", data: [1, 2], create: true });
  assert.equal(made.message.seq, 1);

  const listed = await call(client, "plasmite_pool_list", {});
  assert.deepEqual(
    listed.pools.map((p) => p.name),
    ["events", "fresh"],
  );
  const info = await call(client, "plasmite_pool_info", { pool: "events" });
  assert.deepEqual(info.pool.bounds, { oldest: 1, newest: 4 });
  assert.equal(info.pool.message_count, 4);

  const fetched = await call(client, "plasmite_fetch", { pool: "events", seq: 3 });
  assert.deepEqual(fetched.message.data, { n: 3 });
  const missing = await callError(client, "plasmite_fetch", { pool: "events", seq: 99 });
  assert.equal(missing.kind, "NotFound");
  assert.equal(missing.seq, 99);
  assert.equal((await callError(client, "plasmite_pool_info", { pool: "nope" })).kind, "NotFound");
  // Bad arguments are tool errors of kind Usage, naming the argument.
  const bad = await callError(client, "plasmite_fetch", { pool: "events", seq: "three" });
  assert.equal(bad.kind, "Usage");
  assert.match(bad.message, /seq/);
  assert.equal((await callError(client, "plasmite_read", { pool: "../etc" })).kind, "Usage");
  assert.equal((await callError(client, "plasmite_read", { pool: "events", colour: 1 })).kind, "Usage");

  const recent = await call(client, "plasmite_read", { pool: "events", count: 2 });
  assert.deepEqual(
    recent.messages.map((m) => m.seq),
    [3, 4],
  );
  assert.equal(recent.next_after_seq, 4);
  assert.equal(recent.has_more, false);
  assert.equal(recent.oldest_available_seq, 1);
  assert.equal(recent.newest_available_seq, 4);
  const page = await call(client, "plasmite_read", { pool: "events", after_seq: 1, count: 2 });
  assert.deepEqual(
    page.messages.map((m) => m.seq),
    [2, 3],
  );
  assert.equal(page.next_after_seq, 3);
  assert.equal(page.has_more, true);
  const tagged = await call(client, "plasmite_read", { pool: "events", tags: ["ops"] });
  assert.deepEqual(
    tagged.messages.map((m) => m.seq),
    [1, 3],
  );
  const where = await call(client, "plasmite_read", { pool: "events", where: ".data.n >= 2" });
  assert.deepEqual(
    where.messages.map((m) => m.seq),
    [2, 3],
  );
  const window = await call(client, "plasmite_read", { pool: "events", since: "1h" });
  assert.equal(window.messages.length, 4);
  assert.equal((await callError(client, "plasmite_read", { pool: "events", where: ".data |||" })).kind, "Usage");

  // A wait with nothing new times out, bounded.
  const quiet = await call(client, "plasmite_wait", { pool: "events", after_seq: 4, timeout_ms: 200 });
  assert.deepEqual(quiet.messages, []);
  assert.equal(quiet.next_after_seq, 4);
  assert.equal(quiet.timed_out, true);
  assert.equal(quiet.last_returned_seq, null);
  assert.equal(quiet.fell_behind, false);
  // Messages already there after after_seq: at once.
  const ready = await call(client, "plasmite_wait", { pool: "events", after_seq: 2 });
  assert.deepEqual(
    ready.messages.map((m) => m.seq),
    [3, 4],
  );
  // A wait woken by an append from another process.
  const started = Date.now();
  const waiting = call(client, "plasmite_wait", { pool: "events", after_seq: 4, timeout_ms: 30_000, tags: ["wake"] });
  const writer = spawn(PLS, ["--dir", dir, "append", "events", '{"from":"elsewhere"}', "-t", "wake"], {
    stdio: "ignore",
  });
  await new Promise((done) => writer.once("exit", done));
  const woken = await waiting;
  assert.equal(woken.timed_out, false);
  assert.deepEqual(
    woken.messages.map((m) => m.data),
    [{ from: "elsewhere" }],
  );
  assert.equal(woken.next_after_seq, 5);
  assert.ok(Date.now() - started < 20_000, "woken by the append, not by the timeout");

  const deleted = await call(client, "plasmite_pool_delete", { pool: "fresh" });
  assert.deepEqual(deleted, { deleted: { pool: "fresh" } });
  assert.equal((await callError(client, "plasmite_pool_delete", { pool: "fresh" })).kind, "NotFound");

  // An unknown tool is a protocol error (-32602).
  await assert.rejects(client.callTool({ name: "plasmite_nope", arguments: {} }), (e) => e.code === -32602);
}

/** A job queue through the consumer-group tools: claim, ack, lease lost, nack, extend. */
async function exerciseGroups(client, dir) {
  await call(client, "plasmite_feed", {
    pool: "jobs",
    messages: [{ data: { job: 1 } }, { data: { job: 2 } }],
    create: true,
  });
  // Deliveries carry a receipt and a delivery count (the SDK checks each
  // result against the tool's outputSchema).
  const first = await call(client, "plasmite_claim", { pool: "jobs", group: "workers", max: 2, lease_ms: 300 });
  assert.deepEqual(
    first.messages.map((m) => [m.seq, m.delivery, m.receipt]),
    [
      [1, 1, "1.1"],
      [2, 1, "2.1"],
    ],
  );
  assert.deepEqual(first.messages[0].data, { job: 1 });
  const acked = await call(client, "plasmite_ack", { pool: "jobs", group: "workers", receipts: ["1.1"] });
  assert.deepEqual(acked.results, [{ receipt: "1.1", seq: 1, outcome: "acked" }]);
  assert.equal(acked.ok, true);
  // Message 2's lease ends: a waiting claim gets it again, as delivery 2.
  const again = await call(client, "plasmite_claim", { pool: "jobs", group: "workers", timeout_ms: 10_000 });
  assert.deepEqual(
    again.messages.map((m) => m.receipt),
    ["2.2"],
  );
  const stale = await call(client, "plasmite_ack", { pool: "jobs", group: "workers", receipts: ["2.1"] });
  assert.equal(stale.results[0].outcome, "lease_lost");
  assert.equal(stale.results[0].delivery, 2);
  assert.equal(stale.ok, false);
  const extended = await call(client, "plasmite_ack", {
    pool: "jobs",
    group: "workers",
    receipts: ["2.2"],
    action: "extend",
    lease_ms: 60_000,
  });
  assert.equal(extended.results[0].outcome, "extended");
  const nacked = await call(client, "plasmite_ack", { pool: "jobs", group: "workers", seqs: [2], action: "nack" });
  assert.equal(nacked.results[0].outcome, "nacked");
  const third = await call(client, "plasmite_claim", { pool: "jobs", group: "workers", timeout_ms: 10_000 });
  assert.equal(third.messages[0].receipt, "2.3");
  assert.equal((await call(client, "plasmite_ack", { pool: "jobs", group: "workers", receipts: ["2.3"] })).ok, true);
  // A waiting claim woken by an append from another process.
  const started = Date.now();
  const waiting = call(client, "plasmite_claim", { pool: "jobs", group: "workers", timeout_ms: 30_000 });
  const writer = spawn(PLS, ["--dir", dir, "append", "jobs", '{"job":3}'], { stdio: "ignore" });
  await new Promise((done) => writer.once("exit", done));
  const woken = await waiting;
  assert.deepEqual(
    woken.messages.map((m) => m.data),
    [{ job: 3 }],
  );
  assert.ok(Date.now() - started < 20_000, "woken by the append, not by the timeout");
  // Nothing ready and no wait: at once, empty.
  const none = await call(client, "plasmite_claim", { pool: "jobs", group: "workers", timeout_ms: 0 });
  assert.deepEqual(none.messages, []);
  assert.equal(none.timed_out, false);
  // Another group is a position of its own: it starts at the oldest message.
  const other = await call(client, "plasmite_claim", { pool: "jobs", group: "other", max: 1 });
  assert.deepEqual(
    other.messages.map((m) => m.receipt),
    ["1.1"],
  );
  const info = await call(client, "plasmite_pool_info", { pool: "jobs" });
  assert.equal(info.pool.groups, 2);
  // Errors are tool results with the kind.
  assert.equal((await callError(client, "plasmite_ack", { pool: "jobs", group: "nope", seqs: [1] })).kind, "NotFound");
  assert.equal((await callError(client, "plasmite_claim", { pool: "jobs", group: "workers", max: 0 })).kind, "Usage");
}

test("stdio: consumer groups through plasmite_claim and plasmite_ack", async () => {
  const dir = tempDir();
  const client = await stdioClient(dir);
  await exerciseGroups(client, dir);
});

test("http: consumer groups through plasmite_claim and plasmite_ack", async () => {
  const dir = tempDir();
  const base = await serve(dir);
  const client = await httpClient(base);
  await exerciseGroups(client, dir);
});

test("stdio: every tool through pls mcp", async () => {
  const dir = tempDir();
  const client = await stdioClient(dir);
  await exercise(client, dir);
});

test("stdio: --read-only lists no write tools and refuses them", async () => {
  const dir = tempDir();
  pls(dir, "create", "events");
  const client = await stdioClient(dir, "--read-only");
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), READ_TOOLS);
  const err = await callError(client, "plasmite_feed", { pool: "events", data: 1 });
  assert.equal(err.kind, "Permission");
  assert.equal((await callError(client, "plasmite_claim", { pool: "events", group: "g" })).kind, "Permission");
  assert.equal(JSON.parse(pls(dir, "info", "events", "--json")).pool.message_count, 0);
});

test("http: every tool through POST /mcp, with a token", async () => {
  const dir = tempDir();
  const tokenFile = join(tempDir(), "token");
  writeFileSync(tokenFile, "s3cret-token\n");
  const base = await serve(dir, "--token-file", tokenFile);
  const client = await httpClient(base, "s3cret-token");
  await exercise(client, dir);
});

test("http: a missing or wrong token is refused", async () => {
  const dir = tempDir();
  const tokenFile = join(tempDir(), "token");
  writeFileSync(tokenFile, "s3cret-token\n");
  const base = await serve(dir, "--token-file", tokenFile);
  for (const token of [undefined, "wrong"]) {
    const client = new Client({ name: "plasmite-tests", version: "1.0.0" });
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } });
    await assert.rejects(client.connect(transport), (e) => e.code === 401);
    await client.close();
  }
});

test("http: a read-only server lists no write tools", async () => {
  const dir = tempDir();
  pls(dir, "create", "events");
  pls(dir, "append", "events", '{"n":1}');
  const base = await serve(dir, "--access", "read-only");
  const client = await httpClient(base);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), READ_TOOLS);
  const read = await call(client, "plasmite_read", { pool: "events" });
  assert.deepEqual(
    read.messages.map((m) => m.data),
    [{ n: 1 }],
  );
  assert.equal((await callError(client, "plasmite_pool_delete", { pool: "events" })).kind, "Permission");
});
