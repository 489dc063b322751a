"use strict";
// Consumer groups through a real `pls serve`: RemotePool.group / consume,
// redelivery, dead letters, stale receipts, competing remote consumers, and
// a Node consumer killed with SIGKILL mid-work and restarted (every message
// acked exactly once in the group's books, as `pls group info --json`
// reports them).

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { RemoteClient, RemoteError, RemoteGroup, Delivery, Client } = require("plasmite");
const { tmpdir, projectDir, startServe, runNode, pls, run } = require("./support.js");

async function server(t, dir) {
  dir = dir ?? tmpdir(t);
  const srv = await startServe(t, dir);
  return { dir, ...srv, client: new RemoteClient(srv.url) };
}

async function rejectsKind(promise, kind, re) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof RemoteError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (re) assert.match(err.message, re);
    return true;
  });
}

test("remote: group, claim, ack, nack, extend, info, list; redelivery and stale receipts", async (t) => {
  const { client } = await server(t);
  await client.createPool("jobs");
  const pool = await client.openPool("jobs");
  await pool.append({ job: 1 });
  await pool.append({ job: 2 });
  const g = pool.group("w", { consumer: "node-1", leaseMs: 300 });
  assert.ok(g instanceof RemoteGroup);
  const [d] = await g.claim();
  assert.ok(d instanceof Delivery);
  assert.equal(d.seq, 1n);
  assert.equal(d.delivery, 1);
  assert.equal(d.receipt, "1.1");
  assert.deepEqual(d.data, { job: 1 });
  // Not acked: delivered again after the lease, delivery 2 (long-poll).
  const t0 = performance.now();
  const [d2] = await g.claimWait(1, { timeoutMs: 5000 });
  assert.equal(d2.seq, 2n, "new messages are not held back");
  const [again] = await g.claimWait(1, { timeoutMs: 5000 });
  assert.equal(again.seq, 1n);
  assert.equal(again.delivery, 2);
  assert.ok(performance.now() - t0 < 300 + 1000 + 500);
  await rejectsKind(d.ack(), "Busy", /lease lost/);
  assert.deepEqual(await g.ack([d]), [{ leaseLost: 2 }]);
  await rejectsKind(d.extend(1000), "Busy", /lease lost/);
  assert.equal(await again.ack(), "acked");
  assert.equal(await again.ack(), "already_acked");
  await d2.extend(5000);
  await d2.nack(200);
  assert.deepEqual(await g.claim(), [], "nacked with a delay");
  const [d3] = await g.claimWait(1, { timeoutMs: 5000 });
  assert.equal(d3.receipt, "2.2");
  assert.equal(await d3.ack(), "acked");
  const info = await g.info();
  assert.equal(info.acked, 2);
  assert.equal(info.pending, 0);
  assert.equal(info.lease_ms, 300);
  assert.ok(info.consumers.some((c) => c.name === "node-1"));
  assert.deepEqual((await pool.listGroups()).map((i) => i.name), ["w"]);
  assert.equal((await pool.groupInfo("w")).acked, 2);
  await rejectsKind(pool.groupInfo("nope"), "NotFound");
  // Delete: gone from the list, the messages stay; again: NotFound.
  const before = (await client.poolInfo("jobs")).message_count;
  assert.equal(before, 2);
  await pool.group("scratch", { leaseMs: 1000 }).info();
  assert.deepEqual((await pool.listGroups()).map((i) => i.name), ["scratch", "w"]);
  assert.equal(await pool.deleteGroup("scratch"), undefined);
  assert.deepEqual((await pool.listGroups()).map((i) => i.name), ["w"]);
  assert.equal((await client.poolInfo("jobs")).message_count, before);
  await rejectsKind(pool.deleteGroup("scratch"), "NotFound");
  assert.throws(() => pool.group(".bad"), (e) => e instanceof RemoteError && e.kind === "Usage");
  await rejectsKind(g.ack("99.1"), "NotFound");
});

test("remote: consume, max deliveries to the dead-letter pool, break and abort", async (t) => {
  const { client, dir } = await server(t);
  await client.createPool("jobs");
  const pool = await client.openPool("jobs");
  await pool.append({ job: "poison" });
  let n = 0;
  for await (const d of pool.consume("w", { maxDeliveries: 3, timeoutMs: 500 })) {
    n++;
    assert.equal(d.delivery, n);
    await d.nack();
  }
  assert.equal(n, 3);
  const info = await pool.groupInfo("w");
  assert.equal(info.dead, 1);
  assert.equal(info.max_deliveries, 3);
  const dead = await client.openPool("jobs.dead");
  const m = await dead.get(1);
  assert.equal(m.data.reason, "max-deliveries");
  assert.deepEqual(m.data.message.data, { job: "poison" });
  // break: the yielded delivery stays pending, the rest of the batch is released.
  for (let i = 0; i < 4; i++) await pool.append({ i });
  for await (const d of pool.consume("w", { batch: 4 })) {
    assert.equal(d.seq, 2n);
    break;
  }
  const after = await pool.groupInfo("w");
  assert.equal(after.nacked, 3 + 3);
  const rest = await pool.group("w").claim(10);
  assert.deepEqual(rest.map((d) => d.receipt), ["3.2", "4.2", "5.2"]);
  // abort while the long-poll waits.
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("stop")), 200);
  await assert.rejects(
    (async () => {
      for await (const d of pool.consume("w", { signal: ac.signal, leaseMs: 60000 })) await d.ack();
    })(),
    /stop/,
  );
  // The command reads the same books.
  const cli = JSON.parse(run(pls, ["group", "info", path.join(dir, "jobs.plasmite"), "w", "--json"]));
  assert.equal(cli.group.dead, 1);
});

test("remote: two Node consumer processes compete through the server, none twice", async (t) => {
  const dir = projectDir(t);
  const { client, url } = await server(t, path.join(dir, "served"));
  await client.createPool("jobs", 4 << 20);
  const local = new Client(path.join(dir, "served")).openPool("jobs");
  const N = 600;
  for (let i = 0; i < N; i++) local.append({ i });
  const worker = `
const { RemoteClient } = require("plasmite");
(async () => {
  const pool = await new RemoteClient(${JSON.stringify(url)}).openPool("jobs");
  const seen = [];
  for await (const d of pool.consume("workers", { consumer: process.argv[1], leaseMs: 60000, batch: 5, timeoutMs: 1500 })) {
    seen.push(String(d.seq));
    await d.ack();
  }
  process.stdout.write(seen.join("\\n"));
})();
`;
  const [ra, rb] = await Promise.all([runNode(dir, ["-e", worker, "a"], { timeoutMs: 90000 }), runNode(dir, ["-e", worker, "b"], { timeoutMs: 90000 })]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  const sa = ra.stdout.split("\n").filter(Boolean);
  const sb = rb.stdout.split("\n").filter(Boolean);
  assert.ok(sa.length > 0 && sb.length > 0, `both consumers got work (${sa.length} / ${sb.length})`);
  assert.equal(sa.length + sb.length, N, "no message delivered twice");
  assert.equal(new Set([...sa, ...sb]).size, N);
  const info = local.groupInfo("workers");
  assert.equal(info.acked, N);
  assert.equal(info.redelivered, 0);
});

test("remote kill test: a Node consumer killed with SIGKILL mid-work, restarted; every message acked once", async (t) => {
  const dir = projectDir(t);
  const served = path.join(dir, "served");
  const { client, url } = await server(t, served);
  await client.createPool("jobs", 4 << 20);
  const local = new Client(served).openPool("jobs");
  const N = 400;
  for (let i = 0; i < N; i++) local.append({ i });
  // Each run prints "acked SEQ" after each ack; it works slowly so the kill
  // lands mid-work (between claim and ack for some messages).
  const worker = `
const { RemoteClient } = require("plasmite");
(async () => {
  const pool = await new RemoteClient(${JSON.stringify(url)}).openPool("jobs");
  for await (const d of pool.consume("workers", { consumer: "node-" + process.pid, leaseMs: 2000, batch: 8, timeoutMs: 4000 })) {
    await new Promise((r) => setTimeout(r, 2));
    const r = await d.ack();
    process.stdout.write(r + " " + d.seq + "\\n");
  }
})();
`;
  const child = spawn(process.execPath, ["-e", worker], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  const deadline = Date.now() + 60000;
  while (out.split("\n").length < 60) {
    if (Date.now() > deadline) throw new Error(`the first consumer made no progress: ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill("SIGKILL");
  assert.equal((await exited).signal, "SIGKILL");
  const before = await client.openPool("jobs").then((p) => p.groupInfo("workers"));
  assert.ok(before.acked < N, "killed mid-work");
  assert.ok(before.pending > 0, `the killed consumer held leases (${before.pending})`);
  const second = await runNode(dir, ["-e", worker], { timeoutMs: 90000 });
  assert.equal(second.code, 0, second.stderr);
  const lines = (out + second.stdout).split("\n").filter((l) => l.startsWith("acked "));
  const seqs = lines.map((l) => l.split(" ")[1]);
  assert.equal(new Set(seqs).size, seqs.length, "no message acked twice by the consumers");
  const books = JSON.parse(run(pls, ["group", "info", path.join(served, "jobs.plasmite"), "workers", "--json"])).group;
  assert.equal(books.acked, N, "every message acked exactly once in the group's books");
  assert.equal(books.pending, 0);
  assert.equal(books.lag, 0);
  assert.equal(books.dead, 0);
  assert.ok(books.redelivered >= before.pending, "the killed consumer's leases were delivered again");
  assert.ok(seqs.length >= N - 1, "every ack but maybe one cut by the kill was seen by a consumer");
});
