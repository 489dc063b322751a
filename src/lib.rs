//! # plasmite
//!
//! Persistent JSON message queues ("pools") kept as memory-mapped ring files.
//! No broker, no daemon: any number of processes append to and read from a
//! pool at once, and messages outlive them.
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

#![warn(missing_docs)]

pub mod cli;
pub mod client;
pub mod error;
pub mod json;
pub mod lite3;
pub mod message;
pub mod pool;
pub mod remote;
pub mod serve;

pub use client::{validate_name, Client, PoolListing};
pub use error::{Error, ErrorKind, Result};
pub use message::{Message, MessageRef};
pub use pool::{
    install_fault_handler, Batch, BatchReceipt, Cursor, CursorOptions, Durability, Encoding, EndReason,
    GapPolicy, Lite3Frame, Pool, PoolInfo, PoolOptions, Problem, Receipt, Report, Start,
};
