"use strict";
// The HTTP client of `pls serve` (docs/protocol.md, v0), on Node's own fetch.
// Messages are `Message`s over the protocol's envelopes {seq, time, meta: {tags}, data}.

const { Message, Delivery, receiptOf } = require("./message.js");

// Set by index.js: the library's reading of `since`/`until` (a seq, a
// duration ago, an RFC 3339 time), through the addon.
let parsePoint = null;
// Set by index.js: the loop of `consume`, shared with local pools.
let consumeLoop = null;

function setup(deps) {
  parsePoint = deps.parsePoint;
  consumeLoop = deps.consumeLoop;
}

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

const STATUS_OF_KIND = {
  Usage: 400,
  Permission: 403,
  NotFound: 404,
  AlreadyExists: 409,
  RetentionGap: 410,
  Busy: 423,
  Corrupt: 500,
  Io: 500,
  Internal: 500,
};

/** What remote operations throw: the HTTP `status` (0 when no response came), `kind`, optional `hint`. */
class RemoteError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = "RemoteError";
    this.status = fields.status ?? 0;
    this.kind = fields.kind ?? "Internal";
    this.hint = fields.hint;
    this.path = fields.path;
    this.seq = fields.seq;
    this.offset = fields.offset;
    if (fields.cause !== undefined) this.cause = fields.cause;
  }
}

function fromEnvelope(body, status) {
  const e = body && typeof body === "object" && body.error && typeof body.error === "object" ? body.error : null;
  if (!e) return new RemoteError(`server answered ${status}`, { status, kind: status >= 500 ? "Internal" : "Usage" });
  return new RemoteError(String(e.message ?? `server answered ${status}`), {
    status,
    kind: typeof e.kind === "string" ? e.kind : "Internal",
    hint: e.hint,
    path: e.path,
    seq: e.seq,
    offset: e.offset,
  });
}

function usage(message) {
  return new RemoteError(message, { status: 0, kind: "Usage" });
}

function poolName(name) {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw usage(`invalid pool name ${JSON.stringify(name)}: pool names use letters, digits, '.', '_' and '-'`);
  }
  return name;
}

function durabilityParam(d) {
  if (d === undefined || d === null || d === 0) return "fast";
  if (d === 1) return "flush";
  const s = String(d).toLowerCase();
  if (s !== "fast" && s !== "flush") throw usage(`unknown durability ${JSON.stringify(d)} (expected fast or flush)`);
  return s;
}

function seqParam(seq, what) {
  const s = typeof seq === "bigint" ? seq.toString() : typeof seq === "number" && Number.isInteger(seq) && seq >= 0 ? String(seq) : null;
  if (s === null) throw usage(`${what} must be a non-negative integer`);
  return s;
}

/** A connection to a plasmite server. */
class RemoteClient {
  constructor(url, opts = {}) {
    let base;
    try {
      base = new URL(url);
    } catch {
      throw usage(`invalid server URL ${JSON.stringify(url)}`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw usage("the server URL must be http:// or https://");
    base.search = "";
    base.hash = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.url = base.toString();
    this.token = opts?.token ?? null;
  }

  /** The server's base URL as a `URL` (the published package's form of `url`). */
  get baseUrl() {
    return new URL(this.url);
  }

  /** Sets the bearer token sent with every request; returns `this`. */
  withToken(token) {
    this.token = token;
    return this;
  }

  _url(path, query) {
    const u = new URL(path, this.url);
    if (query) for (const [k, v] of query) u.searchParams.append(k, v);
    return u;
  }

  async _fetch(method, path, { body, query, signal, accept = "application/json", contentType = "application/json" } = {}) {
    const headers = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = contentType;
    const url = this._url(path, query);
    let res;
    try {
      res = await fetch(url, { method, headers, body, signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      throw new RemoteError(`cannot reach ${url.origin}: ${err.cause?.message ?? err.message}`, {
        status: 0,
        kind: "Io",
        cause: err,
      });
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let parsed = null;
      try {
        parsed = JSON.parse(text);
      } catch {}
      throw fromEnvelope(parsed, res.status);
    }
    return res;
  }

  async _json(method, path, payload) {
    const res = await this._fetch(method, path, { body: payload === undefined ? undefined : JSON.stringify(payload) });
    return res.json();
  }

  /** Creates a pool on the server; resolves to its info object. */
  async createPool(name, sizeBytes) {
    const body = { pool: poolName(name) };
    if (sizeBytes !== undefined && sizeBytes !== null) body.size_bytes = Number(seqParam(sizeBytes, "sizeBytes"));
    return (await this._json("POST", "v0/pools", body)).pool;
  }

  /** Opens an existing pool (`NotFound` when absent). */
  async openPool(name) {
    const info = (await this._json("POST", "v0/pools/open", { pool: poolName(name) })).pool;
    return new RemotePool(this, name, info);
  }

  /** The pool's info object: bounds, counts, sizes. */
  async poolInfo(name) {
    return (await this._json("GET", `v0/pools/${poolName(name)}/info`)).pool;
  }

  /** Every pool's info object, sorted by name. */
  async listPools() {
    return (await this._json("GET", "v0/pools")).pools;
  }

  /** Deletes a pool. */
  async deletePool(name) {
    await this._json("DELETE", `v0/pools/${poolName(name)}`);
  }
}

/** A pool on a server. */
class RemotePool {
  constructor(client, name, info) {
    this.client = client;
    this.name = poolName(name);
    this.info = info;
  }

  /** The pool's name (the published package's field). */
  get pool() {
    return this.name;
  }

  /** The pool's name. */
  poolRef() {
    return this.name;
  }

  /** Appends `data` (any JSON-serializable value); resolves to the stored `Message`. */
  async append(data, tags = [], durability) {
    if (tags !== null && tags !== undefined && (!Array.isArray(tags) || !tags.every((t) => typeof t === "string"))) {
      throw usage("tags must be an array of strings");
    }
    const json = JSON.stringify({ data, tags: tags ?? [], durability: durabilityParam(durability) });
    if (json === undefined || !json.includes('"data":')) throw usage("data must be JSON-serializable");
    const res = await this.client._fetch("POST", `v0/pools/${this.name}/append`, { body: json });
    return new Message((await res.json()).message);
  }

  /** Message `seq` (number or bigint) as a `Message`. */
  async get(seq) {
    return new Message((await this.client._json("GET", `v0/pools/${this.name}/messages/${seqParam(seq, "seq")}`)).message);
  }

  /** Appends a Lite3 document (`{meta: {tags}, data}`); resolves to its seq (bigint). */
  async appendLite3(buf, durability) {
    if (!(buf instanceof Uint8Array)) throw usage("the message must be a Buffer or a Uint8Array");
    const res = await this.client._fetch("POST", `v0/pools/${this.name}/append_lite3`, {
      body: buf,
      query: [["durability", durabilityParam(durability)]],
      contentType: "application/x-plasmite-lite3",
    });
    return BigInt((await res.json()).message.seq);
  }

  /** Message `seq` as a Lite3 frame `{seq, timestampNs, flags, payload, time}`. */
  async getLite3(seq) {
    const res = await this.client._fetch("GET", `v0/pools/${this.name}/messages/${seqParam(seq, "seq")}/lite3`, {
      accept: "application/x-plasmite-lite3",
    });
    const payload = Buffer.from(await res.arrayBuffer());
    const header = (k) => res.headers.get(k);
    const timestampNs = header("plasmite-timestamp-ns") === null ? null : BigInt(header("plasmite-timestamp-ns"));
    return {
      seq: BigInt(header("plasmite-seq") ?? seqParam(seq, "seq")),
      timestampNs,
      flags: Number(header("plasmite-flags") ?? 0),
      payload,
      time: timestampNs === null ? null : new Date(Number(timestampNs / 1000000n)),
    };
  }

  /**
   * A live tail, returned at once (the request starts now): `await
   * tail.next()` / `tail.cancel()`, or `for await (const m of pool.tail())`.
   */
  tail(opts = {}) {
    if (opts === null || typeof opts !== "object") throw usage("tail options must be an object");
    const query = [];
    let sinceSeq = opts.sinceSeq ?? null;
    if (opts.since !== undefined && opts.since !== null) {
      const p = point(opts.since, "since");
      if (p.seq !== undefined) {
        if (sinceSeq !== null) throw usage("give sinceSeq or since, not both");
        sinceSeq = p.seq;
      } else {
        if (sinceSeq !== null) throw usage("give sinceSeq or since, not both");
        query.push(["since_time", p.time]);
      }
    }
    if (sinceSeq !== null) query.push(["since_seq", seqParam(sinceSeq, "sinceSeq")]);
    if (opts.until !== undefined && opts.until !== null) {
      const p = point(opts.until, "until");
      if (p.seq !== undefined) throw usage("a remote tail's until must be a time (the protocol has no until_seq)");
      query.push(["until_time", p.time]);
    }
    if (opts.maxMessages !== undefined && opts.maxMessages !== null) query.push(["max", seqParam(opts.maxMessages, "maxMessages")]);
    if (opts.timeoutMs !== undefined && opts.timeoutMs !== null) query.push(["timeout_ms", seqParam(opts.timeoutMs, "timeoutMs")]);
    const tags = opts.tags === undefined || opts.tags === null ? [] : Array.isArray(opts.tags) ? opts.tags : [opts.tags];
    for (const t of tags) query.push(["tag", String(t)]);
    if (opts.where !== undefined && opts.where !== null) {
      const list = typeof opts.where === "string" ? [opts.where] : opts.where;
      if (!Array.isArray(list) || !list.every((w) => typeof w === "string")) {
        throw usage("where must be a jq expression (string) or an array of them");
      }
      for (const w of list) query.push(["where", w]);
    }
    if (opts.errorOnGap !== undefined && opts.errorOnGap !== null) {
      if (typeof opts.errorOnGap !== "boolean") throw usage("errorOnGap must be a boolean");
      if (opts.errorOnGap) query.push(["gap_policy", "error"]);
    }
    const signal = opts.signal;
    return new RemoteTail(this.client, `v0/pools/${this.name}/tail`, query, signal);
  }
}

const GROUP_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,39}$/;

function groupName(name) {
  if (typeof name !== "string" || !GROUP_NAME.test(name)) {
    throw usage(`invalid group name ${JSON.stringify(name)}: group names are 1 to 40 letters, digits, '.', '_' or '-', not starting with '.'`);
  }
  return name;
}

function msOption(v, what) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw usage(`${what} must be a non-negative number of milliseconds`);
  return Math.ceil(v);
}

function countOption(v, what, dflt) {
  if (v === undefined || v === null) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw usage(`${what} must be a positive integer`);
  return v;
}

// The group-creation fields of the protocol's POST /groups, from the
// options of `group()` / `consume()` (null: none given).
function createBody(name, o) {
  const body = { group: name };
  const lease = msOption(o.leaseMs ?? o.lease, "leaseMs");
  if (lease !== undefined) body.lease_ms = lease;
  if (o.maxDeliveries !== undefined && o.maxDeliveries !== null) body.max_deliveries = countOption(o.maxDeliveries, "maxDeliveries");
  if (o.capacity !== undefined && o.capacity !== null) body.capacity = countOption(o.capacity, "capacity");
  if (o.protect !== undefined && o.protect !== null) {
    if (typeof o.protect !== "boolean") throw usage("protect must be a boolean");
    body.protect = o.protect;
  }
  if (o.gapPolicy !== undefined && o.gapPolicy !== null) {
    if (o.gapPolicy !== "continue" && o.gapPolicy !== "error") throw usage('gapPolicy must be "continue" or "error"');
    body.gap_policy = o.gapPolicy;
  }
  if (o.deadLetter !== undefined && o.deadLetter !== null) body.dead_letter = poolName(o.deadLetter);
  if (o.start !== undefined && o.start !== null) {
    if (o.start === "oldest" || o.start === "new") body.from = o.start;
    else body.from = seqParam(o.start, "start");
  }
  return Object.keys(body).length > 1 ? body : null;
}

/**
 * A consumer group of a remote pool, over the protocol's group routes
 * (docs/protocol.md, Consumer groups). Every method returns a promise.
 */
class RemoteGroup {
  constructor(pool, name, options = {}) {
    if (options === null || typeof options !== "object") throw usage("group options must be an object");
    if (options.consumer !== undefined && options.consumer !== null && typeof options.consumer !== "string") {
      throw usage("consumer must be a string");
    }
    this.pool = pool;
    this.name = groupName(name);
    this.consumer = options.consumer ?? null;
    this._leaseMs = msOption(options.leaseMs ?? options.lease, "leaseMs");
    if (this._leaseMs === 0) throw usage("leaseMs must be above 0");
    this._create = options.create === false ? null : createBody(this.name, options);
    this._created = null;
  }

  _path(action) {
    return `v0/pools/${this.pool.name}/groups/${this.name}${action ? "/" + action : ""}`;
  }

  // Creates the group with the given options once (an existing one keeps its own).
  _ensure() {
    if (this._create === null) return Promise.resolve();
    if (this._created === null) {
      this._created = this.pool.client._json("POST", `v0/pools/${this.pool.name}/groups`, this._create).then(
        () => {},
        (err) => {
          if (err.kind === "AlreadyExists") return;
          this._created = null;
          throw err;
        },
      );
    }
    return this._created;
  }

  async _post(action, body, signal) {
    await this._ensure();
    const res = await this.pool.client._fetch("POST", this._path(action), { body: JSON.stringify(body), signal });
    return res.json();
  }

  /**
   * Claims up to `max` (default 1) messages: an array of `Delivery`. With
   * `timeoutMs`, the server waits up to that long for one (long-poll);
   * `signal` aborts the request (messages the server claimed for it stay
   * pending until their lease ends).
   */
  async claim(max, options = {}) {
    const body = { max: countOption(max, "max", 1) };
    const lease = msOption(options?.leaseMs ?? options?.lease, "leaseMs") ?? this._leaseMs;
    if (lease !== undefined) body.lease_ms = lease;
    const timeout = msOption(options?.timeoutMs, "timeoutMs");
    if (timeout) body.timeout_ms = timeout;
    if (this.consumer !== null) body.consumer = this.consumer;
    const r = await this._post("claim", body, options?.signal);
    return r.messages.map((m) => Delivery.fromEnvelope(m, this));
  }

  /**
   * Claims, waiting up to `timeoutMs` (default: until one comes) in
   * long-polls of at most 10 s each.
   */
  async claimWait(max, options = {}) {
    const timeout = msOption(options?.timeoutMs, "timeoutMs");
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    for (;;) {
      let ms = REMOTE_CLAIM_WAIT_MS;
      if (deadline !== undefined) ms = Math.max(0, Math.min(ms, deadline - performance.now()));
      const got = await this.claim(max, { ...options, timeoutMs: ms });
      if (got.length > 0 || (deadline !== undefined && performance.now() >= deadline)) return got;
    }
  }

  /**
   * Acks a delivery (a `Delivery` or a receipt): `"acked"` or
   * `"already_acked"`; a stale receipt rejects with `Busy` ("lease lost").
   * Given an array: per receipt `"acked"`, `"already_acked"` or `{ leaseLost: N }`.
   */
  async ack(receipt) {
    const many = Array.isArray(receipt);
    const list = (many ? receipt : [receipt]).map(receiptOf);
    const { results } = await this._post("ack", { receipts: list });
    const out = results.map((r) => (r && typeof r === "object" && "lease_lost" in r ? { leaseLost: r.lease_lost } : r));
    if (many) return out;
    if (typeof out[0] === "object") {
      throw new RemoteError(
        `lease lost: message ${list[0].split(".")[0]} was delivered again (delivery ${out[0].leaseLost}) after receipt ${list[0]}`,
        { status: STATUS_OF_KIND.Busy, kind: "Busy", hint: "its lease expired before the ack; another consumer may be processing it too" },
      );
    }
    return out[0];
  }

  /** Releases a delivery: delivered again after `delayMs` (default 0). */
  async nack(receipt, delayMs) {
    const body = { receipt: receiptOf(receipt) };
    const d = msOption(delayMs, "delayMs");
    if (d !== undefined) body.delay_ms = d;
    await this._post("nack", body);
  }

  /** Renews a delivery's lease: it ends `leaseMs` from now (default: the group's lease). */
  async extend(receipt, leaseMs) {
    const body = { receipt: receiptOf(receipt) };
    const l = msOption(leaseMs, "leaseMs");
    if (l !== undefined) body.lease_ms = l;
    await this._post("extend", body);
  }

  /** The group's books (as `pls group info --json`). */
  async info() {
    await this._ensure();
    return (await this.pool.client._json("GET", this._path())).group;
  }
}

// The longest single long-poll of a remote claim (servers allow 60 s
// unless configured lower).
const REMOTE_CLAIM_WAIT_MS = 10000;

/**
 * Group `name` of this pool: a `RemoteGroup`. Options as the local
 * `pool.group`'s: `consumer`, `leaseMs`, and the creation options (the
 * group is created with them on first use when absent).
 */
RemotePool.prototype.group = function group(name, options) {
  return new RemoteGroup(this, name, options ?? {});
};

/** Every consumer group's books, sorted by name. */
RemotePool.prototype.listGroups = async function listGroups() {
  return (await this.client._json("GET", `v0/pools/${this.name}/groups`)).groups;
};

/** A group's books; `NotFound` when absent. */
RemotePool.prototype.groupInfo = async function groupInfo(name) {
  return (await this.client._json("GET", `v0/pools/${this.name}/groups/${groupName(name)}`)).group;
};

/** Deletes a group's books (the messages stay); `NotFound` when absent. */
RemotePool.prototype.deleteGroup = async function deleteGroup(name) {
  await this.client._json("DELETE", `v0/pools/${this.name}/groups/${groupName(name)}`);
};

/**
 * Consumes group `name` over HTTP: an async generator of `Delivery`, with
 * the options of the local `pool.consume`.
 */
RemotePool.prototype.consume = function consume(name, options) {
  const o = options ?? {};
  if (typeof o !== "object") throw usage("consume options must be an object");
  const g = new RemoteGroup(this, name, o);
  const c = {
    batch: countOption(o.batch, "batch", 1),
    max: o.max === undefined || o.max === null ? Infinity : countOption(o.max, "max"),
    timeoutMs: msOption(o.timeoutMs, "timeoutMs"),
    signal: o.signal,
  };
  return consumeLoop(
    g,
    c,
    () => [],
    (n, timeoutMs, signal) => g.claimWait(n, { timeoutMs, signal }),
  );
};

// A `since`/`until` value: a Date, or a string read by the library (a seq,
// a duration ago, an RFC 3339 time). Times go to the server as ns.
function point(value, what) {
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw usage(`${what} is an invalid Date`);
    return { time: value.toISOString() };
  }
  if (typeof value !== "string") {
    throw usage(`${what} must be a Date or a string (a seq, a duration ago like "5m", or an RFC 3339 time)`);
  }
  let p;
  try {
    p = parsePoint(value);
  } catch (err) {
    throw new RemoteError(err.message, { status: 0, kind: "Usage", hint: err.hint });
  }
  return p.seq !== undefined && p.seq !== null ? { seq: p.seq } : { time: p.timeNs.toString() };
}

/** A live tail: `next()` resolves to the next `Message`, or `null` once the tail ended. */
class RemoteTail {
  constructor(client, path, query, signal) {
    this._controller = new AbortController();
    this._signal = signal;
    this._onAbort = () => this._controller.abort(signal.reason);
    if (signal?.aborted) this._controller.abort(signal.reason);
    else signal?.addEventListener("abort", this._onAbort, { once: true });
    this._reader = null;
    this._decoder = new TextDecoder();
    this._lines = [];
    this._partial = "";
    this._done = false;
    this._cancelled = false;
    this._busy = Promise.resolve();
    this._started = client
      ._fetch("GET", path, { query, signal: this._controller.signal, accept: "application/jsonl" })
      .then((res) => {
        this._reader = res.body.getReader();
      });
    // A failed start is reported by the first next(); never unhandled.
    this._started.catch(() => {});
  }

  /** The next matching message, waiting for it; `null` at the end (max, timeout or cancel). */
  next() {
    const p = this._busy.then(() => this._next());
    this._busy = p.then(
      () => {},
      () => {},
    );
    return p;
  }

  async _next() {
    if (this._reader === null) {
      try {
        await this._started;
      } catch (err) {
        this._finish();
        if (this._signal?.aborted) throw this._signal.reason;
        if (this._cancelled) return null;
        this._done = true;
        this._cancelled = true;
        throw err;
      }
    }
    for (;;) {
      if (this._signal?.aborted) throw this._signal.reason;
      if (this._cancelled) return null;
      const line = this._lines.shift();
      if (line !== undefined) {
        if (line.trim() === "") continue;
        if (line.startsWith('{"seq":')) return Message.fromRaw(Buffer.from(line));
        const obj = JSON.parse(line);
        if (obj && obj.error && obj.seq === undefined) {
          this._finish();
          this._lines.length = 0;
          this._cancelled = true;
          this._controller.abort();
          throw fromEnvelope(obj, STATUS_OF_KIND[obj.error.kind] ?? 500);
        }
        return new Message(obj);
      }
      if (this._done) return null;
      let chunk;
      try {
        chunk = await this._reader.read();
      } catch (err) {
        if (this._signal?.aborted) throw this._signal.reason;
        if (this._cancelled) return null;
        throw new RemoteError(`tail interrupted: ${err.message}`, { status: 0, kind: "Io", cause: err });
      }
      if (chunk.done) {
        this._done = true;
        this._push(this._decoder.decode() + "\n");
        this._finish();
      } else {
        this._push(this._decoder.decode(chunk.value, { stream: true }));
      }
    }
  }

  _push(text) {
    const parts = (this._partial + text).split("\n");
    this._partial = parts.pop();
    for (const p of parts) this._lines.push(p);
  }

  _finish() {
    this._signal?.removeEventListener("abort", this._onAbort);
  }

  /** Stops the tail: the connection closes and pending and later `next()` calls resolve to `null`. */
  cancel() {
    if (this._cancelled) return;
    this._cancelled = true;
    this._lines.length = 0;
    this._finish();
    this._controller.abort();
  }

  [Symbol.asyncIterator]() {
    return {
      next: () => this.next().then((value) => (value === null ? { value: undefined, done: true } : { value, done: false })),
      return: (value) => {
        this.cancel();
        return Promise.resolve({ value, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

if (Symbol.dispose) RemoteTail.prototype[Symbol.dispose] = RemoteTail.prototype.cancel;
// Clients and pools hold no connection between requests: disposing them
// releases nothing, and is there so `using` works on every object.
if (Symbol.dispose) {
  RemoteClient.prototype[Symbol.dispose] = function () {};
  RemotePool.prototype[Symbol.dispose] = function () {};
}
if (Symbol.asyncDispose) {
  RemoteTail.prototype[Symbol.asyncDispose] = function () {
    this.cancel();
    return Promise.resolve();
  };
}

module.exports = { RemoteClient, RemotePool, RemoteTail, RemoteError, RemoteGroup, setup };
