"use strict";
// Issue 12: code written for the published `plasmite` package (its README at
// 0.8.0 and its typings) runs on this one. The README's two examples are
// exercised call for call (the same calls, arguments and printing; the
// package required by the name that README uses, `plasmite-node`, linked to
// this package), plus the published typings' forms the seed does not show:
// Client() without a directory, createPool without a size, numeric
// durabilities, bigint timeouts, Message fields, parseMessage, replay.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { tmpdir, projectDir, startServe, runNode, pkgRoot } = require("./support.js");

/** A project dir where both `plasmite` and `plasmite-node` resolve to this package. */
function publishedProject(t) {
  const dir = projectDir(t);
  fs.symlinkSync(pkgRoot, path.join(dir, "node_modules", "plasmite-node"), "dir");
  return dir;
}

test("published README, local usage: appendJson prints the envelope, getLite3(BigInt(1)) has a payload", async (t) => {
  const dir = publishedProject(t);
  const program = `
const { Client, Durability } = require("plasmite-node")
const client = new Client("./data")
const pool = client.createPool("docs", 64 * 1024 * 1024)
const payload = Buffer.from(JSON.stringify({ kind: "note", text: "hi" }))
const message = pool.appendJson(payload, ["note"], Durability.Fast)
console.log(message.toString("utf8"))
const frame = pool.getLite3(BigInt(1))
console.log(frame.payload.length)
pool.close()
client.close()
`;
  const r = await runNode(dir, ["-e", program]);
  assert.equal(r.code, 0, r.stderr);
  const [envelope, length] = r.stdout.trimEnd().split("\n");
  const env = JSON.parse(envelope);
  assert.equal(env.seq, 1);
  assert.deepEqual(env.meta, { tags: ["note"] });
  assert.deepEqual(env.data, { kind: "note", text: "hi" });
  assert.ok(Number(length) > 0);
});

test("published README, remote client: append prints seq and data, tail(...).next() the message, cancel()", async (t) => {
  const dir = publishedProject(t);
  const srv = await startServe(t, path.join(dir, "pools"));
  const { RemoteClient } = require("plasmite");
  await new RemoteClient(srv.url).createPool("docs", 1 << 20);
  const program = `
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { RemoteClient } = require("plasmite-node")
const client = new RemoteClient("${srv.url}")
const pool = await client.openPool("docs")
const message = await pool.append({ kind: "note", text: "hi" }, ["note"])
console.log(message.seq, message.data)
const tail = await pool.tail({
  sinceSeq: message.seq,
  tags: ["note"],
  maxMessages: 1,
  timeoutMs: 500,
})
console.log(await tail.next())
tail.cancel()
`;
  const r = await runNode(dir, ["--input-type=module", "-e", program]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "1n { kind: 'note', text: 'hi' }");
  assert.match(r.stdout, /Message \{\n {2}seq: 1n,/);
  assert.match(r.stdout, /data: \{ kind: 'note', text: 'hi' \}/);
});

test("published typings' forms: defaults, numeric durability, bigint timeouts, Message, parseMessage, replay, tail", async (t) => {
  const dir = publishedProject(t);
  const home = tmpdir(t);
  const program = `
const { Client, Durability, ErrorKind, Message, parseMessage, replay, DEFAULT_POOL_DIR, DEFAULT_POOL_SIZE } = require("plasmite-node");
(async () => {
  const client = new Client();
  const pool = client.pool("events");
  const made = client.createPool("other");
  const m = pool.append({ n: 1 }, ["a"], 1);
  pool.appendJson({ n: 2 }, ["b"], 0);
  const got = pool.get(1n);
  const parsed = parseMessage(pool.getJson(2));
  const out = [];
  for await (const x of pool.tail({ sinceSeq: 1, maxMessages: 2n, timeoutMs: 100n, tags: ["a"] })) out.push(Number(x.seq));
  for await (const x of replay(pool, { speed: 10, timeoutMs: 50n })) out.push(Number(x.seq));
  for (const buf of pool.openStream(1, 2, 100n)) out.push(JSON.parse(buf).seq);
  let kind;
  try { pool.get(99); } catch (e) { kind = e.kind === ErrorKind.NotFound; }
  console.log(JSON.stringify({
    dir: DEFAULT_POOL_DIR, size: DEFAULT_POOL_SIZE, isMessage: m instanceof Message && got instanceof Message,
    seq: typeof m.seq, time: m.time instanceof Date, rfc: typeof m.timeRfc3339, tags: got.tags, meta: got.meta,
    raw: Buffer.isBuffer(got.raw), parsed: parsed.data, out, kind, fast: Durability.Fast !== undefined,
  }));
  made.close(); pool.close(); client.close();
})();
`;
  const r = await runNode(dir, ["-e", program], { env: { HOME: home, PLASMITE_DIR: "" } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    dir: path.join(home, ".plasmite", "pools"),
    size: 1024 * 1024,
    isMessage: true,
    seq: "bigint",
    time: true,
    rfc: "string",
    tags: ["a"],
    meta: { tags: ["a"] },
    raw: true,
    parsed: { n: 2 },
    out: [1, 1, 2, 1, 2],
    kind: true,
    fast: true,
  });
  assert.ok(fs.existsSync(path.join(home, ".plasmite", "pools", "events.plasmite")));
});
