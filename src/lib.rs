//! # plasmite
//!
//! Persistent JSON message queues ("pools") kept as memory-mapped ring files.
//! No broker, no daemon: any number of processes append to and read from a
//! pool at once, and messages outlive them.
//!
//! This crate is the engine: pools ([`Client`], [`Pool`], [`Cursor`]), the
//! JSON scanner ([`json`]), the Lite3 codec ([`lite3`]) and, with the
//! `remote` feature, the client of the remote protocol ([`remote`]). The `pls`
//! command and its HTTP server are the application over it (`src/bin/pls/`,
//! behind the default `cli` feature); `docs/architecture.md` maps the crate.
//!
//! ```
//! use plasmite::{Client, CursorOptions, Durability};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let client = Client::new(dir.path());
//! let pool = client.create_pool("events", 1 << 20).unwrap();
//! pool.append_json(br#"{"kind":"signup","user":"alice"}"#, &["user-event"], Durability::Flush).unwrap();
//!
//! let mut cursor = pool.cursor(CursorOptions::default()).unwrap();
//! let msg = cursor.try_next().unwrap().unwrap();
//! let mut envelope = Vec::new();
//! msg.write_envelope(&mut envelope).unwrap();
//! assert!(envelope.starts_with(br#"{"seq":1,"time":""#));
//! assert!(envelope.ends_with(br#""meta":{"tags":["user-event"]},"data":{"kind":"signup","user":"alice"}}"#));
//! ```
//!
//! ## Features
//! - `remote`: [`remote`], a blocking client of `pls serve` (pulls ureq and
//!   rustls).
//! - `cli` (default): the `pls` / `plasmite` binaries; implies `remote`.
//!   Library users and the Node addon turn default features off.

#![deny(missing_docs)]

mod client;
mod error;
pub mod json;
pub mod lite3;
mod pool;
#[cfg(feature = "remote")]
pub mod remote;

pub use client::{validate_name, Client, PoolListing, POOL_EXTENSION};
pub use error::{Error, ErrorKind, Result};
pub use pool::{
    encode_tags, format_rfc3339, install_fault_handler, validate_path, write_rfc3339, Batch, BatchReceipt,
    Cursor, CursorOptions, Durability, Encoding, EndReason, Filter, Flow, Follow, FollowEnd, FollowSink,
    GapPolicy, Geometry, Lite3Frame, Message, MessageRef, Pool, PoolInfo, PoolOptions, Problem, Receipt,
    Report, Start, FLAG_STORED_LITE3,
};
/// Time: `Until` bounds a cursor; `parse_time` reads RFC 3339 or epoch ns
/// (the search itself is [`Pool::seq_at_time`] and [`Start::Time`]);
/// `Point` reads what `--since`/`--until` take (a seq, a duration ago, a time).
pub use pool::{parse_time, Point, Until};
/// A pool's identity and durable marks ([`Pool::id`], [`Pool::mark`],
/// [`Pool::set_mark`], [`Pool::append_batch_marked`]).
pub use pool::{pool_id_hex, Mark, Origin};
/// Consumer groups: competing consumers with leases, acks, redelivery and
/// dead letters, kept in the pool's sidecar files ([`Pool::group`]).
pub use pool::{
    validate_consumer_name, validate_group_name, AckOutcome, ConsumerInfo, Delivery, DeliveryReceipt, Group,
    GroupInfo, GroupOptions, GroupStart, DEFAULT_GROUP_CAPACITY, MAX_CONSUMERS, MAX_GROUPS,
    MAX_GROUP_CAPACITY, MAX_GROUP_NAME,
};
/// What one evaluation of a [`Filter`] expression may spend.
pub use pool::{FILTER_MAX_STACK, FILTER_MAX_STEPS};
