//! Doctor: walks a pool file and reports every problem with its kind and
//! file offset. Read-only and lock-free, so it is safe on a live pool.

use std::path::Path;

use super::layout::{Geometry, HEADER_SIZE};
use super::{Inner, Miss, Pool, Probe};
use crate::error::{Error, ErrorKind};

/// One problem found by [`Pool::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The error kind a read of this spot would give.
    pub kind: ErrorKind,
    /// Byte offset in the file, when known.
    pub offset: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl From<&Error> for Problem {
    fn from(e: &Error) -> Self {
        Problem {
            kind: e.kind(),
            offset: e.offset(),
            message: e.message().to_string(),
        }
    }
}

/// The result of validating a pool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Frames read and verified.
    pub messages_checked: u64,
    /// Index slots that point elsewhere than their message. Reads fall back
    /// to a scan, so no answer changes, but a healthy pool has none: each is
    /// also reported as a problem (the first few one by one).
    pub stale_index_slots: u64,
    /// Whether the pool changed while it was being checked (a live pool):
    /// the walk stopped where writers overtook it.
    pub overtaken: bool,
    /// Everything wrong, in file order.
    pub problems: Vec<Problem>,
    /// Things worth knowing that need no repair (the pool recovers by
    /// itself), e.g. a writer lock left held by a process that died.
    pub warnings: Vec<Problem>,
}

impl Report {
    /// No problems.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": self.is_clean(),
            "messages_checked": self.messages_checked,
            "stale_index_slots": self.stale_index_slots,
            "overtaken": self.overtaken,
            "problems": self.problems.iter().map(|p| serde_json::json!({
                "kind": p.kind.as_str(), "offset": p.offset, "message": p.message,
            })).collect::<Vec<_>>(),
            "warnings": self.warnings.iter().map(|p| serde_json::json!({
                "kind": p.kind.as_str(), "offset": p.offset, "message": p.message,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Validates the pool at `path`, reporting a failure to open as a problem.
pub(crate) fn validate_path(path: &Path) -> Report {
    match Pool::open(path) {
        Ok(pool) => pool.validate(),
        Err(e) => Report {
            problems: vec![Problem::from(&e)],
            ..Report::default()
        },
    }
}

/// Index slots reported one by one; the rest are summed up.
const SLOTS_LISTED: u64 = 10;

pub(super) fn run(inner: &Inner) -> Report {
    let mut report = Report::default();
    if let Some(orphan) = super::lock::orphaned(inner.map(), inner.file_id()) {
        report.warnings.push(Problem {
            kind: ErrorKind::Busy,
            offset: Some(super::layout::OFF_OWNER_PID as u64),
            message: format!("{}; the next append takes the lock over", orphan.describe()),
        });
    }
    let (st, gen) = match inner.load_state() {
        Ok(s) => s,
        Err(e) => {
            report.problems.push(Problem::from(&e));
            return report;
        }
    };
    let geo: &Geometry = inner.geo();
    let mut positions = Vec::with_capacity(st.count().min(1 << 24) as usize);
    let mut pos = st.oldest_pos;
    let mut seq = st.oldest_seq;
    let mut buf = Vec::new();
    while pos < st.write_pos {
        let step = match inner.probe(pos) {
            Ok(Probe::Wrap { next }) => Ok(next),
            Ok(Probe::Frame(_)) => match inner.read_frame(pos, seq, gen, &mut buf) {
                Ok(h) => {
                    if !buf[..h.tags_len as usize].is_empty()
                        && serde_json::from_slice::<Vec<String>>(&buf[..h.tags_len as usize]).is_err()
                    {
                        report.problems.push(Problem {
                            kind: ErrorKind::Corrupt,
                            offset: Some(geo.ring_offset + pos % geo.ring_size),
                            message: format!("message {seq} has a malformed tag list"),
                        });
                    }
                    positions.push(pos);
                    seq += 1;
                    report.messages_checked += 1;
                    Ok(pos + h.frame_len())
                }
                Err(Miss::Evicted) => Err(None),
                Err(Miss::Failed(e)) => Err(Some(e)),
            },
            Err(e) => match inner.still_retained(pos, gen) {
                Ok(true) => Err(Some(e)),
                _ => Err(None),
            },
        };
        match step {
            Ok(next) => pos = next,
            Err(None) => {
                match inner.check_damage() {
                    Err(e) => report.problems.push(Problem::from(&e)),
                    Ok(()) => report.overtaken = true,
                }
                return report;
            }
            Err(Some(e)) => {
                report.problems.push(Problem::from(&e));
                return report;
            }
        }
    }
    if pos != st.write_pos {
        report.problems.push(Problem {
            kind: ErrorKind::Corrupt,
            offset: Some(geo.ring_offset + pos % geo.ring_size),
            message: "frames overrun the published write position".into(),
        });
    }
    if seq != st.next_seq {
        report.problems.push(Problem {
            kind: ErrorKind::Corrupt,
            offset: Some(HEADER_SIZE),
            message: format!(
                "the ring holds messages up to {} but the state says {}",
                seq.saturating_sub(1),
                st.next_seq - 1
            ),
        });
    }
    let indexed_from = st.oldest_seq.max(st.next_seq.saturating_sub(geo.index_capacity));
    for s in indexed_from..seq {
        let slot = inner
            .map()
            .atomic_u64(inner.index_off(s))
            .load(std::sync::atomic::Ordering::Relaxed);
        let Some(&actual) = positions.get((s - st.oldest_seq) as usize) else {
            continue;
        };
        // A slot is written when its message is appended, and rewritten
        // only by a later message of the same slot (a larger position), which
        // a live or killed writer may have placed before publishing. So only
        // a slot that points before its frame, or between frames, is damage.
        if slot < actual || slot % 8 != 0 {
            report.stale_index_slots += 1;
            if report.stale_index_slots <= SLOTS_LISTED {
                report.problems.push(Problem {
                    kind: ErrorKind::Corrupt,
                    offset: Some(inner.index_off(s) as u64),
                    message: format!(
                        "index slot of message {s} points at ring position {slot}, not at its frame \
                         (at {actual}); reads fall back to a scan"
                    ),
                });
            }
        }
    }
    if report.stale_index_slots > SLOTS_LISTED {
        report.problems.push(Problem {
            kind: ErrorKind::Corrupt,
            offset: Some(HEADER_SIZE),
            message: format!(
                "{} more index slots point elsewhere than their message",
                report.stale_index_slots - SLOTS_LISTED
            ),
        });
    }
    // A page that faulted during the walk (the file shrank meanwhile).
    if let Err(e) = inner.check_damage() {
        report.problems.push(Problem::from(&e));
        return report;
    }
    if !inner.still_retained(st.oldest_pos, gen).unwrap_or(false) {
        report.overtaken = true;
    }
    report
}
