"use strict";
// The conformance manifests of the repository (tests/conformance/*.json),
// run on two surfaces of this package: the local addon, and the remote
// client against a real `pls serve`. (The third runner, over the Rust
// library, is tests/conformance.rs.) Same steps, same expected results.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { Client, RemoteClient } = require("plasmite");
const { tmpdir, startServe, pkgRoot } = require("./support.js");

const manifestDir = path.resolve(pkgRoot, "..", "tests", "conformance");
const manifests = fs
  .readdirSync(manifestDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(manifestDir, f), "utf8")) }));

const pad = (step, i) => ({ i, pad: "x".repeat(step.pad ?? 0) });
const num = (v) => (v === null || v === undefined ? null : Number(v));

/** Runs `procs` node processes at once, each running `code(w)`; resolves when all exited 0. */
function processes(procs, code) {
  return Promise.all(
    Array.from({ length: procs }, (_, w) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", code(w)], { cwd: pkgRoot, stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (c) => (c === 0 ? resolve() : reject(new Error(`writer ${w} exited ${c}: ${err}`))));
      }),
    ),
  );
}

// The local surface: the addon.
function localSurface(dir) {
  const client = new Client(dir);
  const pools = new Map();
  const open = (name) => {
    if (!pools.has(name)) pools.set(name, client.openPool(name));
    return pools.get(name);
  };
  return {
    create: (s) => void pools.set(s.pool, client.createPool(s.pool, s.size)),
    append: (s) => ({ seq: num(open(s.pool).append(s.data, s.tags).seq) }),
    append_many: (s) => {
      const p = open(s.pool);
      for (let i = 1; i <= s.count; i++) p.append(pad(s, i));
    },
    get: (s) => {
      const m = open(s.pool).get(s.seq);
      return { seq: num(m.seq), tags: [...m.tags], data: m.data };
    },
    tail: async (s) => {
      const out = [];
      const opts = { sinceSeq: s.since_seq, maxMessages: s.max, tags: s.tags, where: s.where, errorOnGap: s.error_on_gap, timeoutMs: 50 };
      for await (const m of open(s.pool).tail(opts)) out.push(num(m.seq));
      return { seqs: out };
    },
    info: (s) => {
      const i = client.poolInfo(s.pool);
      return { oldest: num(i.oldest), newest: num(i.newest), count: i.messageCount };
    },
    list: () => ({ names: client.listPools().map((i) => i.name) }),
    delete: (s) => {
      pools.get(s.pool)?.close();
      pools.delete(s.pool);
      client.deletePool(s.pool);
    },
    multi_append: (s) =>
      processes(
        s.procs,
        (w) => `const p = new (require(${JSON.stringify(pkgRoot)}).Client)(${JSON.stringify(dir)}).openPool(${JSON.stringify(s.pool)});
          for (let i = 0; i < ${s.each}; i++) p.append({ w: ${w}, i });`,
      ),
    all: async (pool) => {
      const out = [];
      for await (const m of open(pool).tail({ timeoutMs: 50 })) out.push(m.data);
      return out;
    },
  };
}

// The remote surface: RemoteClient against `pls serve`.
function remoteSurface(url) {
  const client = new RemoteClient(url);
  const open = (name) => client.openPool(name);
  return {
    create: async (s) => void (await client.createPool(s.pool, s.size)),
    append: async (s) => ({ seq: num((await (await open(s.pool)).append(s.data, s.tags)).seq) }),
    append_many: async (s) => {
      const p = await open(s.pool);
      for (let i = 1; i <= s.count; i++) await p.append(pad(s, i));
    },
    get: async (s) => {
      const m = await (await open(s.pool)).get(s.seq);
      return { seq: num(m.seq), tags: [...m.tags], data: m.data };
    },
    tail: async (s) => {
      const out = [];
      const opts = { sinceSeq: s.since_seq, maxMessages: s.max, tags: s.tags, where: s.where, errorOnGap: s.error_on_gap, timeoutMs: 200 };
      for await (const m of (await open(s.pool)).tail(opts)) out.push(num(m.seq));
      return { seqs: out };
    },
    info: async (s) => {
      const i = await client.poolInfo(s.pool);
      return { oldest: num(i.bounds.oldest), newest: num(i.bounds.newest), count: i.message_count };
    },
    list: async () => ({ names: (await client.listPools()).map((i) => i.name) }),
    delete: (s) => client.deletePool(s.pool),
    multi_append: (s) =>
      processes(
        s.procs,
        (w) => `(async () => { const p = await new (require(${JSON.stringify(pkgRoot)}).RemoteClient)(${JSON.stringify(url)}).openPool(${JSON.stringify(s.pool)});
          for (let i = 0; i < ${s.each}; i++) await p.append({ w: ${w}, i }); })().catch((e) => { console.error(e); process.exit(1); });`,
      ),
    all: async (pool) => {
      const out = [];
      for await (const m of (await open(pool)).tail({ timeoutMs: 200 })) out.push(m.data);
      return out;
    },
  };
}

async function runManifest(surface, manifest) {
  for (const [n, step] of manifest.steps.entries()) {
    const where = `${manifest.file} step ${n + 1} (${JSON.stringify(step)})`;
    let result;
    let error = null;
    try {
      result = await surface[step.op](step);
    } catch (err) {
      error = err;
    }
    if (step.error) {
      assert.ok(error, `${where}: expected a ${step.error.kind} error, got ${JSON.stringify(result)}`);
      assert.equal(error.kind, step.error.kind, `${where}: ${error.message}`);
      for (const frag of step.error.contains ?? []) assert.ok(error.message.includes(frag), `${where}: message ${JSON.stringify(error.message)} lacks ${frag}`);
      if (step.error.seq !== undefined) assert.equal(error.seq, step.error.seq, where);
      continue;
    }
    if (error) throw new Error(`${where}: ${error.kind}: ${error.message}`, { cause: error });
    const expect = step.expect;
    if (!expect) continue;
    if (step.op === "multi_append") {
      const all = (await surface.all(step.pool)).filter((d) => d && typeof d.w === "number");
      assert.equal(all.length, expect.count, where);
      const next = new Array(step.procs).fill(0);
      for (const d of all) {
        assert.equal(d.i, next[d.w], `${where}: writer ${d.w} out of order`);
        next[d.w]++;
      }
      continue;
    }
    if (step.op === "tail" && expect.seqs.includes("oldest")) {
      const oldest = (await surface.info({ pool: step.pool })).oldest;
      assert.deepEqual(result, { seqs: expect.seqs.map((s) => (s === "oldest" ? oldest : s)) }, where);
      continue;
    }
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(result[k], v, `${where}: ${k}`);
  }
}

for (const manifest of manifests) {
  test(`conformance ${manifest.file}: the local addon`, async (t) => {
    await runManifest(localSurface(tmpdir(t)), manifest);
  });

  test(`conformance ${manifest.file}: the remote client against pls serve`, async (t) => {
    const srv = await startServe(t, tmpdir(t));
    await runManifest(remoteSurface(srv.url), manifest);
  });
}
