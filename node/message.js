"use strict";
// `Message`: one message of a pool, local or remote, read lazily from its
// envelope `{"seq":N,"time":"…","meta":{"tags":[…]},"data":…}`.
//
// A message read from a pool keeps the envelope's bytes (`raw`) and parses
// nothing up front: `seq` and `timeRfc3339` are read from the envelope's
// fixed prefix when first asked for, the rest (`meta`, `data`) by one
// JSON.parse on first use. So following a pool costs no parse per message
// unless the caller looks inside it. Subclasses (messages with more
// behaviour, like a consumer group's) build on `Message.fromRaw`.

const PREFIX = '{"seq":';
const TIME = ',"time":"';

/** A `Usage` error of the package that loaded this module (set by index.js / remote.js). */
let makeUsage = (message) => {
  const e = new TypeError(message);
  e.kind = "Usage";
  return e;
};

function setUsageFactory(fn) {
  makeUsage = fn;
}

function toSeq(value) {
  if (typeof value === "bigint" && value >= 0n) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return BigInt(value);
  throw makeUsage("message seq must be a non-negative integer (number, bigint or decimal string)");
}

const FROM_RAW = Symbol("fromRaw");
const EMPTY_TAGS = Object.freeze([]);

class Message {
  /**
   * A message from an envelope object `{seq, time, meta: {tags}, data}`
   * (as the server sends it), with its bytes when known.
   */
  constructor(envelope, raw) {
    if (envelope === FROM_RAW) {
      this._raw = raw;
      this._env = undefined;
      this._seq = undefined;
      this._time = undefined;
      this._timeText = undefined;
      this._meta = undefined;
      return;
    }
    if (!envelope || typeof envelope !== "object" || Array.isArray(envelope)) {
      throw makeUsage("a message envelope must be an object {seq, time, meta: {tags}, data}");
    }
    const seq = toSeq(envelope.seq);
    if (typeof envelope.time !== "string" || !Number.isFinite(Date.parse(envelope.time))) {
      throw makeUsage("a message envelope's time must be an RFC 3339 string");
    }
    const tags = envelope.meta?.tags;
    if (tags !== undefined && (!Array.isArray(tags) || !tags.every((t) => typeof t === "string"))) {
      throw makeUsage("a message envelope's meta.tags must be an array of strings");
    }
    if (raw !== undefined && raw !== null && !Buffer.isBuffer(raw)) throw makeUsage("raw must be a Buffer");
    this._raw = raw ?? null;
    this._env = envelope;
    this._seq = seq;
    this._time = undefined;
    this._timeText = envelope.time;
    this._meta = undefined;
  }

  /** A message over envelope bytes (nothing is parsed until asked for). */
  static fromRaw(raw) {
    return new this(FROM_RAW, raw);
  }

  _parsed() {
    if (this._env === undefined) {
      try {
        this._env = JSON.parse(this._raw.toString("utf8"));
      } catch (err) {
        throw makeUsage(`not a message envelope: ${err.message}`);
      }
      if (!this._env || typeof this._env !== "object") throw makeUsage("not a message envelope");
    }
    return this._env;
  }

  /** The sequence number (bigint). */
  get seq() {
    if (this._seq === undefined) {
      const raw = this._raw;
      let n = 0;
      let i = PREFIX.length;
      // `{"seq":` (the envelopes of this package and its server start so)
      if (raw.length > i && raw[0] === 123 && raw[2] === 115 && raw[3] === 101 && raw[4] === 113 && raw[6] === 58) {
        let c;
        while (i < raw.length && (c = raw[i]) >= 48 && c <= 57 && i < PREFIX.length + 15) {
          n = n * 10 + (c - 48);
          i++;
        }
      }
      if (i > PREFIX.length && (raw[i] === 44 || raw[i] === 125)) {
        this._seq = BigInt(n);
      } else {
        this._seq = toSeq(this._parsed().seq);
      }
    }
    return this._seq;
  }

  /** The append time as RFC 3339 UTC text (nanoseconds). */
  get timeRfc3339() {
    if (this._timeText === undefined) {
      const raw = this._raw;
      const at = raw.indexOf(TIME, PREFIX.length);
      const end = at < 0 ? -1 : raw.indexOf(34, at + TIME.length);
      if (at > 0 && at < 40 && end > 0) this._timeText = raw.toString("latin1", at + TIME.length, end);
      else this._timeText = String(this._parsed().time);
    }
    return this._timeText;
  }

  /** The append time (a Date, millisecond precision; `timeRfc3339` has the nanoseconds). */
  get time() {
    if (this._time === undefined) this._time = new Date(this.timeRfc3339);
    return this._time;
  }

  /** `{ tags }`. */
  get meta() {
    if (this._meta === undefined) {
      const tags = this._parsed().meta?.tags;
      this._meta = Object.freeze({ tags: Array.isArray(tags) && tags.length ? Object.freeze(tags.map(String)) : EMPTY_TAGS });
    }
    return this._meta;
  }

  /** The message's tags (`meta.tags`). */
  get tags() {
    return this.meta.tags;
  }

  /** The message's data, parsed on first use. */
  get data() {
    return this._parsed().data;
  }

  /** The envelope as JSON bytes. */
  get raw() {
    if (this._raw === null) this._raw = Buffer.from(JSON.stringify(this));
    return this._raw;
  }

  /** The envelope (`seq` a number when safe, else a decimal string). */
  toJSON() {
    const seq = this.seq;
    return {
      seq: seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq.toString(),
      time: this.timeRfc3339,
      meta: { tags: [...this.tags] },
      data: this.data,
    };
  }

  [Symbol.for("nodejs.util.inspect.custom")](depth, options, inspect) {
    const view = { seq: this.seq, time: this.timeRfc3339, meta: { tags: [...this.tags] }, data: this.data };
    return `Message ${inspect(view, options)}`;
  }
}

/**
 * A message delivered by a consumer group (`pool.consume`, `group.claim`):
 * a `Message` with its `delivery` number (1 for the first), its `receipt`
 * (`"SEQ.DELIVERY"`), the `group` it came from, and `ack()`, `nack(delayMs?)`,
 * `extend(leaseMs?)` (which the group does; local groups answer at once,
 * remote ones with a promise).
 */
class Delivery extends Message {
  /** A delivery over envelope bytes whose delivery number is known. */
  static fromDelivery(raw, delivery, group) {
    const d = this.fromRaw(raw);
    d._delivery = delivery;
    d._receipt = undefined;
    d.group = group;
    return d;
  }

  /** A delivery from an envelope object with `delivery` and `receipt` (as the server sends it). */
  static fromEnvelope(envelope, group) {
    const d = new this(envelope);
    d._delivery = Number(envelope.delivery);
    d._receipt = typeof envelope.receipt === "string" ? envelope.receipt : undefined;
    d.group = group;
    return d;
  }

  /** Its delivery number: 1 the first time, 2 after one redelivery, … */
  get delivery() {
    return this._delivery;
  }

  /** Its receipt, `"SEQ.DELIVERY"`: what ack, nack and extend name. */
  get receipt() {
    if (this._receipt === undefined) this._receipt = `${this.seq}.${this._delivery}`;
    return this._receipt;
  }

  /** Acks it (`"acked"`, or `"already_acked"`); `Busy` ("lease lost") if it was delivered again since. */
  ack() {
    return this.group.ack(this);
  }

  /** Releases it: delivered again after `delayMs` (default 0), this delivery counted. */
  nack(delayMs) {
    return this.group.nack(this, delayMs);
  }

  /** Renews its lease: it ends `leaseMs` from now (default: the group's lease). */
  extend(leaseMs) {
    return this.group.extend(this, leaseMs);
  }

  /** The envelope with `delivery` and `receipt`. */
  toJSON() {
    return { ...super.toJSON(), delivery: this.delivery, receipt: this.receipt };
  }

  [Symbol.for("nodejs.util.inspect.custom")](depth, options, inspect) {
    const view = { seq: this.seq, delivery: this.delivery, receipt: this.receipt, time: this.timeRfc3339, meta: { tags: [...this.tags] }, data: this.data };
    return `Delivery ${inspect(view, options)}`;
  }
}

/** RFC 3339 UTC with nanoseconds, as the library writes it, of `ns` (bigint) since the epoch. */
function rfc3339(ns) {
  const secs = ns / 1_000_000_000n;
  const frac = String(ns % 1_000_000_000n).padStart(9, "0");
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/**
 * A message `pool.append` has just stored, from its parts: the seq and time
 * the pool gave it, the stored tags (compact JSON) and the serialized data
 * (JSON.stringify's text, stored as is). `raw` is built from them on first
 * use: the same bytes as the envelope the pool would render.
 */
class AppendedMessage extends Message {
  /**
   * From the 16 bytes the addon wrote at `at` in `buf` (seq, then time in
   * ns, little-endian u64s), read as 32-bit halves: BigInts are made only
   * when asked for.
   */
  static of(buf, tagsJson, text) {
    const m = this.fromRaw(null);
    const hi = buf.readUInt32LE(4);
    // A seq below 2^53 is exact as a number; beyond, a bigint at once.
    if (hi < 0x200000) m._seqN = buf.readUInt32LE(0) + hi * 4294967296;
    else m._seq = buf.readBigUInt64LE(0);
    m._tLo = buf.readUInt32LE(8);
    m._tHi = buf.readUInt32LE(12);
    m._tagsJson = tagsJson;
    m._text = text;
    return m;
  }

  get seq() {
    if (this._seq === undefined) this._seq = BigInt(this._seqN);
    return this._seq;
  }

  get timeRfc3339() {
    if (this._timeText === undefined) this._timeText = rfc3339((BigInt(this._tHi) << 32n) | BigInt(this._tLo));
    return this._timeText;
  }

  get raw() {
    if (this._raw === null) {
      this._raw = Buffer.from(
        `{"seq":${this._seqN ?? this._seq},"time":"${this.timeRfc3339}","meta":{"tags":${this._tagsJson}},"data":${this._text}}`,
      );
    }
    return this._raw;
  }

  _parsed() {
    if (this._env === undefined) {
      this._env = {
        seq: this._seqN ?? Number(this._seq),
        time: this.timeRfc3339,
        meta: { tags: JSON.parse(this._tagsJson) },
        data: JSON.parse(this._text),
      };
    }
    return this._env;
  }
}

/** The receipt string of a `Delivery` or a receipt (`"SEQ.N"`, `"SEQ"`, a seq number or bigint). */
function receiptOf(r) {
  if (r instanceof Delivery) return r.receipt;
  if (typeof r === "string") return r;
  if (typeof r === "bigint" || (typeof r === "number" && Number.isSafeInteger(r))) return String(r);
  throw makeUsage("a receipt is a Delivery, a string \"SEQ.DELIVERY\" or a seq");
}

/**
 * A `Message` from envelope bytes (a Buffer/Uint8Array, e.g. from `nextJson()`
 * or `getJson()`), an envelope object, or a `Message` (returned as is).
 */
function parseMessage(payload) {
  if (payload instanceof Message) return payload;
  if (payload instanceof Uint8Array) {
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const m = Message.fromRaw(buf);
    // Check it now: parseMessage of bytes that are no envelope throws here.
    const env = m._parsed();
    if (typeof env !== "object" || Array.isArray(env)) throw makeUsage("not a message envelope");
    m.seq;
    if (!Number.isFinite(m.time.getTime())) throw makeUsage("a message envelope's time must be an RFC 3339 string");
    return m;
  }
  if (payload && typeof payload === "object") return new Message(payload);
  throw makeUsage("parseMessage takes envelope bytes (Buffer), an envelope object or a Message");
}

module.exports = { Message, Delivery, AppendedMessage, receiptOf, parseMessage, setUsageFactory };
