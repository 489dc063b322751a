"use strict";
// plasmite for Node: the native addon (local pools), the async follow built
// on it, and the HTTP client (remote pools). Argument shaping and async
// iteration live here; everything about pools lives in the Rust library.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Message, Delivery, AppendedMessage, receiptOf, parseMessage, setUsageFactory } = require("./message.js");
const remote = require("./remote.js");
const { RemoteClient, RemotePool, RemoteTail, RemoteError, RemoteGroup } = remote;

/** Durability of an append: `Fast` (in the shared mapping) or `Flush` (fsync'd too).
 * (The numbers 0 and 1 of the published package's enum are accepted too.) */
const Durability = Object.freeze({ Fast: "fast", Flush: "flush" });

/** The stable error kinds (`err.kind` is one of these strings). */
const ErrorKind = Object.freeze({
  Usage: "Usage",
  NotFound: "NotFound",
  AlreadyExists: "AlreadyExists",
  Busy: "Busy",
  Permission: "Permission",
  Corrupt: "Corrupt",
  Io: "Io",
  Internal: "Internal",
  RetentionGap: "RetentionGap",
});

/** What local operations throw: `kind`, and `seq`, `path`, `offset`, `hint` when known. */
class PlasmiteNativeError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = "PlasmiteNativeError";
    this.kind = fields.kind ?? ErrorKind.Internal;
    this.seq = fields.seq;
    this.path = fields.path;
    this.offset = fields.offset;
    this.hint = fields.hint;
  }
}

function addonFile() {
  let abi = "";
  if (process.platform === "linux") {
    const glibc = process.report?.getReport?.()?.header?.glibcVersionRuntime;
    abi = glibc ? "-gnu" : "-musl";
  }
  return path.join(__dirname, `plasmite.${process.platform}-${process.arch}${abi}.node`);
}

function loadAddon() {
  const file = addonFile();
  try {
    return require(file);
  } catch (err) {
    const e = new Error(
      `plasmite: cannot load the native addon ${file} (${err.message}). ` +
        "Prebuilt addons ship for Linux x86_64 (glibc); elsewhere build from source.",
    );
    e.cause = err;
    throw e;
  }
}

const native = loadAddon();
native.setErrorClass(PlasmiteNativeError);
const { Pool, Stream, Lite3Stream, Group } = native;

/** Where `new Client()` keeps pools: `$PLASMITE_DIR`, else `~/.plasmite/pools` (as the command). */
const DEFAULT_POOL_DIR = process.env.PLASMITE_DIR || path.join(os.homedir(), ".plasmite", "pools");
/** The size of a pool created without one (the command's default). */
const DEFAULT_POOL_SIZE_BYTES = native.defaultPoolSize();
const DEFAULT_POOL_SIZE = DEFAULT_POOL_SIZE_BYTES;

/** A pool directory: `new Client(dir?)` (default `DEFAULT_POOL_DIR`; created if missing). */
class Client extends native.Client {
  constructor(dir) {
    if (dir === undefined || dir === null) dir = DEFAULT_POOL_DIR;
    if (typeof dir !== "string") throw usage("Client(dir): dir must be a string (the pool directory)");
    native.ensureDir(dir);
    super(dir);
  }

  /** Creates a pool (`sizeBytes` default: `DEFAULT_POOL_SIZE_BYTES`) and opens it. */
  createPool(name, sizeBytes) {
    return super.createPool(name, sizeBytes ?? DEFAULT_POOL_SIZE_BYTES);
  }
}

function usage(message) {
  return new PlasmiteNativeError(message, { kind: ErrorKind.Usage });
}
setUsageFactory(usage);

function optionalMs(value, what) {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw usage(`${what} must be a non-negative number of milliseconds`);
  return n;
}

// Envelopes come from the addon in batches: `_fill` writes `[u32 LE
// length][bytes]` records into the stream's store and returns their count
// (or a Buffer for an envelope too large for the store, or null).
const STORE_BYTES = 32 * 1024;

function readEnvelope(s, blocking) {
  if (s._n === 0) {
    const r = s._fill(blocking, s._store);
    if (r === null || typeof r !== "number") return r;
    s._n = r;
    s._off = 0;
  }
  s._n--;
  const store = s._store;
  const start = s._off + 4;
  const end = start + store.readUInt32LE(s._off);
  s._off = end;
  const b = Buffer.allocUnsafe(end - start);
  store.copy(b, 0, start, end);
  return b;
}

function setupStream(stream, timeoutMs, options) {
  stream._timeoutMs = optionalMs(timeoutMs, "timeoutMs");
  stream._signal = options?.signal;
  stream._busy = null;
  stream._done = false;
  stream._closed = false;
  const signal = stream._signal;
  if (signal) {
    if (signal.aborted) stream.close();
    else signal.addEventListener("abort", () => stream.close(), { once: true });
  }
  return stream;
}

function checkOptions(options) {
  if (options === undefined || options === null) return undefined;
  // The published package's 4th argument: errorOnGap.
  if (typeof options === "boolean") return { errorOnGap: options };
  if (typeof options !== "object") throw usage("stream options must be an object (or the boolean errorOnGap)");
  return options;
}

function pointOption(value, what) {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw usage(`${what} is an invalid Date`);
    return value.toISOString();
  }
  if (typeof value === "string") return value;
  throw usage(`${what} must be a Date or a string (a seq, a duration ago like "5m", or an RFC 3339 time)`);
}

function whereOption(value) {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((w) => typeof w === "string")) {
    throw usage("where must be a jq expression (string) or an array of them");
  }
  return list;
}

// What the addon's cursor takes beyond the positional arguments (the
// command's --where, --since/--until and gap policy; the library does them).
function cursorExtra(options) {
  if (!options) return undefined;
  const eog = options.errorOnGap;
  if (eog !== undefined && eog !== null && typeof eog !== "boolean") throw usage("errorOnGap must be a boolean");
  const extra = {
    errorOnGap: eog ?? undefined,
    where: whereOption(options.where),
    since: pointOption(options.since, "since"),
    until: pointOption(options.until, "until"),
  };
  if (extra.errorOnGap === undefined && !extra.where && extra.since === undefined && extra.until === undefined) {
    return undefined;
  }
  return extra;
}

// Native calls write small results into this buffer and return their
// length; `take` copies them into a Buffer from Node's pool (no native
// allocation per message). Larger results come back as their own Buffer.
const scratch = Buffer.allocUnsafeSlow(64 * 1024);

function take(r) {
  if (typeof r !== "number") return r;
  const b = Buffer.allocUnsafe(r);
  scratch.copy(b, 0, 0, r);
  return b;
}

function isFlush(durability) {
  if (durability === undefined || durability === null || durability === "fast" || durability === "Fast" || durability === 0) {
    return false;
  }
  if (durability === "flush" || durability === "Flush" || durability === 1) return true;
  throw usage(`unknown durability ${JSON.stringify(durability)} (expected Durability.Fast or Durability.Flush)`);
}

function sameTags(a, b) {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkBytes(buf) {
  if (!(buf instanceof Uint8Array)) throw usage("the message must be a Buffer or a Uint8Array");
}

function checkTags(tags) {
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    throw usage("tags must be an array of strings");
  }
}

// Errors of napi's own argument conversions (a string where a number was
// expected, …) become Usage errors like every other bad argument.
function asUsage(err) {
  if (err instanceof PlasmiteNativeError || typeof err?.code !== "string") return err;
  return usage(`invalid argument: ${err.message}`);
}

function guarded(fn) {
  return function (...args) {
    try {
      return fn.apply(this, args);
    } catch (err) {
      throw asUsage(err);
    }
  };
}

for (const [cls, names] of [
  [native.Client, ["createPool", "openPool", "pool", "poolInfo", "listPools", "deletePool"]],
  [Pool, ["_getJson", "getLite3", "_openStream", "_openLite3Stream", "_group", "groupNames", "_listGroups", "deleteGroup"]],
  [Group, ["_claim", "_claimWait", "_ack", "_ackMany", "_nack", "_extend", "_info"]],
]) {
  for (const name of names) cls.prototype[name] = guarded(cls.prototype[name]);
}

// A Buffer/Uint8Array is JSON text; anything else (a string included, as
// in the published package) is a value to serialize. Serialized text goes
// through a reused buffer (`input`: no Buffer per message) and is marked
// compact (JSON.stringify puts no whitespace between tokens).
function serialize(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw usage(`the message is not JSON-serializable: ${err.message}`);
  }
  if (text === undefined) throw usage(`the message is not JSON-serializable (${typeof value})`);
  return text;
}

const input = Buffer.allocUnsafeSlow(64 * 1024);
const INPUT_CHARS = Math.floor(input.length / 3); // UTF-8: at most 3 bytes per UTF-16 unit

Pool.prototype.appendJson = function appendJson(value, tags, durability) {
  const flush = isFlush(durability);
  let buf = value;
  let len;
  let compact;
  if (!(value instanceof Uint8Array)) {
    const text = serialize(value);
    if (text.length <= INPUT_CHARS) {
      buf = input;
      len = input.write(text, 0);
    } else {
      buf = Buffer.from(text);
    }
    compact = true;
  }
  const list = tags ?? [];
  // The addon keeps the tags of the previous append; only changes cross over.
  if (this._tags !== undefined && Array.isArray(list) && sameTags(this._tags, list)) {
    return take(this._appendJson(buf, undefined, flush, scratch, len, compact));
  }
  checkTags(list);
  this._tags = null;
  this._tagsJson = undefined;
  const r = this._appendJson(buf, list, flush, scratch, len, compact);
  this._tags = list.slice();
  return take(r);
};

Pool.prototype.appendLite3 = function appendLite3(buf, durability) {
  const flush = isFlush(durability);
  checkBytes(buf);
  return this._appendLite3(buf, flush);
};

/** Message `seq` as its JSON envelope `{seq,time,meta:{tags},data}`. */
Pool.prototype.getJson = function getJson(seq) {
  return take(this._getJson(seq, scratch));
};

/** Appends `value` (any JSON value, or JSON bytes); returns the stored `Message`. */
Pool.prototype.append = function append(value, tags, durability) {
  if (value instanceof Uint8Array) return Message.fromRaw(this.appendJson(value, tags, durability));
  // A value: the pool sends back only its seq and time; the Message builds
  // its envelope from the serialized text and the stored tags if asked.
  const flush = isFlush(durability);
  const text = serialize(value);
  let buf = input;
  let len;
  if (text.length <= INPUT_CHARS) {
    len = input.write(text, 0);
  } else {
    buf = Buffer.from(text);
  }
  const list = tags ?? [];
  if (this._tags !== undefined && Array.isArray(list) && sameTags(this._tags, list)) {
    this._appendJson(buf, undefined, flush, scratch, len, true, true);
  } else {
    checkTags(list);
    this._tags = null;
    this._tagsJson = undefined;
    this._appendJson(buf, list, flush, scratch, len, true, true);
    this._tags = list.slice();
  }
  if (this._tagsJson === undefined) this._tagsJson = this._storedTagsJson();
  return AppendedMessage.of(scratch, this._tagsJson, text);
};

/** Message `seq` as a `Message`. */
Pool.prototype.get = function get(seq) {
  return Message.fromRaw(take(this._getJson(seq, scratch)));
};

Pool.prototype.openStream = function openStream(sinceSeq, max, timeoutMs, options) {
  options = checkOptions(options);
  const ms = optionalMs(timeoutMs, "timeoutMs");
  if (options?.tags !== undefined) checkTags(options.tags);
  const s = this._openStream(sinceSeq ?? undefined, max ?? undefined, ms, options?.tags, cursorExtra(options));
  s._store = Buffer.allocUnsafeSlow(STORE_BYTES);
  s._n = 0;
  s._off = 0;
  return setupStream(s, ms, options);
};

Pool.prototype.openLite3Stream = function openLite3Stream(sinceSeq, max, timeoutMs, options) {
  options = checkOptions(options);
  const ms = optionalMs(timeoutMs, "timeoutMs");
  if (options?.tags !== undefined) checkTags(options.tags);
  const onUnconvertible = options?.onUnconvertible ?? "skip";
  if (onUnconvertible !== "skip" && onUnconvertible !== "error") {
    throw usage(`unknown onUnconvertible ${JSON.stringify(onUnconvertible)} (expected "skip" or "error")`);
  }
  const s = this._openLite3Stream(sinceSeq ?? undefined, max ?? undefined, ms, options?.tags, cursorExtra(options));
  if (onUnconvertible === "error") s._failOnUnconvertible();
  return setupStream(s, ms, options);
};

const TIMED_OUT = Symbol("timed out");
const noop = () => {};

// One wait on the pool's follower thread, bounded by `ms` and `signal`.
function waitCommit(s, ms, signal) {
  const woke = s._wait();
  if (ms === undefined && !signal) return woke;
  return new Promise((resolve, reject) => {
    let timer = null;
    const onAbort = () => {
      cleanup();
      s._cancel();
      reject(signal.reason);
    };
    const cleanup = () => {
      if (timer !== null) clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", onAbort);
    };
    if (ms !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        s._cancel();
        resolve(TIMED_OUT);
      }, Math.ceil(ms));
    }
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
    woke.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e) => {
        cleanup();
        reject(e);
      },
    );
  });
}

async function followNext(s, signal) {
  const deadline = s._timeoutMs === undefined ? undefined : performance.now() + s._timeoutMs;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    if (s._closed || s._done) return null;
    const v = s._poll();
    if (v !== null) return v;
    if (s._ended()) return null;
    let ms;
    if (deadline !== undefined) {
      ms = deadline - performance.now();
      if (ms <= 0) {
        s._done = true;
        return null;
      }
    }
    if ((await waitCommit(s, ms, signal)) === TIMED_OUT) {
      // A message committed just before the timer fired still counts.
      if (s._closed) return null;
      const last = s._poll();
      if (last !== null) return last;
      s._done = true;
      return null;
    }
  }
}

// The async read: never blocks the event loop; waits (on a native thread,
// not libuv's pool) until a message is committed, the stream's timeoutMs of
// inactivity passes (null), the stream is closed (null) or `signal` aborts.
function nextAsync(options) {
  const signal = options?.signal ?? this._signal;
  if (this._busy === null) {
    try {
      if (signal?.aborted) return Promise.reject(signal.reason);
      // (A closed stream throws Usage from the read below.)
      if (this._done && !this._closed) return Promise.resolve(null);
      const v = this._poll();
      if (v !== null) return Promise.resolve(v);
      if (this._ended()) return Promise.resolve(null);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const run = () => followNext(this, signal);
  const p = this._busy === null ? run() : this._busy.then(run);
  const settled = p.then(noop, noop);
  this._busy = settled;
  settled.then(() => {
    if (this._busy === settled) this._busy = null;
  });
  return p;
}

function asyncIterator(step) {
  return function () {
    const s = this;
    return {
      next: () => step.call(s).then((value) => (value === null ? { value: undefined, done: true } : { value, done: false })),
      return: (value) => {
        s.close();
        return Promise.resolve({ value, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
}

function syncIterator(step) {
  return function* () {
    let v;
    while ((v = step.call(this)) !== null) yield v;
  };
}

function closeFollowing(nativeClose) {
  return function close() {
    this._closed = true;
    this._n = 0;
    nativeClose.call(this);
  };
}

Stream.prototype.nextJson = function nextJson() {
  return readEnvelope(this, true);
};
Stream.prototype._poll = function poll() {
  return readEnvelope(this, false);
};
Stream.prototype.next = nextAsync;
Stream.prototype.close = closeFollowing(Stream.prototype.close);
Stream.prototype[Symbol.asyncIterator] = asyncIterator(nextAsync);
Stream.prototype[Symbol.iterator] = syncIterator(Stream.prototype.nextJson);

// Lite3 frames carry their append time as a Date too (`time`, as in the
// published package).
function withTime(frame) {
  if (frame !== null && typeof frame === "object") frame.time = new Date(Number(frame.timestampNs / 1000000n));
  return frame;
}
for (const [cls, name] of [
  [Pool, "getLite3"],
  [Lite3Stream, "next"],
  [Lite3Stream, "_poll"],
]) {
  const inner = cls.prototype[name];
  cls.prototype[name] = function (...args) {
    return withTime(inner.apply(this, args));
  };
}

const lite3NextSync = Lite3Stream.prototype.next;
Lite3Stream.prototype.nextAsync = nextAsync;
Lite3Stream.prototype.close = closeFollowing(Lite3Stream.prototype.close);
Lite3Stream.prototype[Symbol.asyncIterator] = asyncIterator(nextAsync);
Lite3Stream.prototype[Symbol.iterator] = syncIterator(lite3NextSync);

function tailOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw usage("tail options must be an object");
  return options;
}

/**
 * Messages from `sinceSeq` (or `since`), following the pool: an async
 * generator of `Message` that ends after `maxMessages`, `timeoutMs` without
 * a message, `until`, or when `signal` aborts (rejecting with its reason).
 * Options as `openStream`'s: tags, where, since, until, errorOnGap.
 */
Pool.prototype.tail = async function* tail(options) {
  const o = tailOptions(options);
  const signal = o.signal;
  const s = this.openStream(o.sinceSeq, o.maxMessages, o.timeoutMs, o);
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      let buf = s._poll();
      if (buf === null) {
        if (s._ended()) return;
        buf = await s.next();
        if (buf === null) return;
      }
      yield Message.fromRaw(buf);
    }
  } finally {
    s.close();
  }
};

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

function nsOf(message) {
  // The nanoseconds of the RFC 3339 time (the pacing of a replay).
  const text = message.timeRfc3339;
  const ms = Date.parse(text);
  const frac = /\.(\d+)/.exec(text);
  const sub = frac ? Number((frac[1] + "000000000").slice(3, 9)) : 0;
  return ms * 1e6 + sub;
}

/**
 * Replays stored messages with the original gaps between their append
 * times, `speed` times as fast (1: original pacing, 0: no pauses), as
 * `pls tail --replay`: ends at the end of what is stored (with `timeoutMs`,
 * waits that long for more first). Other options as `tail`'s.
 */
Pool.prototype.replay = async function* replay(options) {
  const o = tailOptions(options);
  const speed = o.speed ?? 1;
  if (typeof speed !== "number" || !Number.isFinite(speed) || speed < 0) {
    throw usage("speed must be a number >= 0 (1 = original pacing, 2 = twice as fast, 0 = no pauses)");
  }
  const signal = o.signal;
  const s = this.openStream(o.sinceSeq, o.maxMessages, o.timeoutMs, o);
  let origin = null;
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      let buf = s._poll();
      if (buf === null) {
        if (s._timeoutMs === undefined || s._ended()) return;
        buf = await s.next();
        if (buf === null) return;
      }
      const m = Message.fromRaw(buf);
      if (speed > 0) {
        const ns = nsOf(m);
        if (origin === null) origin = { ns, at: performance.now() };
        else {
          const wait = origin.at + (ns - origin.ns) / 1e6 / speed - performance.now();
          if (wait > 0) await sleep(wait, signal);
        }
      }
      yield m;
    }
  } finally {
    s.close();
  }
};

/** `pool.replay(options)` (the published package's module-level form). */
function replay(pool, options) {
  if (!(pool instanceof Pool)) throw usage("replay(pool, options): pool must be a Pool");
  return pool.replay(options);
}

// ---- Consumer groups: the library's groups, converted (docs/format.md,
// Consumer groups). Deliveries come from the addon as records
// `[u32 LE length][u32 LE delivery][envelope]`.

const claimStore = Buffer.allocUnsafeSlow(64 * 1024);

function deliveries(buf, len, group) {
  const out = [];
  let off = 0;
  while (off < len) {
    const n = buf.readUInt32LE(off);
    const delivery = buf.readUInt32LE(off + 4);
    const b = Buffer.allocUnsafe(n);
    buf.copy(b, 0, off + 8, off + 8 + n);
    out.push(Delivery.fromDelivery(b, delivery, group));
    off += 8 + n;
  }
  return out;
}

function countOption(value, what, dflt) {
  if (value === undefined || value === null) return dflt;
  if (!Number.isSafeInteger(value) || value < 1) throw usage(`${what} must be a positive integer`);
  return value;
}

// The lease of a claim: `leaseMs` (or its alias `lease`), in ms.
function leaseOption(o) {
  const v = o?.leaseMs ?? o?.lease;
  if (v === undefined || v === null) return undefined;
  const n = optionalMs(v, "leaseMs");
  if (n === 0) throw usage("leaseMs must be above 0");
  return n;
}

// What creating a group takes (used only when it does not exist yet).
function groupCreate(o) {
  if (!o) return undefined;
  const start = o.start;
  let startText;
  if (start !== undefined && start !== null) {
    if (start === "oldest" || start === "new") startText = start;
    else if ((typeof start === "number" && Number.isSafeInteger(start) && start > 0) || (typeof start === "bigint" && start > 0n)) {
      startText = String(start);
    } else throw usage('start must be "oldest", "new" or a sequence number');
  }
  const gap = o.gapPolicy;
  if (gap !== undefined && gap !== null && gap !== "continue" && gap !== "error") throw usage('gapPolicy must be "continue" or "error"');
  for (const k of ["protect"]) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== "boolean") throw usage(`${k} must be a boolean`);
  }
  if (o.deadLetter !== undefined && o.deadLetter !== null && typeof o.deadLetter !== "string") throw usage("deadLetter must be a pool name (string)");
  return {
    leaseMs: leaseOption(o),
    maxDeliveries: o.maxDeliveries === undefined || o.maxDeliveries === null ? undefined : countOption(o.maxDeliveries, "maxDeliveries"),
    deadLetter: o.deadLetter ?? undefined,
    capacity: o.capacity === undefined || o.capacity === null ? undefined : countOption(o.capacity, "capacity"),
    protect: o.protect ?? undefined,
    gapPolicy: gap ?? undefined,
    start: startText,
  };
}

function groupOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw usage("group options must be an object");
  if (options.consumer !== undefined && options.consumer !== null && typeof options.consumer !== "string") {
    throw usage("consumer must be a string");
  }
  return options;
}

/**
 * Consumer group `name` of this pool: opened, or created with `options`
 * (`leaseMs`, `maxDeliveries`, `deadLetter`, `capacity`, `protect`,
 * `gapPolicy`, `start`) when absent; `consumer` names this consumer and
 * `leaseMs` is also the lease of its claims; `create: false` only opens it.
 */
Pool.prototype.group = function group(name, options) {
  const o = groupOptions(options);
  if (typeof name !== "string") throw usage("the group name must be a string");
  const g = this._group(name, groupCreate(o), o.consumer ?? undefined, o.create === false);
  g._leaseMs = leaseOption(o);
  return g;
};

/** Every consumer group's books (as `pls group list --json`), sorted by name. */
Pool.prototype.listGroups = function listGroups() {
  return JSON.parse(this._listGroups());
};

/** A group's books (as `pls group info --json`); `NotFound` when absent. */
Pool.prototype.groupInfo = function groupInfo(name) {
  return this.group(name, { create: false }).info();
};

/** Claims up to `max` (default 1) messages without waiting: an array of `Delivery` (empty: none ready). */
Group.prototype.claim = function claim(max, options) {
  const n = countOption(max, "max", 1);
  const lease = leaseOption(options) ?? this._leaseMs;
  const r = this._claim(n, lease, claimStore);
  return typeof r === "number" ? deliveries(claimStore, r, this) : deliveries(r, r.length, this);
};

// The longest single wait handed to the group's thread (a longer wait is
// several of them).
const GROUP_WAIT_MS = 3600 * 1000;

/**
 * Claims up to `max` messages, waiting (on a native thread, never the event
 * loop) up to `timeoutMs` (default: until one comes) for one: a promise of
 * an array of `Delivery` (empty when the time ran out). `signal` aborting
 * rejects with its reason; messages its claim got as it aborted are nacked.
 */
Group.prototype.claimWait = async function claimWait(max, options) {
  const n = countOption(max, "max", 1);
  const lease = leaseOption(options) ?? this._leaseMs;
  const timeout = optionalMs(options?.timeoutMs, "timeoutMs");
  const signal = options?.signal;
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const now = this.claim(n, { leaseMs: lease });
    if (now.length > 0) return now;
    let ms = GROUP_WAIT_MS;
    if (deadline !== undefined) {
      ms = Math.min(ms, deadline - performance.now());
      if (ms <= 0) return now;
    }
    const got = await waitClaim(this, n, lease, ms, signal);
    if (got.length > 0 || deadline !== undefined) return got;
  }
};

function waitClaim(g, n, lease, ms, signal) {
  const settled = g._claimWait(n, lease, ms).then((r) => {
    if (r instanceof Error) throw r;
    return deliveries(r, r.length, g);
  });
  if (!signal) return settled;
  return new Promise((resolve, reject) => {
    // The native wait ends within a few ms of `_cancel`; the rejection
    // waits for it, so no claim of this wait lands after it. Messages it
    // claimed as the signal aborted are released (nobody saw them).
    const onAbort = () => {
      g._cancel();
      settled.then(
        (late) => {
          for (const d of late) {
            try {
              d.nack(0);
            } catch {}
          }
          reject(signal.reason);
        },
        () => reject(signal.reason),
      );
    };
    signal.addEventListener("abort", onAbort, { once: true });
    settled.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        if (!signal.aborted) resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function ackResults(list) {
  return list.map((r) => (r.startsWith("lease_lost:") ? { leaseLost: Number(r.slice(11)) } : r));
}

/**
 * Acks a delivery (a `Delivery` or a receipt): `"acked"` or
 * `"already_acked"`, and `Busy` ("lease lost") for a stale receipt. Given
 * an array, acks them all under one lock: per receipt `"acked"`,
 * `"already_acked"` or `{ leaseLost: N }`.
 */
Group.prototype.ack = function ack(receipt) {
  if (Array.isArray(receipt)) return ackResults(this._ackMany(receipt.map(receiptOf)));
  return this._ack(receiptOf(receipt));
};

/** Releases a delivery: delivered again after `delayMs` (default 0). */
Group.prototype.nack = function nack(receipt, delayMs) {
  this._nack(receiptOf(receipt), optionalMs(delayMs, "delayMs"));
};

/** Renews a delivery's lease: it ends `leaseMs` from now (default: the group's lease). */
Group.prototype.extend = function extend(receipt, leaseMs) {
  const lease = leaseMs === undefined || leaseMs === null ? undefined : leaseOption({ leaseMs });
  this._extend(receiptOf(receipt), lease);
};

/** The group's books (as `pls group info --json`). */
Group.prototype.info = function info() {
  return JSON.parse(this._info());
};

function consumeOptions(options) {
  const o = groupOptions(options);
  return {
    batch: countOption(o.batch, "batch", 1),
    max: o.max === undefined || o.max === null ? Infinity : countOption(o.max, "max"),
    timeoutMs: optionalMs(o.timeoutMs, "timeoutMs"),
    signal: o.signal,
  };
}

// The loop of `consume`, local or remote: claims batches (at once when
// `now` finds some, else waiting), yields each delivery. Deliveries already
// yielded stay the caller's (pending until acked, nacked or their lease
// ends); claimed ones not yet yielded when the loop ends are nacked.
async function* consumeLoop(g, c, now, wait) {
  let batch = [];
  let handed = 0;
  let left = c.max;
  try {
    for (;;) {
      if (c.signal?.aborted) throw c.signal.reason;
      if (left <= 0) return;
      const n = Math.min(c.batch, left);
      batch = (await now(n)) ?? [];
      handed = 0;
      if (batch.length === 0) {
        batch = await wait(n, c.timeoutMs, c.signal);
        handed = 0;
        if (batch.length === 0) return;
      }
      left -= batch.length;
      while (handed < batch.length) {
        const d = batch[handed++];
        yield d;
      }
    }
  } finally {
    for (const d of batch.slice(handed)) {
      try {
        await d.nack(0);
      } catch {}
    }
  }
}

/**
 * Consumes group `name`: an async generator of `Delivery` (ack each when
 * done). Options: `consumer`, `leaseMs`, `batch` (claim size, default 1),
 * `max` (end after that many), `timeoutMs` (end after that long without a
 * message; default: follow), `signal`, and the group's creation options
 * (as `pool.group`).
 */
Pool.prototype.consume = function consume(name, options) {
  const c = consumeOptions(options);
  const g = this.group(name, options);
  return consumeLoop(
    g,
    c,
    (n) => g.claim(n),
    (n, timeoutMs, signal) => g.claimWait(n, { timeoutMs, signal }),
  );
};

for (const cls of [native.Client, Pool, Stream, Lite3Stream, Group]) {
  if (Symbol.dispose) cls.prototype[Symbol.dispose] = cls.prototype.close;
}
remote.setup({ parsePoint: native.parsePoint, consumeLoop });

module.exports = {
  Client,
  Pool,
  Stream,
  Lite3Stream,
  Message,
  Delivery,
  Group,
  parseMessage,
  replay,
  DEFAULT_POOL_DIR,
  DEFAULT_POOL_SIZE,
  DEFAULT_POOL_SIZE_BYTES,
  Durability,
  ErrorKind,
  PlasmiteNativeError,
  RemoteClient,
  RemotePool,
  RemoteTail,
  RemoteError,
  RemoteGroup,
};
