// Uses every export of the package as a TypeScript user would; `tsc --noEmit`
// (npm test) fails when types.d.ts and this use disagree. Never run.
import {
  Client,
  Durability,
  ErrorKind,
  Lite3Stream,
  PlasmiteNativeError,
  Pool,
  RemoteClient,
  RemoteError,
  RemotePool,
  RemoteTail,
  Stream,
  Message,
  parseMessage,
  replay,
  DEFAULT_POOL_DIR,
  DEFAULT_POOL_SIZE,
  DEFAULT_POOL_SIZE_BYTES,
  type LocalTailOptions,
  type ReplayOptions,
  type StreamOptions,
  type MessageEnvelope,
  type MessageMeta,
  type PointLike,
  type RemotePoolMetrics,
  type RemoteTailOptions,
  type Lite3Frame,
  type RemoteMessage,
  type RemotePoolInfo,
  type SeqLike,
  Delivery,
  Group,
  RemoteGroup,
  type GroupOptions,
  type ConsumeOptions,
  type ClaimOptions,
  type AckResult,
  type GroupInfo,
  type Receipt,
} from "plasmite";

async function groups(): Promise<void> {
  const pool: Pool = new Client("./data").pool("jobs");
  const opts: GroupOptions = { consumer: "w1", leaseMs: 30000, maxDeliveries: 5, deadLetter: "jobs.dead", protect: true, gapPolicy: "error", start: "new" };
  const g: Group = pool.group("workers", opts);
  const claimOpts: ClaimOptions = { leaseMs: 1000 };
  const now: Delivery<{ n: number }>[] = g.claim<{ n: number }>(10, claimOpts);
  const waited: Delivery[] = await g.claimWait(1, { timeoutMs: 100, signal: AbortSignal.timeout(1000) });
  const r: Receipt = now[0];
  const one: "acked" | "already_acked" = g.ack(r);
  const many: AckResult[] = g.ack(["1.1", 2, 3n]);
  g.nack(now[0], 100);
  g.extend("1.1", 5000);
  const info: GroupInfo = g.info();
  const pending: number = info.pending;
  const names: string[] = pool.groupNames();
  const list: GroupInfo[] = pool.listGroups();
  pool.groupInfo("workers");
  pool.deleteGroup("workers");
  const copts: ConsumeOptions = { batch: 100, max: 1000, timeoutMs: 500, signal: AbortSignal.timeout(1000), leaseMs: 1000 };
  for await (const d of pool.consume<{ n: number }>("workers", copts)) {
    const n: number = d.data.n;
    const k: number = d.delivery;
    const rc: string = d.receipt;
    d.extend(1000);
    d.ack();
    break;
  }
  const remote: RemotePool = await new RemoteClient("http://127.0.0.1:9700").openPool("jobs");
  const rg: RemoteGroup = remote.group("workers", { consumer: "w2" });
  const got: Delivery[] = await rg.claim(10, { leaseMs: 1000, timeoutMs: 1000 });
  const acked: "acked" | "already_acked" = await rg.ack(got[0]);
  const rmany: AckResult[] = await rg.ack(got);
  await rg.nack(got[0], 10);
  await rg.extend(got[0]);
  const rinfo: GroupInfo = await rg.info();
  const rlist: GroupInfo[] = await remote.listGroups();
  await remote.groupInfo("workers");
  const deleted: void = await remote.deleteGroup("workers");
  void deleted;
  for await (const d of remote.consume("workers", { batch: 10, timeoutMs: 100 })) {
    await d.ack();
  }
  g.close();
  void [waited, one, many, pending, names, list, rmany, acked, rinfo, rlist];
}
void groups;

async function local(): Promise<void> {
  const client: Client = new Client("./data");
  const pool: Pool = client.createPool("events", 64 * 1024 * 1024);
  const again: Pool = client.openPool("events");
  const big: Pool = client.createPool("big", 1n << 26n);
  const env: Buffer = pool.appendJson(Buffer.from("{}"), ["a"], Durability.Flush);
  pool.appendJson(new Uint8Array([49]), [], Durability.Fast);
  pool.appendJson(Buffer.from("1"));
  const seq: bigint = pool.appendLite3(Buffer.alloc(4), Durability.Fast);
  const data: Buffer = pool.getJson(1n);
  pool.getJson(1);
  const f: Lite3Frame = pool.getLite3(seq);
  const fields: [bigint, bigint, number, Buffer] = [f.seq, f.timestampNs, f.flags, f.payload];

  const s: Stream = pool.openStream();
  const s2: Stream = pool.openStream(1n, 10, 500, { tags: ["a"], signal: AbortSignal.timeout(1000) });
  pool.openStream(null, null, null);
  const b: Buffer | null = s.nextJson();
  const a: Buffer | null = await s2.next();
  await s2.next({ signal: new AbortController().signal });
  for await (const m of s2) {
    const x: Buffer = m;
    break;
  }
  for (const m of s) {
    const x: Buffer = m;
  }
  s.close();

  const l: Lite3Stream = pool.openLite3Stream(0, 1, 100);
  const lf: Lite3Frame | null = l.next();
  const la: Lite3Frame | null = await l.nextAsync();
  for await (const fr of l) {
    const x: bigint = fr.seq;
  }
  for (const fr of l) {
    const x: Buffer = fr.payload;
  }
  l.close();

  try {
    pool.getJson(999n);
  } catch (err) {
    if (err instanceof PlasmiteNativeError) {
      const k: ErrorKind = err.kind;
      const isNotFound: boolean = err.kind === ErrorKind.NotFound;
      const q: number | undefined = err.seq;
      const p: string | undefined = err.path;
      const o: number | undefined = err.offset;
      const h: string | undefined = err.hint;
      const m: string = err.message;
    }
  }
  const made = new PlasmiteNativeError("x", { kind: ErrorKind.Usage, seq: 1 });
  const d: Durability = Durability.Fast;
  const n: SeqLike = 1n;
  pool.close();
  again.close();
  big.close();
  client.close();
  void [env, data, fields, b, a, lf, la, made, d, n];
}

async function remote(): Promise<void> {
  const client = new RemoteClient("http://127.0.0.1:9700");
  const authed: RemoteClient = new RemoteClient("http://127.0.0.1:9700", { token: "secret" }).withToken("other");
  const url: string = client.url;
  const info: RemotePoolInfo = await client.createPool("events", 1 << 20);
  const oldest: number | null = info.bounds.oldest ?? null;
  const pool: RemotePool = await client.openPool("events");
  const same: RemotePoolInfo = await client.poolInfo("events");
  const all: RemotePoolInfo[] = await client.listPools();
  const message: RemoteMessage<{ kind: string }> = await pool.append({ kind: "deploy", sha: "abc123" }, ["ops"]);
  await pool.append([1, 2], null, Durability.Flush);
  const seq: bigint = message.seq;
  const kind: string = message.data.kind;
  const got: RemoteMessage = await pool.get(1);
  await pool.get(1n);
  const tail: RemoteTail = await pool.tail({ sinceSeq: 0, maxMessages: 100, timeoutMs: 5000, tags: ["signup"], signal: AbortSignal.timeout(10) });
  const opts: RemoteTailOptions = { errorOnGap: true, where: ".data.n > 1", since: "5m", until: new Date() };
  const direct: RemoteTail = pool.tail(opts);
  for await (const m of pool.tail({ since: new Date(), where: ["true"] })) {
    const s: bigint = m.seq;
  }
  direct[Symbol.dispose]();
  await direct[Symbol.asyncDispose]();
  const name: string = pool.pool;
  const ref: string = pool.poolRef();
  const base: URL = client.baseUrl;
  const lseq: bigint = await pool.appendLite3(Buffer.alloc(4), Durability.Flush);
  const lframe: Lite3Frame = await pool.getLite3(lseq);
  const metrics: RemotePoolMetrics | null = info.metrics;
  const used: number | null | undefined = info.metrics?.utilization.used_bytes;
  pool[Symbol.dispose]();
  client[Symbol.dispose]();
  void [name, ref, base, lframe, metrics, used, kind];
  const next: RemoteMessage | null = await tail.next();
  for await (const m of tail) {
    const tags: string[] = m.meta.tags;
  }
  tail.cancel();
  await pool.tail();
  await client.deletePool("events");
  try {
    await client.openPool("nope");
  } catch (err) {
    if (err instanceof RemoteError) {
      const s: number = err.status;
      const k: string = err.kind;
      const h: string | undefined = err.hint;
    }
  }
  void [authed, url, oldest, same, all, seq, got, next];
}

async function messages(): Promise<void> {
  const dir: string = DEFAULT_POOL_DIR;
  const size: number = DEFAULT_POOL_SIZE + DEFAULT_POOL_SIZE_BYTES;
  const client = new Client();
  const pool: Pool = client.pool("events");
  client.pool("sized", 1n << 20n);
  client.createPool("default-size");
  const m: Message<{ n: number }> = pool.append({ n: 1 }, ["a"], Durability.Flush);
  pool.append("text", [], 1);
  pool.appendJson({ any: "value" });
  pool.appendJson("a string");
  const fields: [bigint, Date, string, number, string[], string[], Buffer] = [
    m.seq,
    m.time,
    m.timeRfc3339,
    m.data.n,
    m.meta.tags,
    m.tags,
    m.raw,
  ];
  const meta: MessageMeta = m.meta;
  const got: Message = pool.get(1n);
  const json = got.toJSON();
  const env: MessageEnvelope = { seq: 1, time: "2026-01-15T10:00:00Z", meta: { tags: [] }, data: null };
  const parsed: Message[] = [parseMessage(pool.getJson(1)), parseMessage(env), parseMessage(got), new Message(env)];
  const fromRaw: Message = Message.fromRaw(pool.getJson(1));
  const since: PointLike = new Date();
  const tailOpts: LocalTailOptions = {
    sinceSeq: 1,
    maxMessages: 10n,
    timeoutMs: 100,
    tags: ["a"],
    errorOnGap: true,
    where: ['.data.n == 1'],
    since,
    until: "2026-01-15T10:00:00Z",
    signal: AbortSignal.timeout(1000),
  };
  for await (const x of pool.tail(tailOpts)) {
    const s: bigint = x.seq;
  }
  const replayOpts: ReplayOptions = { speed: 2, sinceSeq: 1n };
  for await (const x of pool.replay(replayOpts)) {
    const d: unknown = x.data;
  }
  for await (const x of replay(pool, { speed: 0 })) {
    const t: Date = x.time;
  }
  const streamOpts: StreamOptions = { errorOnGap: true, where: "true", since: "1h", until: new Date() };
  const s1: Stream = pool.openStream(1, null, null, true);
  const s2: Stream = pool.openStream(1, null, null, streamOpts);
  const l1: Lite3Stream = pool.openLite3Stream(null, null, null, false);
  const frameTime: Date = pool.getLite3(1).time;
  s1[Symbol.dispose]();
  s2[Symbol.dispose]();
  l1[Symbol.dispose]();
  pool[Symbol.dispose]();
  client[Symbol.dispose]();
  void [dir, size, fields, meta, json, parsed, fromRaw, frameTime];
}

void local;
void remote;
void messages;
