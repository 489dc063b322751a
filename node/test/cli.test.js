"use strict";
// The package's CLI (bin/plasmite.js -> the shipped pls binary) and the
// cross-process contract: what pls writes Node reads, and the reverse.

const test = require("node:test");
const assert = require("node:assert/strict");
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { Client, Durability } = require("plasmite");
const { tmpdir, projectDir, pls, shim, freePort, readmeBlocks, runNode } = require("./support.js");

// The data of an envelope from getJson, as the exact text stored.
const dataText = (b) => {
  const s = b.toString();
  return s.slice(s.indexOf(',"data":') + 8, -1);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  if (r.error) throw r.error;
  return r;
}

test("a message appended by pls is read by Node, and the reverse", (t) => {
  const dir = tmpdir(t);
  let r = run(pls, ["--dir", dir, "create", "events"]);
  assert.equal(r.status, 0, r.stderr);
  r = run(pls, ["--dir", dir, "append", "events", '{"from": "pls", "n": [1, 2]}', "-t", "cli"]);
  assert.equal(r.status, 0, r.stderr);
  const client = new Client(dir);
  const pool = client.openPool("events");
  assert.equal(dataText(pool.getJson(1)), '{"from":"pls","n":[1,2]}');
  const env = JSON.parse(pool.appendJson(Buffer.from('{"from":"node"}'), ["js"], Durability.Flush));
  assert.equal(env.seq, 2);
  r = run(pls, ["--dir", dir, "get", "events", "2", "--format", "jsonl"]);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(got, env);
  // Streams of many messages cross too.
  const input = Array.from({ length: 100 }, (_, i) => JSON.stringify({ i })).join("\n") + "\n";
  r = run(pls, ["--dir", dir, "append", "events", "--quiet"], { input });
  assert.equal(r.status, 0, r.stderr);
  const seqs = [...pool.openStream(3)].map((b) => JSON.parse(b).data.i);
  assert.deepEqual(seqs, Array.from({ length: 100 }, (_, i) => i));
  r = run(pls, ["--dir", dir, "tail", "events", "-n", "1", "--format", "jsonl"]);
  assert.equal(JSON.parse(r.stdout).data.i, 99);
  pool.close();
  client.close();
});

test("the plasmite and pls bins run the same CLI: --version, help, exit codes, stdin", (t) => {
  const dir = tmpdir(t);
  const direct = run(pls, ["--version"]);
  const viaShim = run(process.execPath, [shim, "--version"]);
  assert.equal(viaShim.status, 0);
  assert.equal(viaShim.stdout, direct.stdout);
  assert.match(viaShim.stdout, /^pls \d+\.\d+\.\d+/);
  const pkg = require("../package.json");
  assert.equal(pkg.bin.plasmite, "bin/plasmite.js");
  assert.equal(pkg.bin.pls, "bin/plasmite.js");
  assert.match(run(process.execPath, [shim, "--help"]).stdout, /serve/);
  // Exit codes pass through.
  const missingDirect = run(pls, ["--dir", dir, "get", "nope", "1"]);
  const missingShim = run(process.execPath, [shim, "--dir", dir, "get", "nope", "1"]);
  assert.notEqual(missingShim.status, 0);
  assert.equal(missingShim.status, missingDirect.status);
  assert.equal(missingShim.stderr, missingDirect.stderr);
  // stdin passes through.
  run(process.execPath, [shim, "--dir", dir, "create", "p"]);
  const r = run(process.execPath, [shim, "--dir", dir, "append", "p", "--quiet"], { input: '{"a":1}\n{"a":2}\n' });
  assert.equal(r.status, 0, r.stderr);
  const pool = new Client(dir).openPool("p");
  assert.equal(dataText(pool.getJson(2)), '{"a":2}');
  pool.close();
});

test("npx-style `plasmite serve ./data --port N` serves, and stops on SIGTERM", async (t) => {
  const dir = projectDir(t);
  const port = await freePort();
  const [, serveLine] = readmeBlocks("bash").find((b) => b.includes("npx plasmite serve")).trim().split("\n");
  assert.equal(serveLine, "npx plasmite serve ./data --port 9700");
  const args = serveLine.split(" ").slice(2).map((a) => (a === "9700" ? String(port) : a));
  const child = spawn(process.execPath, [shim, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  t.after(() => child.kill("SIGKILL"));
  let ok = false;
  for (let i = 0; i < 200 && !ok; i++) {
    try {
      ok = (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  assert.ok(ok, "server did not come up");
  const res = await fetch(`http://127.0.0.1:${port}/v0/pools`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pool: "events" }),
  });
  assert.equal(res.status, 200);
  assert.ok(fs.existsSync(path.join(dir, "data", "events.plasmite")));
  child.kill("SIGTERM");
  const { code, signal } = await exited;
  assert.ok(code !== null || signal === "SIGTERM", `exit ${code} ${signal}`);
  // The server (pls) is gone too: nothing listens any more.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
});

test("README: error handling and following examples run as written", async (t) => {
  const dir = projectDir(t);
  const blocks = readmeBlocks();
  // The quick start makes ./data/events with message 1.
  let r = await runNode(dir, ["-e", blocks[0]]);
  assert.equal(r.code, 0, r.stderr);
  const errors = blocks.find((b) => b.includes("pool.getJson(999n)"));
  r = await runNode(dir, [
    "-e",
    'const { Client, PlasmiteNativeError } = require("plasmite");\nconst pool = new Client("./data").openPool("events");\n' + errors,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "NotFound\n999\n");
  const following = blocks.find((b) => b.includes("for await (const buf of pool.openStream(null, null, 1000))"));
  r = await runNode(dir, ["-e", following]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "1\n{ kind: 'signup', user: 'alice' }\n{ kind: 'late' }\n");
});
