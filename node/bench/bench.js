#!/usr/bin/env node
"use strict";
// Throughput and latency of the addon (build it first: `npm run bench` does).
// Prints one line per figure with the target it is held to:
//   appendJson 256 B          >= 300,000 msg/s
//   nextJson over a full pool >= 1,000,000 msg/s
//   async iteration           >= 300,000 msg/s
//   append -> async follower wake-up, same process, p50 <= 100 us
//   pool.append(obj) 256 B    >= 500,000 msg/s (a Message back)
//   pool.get(seq)             >= 1,000,000 msg/s
//   for await (m of pool.tail()) over a full pool, lazy data >= 1,000,000 msg/s
//   consume + ack (consumer groups), batches of 100 and of 1, and
//   group.claim(100) + group.ack(all 100), append -> idle claimWait
//   latency: figures only (the library's own
//   targets are in `cargo bench --bench engine` / scripts/bench-groups)
// BENCH_ONLY=old runs just the figures an older package has (appendJson,
// nextJson, async iteration), to compare builds.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Client, Durability } = require("..");

const N = Number(process.env.BENCH_N ?? 300_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plasmite-bench-"));
const client = new Client(dir);

function report(name, count, ns, target) {
  const rate = count / (Number(ns) / 1e9);
  const goal = target === undefined ? "" : `   (target >= ${target.toLocaleString("en-US")})`;
  console.log(`${name.padEnd(34)} ${Math.round(rate).toLocaleString("en-US").padStart(12)} msg/s${goal}`);
  return rate;
}

function payload256() {
  const base = { kind: "event", user: "alice", n: 0, pad: "" };
  const len = Buffer.byteLength(JSON.stringify(base));
  base.pad = "x".repeat(256 - len);
  const b = Buffer.from(JSON.stringify(base));
  if (b.length !== 256) throw new Error(`payload is ${b.length} B`);
  return b;
}

async function main() {
  // A 64 MiB pool, filled once round so that every page is mapped (the
  // steady state of a pool in use) and the reads below cover a full ring.
  const pool = client.createPool("bench", 64 << 20);
  const msg = payload256();
  const tags = ["bench"];
  const warm = Number(process.env.BENCH_WARM ?? 250_000);
  for (let i = 0; i < warm; i++) pool.appendJson(msg, tags, Durability.Fast);

  // appendJson of 256 B, Fast.
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) pool.appendJson(msg, tags, Durability.Fast);
  report("appendJson 256 B (Fast)", N, process.hrtime.bigint() - t0, 300_000);
  const newest = JSON.parse(pool.appendJson(msg, tags, Durability.Fast)).seq;

  // nextJson over the full pool (every retained message).
  let s = pool.openStream();
  let count = 0;
  t0 = process.hrtime.bigint();
  while (s.nextJson() !== null) count++;
  const dt = process.hrtime.bigint() - t0;
  s.close();
  const total = count;
  if (total < 150_000) throw new Error(`only ${total} messages retained`);
  report(`nextJson over a full pool (${total})`, count, dt, 1_000_000);

  // for await over the full pool (max ends it once caught up).
  s = pool.openStream(newest - total + 1, total);
  count = 0;
  t0 = process.hrtime.bigint();
  for await (const m of s) {
    if (m) count++;
  }
  const dta = process.hrtime.bigint() - t0;
  if (count !== total) throw new Error(`iterated ${count} of ${total}`);
  report("async iteration (for await)", count, dta, 300_000);

  // Wake-up latency: a follower awaits next(); we append after it is parked.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2000);
  const follower = pool.openStream(newest + 1);
  const lat = [];
  for (let i = 0; i < rounds; i++) {
    const pending = follower.next();
    // Let the follower register its wait first (the common case: it was idle).
    await new Promise((r) => setImmediate(r));
    const t = process.hrtime.bigint();
    pool.appendJson(msg, tags, Durability.Fast);
    const got = await pending;
    lat.push(Number(process.hrtime.bigint() - t) / 1000);
    if (got === null) throw new Error("follower ended");
  }
  follower.close();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  console.log(
    `${"append -> async wake-up latency".padEnd(34)} p50 ${q(0.5)} us, p90 ${q(0.9)} us, p99 ${q(0.99)} us   (target p50 <= 100 us)`,
  );

  if (process.env.BENCH_ONLY !== "old") await messageLevel(pool, msg, tags);
  if (process.env.BENCH_ONLY !== "old") await groups(msg, tags);

  pool.close();
  client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function messageLevel(pool, msg, tags) {
  // pool.append(obj): serialize, append, a Message back.
  const obj = JSON.parse(msg);
  let t0 = process.hrtime.bigint();
  let last;
  for (let i = 0; i < N; i++) last = pool.append(obj, tags, Durability.Fast);
  report("pool.append(obj) 256 B (Fast)", N, process.hrtime.bigint() - t0, 500_000);
  const newest = last.seq;

  // pool.get(seq) over the retained range (seqs as numbers, as callers mostly pass them).
  const span = 100_000;
  const top = Number(newest);
  t0 = process.hrtime.bigint();
  let got = 0;
  for (let i = 0; i < N; i++) if (pool.get(top - (i % span)) !== null) got++;
  report("pool.get(seq)", N, process.hrtime.bigint() - t0, 1_000_000);
  if (got !== N) throw new Error("missing messages");

  // for await over pool.tail() across the whole pool (data never parsed).
  const oldest = JSON.parse(pool.openStream().nextJson()).seq;
  const total = Number(newest) - oldest + 1;
  let count = 0;
  t0 = process.hrtime.bigint();
  for await (const m of pool.tail({ maxMessages: total })) {
    if (m.seq > 0n) count++;
  }
  const dt = process.hrtime.bigint() - t0;
  if (count !== total) throw new Error(`tail gave ${count} of ${total}`);
  report(`for await pool.tail() (${total}, lazy)`, count, dt, 1_000_000);
}

async function groups(msg, tags) {
  // Consumer groups: each figure claims and acks M messages of 256 B from a
  // pool of its own (a new group each time, starting at the oldest).
  const M = Number(process.env.BENCH_GROUP_N ?? 100_000);
  const jobs = client.createPool("bench-jobs", 64 << 20);
  for (let i = 0; i < M; i++) jobs.appendJson(msg, tags, Durability.Fast);
  for (const batch of [100, 1]) {
    const name = `consume-${batch}`;
    jobs.group(name);
    let count = 0;
    const t0 = process.hrtime.bigint();
    for await (const d of jobs.consume(name, { batch, max: M })) {
      d.ack();
      count++;
    }
    const dt = process.hrtime.bigint() - t0;
    if (count !== M || jobs.groupInfo(name).acked !== M) throw new Error(`${name}: ${count} of ${M}`);
    report(`consume + ack, batch ${batch}`, count, dt);
  }
  const g = jobs.group("claim-100");
  let count = 0;
  const t0 = process.hrtime.bigint();
  while (count < M) {
    const got = g.claim(100);
    g.ack(got);
    count += got.length;
  }
  const dt = process.hrtime.bigint() - t0;
  if (g.info().acked !== M) throw new Error("claim-100: not all acked");
  report("group.claim(100) + ack(100)", count, dt);
  // An idle consumer: append -> the waiting claimWait resolves.
  const lat = [];
  for (let i = 0; i < Number(process.env.BENCH_ROUNDS ?? 2000) / 4; i++) {
    const pending = g.claimWait(1);
    await new Promise((r) => setImmediate(r));
    const t = process.hrtime.bigint();
    jobs.appendJson(msg, tags, Durability.Fast);
    const [d] = await pending;
    lat.push(Number(process.hrtime.bigint() - t) / 1000);
    d.ack();
  }
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  console.log(`${"append -> idle claimWait latency".padEnd(34)} p50 ${q(0.5)} us, p90 ${q(0.9)} us, p99 ${q(0.99)} us`);
  g.close();
  jobs.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
