"use strict";
// The HTTP client of `pls serve` (docs/protocol.md, v0), on Node's own fetch.
// Messages are the protocol's envelopes, parsed: {seq, time, meta: {tags}, data}.

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
  if (d === undefined || d === null) return "fast";
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

  async _fetch(method, path, { body, query, signal, accept = "application/json" } = {}) {
    const headers = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
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

  /** Appends `data` (any JSON-serializable value); resolves to the stored envelope. */
  async append(data, tags = [], durability) {
    const json = JSON.stringify({ data, tags: tags ?? [], durability: durabilityParam(durability) });
    if (json === undefined || !json.includes('"data":')) throw usage("data must be JSON-serializable");
    const res = await this.client._fetch("POST", `v0/pools/${this.name}/append`, { body: json });
    return (await res.json()).message;
  }

  /** Message `seq` (number or bigint) as an envelope. */
  async get(seq) {
    return (await this.client._json("GET", `v0/pools/${this.name}/messages/${seqParam(seq, "seq")}`)).message;
  }

  /** Starts a live tail; resolves once the server accepted it. */
  async tail(opts = {}) {
    const query = [];
    if (opts.sinceSeq !== undefined && opts.sinceSeq !== null) query.push(["since_seq", seqParam(opts.sinceSeq, "sinceSeq")]);
    if (opts.maxMessages !== undefined && opts.maxMessages !== null) query.push(["max", seqParam(opts.maxMessages, "maxMessages")]);
    if (opts.timeoutMs !== undefined && opts.timeoutMs !== null) query.push(["timeout_ms", seqParam(opts.timeoutMs, "timeoutMs")]);
    for (const t of opts.tags ?? []) query.push(["tag", String(t)]);
    const signal = opts.signal;
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let res;
    try {
      res = await this.client._fetch("GET", `v0/pools/${this.name}/tail`, {
        query,
        signal: controller.signal,
        accept: "application/jsonl",
      });
    } catch (err) {
      signal?.removeEventListener("abort", onAbort);
      throw err;
    }
    return new RemoteTail(res, controller, signal, onAbort);
  }
}

/** A live tail: `next()` resolves to the next envelope, or `null` once the tail ended. */
class RemoteTail {
  constructor(res, controller, signal, onAbort) {
    this._reader = res.body.getReader();
    this._decoder = new TextDecoder();
    this._controller = controller;
    this._signal = signal;
    this._onAbort = onAbort;
    this._lines = [];
    this._partial = "";
    this._done = false;
    this._cancelled = false;
    this._busy = Promise.resolve();
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
    for (;;) {
      if (this._signal?.aborted) throw this._signal.reason;
      if (this._cancelled) return null;
      const line = this._lines.shift();
      if (line !== undefined) {
        if (line.trim() === "") continue;
        const obj = JSON.parse(line);
        if (obj && obj.error && obj.seq === undefined) {
          this._finish();
          throw fromEnvelope(obj, STATUS_OF_KIND[obj.error.kind] ?? 500);
        }
        return obj;
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

module.exports = { RemoteClient, RemotePool, RemoteTail, RemoteError };
