//! The pool info object: what `info` reports, and its JSON (the shape every
//! face prints and the server sends). The JSON is a superset of the info
//! object of other protocol v0 servers: their field names (`ring_offset`,
//! `index_offset`, `index_size_bytes`, `bounds`, `metrics`) next to ours.

use super::layout::{State, HEADER_SIZE};
use super::read::Probe;
use super::{Inner, PoolInfo};
use crate::error::Result;

impl Inner {
    /// The published state with the append times of its oldest and newest
    /// messages, read from their frame headers (no payload is copied).
    /// The times are `None` when the pool is empty, or when writers kept
    /// overwriting the oldest frame while it was being read.
    pub(crate) fn state_with_times(&self) -> Result<(State, Option<(u64, u64)>)> {
        let mut last = None;
        for _ in 0..8 {
            let (st, gen) = self.load_state()?;
            if st.count() == 0 {
                return Ok((st, None));
            }
            let oldest = self.frame_time(st.oldest_seq, &st, gen);
            let newest = self.frame_time(st.next_seq - 1, &st, gen);
            if let (Some(o), Some(n)) = (oldest, newest) {
                return Ok((st, Some((o, n))));
            }
            last = Some(st);
        }
        Ok((last.expect("the loop ran"), None))
    }

    /// The timestamp in the header of the frame of `seq`, if it is still
    /// the retained frame of that seq once read.
    fn frame_time(&self, seq: u64, st: &State, gen: u64) -> Option<u64> {
        let pos = self.locate(seq, st, gen).ok()?;
        let h = match self.probe(pos).ok()? {
            Probe::Frame(h) => h,
            Probe::Wrap { .. } => return None,
        };
        (h.seq == seq && self.still_retained(pos, gen).ok()?).then_some(h.timestamp_ns)
    }
}

/// The ring's fill as a percentage with two decimals (rounded down).
fn used_percent(used: u64, ring: u64) -> f64 {
    if ring == 0 {
        return 0.0;
    }
    ((used as u128 * 10_000 / ring as u128) as f64) / 100.0
}

impl PoolInfo {
    /// Offset of the seq → offset index in the file.
    pub fn index_offset(&self) -> u64 {
        HEADER_SIZE
    }

    /// Bytes of the seq → offset index (8 per slot).
    pub fn index_size_bytes(&self) -> u64 {
        self.index_capacity * 8
    }

    /// Ring bytes not occupied by retained frames.
    pub fn free_bytes(&self) -> u64 {
        self.ring_size.saturating_sub(self.bytes_used)
    }

    /// The info object of the protocol, its `path` as given; ages are
    /// counted to `now_ns`.
    pub(crate) fn json_at(&self, path: &str, now_ns: u64) -> serde_json::Value {
        let mut bounds = serde_json::Map::new();
        // An empty pool has `"bounds": {}` (no member rather than null).
        if let (Some(o), Some(n)) = (self.oldest, self.newest) {
            bounds.insert("oldest".into(), o.into());
            bounds.insert("newest".into(), n.into());
        }
        let time = |ns: Option<u64>| ns.map(super::message::format_rfc3339);
        let age = |ns: Option<u64>| ns.map(|t| now_ns.saturating_sub(t) / 1_000_000);
        serde_json::json!({
            "name": self.name,
            "path": path,
            "id": self.id.as_ref().map(super::marks::pool_id_hex),
            "file_size": self.file_size,
            "index_offset": self.index_offset(),
            "index_capacity": self.index_capacity,
            "index_size_bytes": self.index_size_bytes(),
            "ring_offset": self.ring_offset,
            "ring_size": self.ring_size,
            "bounds": bounds,
            "message_count": self.message_count,
            "bytes_used": self.bytes_used,
            "created": super::message::format_rfc3339(self.created_ns),
            "metrics": {
                "message_count": self.message_count,
                "seq_span": self.message_count,
                "utilization": {
                    "used_bytes": self.bytes_used,
                    "free_bytes": self.free_bytes(),
                    "used_percent": used_percent(self.bytes_used, self.ring_size),
                },
                "age": {
                    "oldest_time": time(self.oldest_time_ns),
                    "newest_time": time(self.newest_time_ns),
                    "oldest_age_ms": age(self.oldest_time_ns),
                    "newest_age_ms": age(self.newest_time_ns),
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_has_two_decimals_and_never_divides_by_zero() {
        assert_eq!(used_percent(0, 0), 0.0);
        assert_eq!(used_percent(1, 3), 33.33);
        assert_eq!(used_percent(3, 3), 100.0);
        assert_eq!(used_percent(u64::MAX, u64::MAX), 100.0);
    }
}
