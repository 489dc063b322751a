// Type declarations of the `plasmite` package: the public contract of
// index.js, remote.js and the native addon. Kept by hand; checked by
// test/typecheck.ts (`tsc --noEmit`, part of `npm test`).

/// <reference types="node" />

/** A sequence number, size or count: a `number` or a `bigint`. */
export type SeqLike = number | bigint;

/** How far an append goes before it returns. */
export declare const Durability: {
  /** Buffered in the shared mapping: visible to every process at once, kept if the writer crashes. */
  readonly Fast: "fast";
  /** Also flushed to the device (fsync) before returning: survives a power cut. */
  readonly Flush: "flush";
};
export type Durability = (typeof Durability)[keyof typeof Durability];

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
  timestampNs: bigint;
  flags: number;
  payload: Buffer;
}

/** Extra options of `openStream` / `openLite3Stream` (beyond the seed's positional ones). */
export interface StreamOptions {
  /** Deliver only messages carrying every one of these tags (exact match). */
  tags?: string[];
  /** Aborting closes the stream; a pending or later async read rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface NextOptions {
  /** Aborting rejects this read with `signal.reason` (the stream stays open). */
  signal?: AbortSignal;
}

/** A pool directory. */
export declare class Client {
  /** A client for the pools in `dir` (created when a pool is first created). */
  constructor(dir: string);
  /** Creates a pool of `sizeBytes` (the whole file, at least 64 KiB) and opens it. */
  createPool(name: string, sizeBytes: SeqLike): Pool;
  /** Opens an existing pool (`NotFound` when absent). A name, or a path to a `.plasmite` file. */
  openPool(name: string): Pool;
  /** Releases the client; using it afterwards throws `Usage`. Closing twice is harmless. */
  close(): void;
}

/** An open pool. */
export declare class Pool {
  private constructor();
  /** Appends one JSON message (UTF-8 bytes); returns the stored envelope `{seq,time,meta:{tags},data}`. */
  appendJson(buf: Buffer | Uint8Array, tags?: string[] | null, durability?: Durability | null): Buffer;
  /** Appends a Lite3 document; returns its sequence number. */
  appendLite3(buf: Buffer | Uint8Array, durability?: Durability | null): bigint;
  /** The `data` of message `seq`, as JSON text (`NotFound` with `seq` when absent). */
  getJson(seq: SeqLike): Buffer;
  /** Message `seq` as a Lite3 frame. */
  getLite3(seq: SeqLike): Lite3Frame;
  /**
   * A stream of envelopes from `sinceSeq` (inclusive; default: the oldest retained message),
   * at most `max` messages; `timeoutMs` ends it after that long without a message.
   */
  openStream(sinceSeq?: SeqLike | null, max?: SeqLike | null, timeoutMs?: number | null, options?: StreamOptions): Stream;
  /** Like `openStream`, delivering Lite3 frames. */
  openLite3Stream(
    sinceSeq?: SeqLike | null,
    max?: SeqLike | null,
    timeoutMs?: number | null,
    options?: Lite3StreamOptions,
  ): Lite3Stream;
  /** Closes the pool (open streams keep working until closed). Closing twice is harmless. */
  close(): void;
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
}

/** A message as the server sends it. */
export interface RemoteMessage<T = unknown> {
  seq: number;
  /** Append time, RFC 3339 UTC with nanoseconds. */
  time: string;
  meta: { tags: string[] };
  data: T;
}

/** The pool info object of the protocol (more fields may appear). */
export interface RemotePoolInfo {
  name: string;
  path: string;
  file_size: number;
  ring_size: number;
  index_capacity: number;
  /** `{}` for an empty pool; members null from a write-only server. */
  bounds: { oldest?: number | null; newest?: number | null };
  /** Null from a write-only server (as are `bytes_used` and `metrics`). */
  message_count: number | null;
  bytes_used: number | null;
  created: string;
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
  timeoutMs?: number;
  /** Deliver only messages carrying every one of these tags (exact match). */
  tags?: string[];
  /** Aborting ends the tail; pending and later `next()` calls reject with `signal.reason`. */
  signal?: AbortSignal;
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
  token: string | null;
  /** Sets the bearer token; returns `this`. */
  withToken(token: string): this;
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
  /** Appends `data` (any JSON-serializable value); resolves to the stored message. */
  append<T = unknown>(data: T, tags?: string[] | null, durability?: Durability | null): Promise<RemoteMessage<T>>;
  /** Message `seq` (`NotFound` when absent). */
  get<T = unknown>(seq: SeqLike): Promise<RemoteMessage<T>>;
  /** Starts a live tail; resolves once the server accepted it. */
  tail(opts?: RemoteTailOptions): Promise<RemoteTail>;
}

/** A live tail of a remote pool. */
export declare class RemoteTail implements AsyncIterable<RemoteMessage> {
  private constructor();
  /** The next matching message; `null` once the tail ended (max, timeout, or `cancel()`). */
  next(): Promise<RemoteMessage | null>;
  /** Stops the tail: pending and later `next()` calls resolve to `null`. */
  cancel(): void;
  [Symbol.asyncIterator](): AsyncIterator<RemoteMessage>;
}
