// Type declarations of the `plasmite` package: the public contract of
// index.js, remote.js and the native addon. Kept by hand; checked by
// test/typecheck.ts (`tsc --noEmit`, part of `npm test`).

/// <reference types="node" />

/** A sequence number, size or count: a `number` or a `bigint`. */
export type SeqLike = number | bigint;

/** Where `new Client()` keeps pools: `$PLASMITE_DIR`, else `~/.plasmite/pools`. */
export declare const DEFAULT_POOL_DIR: string;
/** The size of a pool created without one, in bytes (the command's default). */
export declare const DEFAULT_POOL_SIZE_BYTES: number;
/** Same as `DEFAULT_POOL_SIZE_BYTES`. */
export declare const DEFAULT_POOL_SIZE: number;

/** How far an append goes before it returns. */
export declare const Durability: {
  /** Buffered in the shared mapping: visible to every process at once, kept if the writer crashes. */
  readonly Fast: "fast";
  /** Also flushed to the device (fsync) before returning: survives a power cut. */
  readonly Flush: "flush";
};
/** A durability: `Durability.Fast`/`Durability.Flush`, or the published package's numbers 0 (fast) and 1 (flush). */
export type Durability = (typeof Durability)[keyof typeof Durability] | 0 | 1;

/** The stable error kinds: branch on `err.kind`, never on the message. */
export declare const ErrorKind: {
  readonly Usage: "Usage";
  readonly NotFound: "NotFound";
  readonly AlreadyExists: "AlreadyExists";
  readonly Busy: "Busy";
  readonly Permission: "Permission";
  readonly Corrupt: "Corrupt";
  readonly Io: "Io";
  readonly Internal: "Internal";
  readonly RetentionGap: "RetentionGap";
};
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export interface PlasmiteErrorFields {
  kind?: ErrorKind;
  seq?: number;
  path?: string;
  offset?: number;
  hint?: string;
}

/** Thrown by every local operation. */
export declare class PlasmiteNativeError extends Error {
  constructor(message: string, fields?: PlasmiteErrorFields);
  readonly name: "PlasmiteNativeError";
  kind: ErrorKind;
  /** The sequence number concerned, if any. */
  seq?: number;
  /** The pool file concerned, if any. */
  path?: string;
  /** The byte offset concerned (in the input or the file), if any. */
  offset?: number;
  /** What you can do about it, if known. */
  hint?: string;
}

/** A Lite3 frame read from a pool. */
export interface Lite3Frame {
  seq: bigint;
  /** Append time, ns since the Unix epoch (null from a remote server that does not send it). */
  timestampNs: bigint;
  /** 1: the stored Lite3 bytes; 0: converted from JSON. */
  flags: number;
  payload: Buffer;
  /** Append time as a Date (millisecond precision). */
  time: Date;
}

/** The tags of a message. */
export interface MessageMeta {
  readonly tags: string[];
}

/** A message envelope as an object (what the server sends, parsed). */
export interface MessageEnvelope {
  seq: number | bigint | string;
  time: string;
  meta?: { tags?: string[] };
  data: unknown;
}

/**
 * One message of a pool (local or remote). Read lazily: `data` is parsed
 * on first use; `raw` is the envelope's bytes.
 */
export declare class Message<T = unknown> {
  /** A message from an envelope object (and its bytes, when known). */
  constructor(envelope: MessageEnvelope, raw?: Buffer | null);
  /** A message over envelope bytes (nothing parsed until asked for); for subclasses too. */
  static fromRaw<M extends Message>(this: new (...args: any[]) => M, raw: Buffer): M;
  readonly seq: bigint;
  /** Append time (millisecond precision). */
  readonly time: Date;
  /** Append time, RFC 3339 UTC with nanoseconds. */
  readonly timeRfc3339: string;
  readonly data: T;
  readonly meta: MessageMeta;
  /** `meta.tags`. */
  readonly tags: string[];
  /** The envelope as JSON bytes. */
  readonly raw: Buffer;
  /** The envelope (`seq` a number when safe, else a decimal string). */
  toJSON(): { seq: number | string; time: string; meta: { tags: string[] }; data: T };
}

/** A `Message` from envelope bytes, an envelope object, or a `Message` (returned as is). */
export declare function parseMessage<T = unknown>(payload: Buffer | Uint8Array | MessageEnvelope | Message<T>): Message<T>;

/** A point of a pool's history: a Date, or a string as `pls tail --since` takes it (`"42"`, `"5m"`, `"2026-01-15T10:00:00Z"`). */
export type PointLike = Date | string;

/** Extra options of `openStream` / `openLite3Stream` (beyond the seed's positional ones). */
export interface StreamOptions {
  /** Deliver only messages carrying every one of these tags (exact match). */
  tags?: string[];
  /** Aborting closes the stream; a pending or later async read rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Messages overwritten before this stream read them end it with a
   * `RetentionGap` error whose `seq` is the first missing one (default: skip them).
   */
  errorOnGap?: boolean;
  /** jq expression(s) on the envelope, as `pls tail --where`: all must be true. */
  where?: string | string[];
  /** Start here instead of `sinceSeq` (as `pls tail --since`: a seq, a duration ago, a time). */
  since?: PointLike;
  /** Stop after this point, inclusive (as `pls tail --until`). */
  until?: PointLike;
}

/** Options of `pool.tail()`. */
export interface LocalTailOptions extends StreamOptions {
  /** First sequence number (inclusive); default: the oldest retained message. */
  sinceSeq?: SeqLike | null;
  /** Stop after N messages. */
  maxMessages?: SeqLike | null;
  /** Stop after N ms without a message (default: follow until aborted or broken out of). */
  timeoutMs?: number | bigint | null;
}

/** Options of `pool.replay()`. */
export interface ReplayOptions extends LocalTailOptions {
  /** 1: the original gaps between messages; 2: twice as fast; 0: no pauses. Default 1. */
  speed?: number;
}

/** `pool.replay(options)`. */
export declare function replay(pool: Pool, options?: ReplayOptions): AsyncGenerator<Message, void, unknown>;

export interface NextOptions {
  /** Aborting rejects this read with `signal.reason` (the stream stays open). */
  signal?: AbortSignal;
}

/** A pool directory. */
export declare class Client {
  /** A client for the pools in `dir` (default `DEFAULT_POOL_DIR`), created if missing. */
  constructor(dir?: string);
  /** Creates a pool of `sizeBytes` (the whole file, at least 64 KiB; default `DEFAULT_POOL_SIZE_BYTES`) and opens it. */
  createPool(name: string, sizeBytes?: SeqLike): Pool;
  /** Opens an existing pool (`NotFound` when absent). A name, or a path to a `.plasmite` file. */
  openPool(name: string): Pool;
  /** Opens the pool, creating it (`sizeBytes`, default `DEFAULT_POOL_SIZE_BYTES`) if it does not exist. */
  pool(name: string, sizeBytes?: SeqLike): Pool;
  /** Releases the client; using it afterwards throws `Usage`. Closing twice is harmless. */
  close(): void;
  [Symbol.dispose](): void;
}

/** An open pool. */
export declare class Pool {
  private constructor();
  /**
   * Appends one JSON message: UTF-8 JSON bytes, or any other value (a string
   * included), serialized; returns the stored envelope `{seq,time,meta:{tags},data}`.
   */
  appendJson(payload: unknown, tags?: string[] | null, durability?: Durability | null): Buffer;
  /** Appends `payload` (any JSON value, or JSON bytes); returns the stored message. */
  append<T = unknown>(payload: T, tags?: string[] | null, durability?: Durability | null): Message<T>;
  /** Message `seq` (`NotFound` with `seq` when absent). */
  get<T = unknown>(seq: SeqLike): Message<T>;
  /** Follows the pool: an async generator of messages (see `LocalTailOptions`). */
  tail(options?: LocalTailOptions): AsyncGenerator<Message, void, unknown>;
  /** Replays stored messages with their original pacing (see `ReplayOptions`). */
  replay(options?: ReplayOptions): AsyncGenerator<Message, void, unknown>;
  /**
   * Consumer group `name`: opened, or created with `options` when absent
   * (an existing group keeps its own options; `create: false` only opens it).
   */
  group(name: string, options?: GroupOptions): Group;
  /**
   * Consumes group `name`: an async generator of deliveries (ack each when
   * done). Ends after `max` deliveries, `timeoutMs` without one, or when
   * `signal` aborts (rejecting with its reason). On `break`/`return()`,
   * deliveries already yielded stay pending (until acked, nacked or their
   * lease ends); claimed ones not yet yielded are nacked.
   */
  consume<T = unknown>(name: string, options?: ConsumeOptions): AsyncGenerator<Delivery<T>, void, unknown>;
  /** The names of the pool's groups, sorted. */
  groupNames(): string[];
  /** Every group's books (as `pls group list --json`), sorted by name. */
  listGroups(): GroupInfo[];
  /** A group's books (`NotFound` when absent). */
  groupInfo(name: string): GroupInfo;
  /** Deletes a group's books (the messages stay). */
  deleteGroup(name: string): void;
  /** Appends a Lite3 document; returns its sequence number. */
  appendLite3(buf: Buffer | Uint8Array, durability?: Durability | null): bigint;
  /** Message `seq` as its envelope `{seq,time,meta:{tags},data}`, JSON bytes (`NotFound` with `seq` when absent). */
  getJson(seq: SeqLike): Buffer;
  /** Message `seq` as a Lite3 frame. */
  getLite3(seq: SeqLike): Lite3Frame;
  /**
   * A stream of envelopes from `sinceSeq` (inclusive; default: the oldest retained message),
   * at most `max` messages; `timeoutMs` ends it after that long without a message.
   */
  openStream(
    sinceSeq?: SeqLike | null,
    max?: SeqLike | null,
    timeoutMs?: number | bigint | null,
    options?: StreamOptions | boolean | null,
  ): Stream;
  /** Like `openStream`, delivering Lite3 frames. */
  openLite3Stream(
    sinceSeq?: SeqLike | null,
    max?: SeqLike | null,
    timeoutMs?: number | bigint | null,
    options?: Lite3StreamOptions | boolean | null,
  ): Lite3Stream;
  /** Closes the pool (open streams keep working until closed). Closing twice is harmless. */
  close(): void;
  [Symbol.dispose](): void;
}

/** Messages of a pool, as JSON envelopes. */
export declare class Stream implements AsyncIterable<Buffer>, Iterable<Buffer> {
  private constructor();
  /**
   * The next envelope, or `null`: without `timeoutMs`, `null` means caught up (call again later);
   * with it, waits up to `timeoutMs` (blocking) and `null` means the stream ended.
   */
  nextJson(): Buffer | null;
  /**
   * The next envelope, waiting without blocking the event loop; `null` once the stream ended
   * (`max` reached, `timeoutMs` of inactivity, or closed).
   */
  next(options?: NextOptions): Promise<Buffer | null>;
  /** Closes the stream; a pending `next()` resolves to `null`. Closing twice is harmless. */
  close(): void;
  /** Follows the pool: yields envelopes as they are committed (breaking out closes the stream). */
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  /** The envelopes committed so far (`nextJson()` until `null`). */
  [Symbol.iterator](): Iterator<Buffer>;
  [Symbol.dispose](): void;
}

/** Extra options of `openLite3Stream`. */
export interface Lite3StreamOptions extends StreamOptions {
  /**
   * A message Lite3 cannot carry (data that is not an object, a number outside
   * the finite doubles, an unpaired surrogate escape, nesting deeper than 32
   * levels): `"skip"` it and go on (the default; `skipped` counts them), or
   * `"error"`: the read throws a `Usage` error with its `seq` and the stream
   * ends (later reads return `null`).
   */
  onUnconvertible?: "skip" | "error";
}

/** Messages of a pool, as Lite3 frames. */
export declare class Lite3Stream implements AsyncIterable<Lite3Frame>, Iterable<Lite3Frame> {
  private constructor();
  /** How many messages this stream skipped because Lite3 cannot carry them. */
  readonly skipped: number;
  /** The next frame, or `null` (same rules as `Stream.nextJson`). */
  next(): Lite3Frame | null;
  /** The next frame, waiting without blocking the event loop (same rules as `Stream.next`). */
  nextAsync(options?: NextOptions): Promise<Lite3Frame | null>;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Lite3Frame>;
  [Symbol.iterator](): Iterator<Lite3Frame>;
  [Symbol.dispose](): void;
}

/** A message of a remote pool (the same class as local ones). */
export type RemoteMessage<T = unknown> = Message<T>;

/** The `metrics` member of a pool's info (docs/serve.md). */
export interface RemotePoolMetrics {
  message_count: number | null;
  seq_span: number | null;
  utilization: { used_bytes: number | null; free_bytes: number | null; used_percent: number | null };
  age: {
    oldest_time: string | null;
    newest_time: string | null;
    oldest_age_ms: number | null;
    newest_age_ms: number | null;
  };
}

/** The pool info object the server sends (docs/protocol.md; more fields may appear). */
export interface RemotePoolInfo {
  name: string;
  /** The pool's file name (never a server path). */
  path: string;
  file_size: number;
  index_offset: number;
  index_capacity: number;
  index_size_bytes: number;
  ring_offset: number;
  ring_size: number;
  /** `{}` for an empty pool; members null from a write-only server. */
  bounds: { oldest?: number | null; newest?: number | null };
  /** Null from a write-only server (as are `bytes_used` and `metrics` values). */
  message_count: number | null;
  bytes_used: number | null;
  created: string;
  metrics: RemotePoolMetrics | null;
  /** The pool's id (32 hex digits), given at create; a copy keeps it. */
  id?: string;
  /** How many consumer groups the pool has (null from a write-only server). */
  groups?: number | null;
  [field: string]: unknown;
}

export interface RemoteClientOptions {
  /** Bearer token sent with every request. */
  token?: string;
}

export interface RemoteTailOptions {
  /** First sequence number to deliver (inclusive); default: the oldest retained message. */
  sinceSeq?: SeqLike;
  /** Stop after N messages. */
  maxMessages?: SeqLike;
  /** Stop after N ms of inactivity. */
  timeoutMs?: number | bigint;
  /** Deliver only messages carrying every one of these tags (exact match). */
  tags?: string[];
  /** Aborting ends the tail; pending and later `next()` calls reject with `signal.reason`. */
  signal?: AbortSignal;
  /** Messages overwritten before delivery end the tail with a `RemoteError` of kind `RetentionGap` (its `seq`: the first missing). */
  errorOnGap?: boolean;
  /** jq expression(s) on the envelope, evaluated by the server: all must be true. */
  where?: string | string[];
  /** Start here (a seq, a duration ago, a time; as `pls tail --since`). */
  since?: PointLike;
  /** End after this time (inclusive). */
  until?: PointLike;
}

/** Thrown by remote operations. */
export declare class RemoteError extends Error {
  constructor(message: string, fields?: { status?: number; kind?: string; hint?: string; path?: string; seq?: number; offset?: number; cause?: unknown });
  readonly name: "RemoteError";
  /** HTTP status; 0 when the request was refused before sending or no response came. */
  status: number;
  /** The protocol's error kind (`"NotFound"`, `"Usage"`, …). */
  kind: ErrorKind | string;
  hint?: string;
  path?: string;
  seq?: number;
  offset?: number;
}

/** A connection to a plasmite server (`pls serve`, `npx plasmite serve`). */
export declare class RemoteClient {
  constructor(url: string, opts?: RemoteClientOptions);
  /** The server's base URL. */
  readonly url: string;
  /** The server's base URL as a `URL`. */
  readonly baseUrl: URL;
  token: string | null;
  /** Sets the bearer token; returns `this`. */
  withToken(token: string): this;
  /** Nothing to release (no connection is kept between requests); lets `using` take it. */
  [Symbol.dispose](): void;
  /** Creates a pool on the server; resolves to its info. */
  createPool(name: string, sizeBytes?: SeqLike): Promise<RemotePoolInfo>;
  /** Opens an existing pool. */
  openPool(name: string): Promise<RemotePool>;
  poolInfo(name: string): Promise<RemotePoolInfo>;
  listPools(): Promise<RemotePoolInfo[]>;
  deletePool(name: string): Promise<void>;
}

/** A pool on a server. */
export declare class RemotePool {
  constructor(client: RemoteClient, name: string, info?: RemotePoolInfo);
  readonly client: RemoteClient;
  readonly name: string;
  /** The pool's info when it was opened. */
  readonly info: RemotePoolInfo | undefined;
  /** The pool's name. */
  readonly pool: string;
  /** The pool's name. */
  poolRef(): string;
  /** Appends `data` (any JSON-serializable value); resolves to the stored message. */
  append<T = unknown>(data: T, tags?: string[] | null, durability?: Durability | null): Promise<Message<T>>;
  /** Message `seq` (`NotFound` when absent). */
  get<T = unknown>(seq: SeqLike): Promise<Message<T>>;
  /** Appends a Lite3 document; resolves to its sequence number. */
  appendLite3(buf: Buffer | Uint8Array, durability?: Durability | null): Promise<bigint>;
  /** Message `seq` as a Lite3 frame. */
  getLite3(seq: SeqLike): Promise<Lite3Frame>;
  /**
   * Starts a live tail and returns it at once (`await` on it is harmless):
   * read with `next()` or `for await`. Errors of the request (a missing
   * pool, a bad `where`) reject the first `next()`.
   */
  tail(opts?: RemoteTailOptions): RemoteTail;
  /** Consumer group `name` (created with the options on first use when absent). */
  group(name: string, options?: GroupOptions): RemoteGroup;
  /** Consumes group `name` over HTTP (as the local `pool.consume`). */
  consume<T = unknown>(name: string, options?: ConsumeOptions): AsyncGenerator<Delivery<T>, void, unknown>;
  /** Every group's books, sorted by name. */
  listGroups(): Promise<GroupInfo[]>;
  /** A group's books (`NotFound` when absent). */
  groupInfo(name: string): Promise<GroupInfo>;
  /** Deletes a group's books (the messages stay; `NotFound` when absent). */
  deleteGroup(name: string): Promise<void>;
  /** Nothing to release; lets `using` take it. */
  [Symbol.dispose](): void;
}


/** How a consumer group is created (when it does not exist yet) and used. */
export interface GroupOptions {
  /** This consumer's name, shown in the group's books (default: `pid-PID`, remote: `http`). */
  consumer?: string | null;
  /** Lease of this handle's claims in ms; also the group's default lease when this creates it (default 30 s). */
  leaseMs?: number | null;
  /** Same as `leaseMs`. */
  lease?: number | null;
  /** Deliveries of a message before it goes to the dead-letter pool (default 5). */
  maxDeliveries?: number | null;
  /** The dead-letter pool (default `POOL.dead`). */
  deadLetter?: string | null;
  /** Pending window: delivered, un-acked messages the group tracks at most. */
  capacity?: number | null;
  /** Appends that would overwrite messages this group has not acked fail with `Busy`. */
  protect?: boolean | null;
  /** What a claim does when undelivered messages were overwritten. */
  gapPolicy?: "continue" | "error" | null;
  /** Where a new group starts: the oldest message (default), only new ones, or a seq. */
  start?: "oldest" | "new" | SeqLike | null;
  /** `false`: only open the group (`NotFound` when absent). */
  create?: boolean;
}

/** Options of `pool.consume` (local and remote). */
export interface ConsumeOptions extends GroupOptions {
  /** Messages per claim (default 1). */
  batch?: number | null;
  /** End after this many deliveries. */
  max?: number | null;
  /** End after this long without a message (default: follow). */
  timeoutMs?: number | null;
  /** Aborting ends the iteration, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of one claim. */
export interface ClaimOptions {
  /** The lease of this claim's deliveries in ms (default: the handle's, else the group's). */
  leaseMs?: number | null;
  lease?: number | null;
  /** (`claimWait`) How long to wait for a message (default: until one comes). */
  timeoutMs?: number | null;
  /** (`claimWait`) Aborting rejects with its reason. */
  signal?: AbortSignal;
}

/** What an ack of many did, per receipt. */
export type AckResult = "acked" | "already_acked" | { leaseLost: number };

/** One consumer in a group's books. */
export interface GroupConsumerInfo {
  name: string;
  pending: number;
  deliveries: number;
  last_seen: string | null;
}

/** A group's books, as `pls group info --json` prints them. */
export interface GroupInfo {
  name: string;
  next_seq: number;
  ack_floor: number;
  pending: number;
  lag: number;
  oldest_pending_age_ms: number | null;
  delivered: number;
  redelivered: number;
  acked: number;
  nacked: number;
  dead: number;
  lost: number;
  lost_pending: number;
  lease_ms: number;
  max_deliveries: number;
  capacity: number;
  protect: boolean;
  gap: "continue" | "error";
  dead_letter: string;
  consumers: GroupConsumerInfo[];
  [key: string]: unknown;
}

/** A receipt: a delivery, `"SEQ.DELIVERY"`, or a bare seq (whichever delivery is pending). */
export type Receipt = Delivery | string | SeqLike;

/** A message delivered by a consumer group. */
export declare class Delivery<T = unknown> extends Message<T> {
  /** 1 the first time, 2 after one redelivery, … */
  readonly delivery: number;
  /** `"SEQ.DELIVERY"`. */
  readonly receipt: string;
  /** The group it came from. */
  readonly group: Group | RemoteGroup;
  /** Acks it (local: at once; remote: a promise). A stale receipt: `Busy` ("lease lost"). */
  ack(): "acked" | "already_acked" | Promise<"acked" | "already_acked">;
  /** Releases it: delivered again after `delayMs` (default 0). */
  nack(delayMs?: number): void | Promise<void>;
  /** Renews its lease for `leaseMs` (default: the group's lease). */
  extend(leaseMs?: number): void | Promise<void>;
}

/** A consumer group of a local pool (`pool.group(name)`). */
export declare class Group {
  private constructor();
  readonly name: string;
  /** Claims up to `max` (default 1) messages without waiting (empty: none ready). */
  claim<T = unknown>(max?: number, options?: ClaimOptions): Delivery<T>[];
  /** Claims, waiting on a native thread (never the event loop) for a message. */
  claimWait<T = unknown>(max?: number, options?: ClaimOptions): Promise<Delivery<T>[]>;
  /** Acks one delivery (`Busy` "lease lost" for a stale receipt), or many under one lock. */
  ack(receipt: Receipt): "acked" | "already_acked";
  ack(receipts: Receipt[]): AckResult[];
  nack(receipt: Receipt, delayMs?: number): void;
  extend(receipt: Receipt, leaseMs?: number): void;
  info(): GroupInfo;
  close(): void;
  [Symbol.dispose](): void;
}

/** A consumer group of a remote pool (`remotePool.group(name)`), over the protocol's group routes. */
export declare class RemoteGroup {
  private constructor();
  readonly name: string;
  readonly pool: RemotePool;
  /** Claims up to `max` messages; with `timeoutMs` the server waits that long for one. */
  claim<T = unknown>(max?: number, options?: ClaimOptions): Promise<Delivery<T>[]>;
  /** Claims, waiting up to `timeoutMs` (default: until one comes) in long-polls. */
  claimWait<T = unknown>(max?: number, options?: ClaimOptions): Promise<Delivery<T>[]>;
  ack(receipt: Receipt): Promise<"acked" | "already_acked">;
  ack(receipts: Receipt[]): Promise<AckResult[]>;
  nack(receipt: Receipt, delayMs?: number): Promise<void>;
  extend(receipt: Receipt, leaseMs?: number): Promise<void>;
  info(): Promise<GroupInfo>;
}

/** A live tail of a remote pool. */
export declare class RemoteTail implements AsyncIterable<Message> {
  private constructor();
  /** The next matching message; `null` once the tail ended (max, timeout, or `cancel()`). */
  next(): Promise<Message | null>;
  /** Stops the tail: pending and later `next()` calls resolve to `null`. */
  cancel(): void;
  [Symbol.asyncIterator](): AsyncIterator<Message>;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}
