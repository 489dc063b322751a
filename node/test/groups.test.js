"use strict";
// Consumer groups from Node on local pools (the real addon): competing
// consumers in two processes, redelivery after a lease, dead letters,
// stale receipts, break/abort, and the pieces (group, claim, ack, nack,
// extend, info, list, delete).

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { Client, Delivery, Group, Message, PlasmiteNativeError } = require("plasmite");
const { tmpdir, projectDir, runNode, pls, run } = require("./support.js");

async function within(ms, what, check) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function throwsKind(fn, kind, re) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof PlasmiteNativeError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (re) assert.match(err.message, re);
    return true;
  });
}

test("competing consumers in two Node processes share the messages, none twice", async (t) => {
  const dir = projectDir(t);
  const client = new Client(path.join(dir, "pools"));
  const pool = client.pool("jobs", 8 << 20);
  const N = 3000;
  for (let i = 0; i < N; i++) pool.append({ i });
  const go = path.join(dir, "go");
  const worker = `
const fs = require("node:fs");
const { Client } = require("plasmite");
(async () => {
  const pool = new Client("./pools").openPool("jobs");
  while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
  const seen = [];
  for await (const d of pool.consume("workers", { consumer: process.argv[1], leaseMs: 60000, batch: 10, timeoutMs: 1000 })) {
    seen.push(String(d.seq));
    if (seen.length % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    d.ack();
  }
  process.stdout.write(seen.join("\\n"));
})();
`;
  const a = runNode(dir, ["-e", worker, "a"], { timeoutMs: 90000 });
  const b = runNode(dir, ["-e", worker, "b"], { timeoutMs: 90000 });
  await new Promise((r) => setTimeout(r, 300));
  fs.writeFileSync(go, "");
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  const sa = ra.stdout.split("\n").filter(Boolean);
  const sb = rb.stdout.split("\n").filter(Boolean);
  assert.ok(sa.length > 0 && sb.length > 0, `both consumers got work (${sa.length} / ${sb.length})`);
  const all = new Set([...sa, ...sb]);
  assert.equal(sa.length + sb.length, N, "no message delivered twice");
  assert.equal(all.size, N, "every message delivered");
  const info = pool.groupInfo("workers");
  assert.equal(info.acked, N);
  assert.equal(info.pending, 0);
  assert.equal(info.redelivered, 0);
  assert.deepEqual(info.consumers.map((c) => c.name).sort(), ["a", "b"]);
});

test("an un-acked message is redelivered after its lease, delivery 2", async (t) => {
  const pool = new Client(tmpdir(t)).pool("jobs");
  pool.append({ job: 1 });
  const g = pool.group("w", { leaseMs: 300 });
  assert.ok(g instanceof Group);
  const [first] = g.claim();
  assert.ok(first instanceof Delivery && first instanceof Message);
  assert.equal(first.delivery, 1);
  assert.equal(first.receipt, "1.1");
  assert.deepEqual(first.data, { job: 1 });
  assert.deepEqual(g.claim(), [], "leased: nobody else gets it");
  const t0 = performance.now();
  const [again] = await g.claimWait(1, { timeoutMs: 5000 });
  const took = performance.now() - t0;
  assert.equal(again.seq, 1n);
  assert.equal(again.delivery, 2);
  assert.equal(again.receipt, "1.2");
  assert.ok(took < 300 + 1000, `redelivered within lease + 1 s (${took} ms)`);
  assert.deepEqual(again.toJSON().delivery, 2);
  assert.equal(again.ack(), "acked");
  assert.equal(g.info().redelivered, 1);
});

test("a stale receipt's ack is refused: Busy, lease lost", async (t) => {
  const pool = new Client(tmpdir(t)).pool("jobs");
  pool.append({ job: 1 });
  const g = pool.group("w");
  const [old] = g.claim(1, { leaseMs: 50 });
  const [now] = await g.claimWait(1, { timeoutMs: 5000 });
  assert.equal(now.delivery, 2);
  throwsKind(() => old.ack(), "Busy", /lease lost/);
  throwsKind(() => old.extend(1000), "Busy", /lease lost/);
  assert.deepEqual(g.ack([old]), [{ leaseLost: 2 }]);
  assert.equal(now.ack(), "acked");
  assert.equal(now.ack(), "already_acked", "acks are idempotent");
  assert.equal(g.info().acked, 1);
});

test("max deliveries send the message to the dead-letter pool", async (t) => {
  const dir = tmpdir(t);
  const client = new Client(dir);
  const pool = client.pool("jobs");
  pool.append({ job: "poison" }, ["x"]);
  const g = pool.group("w", { maxDeliveries: 2 });
  for (let n = 1; n <= 2; n++) {
    const [d] = g.claim();
    assert.equal(d.delivery, n);
    d.nack();
  }
  assert.deepEqual(g.claim(), [], "dead-lettered instead of a third delivery");
  const info = g.info();
  assert.equal(info.dead, 1);
  assert.equal(info.dead_letter, "jobs.dead");
  const dead = [...client.openPool("jobs.dead").openStream()].map((b) => JSON.parse(b));
  assert.equal(dead.length, 1);
  assert.equal(dead[0].data.reason, "max-deliveries");
  assert.equal(dead[0].data.group, "w");
  assert.equal(dead[0].data.deliveries, 2);
  assert.deepEqual(dead[0].data.message.data, { job: "poison" });
  assert.deepEqual(dead[0].meta.tags, ["dead-letter"]);
});

test("consume: an async iterator; break keeps the yielded delivery pending, nacks the rest", async (t) => {
  const pool = new Client(tmpdir(t)).pool("jobs");
  for (let i = 1; i <= 5; i++) pool.append({ i });
  const got = [];
  for await (const d of pool.consume("w", { batch: 5, leaseMs: 60000 })) {
    got.push(d);
    break;
  }
  assert.equal(got.length, 1);
  const g = pool.group("w");
  const info = g.info();
  assert.equal(info.nacked, 4, "the four claimed but never yielded were released");
  assert.equal(info.pending, 5, "none acked: the one in hand and the four released ones");
  assert.equal(info.consumers.reduce((n, c) => n + c.pending, 0), 1, "one lease held: the delivery in hand");
  const rest = g.claim(10);
  assert.deepEqual(
    rest.map((d) => [Number(d.seq), d.delivery]),
    [
      [2, 2],
      [3, 2],
      [4, 2],
      [5, 2],
    ],
  );
  assert.deepEqual(g.ack(rest), ["acked", "acked", "acked", "acked"]);
  assert.equal(got[0].ack(), "acked", "still acked after the loop ended");
  // max and timeoutMs end it.
  for (let i = 0; i < 3; i++) pool.append({ more: i });
  const two = [];
  for await (const d of pool.consume("w", { max: 2 })) two.push(d.ack());
  assert.deepEqual(two, ["acked", "acked"]);
  const t0 = performance.now();
  const last = [];
  for await (const d of pool.consume("w", { timeoutMs: 200 })) last.push(d.ack());
  assert.deepEqual(last, ["acked"]);
  assert.ok(performance.now() - t0 >= 190);
});

test("consume waits on a native thread: the event loop runs, an append wakes it, abort ends it", async (t) => {
  const pool = new Client(tmpdir(t)).pool("jobs");
  const ticks = { n: 0 };
  const timer = setInterval(() => ticks.n++, 5);
  t.after(() => clearInterval(timer));
  setTimeout(() => pool.append({ late: true }), 300);
  const t0 = performance.now();
  const it = pool.consume("w", { timeoutMs: 10000 });
  const { value } = await it.next();
  assert.deepEqual(value.data, { late: true });
  assert.ok(performance.now() - t0 < 5000);
  assert.ok(ticks.n >= 10, `the event loop kept running (${ticks.n} ticks)`);
  value.ack();
  await it.return();
  // Abort while waiting: rejects with the reason, claims nothing.
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("stop")), 200);
  await assert.rejects(
    (async () => {
      for await (const d of pool.consume("w", { signal: ac.signal })) d.ack();
    })(),
    /stop/,
  );
  const g = pool.group("w");
  await within(5000, "the cancelled claim to end", () => true);
  assert.equal(g.info().pending, 0);
  pool.append({ after: true });
  await within(5000, "the message after the abort", () => {
    const [d] = g.claim();
    if (d) {
      assert.equal(d.delivery, 1, "the aborted claim took nothing");
      return true;
    }
    return false;
  });
  // Abort one wait of a handle, then wait again on it: the new wait is not
  // held up by the aborted one.
  const stop = new AbortController();
  const waiting = g.claimWait(1, { signal: stop.signal });
  await new Promise((r) => setTimeout(r, 50));
  stop.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  const t1 = performance.now();
  const next = g.claimWait(1, { timeoutMs: 20000 });
  setTimeout(() => pool.append({ again: true }), 50);
  const [fresh] = await next;
  assert.deepEqual(fresh.data, { again: true });
  assert.ok(performance.now() - t1 < 10000, "the second wait was served");
  fresh.ack();
  // An aborted signal before starting.
  const done = new AbortController();
  done.abort(new Error("already"));
  await assert.rejects(g.claimWait(1, { signal: done.signal }), /already/);
});

test("nack with delay, extend, info, list, groupInfo, delete, errors", async (t) => {
  const dir = tmpdir(t);
  const pool = new Client(dir).pool("jobs");
  pool.append({ a: 1 });
  const g = pool.group("w", { consumer: "me", leaseMs: 200, maxDeliveries: 7, protect: true, start: "oldest" });
  assert.equal(g.name, "w");
  const [d] = g.claim();
  d.extend(5000);
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(g.claim(), [], "the extended lease holds past the group's 200 ms");
  d.nack(300);
  assert.deepEqual(g.claim(), [], "a nack with a delay keeps it back");
  const [d2] = await g.claimWait(1, { timeoutMs: 5000 });
  assert.equal(d2.delivery, 2);
  assert.equal(d2.ack(), "acked");
  const info = g.info();
  assert.equal(info.name, "w");
  assert.equal(info.max_deliveries, 7);
  assert.equal(info.protect, true);
  assert.equal(info.lease_ms, 200);
  assert.equal(info.consumers[0].name, "me");
  pool.group("other", { start: "new" });
  assert.deepEqual(pool.groupNames(), ["other", "w"]);
  assert.deepEqual(pool.listGroups().map((i) => i.name), ["other", "w"]);
  assert.equal(pool.groupInfo("w").acked, 1);
  // The command sees the same books.
  const cli = JSON.parse(run(pls, ["group", "info", path.join(dir, "jobs.plasmite"), "w", "--json"]));
  assert.equal(cli.group.acked, 1);
  assert.equal(pool.deleteGroup("other"), undefined);
  assert.deepEqual(pool.groupNames(), ["w"]);
  throwsKind(() => pool.groupInfo("other"), "NotFound");
  throwsKind(() => pool.group("other", { create: false }), "NotFound");
  throwsKind(() => pool.group(".bad"), "Usage");
  throwsKind(() => pool.group("w", { gapPolicy: "maybe" }), "Usage");
  throwsKind(() => pool.group("w", { leaseMs: -1 }), "Usage");
  throwsKind(() => g.claim(0), "Usage");
  throwsKind(() => g.ack("nope"), "Usage");
  throwsKind(() => g.ack("99.1"), "NotFound");
  assert.throws(() => pool.consume("w", { batch: 0 }), (e) => e.kind === "Usage");
  g.close();
  throwsKind(() => g.claim(), "Usage", /closed/);
});

test("README: the work-queue example runs as written", async (t) => {
  const dir = projectDir(t);
  const { readmeBlocks } = require("./support.js");
  const block = readmeBlocks().find((b) => b.includes('pool.consume("workers"'));
  assert.ok(block, "the README has the work-queue example");
  const r = await runNode(dir, ["-e", block]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), ["doing 1 delivery 1", "doing 2 delivery 1", "2"]);
});

test("protect: appends that would overwrite un-acked work fail with Busy; acking frees room", (t) => {
  const pool = new Client(tmpdir(t)).createPool("small", 64 * 1024);
  const g = pool.group("keep", { protect: true });
  let err = null;
  let n = 0;
  for (; n < 10000 && err === null; n++) {
    try {
      pool.append({ n, pad: "x".repeat(200) });
    } catch (e) {
      err = e;
    }
  }
  assert.ok(err instanceof PlasmiteNativeError, "an append was refused");
  assert.equal(err.kind, "Busy");
  assert.match(err.message, /protected group "keep"/);
  assert.ok(err.hint);
  const all = g.claim(10000);
  assert.equal(all.length, n - 1, "nothing was dropped");
  assert.ok(g.ack(all).every((r) => r === "acked"));
  assert.equal(pool.append({ after: true }).data.after, true);
});

test("a Node consumer and `pls consume --exec` compete for one group, none twice", async (t) => {
  const dir = projectDir(t);
  const poolPath = path.join(dir, "pools", "jobs.plasmite");
  const pool = new Client(path.join(dir, "pools")).pool("jobs", 4 << 20);
  const N = 400;
  for (let i = 0; i < N; i++) pool.append({ i });
  const out = path.join(dir, "pls-acked");
  const { spawn } = require("node:child_process");
  const cli = spawn(pls, ["consume", poolPath, "--group", "mixed", "--consumer", "pls", "--lease", "60s", "--timeout", "2s", "--exec", `echo $PLS_SEQ >> ${JSON.stringify(out)}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let cliErr = "";
  cli.stderr.on("data", (d) => (cliErr += d));
  const cliDone = new Promise((r) => cli.on("exit", (code) => r(code)));
  t.after(() => cli.exitCode === null && cli.kill("SIGKILL"));
  const worker = `
const { Client } = require("plasmite");
(async () => {
  const pool = new Client("./pools").openPool("jobs");
  const seen = [];
  for await (const d of pool.consume("mixed", { consumer: "node", leaseMs: 60000, timeoutMs: 2000 })) {
    seen.push(String(d.seq));
    await new Promise((r) => setTimeout(r, 1));
    d.ack();
  }
  process.stdout.write(seen.join("\\n"));
})();
`;
  const node = await runNode(dir, ["-e", worker], { timeoutMs: 120000 });
  assert.equal(node.code, 0, node.stderr);
  assert.equal(await cliDone, 124, cliErr); // --timeout: ended without a message
  const byNode = node.stdout.split("\n").filter(Boolean);
  const byPls = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter(Boolean) : [];
  assert.ok(byNode.length > 0 && byPls.length > 0, `both got work (node ${byNode.length}, pls ${byPls.length})`);
  assert.equal(byNode.length + byPls.length, N, "no message delivered twice");
  assert.equal(new Set([...byNode, ...byPls]).size, N);
  const info = pool.groupInfo("mixed");
  assert.equal(info.acked, N);
  assert.equal(info.redelivered, 0);
});
