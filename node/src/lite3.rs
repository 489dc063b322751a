//! The Lite3 side of the binding, in one place: conversions between the
//! library's Lite3 frames and what JS sees (`{seq, timestampNs, flags,
//! payload}`, with bigint seq and time).

use napi::bindgen_prelude::{BigInt, Buffer};
use napi_derive::napi;
use plasmite::FLAG_STORED_LITE3;
use plasmite::{Durability, Encoding, MessageRef, Pool, Receipt, Result};

/// A Lite3 frame as JS sees it.
#[napi(object)]
pub struct Lite3Frame {
    pub seq: BigInt,
    pub timestamp_ns: BigInt,
    pub flags: u32,
    pub payload: Buffer,
}

/// `pool.appendLite3(bytes, durability)`.
pub fn append(pool: &Pool, bytes: &[u8], durability: Durability) -> Result<Receipt> {
    pool.append_lite3(bytes, durability)
}

/// `pool.getLite3(seq)`.
pub fn get(pool: &Pool, seq: u64) -> Result<Lite3Frame> {
    let f = pool.get_lite3(seq)?;
    Ok(Lite3Frame {
        seq: BigInt::from(f.seq),
        timestamp_ns: BigInt::from(f.timestamp_ns),
        flags: f.flags,
        payload: f.payload.into(),
    })
}

/// Writes `msg` as a Lite3 document; returns the frame's flags (as
/// `Pool::get_lite3` sets them).
pub fn write(msg: &MessageRef<'_>, out: &mut Vec<u8>) -> Result<u32> {
    msg.write_lite3(out)?;
    Ok(if msg.encoding == Encoding::Lite3 {
        FLAG_STORED_LITE3
    } else {
        0
    })
}

pub fn frame(msg: &MessageRef<'_>, flags: u32, payload: Vec<u8>) -> Lite3Frame {
    Lite3Frame {
        seq: BigInt::from(msg.seq),
        timestamp_ns: BigInt::from(msg.timestamp_ns),
        flags,
        payload: payload.into(),
    }
}
