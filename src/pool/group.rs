//! Consumer groups: durable, named positions in a pool shared by competing
//! consumers, with leases, acks, redelivery and dead letters
//! (`docs/format.md`, Consumer groups).
//!
//! A group lives in a sidecar file, `POOL.plasmite.groups/NAME.group`, mapped
//! shared by every process that uses it, with its own robust mutex (the same
//! lock code and offsets as a pool's writer lock). The pool file only holds
//! the protect table (header bytes 1024..4096) that appends consult when a
//! group is marked `protect`.
//!
//! Crash safety: every change to the group's words goes through an undo log
//! in the file ([`Txn`]): the old value is logged (entry, then count) before
//! the word is stored, and the count is cleared when a step is complete. A
//! process killed at any instruction leaves a non-zero count; the next
//! process that takes the lock rolls the logged words back to their old
//! values, so every step is all or nothing.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::cursor::GapPolicy;
use super::layout::{OFF_PROTECT_MASK, OFF_PROTECT_SLOTS, PROTECT_SLOTS, PROTECT_SLOT_LEN};
use super::lock;
use super::map::Mapping;
use super::message::Message;
use super::{now_ns, Pool};
use crate::error::{Error, ErrorKind, Result};

const MAGIC: [u8; 8] = *b"PLSGROUP";
const VERSION: u32 = 1;
/// The header of a group file; the slots follow.
const HEADER: u64 = 8192;
/// Bytes per pending-window slot.
const SLOT_LEN: u64 = 32;

// Static part (checksummed with the dead-letter name).
const OFF_POOL_CREATED: usize = 16;
const OFF_CAPACITY: usize = 24;
const OFF_LEASE: usize = 32;
const OFF_MAX_DELIVERIES: usize = 40;
const OFF_FLAGS: usize = 44;
const OFF_PROTECT_SLOT: usize = 48;
const OFF_DEAD_LEN: usize = 52;
const OFF_CRC: usize = 64;
const OFF_DEAD_NAME: usize = 1024;
const DEAD_NAME_MAX: usize = 1000;
// 128..256: the writer lock, at the pool's offsets (`lock.rs`).
/// Wake-up word for consumers waiting on nacks (a futex like the pool's).
const OFF_BOOT_DEADLINES: usize = 464;
// The group's words, changed only through `Txn`.
const W_NEXT: usize = 512;
const W_FLOOR: usize = 520;
const W_MIN_DEADLINE: usize = 528;
const W_PENDING: usize = 536;
const W_DELIVERED: usize = 544;
const W_REDELIVERED: usize = 552;
const W_ACKED: usize = 560;
const W_DEAD: usize = 568;
const W_LOST: usize = 576;
const W_LOST_PENDING: usize = 584;
const W_NACKED: usize = 592;
const WORDS_END: usize = 768;
const OFF_LOG_COUNT: usize = 768;
const OFF_LOG: usize = 776;
const LOG_CAP: usize = 64;
const OFF_CONSUMERS: usize = 2048;
/// Consumers a group remembers by name (shown by `info`); beyond it, the
/// one seen least recently is forgotten.
pub const MAX_CONSUMERS: usize = 64;
const CONSUMER_LEN: usize = 64;
const CONSUMER_NAME_MAX: usize = 40;

const FLAG_PROTECT: u32 = 1;
const FLAG_GAP_ERROR: u32 = 2;

// Slot state word: deliveries (bits 0..32), consumer index + 1 (32..48),
// acked (48), released by a nack (49).
const ST_ACKED: u64 = 1 << 48;
const ST_RELEASED: u64 = 1 << 49;

/// How long a message being moved to the dead-letter pool is left to the
/// consumer moving it (after that, another one does it: at least once).
const DEAD_LETTER_GRACE_NS: u64 = 10_000_000_000;

/// Largest pending window a group may have.
pub const MAX_GROUP_CAPACITY: u64 = 1 << 22;
/// Pending window of a group created with defaults.
pub const DEFAULT_GROUP_CAPACITY: u64 = 16384;
/// Groups a pool may have (`Busy` when creating one more).
pub const MAX_GROUPS: usize = 1024;
/// Longest group name.
pub const MAX_GROUP_NAME: usize = 40;

/// Where a new group starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupStart {
    /// At the oldest retained message.
    #[default]
    Oldest,
    /// After the newest message: only messages appended from now on.
    New,
    /// At this sequence number.
    Seq(u64),
}

/// How a group is created (fixed for its life).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOptions {
    /// Lease of a delivery when a claim gives none.
    pub lease: Duration,
    /// Deliveries of one message before it goes to the dead-letter pool.
    pub max_deliveries: u32,
    /// Dead-letter pool (a name in the pool's directory, or a path);
    /// `None`: `NAME.dead` beside the pool.
    pub dead_letter: Option<String>,
    /// Pending window: messages delivered and not yet acked (counted from
    /// the oldest un-acked one) the group tracks at most.
    pub capacity: u64,
    /// Appends that would overwrite messages this group has not acked fail
    /// with `Busy` instead.
    pub protect: bool,
    /// What a claim does when messages it had not delivered were
    /// overwritten (they are counted as lost either way).
    pub gap: GapPolicy,
    /// Where the group starts.
    pub start: GroupStart,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions {
            lease: Duration::from_secs(30),
            max_deliveries: 5,
            dead_letter: None,
            capacity: DEFAULT_GROUP_CAPACITY,
            protect: false,
            gap: GapPolicy::Continue,
            start: GroupStart::Oldest,
        }
    }
}

/// Identifies one delivery of a message: its seq and delivery number. An
/// ack or nack by a receipt whose message was delivered again since is
/// refused ("lease lost"); delivery `0` stands for whichever delivery is
/// pending (an ack by bare seq). Printed as `SEQ.DELIVERY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryReceipt {
    /// The message's sequence number.
    pub seq: u64,
    /// Its delivery number (1 for the first), or 0 for any.
    pub delivery: u32,
}

impl std::fmt::Display for DeliveryReceipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.delivery == 0 {
            write!(f, "{}", self.seq)
        } else {
            write!(f, "{}.{}", self.seq, self.delivery)
        }
    }
}

impl std::str::FromStr for DeliveryReceipt {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::usage(format!("bad receipt {s:?}"))
                .with_hint("a receipt is SEQ.DELIVERY as consume prints it, or a bare SEQ")
        };
        let s = s.trim();
        let (seq, delivery) = match s.split_once('.') {
            Some((a, b)) => (a, b.parse::<u32>().map_err(|_| bad())?),
            None => (s, 0),
        };
        let seq = seq.parse::<u64>().map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        Ok(DeliveryReceipt { seq, delivery })
    }
}

/// A message delivered by a claim: ack it, nack it or extend its lease with
/// its receipt.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The message.
    pub message: Message,
    /// Its receipt (seq and delivery number).
    pub receipt: DeliveryReceipt,
    /// When the lease ends, ns since the Unix epoch (for display).
    pub lease_until_ns: u64,
}

impl Delivery {
    /// The envelope with `delivery` and `receipt` added:
    /// `{"seq","time","meta","data","delivery":N,"receipt":"SEQ.N"}`.
    pub fn write_envelope(&self, out: &mut Vec<u8>) -> Result<()> {
        self.message.as_ref().write_envelope(out)?;
        out.pop();
        out.extend_from_slice(b",\"delivery\":");
        out.extend_from_slice(self.receipt.delivery.to_string().as_bytes());
        out.extend_from_slice(b",\"receipt\":\"");
        out.extend_from_slice(self.receipt.to_string().as_bytes());
        out.extend_from_slice(b"\"}");
        Ok(())
    }
}

/// What an ack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The pending delivery was acked.
    Acked,
    /// It was acked before (acks are idempotent), or dead-lettered, or lost.
    AlreadyAcked,
    /// The receipt is stale: the message was delivered again since (its
    /// current delivery number is given); nothing was changed.
    LeaseLost(u32),
}

/// One consumer a group remembers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerInfo {
    /// Its name.
    pub name: String,
    /// Leases it holds now.
    pub pending: u64,
    /// Messages delivered to it.
    pub deliveries: u64,
    /// When it last claimed, ns since the Unix epoch.
    pub last_seen_ns: u64,
}

/// A group's books, as `pls group info` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// The next seq a claim delivers for the first time.
    pub next_seq: u64,
    /// Every seq below it is acked (or dead-lettered, or lost).
    pub ack_floor: u64,
    /// Messages delivered and not acked.
    pub pending: u64,
    /// Messages retained in the pool not yet delivered.
    pub lag: u64,
    /// Age of the oldest pending message's first delivery, ns.
    pub oldest_pending_age_ns: Option<u64>,
    /// Deliveries (including redeliveries).
    pub delivered: u64,
    /// Redeliveries.
    pub redelivered: u64,
    /// Acks.
    pub acked: u64,
    /// Nacks.
    pub nacked: u64,
    /// Messages moved to the dead-letter pool.
    pub dead: u64,
    /// Messages overwritten before the group delivered them.
    pub lost: u64,
    /// Pending messages overwritten before they were acked.
    pub lost_pending: u64,
    /// Default lease, ns.
    pub lease_ns: u64,
    /// Deliveries before dead-lettering.
    pub max_deliveries: u32,
    /// Pending window.
    pub capacity: u64,
    /// Whether appends are refused rather than overwrite un-acked messages.
    pub protect: bool,
    /// Gap policy.
    pub gap: GapPolicy,
    /// The dead-letter pool reference.
    pub dead_letter: String,
    /// Consumers seen.
    pub consumers: Vec<ConsumerInfo>,
}

impl GroupInfo {
    /// The info as JSON (`pls group info --json`, the server).
    pub fn to_json(&self) -> serde_json::Value {
        let consumers: Vec<serde_json::Value> = self
            .consumers
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name,
                    "pending": c.pending,
                    "deliveries": c.deliveries,
                    "last_seen": crate::pool::message::format_rfc3339(c.last_seen_ns),
                })
            })
            .collect();
        serde_json::json!({
            "name": self.name,
            "next_seq": self.next_seq,
            "ack_floor": self.ack_floor,
            "pending": self.pending,
            "lag": self.lag,
            "oldest_pending_age_ms": self.oldest_pending_age_ns.map(|n| n / 1_000_000),
            "delivered": self.delivered,
            "redelivered": self.redelivered,
            "acked": self.acked,
            "nacked": self.nacked,
            "dead": self.dead,
            "lost": self.lost,
            "lost_pending": self.lost_pending,
            "lease_ms": self.lease_ns / 1_000_000,
            "max_deliveries": self.max_deliveries,
            "capacity": self.capacity,
            "protect": self.protect,
            "gap": match self.gap { GapPolicy::Continue => "continue", GapPolicy::Error => "error" },
            "dead_letter": self.dead_letter,
            "consumers": consumers,
        })
    }
}

/// The clock of lease deadlines: `CLOCK_BOOTTIME` (never steps, counts
/// suspend), ns. Deadlines are valid for the boot recorded beside them.
pub(crate) fn boottime_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_BOOTTIME)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

/// Checks a group name: 1 to 40 bytes of letters, digits, `.`, `_`, `-`,
/// not starting with `.`.
pub fn validate_group_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_GROUP_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid group name {name:?}"))
            .with_hint("group names are 1 to 40 letters, digits, '.', '_' or '-', not starting with '.'"))
    }
}

/// Checks a consumer name: 1 to 40 bytes.
pub fn validate_consumer_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > CONSUMER_NAME_MAX {
        return Err(Error::usage(format!(
            "consumer name {name:?} must be 1 to 40 bytes"
        )));
    }
    Ok(())
}

/// The directory of a pool's group files.
pub(crate) fn groups_dir(pool_path: &Path) -> PathBuf {
    let mut s = pool_path.as_os_str().to_owned();
    s.push(".groups");
    PathBuf::from(s)
}

/// An open consumer group of a pool. Cheap to use from one thread; open
/// one per thread (or clone the pool and open again).
pub struct Group {
    pool: Pool,
    name: String,
    path: PathBuf,
    file: File,
    map: Mapping,
    file_id: (u64, u64),
    capacity: u64,
    lease_ns: u64,
    max_deliveries: u32,
    flags: u32,
    protect_slot: Option<usize>,
    dead_letter: String,
    consumer: String,
    /// Index of this handle's consumer entry (`usize::MAX`: not looked up).
    consumer_index: std::sync::atomic::AtomicUsize,
    dead_pool: std::sync::OnceLock<Pool>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("name", &self.name)
            .field("path", &self.path)
            .finish()
    }
}

/// An undo-logged update of a group's words (see the module comment).
struct Txn<'a> {
    map: &'a Mapping,
    n: usize,
}

impl<'a> Txn<'a> {
    fn new(map: &'a Mapping) -> Txn<'a> {
        Txn { map, n: 0 }
    }

    fn get(&self, off: usize) -> u64 {
        self.map.atomic_u64(off).load(Ordering::Relaxed)
    }

    /// Stores `val` at `off`, logging the old value first. A step logs at
    /// most `LOG_CAP` words; the caller commits between steps.
    fn set(&mut self, off: usize, val: u64) {
        let word = self.map.atomic_u64(off);
        let old = word.load(Ordering::Relaxed);
        if old == val {
            return;
        }
        assert!(self.n < LOG_CAP, "group update step logs too many words");
        let e = OFF_LOG + self.n * 16;
        self.map.atomic_u64(e).store(off as u64, Ordering::Relaxed);
        self.map.atomic_u64(e + 8).store(old, Ordering::Relaxed);
        self.n += 1;
        self.map
            .atomic_u64(OFF_LOG_COUNT)
            .store(self.n as u64, Ordering::Release);
        word.store(val, Ordering::Release);
    }

    /// Ends a step: from here on it is never rolled back.
    fn commit(&mut self) {
        if self.n > 0 {
            self.map.atomic_u64(OFF_LOG_COUNT).store(0, Ordering::Release);
            self.n = 0;
        }
    }
}

/// Rolls back a step a killed process left half done. Under the lock.
fn rollback(map: &Mapping, file_len: u64) -> Result<u64> {
    let n = map.atomic_u64(OFF_LOG_COUNT).load(Ordering::Acquire);
    if n == 0 {
        return Ok(0);
    }
    if n > LOG_CAP as u64 {
        return Err(
            Error::corrupt(format!("group undo log count {n} is out of range"))
                .with_offset(OFF_LOG_COUNT as u64),
        );
    }
    for i in (0..n as usize).rev() {
        let e = OFF_LOG + i * 16;
        let off = map.atomic_u64(e).load(Ordering::Relaxed);
        let old = map.atomic_u64(e + 8).load(Ordering::Relaxed);
        let valid = off % 8 == 0
            && ((off as usize >= W_NEXT && (off as usize) < WORDS_END)
                || (off as usize >= OFF_CONSUMERS && off < HEADER)
                || (off >= HEADER && off + 8 <= file_len));
        if !valid {
            return Err(
                Error::corrupt(format!("group undo log entry {i} names offset {off}")).with_offset(e as u64),
            );
        }
        map.atomic_u64(off as usize).store(old, Ordering::Relaxed);
    }
    map.atomic_u64(OFF_LOG_COUNT).store(0, Ordering::Release);
    Ok(n)
}

fn static_crc(head: &[u8], dead: &[u8]) -> u32 {
    let c = super::crc::crc32c(&head[..OFF_CRC]);
    super::crc::append(c, dead)
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn group_not_found(name: &str, pool: &Pool) -> Error {
    Error::new(
        ErrorKind::NotFound,
        format!("group {name:?} not found in pool {}", pool.name()),
    )
    .with_path(pool.path())
    .with_hint(format!("create it with: pls group create {} {name}", pool.name()))
}

impl Pool {
    /// Opens group `name`, creating it with default options when it does not
    /// exist (another process creating it at the same moment is fine).
    pub fn group(&self, name: &str) -> Result<Group> {
        self.group_with(name, &GroupOptions::default())
    }

    /// Opens group `name`, creating it with `options` when it does not exist
    /// (an existing group keeps its own options).
    pub fn group_with(&self, name: &str, options: &GroupOptions) -> Result<Group> {
        match self.open_group(name) {
            Err(e) if e.kind() == ErrorKind::NotFound => match self.create_group(name, options) {
                Err(e) if e.kind() == ErrorKind::AlreadyExists => self.open_group(name),
                other => other,
            },
            other => other,
        }
    }

    /// Opens an existing group (`NotFound` when absent).
    pub fn open_group(&self, name: &str) -> Result<Group> {
        validate_group_name(name)?;
        let path = groups_dir(self.path()).join(format!("{name}.group"));
        Group::open(self.clone(), name, path)
    }

    /// Creates group `name` (`AlreadyExists` when present). The file appears
    /// atomically, fully initialized.
    pub fn create_group(&self, name: &str, options: &GroupOptions) -> Result<Group> {
        validate_group_name(name)?;
        if self.is_read_only() {
            return Err(Error::new(
                ErrorKind::Permission,
                "cannot create a group: the pool was opened read-only",
            )
            .with_path(self.path()));
        }
        if options.capacity == 0 || options.capacity > MAX_GROUP_CAPACITY {
            return Err(Error::usage(format!(
                "group capacity {} is out of range (1 to {MAX_GROUP_CAPACITY})",
                options.capacity
            )));
        }
        if options.max_deliveries == 0 {
            return Err(Error::usage("max deliveries must be at least 1"));
        }
        if options.lease.is_zero() {
            return Err(Error::usage("a lease must be longer than 0"));
        }
        let dead = options
            .dead_letter
            .clone()
            .unwrap_or_else(|| format!("{}.dead", self.name()));
        if dead.is_empty() || dead.len() > DEAD_NAME_MAX {
            return Err(Error::usage("dead-letter pool reference is empty or too long"));
        }
        if self.group_names()?.len() >= MAX_GROUPS {
            return Err(Error::new(
                ErrorKind::Busy,
                format!("pool {} already has {MAX_GROUPS} groups", self.name()),
            )
            .with_hint("delete groups that are no longer used (pls group list, pls group delete)"));
        }
        let dir = groups_dir(self.path());
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io("cannot create the groups directory", e).with_path(&dir))?;
        let path = dir.join(format!("{name}.group"));
        if path.exists() {
            match self.open_group(name) {
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    // A group of an earlier pool of this name: replace it.
                    let _ = std::fs::remove_file(&path);
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::AlreadyExists,
                        format!("group {name:?} already exists in pool {}", self.name()),
                    )
                    .with_path(self.path()))
                }
            }
        }
        let st = self.inner().load_state()?.0;
        let start = match options.start {
            GroupStart::Oldest => st.oldest_seq,
            GroupStart::New => st.next_seq,
            GroupStart::Seq(s) => s.max(1),
        };
        let protect_slot = if options.protect {
            Some(self.claim_protect_slot(name, start)?)
        } else {
            None
        };
        let result = (|| {
            let len = HEADER + options.capacity * SLOT_LEN;
            let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), now_ns()));
            // Sized under `ulimit -f`, like a pool: EFBIG, not SIGXFSZ.
            let made = super::without_sigxfsz(|| {
                let file = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    .map_err(|e| Error::io("cannot create group file", e).with_path(&tmp))?;
                file.set_len(len)
                    .map_err(|e| Error::io("cannot size group file", e))?;
                nix::fcntl::posix_fallocate(std::os::fd::AsRawFd::as_raw_fd(&file), 0, len as libc::off_t)
                    .map_err(|e| {
                        Error::io("cannot allocate group file", std::io::Error::from(e))
                            .with_hint("is the disk full?")
                    })?;
                let map = Mapping::new(&file, len, true)?;
                let mut head = [0u8; OFF_CRC + 4];
                head[0..8].copy_from_slice(&MAGIC);
                head[8..12].copy_from_slice(&VERSION.to_le_bytes());
                head[12..16].copy_from_slice(&(HEADER as u32).to_le_bytes());
                head[OFF_POOL_CREATED..OFF_POOL_CREATED + 8]
                    .copy_from_slice(&self.geometry().created_ns.to_le_bytes());
                head[OFF_CAPACITY..OFF_CAPACITY + 8].copy_from_slice(&options.capacity.to_le_bytes());
                head[OFF_LEASE..OFF_LEASE + 8]
                    .copy_from_slice(&(options.lease.as_nanos() as u64).to_le_bytes());
                head[OFF_MAX_DELIVERIES..OFF_MAX_DELIVERIES + 4]
                    .copy_from_slice(&options.max_deliveries.to_le_bytes());
                let flags = if options.protect { FLAG_PROTECT } else { 0 }
                    | if options.gap == GapPolicy::Error {
                        FLAG_GAP_ERROR
                    } else {
                        0
                    };
                head[OFF_FLAGS..OFF_FLAGS + 4].copy_from_slice(&flags.to_le_bytes());
                let ps = protect_slot.map(|s| s as u32).unwrap_or(u32::MAX);
                head[OFF_PROTECT_SLOT..OFF_PROTECT_SLOT + 4].copy_from_slice(&ps.to_le_bytes());
                head[OFF_DEAD_LEN..OFF_DEAD_LEN + 4].copy_from_slice(&(dead.len() as u32).to_le_bytes());
                let crc = static_crc(&head, dead.as_bytes());
                head[OFF_CRC..OFF_CRC + 4].copy_from_slice(&crc.to_le_bytes());
                map.write(0, &head);
                map.write(OFF_DEAD_NAME, dead.as_bytes());
                lock::initialize(&map)?;
                map.write(OFF_BOOT_DEADLINES, &lock::boot_id());
                map.atomic_u64(W_NEXT).store(start, Ordering::Relaxed);
                map.atomic_u64(W_FLOOR).store(start, Ordering::Relaxed);
                map.atomic_u64(W_MIN_DEADLINE).store(u64::MAX, Ordering::Relaxed);
                file.sync_all()
                    .map_err(|e| Error::io("cannot sync group file", e))?;
                drop(map);
                std::fs::hard_link(&tmp, &path).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        Error::new(
                            ErrorKind::AlreadyExists,
                            format!("group {name:?} already exists in pool {}", self.name()),
                        )
                        .with_path(self.path())
                    } else {
                        Error::io("cannot create group", e).with_path(&path)
                    }
                })
            });
            let _ = std::fs::remove_file(&tmp);
            made?;
            self.open_group(name)
        })();
        if result.is_err() {
            if let Some(s) = protect_slot {
                self.release_protect_slot(s);
            }
        }
        result
    }

    /// The names of the pool's groups, sorted.
    pub fn group_names(&self) -> Result<Vec<String>> {
        let dir = groups_dir(self.path());
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read the groups directory", e).with_path(&dir)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".group"))
                    .map(str::to_owned)
            })
            .filter(|n| validate_group_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Deletes group `name` (its books; the pool's messages stay), releasing
    /// its protect slot. Consumers that have it open keep their mapping.
    pub fn delete_group(&self, name: &str) -> Result<()> {
        let g = match self.open_group(name) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // A protect slot left by a group whose file is gone (a crash
                // while creating it): clearing it is this delete.
                let stale: Vec<usize> = self
                    .protect_slots()
                    .into_iter()
                    .filter(|(_, n, _)| n == name)
                    .map(|(s, _, _)| s)
                    .collect();
                if stale.is_empty() {
                    return Err(e);
                }
                for s in stale {
                    self.release_protect_slot(s);
                }
                return Ok(());
            }
            other => other?,
        };
        let path = g.path.clone();
        if let Some(s) = g.protect_slot {
            self.release_protect_slot(s);
        }
        drop(g);
        std::fs::remove_file(&path).map_err(|e| Error::io("cannot delete group", e).with_path(&path))
    }

    /// Takes a free protect slot for `name` with floor `floor`, under the
    /// pool's writer lock (so appends see it whole).
    fn claim_protect_slot(&self, name: &str, floor: u64) -> Result<usize> {
        let inner = self.inner();
        let map = inner.map();
        let _guard =
            lock::lock(map, inner.file_handle(), inner.file_id()).map_err(|e| e.with_path(self.path()))?;
        let mask = map.atomic_u64(OFF_PROTECT_MASK).load(Ordering::Acquire);
        let Some(i) = (0..PROTECT_SLOTS).find(|i| mask & (1 << i) == 0) else {
            return Err(Error::new(
                ErrorKind::Busy,
                format!(
                    "pool {} already has {PROTECT_SLOTS} protected groups",
                    self.name()
                ),
            )
            .with_hint("delete a protected group, or create this one without --protect"));
        };
        let off = OFF_PROTECT_SLOTS + i * PROTECT_SLOT_LEN;
        map.atomic_u64(off).store(floor, Ordering::Relaxed);
        map.atomic_u64(off + 8)
            .store(name.len() as u64, Ordering::Relaxed);
        let mut nm = [0u8; 48];
        nm[..name.len()].copy_from_slice(name.as_bytes());
        map.write(off + 16, &nm);
        map.atomic_u64(OFF_PROTECT_MASK)
            .fetch_or(1 << i, Ordering::Release);
        Ok(i)
    }

    fn release_protect_slot(&self, i: usize) {
        if self.is_read_only() {
            return;
        }
        self.inner()
            .map()
            .atomic_u64(OFF_PROTECT_MASK)
            .fetch_and(!(1u64 << i), Ordering::Release);
    }

    /// The protect table: `(slot, group name, floor)` of each protected group.
    pub(crate) fn protect_slots(&self) -> Vec<(usize, String, u64)> {
        let map = self.inner().map();
        let mask = map.atomic_u64(OFF_PROTECT_MASK).load(Ordering::Acquire);
        (0..PROTECT_SLOTS)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| {
                let off = OFF_PROTECT_SLOTS + i * PROTECT_SLOT_LEN;
                let floor = map.atomic_u64(off).load(Ordering::Relaxed);
                let len = (map.atomic_u64(off + 8).load(Ordering::Relaxed) as usize).min(48);
                let mut nm = [0u8; 48];
                map.read(off + 16, &mut nm);
                (i, String::from_utf8_lossy(&nm[..len]).into_owned(), floor)
            })
            .collect()
    }
}

/// `doctor`'s checks of a pool's groups: each group file opens and its
/// books are consistent (a half step a killed process left is rolled back
/// first, as any user of the group would); each protect slot names a group
/// that exists.
pub(crate) fn validate_groups(pool: &Pool, report: &mut super::validate::Report) {
    use super::validate::Problem;
    let names = match pool.group_names() {
        Ok(n) => n,
        Err(e) => {
            report.problems.push(Problem::from(&e));
            return;
        }
    };
    for name in &names {
        match pool.open_group(name).and_then(|g| g.check()) {
            Ok(found) => report.problems.extend(found.into_iter().map(|m| Problem {
                kind: ErrorKind::Corrupt,
                offset: None,
                message: format!("group {name}: {m}"),
            })),
            Err(e) if e.kind() == ErrorKind::Permission => report.warnings.push(Problem {
                kind: e.kind(),
                offset: None,
                message: format!("group {name} not checked: {}", e.message()),
            }),
            Err(e) => report.problems.push(Problem {
                kind: e.kind(),
                offset: e.offset(),
                message: format!("group {name}: {}", e.message()),
            }),
        }
    }
    for (slot, name, _) in pool.protect_slots() {
        if !names.contains(&name) {
            report.problems.push(Problem {
                kind: ErrorKind::Busy,
                offset: Some((OFF_PROTECT_SLOTS + slot * PROTECT_SLOT_LEN) as u64),
                message: format!(
                    "protect slot {slot} names group {name:?}, which does not exist: appends still keep its messages \
                     (clear it with: pls group delete {} {name})",
                    pool.name()
                ),
            });
        }
    }
}

impl Group {
    fn open(pool: Pool, name: &str, path: PathBuf) -> Result<Group> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    group_not_found(name, &pool)
                } else {
                    Error::io("cannot open group", e).with_path(&path)
                }
            })?;
        let meta = file
            .metadata()
            .map_err(|e| Error::io("cannot stat group", e).with_path(&path))?;
        let len = meta.len();
        let file_id = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        let corrupt = |what: &str| Error::corrupt(format!("group file: {what}")).with_path(&path);
        if len < HEADER {
            return Err(corrupt("too short"));
        }
        let mut head = [0u8; OFF_CRC + 4];
        {
            use std::os::unix::fs::FileExt;
            file.read_exact_at(&mut head, 0)
                .map_err(|e| Error::io("cannot read group header", e).with_path(&path))?;
        }
        if head[0..8] != MAGIC {
            return Err(corrupt("bad magic"));
        }
        if u32_at(&head, 8) != VERSION {
            return Err(corrupt("unknown version"));
        }
        let capacity = u64_at(&head, OFF_CAPACITY);
        let dead_len = u32_at(&head, OFF_DEAD_LEN) as usize;
        if capacity == 0
            || capacity > MAX_GROUP_CAPACITY
            || dead_len > DEAD_NAME_MAX
            || len != HEADER + capacity * SLOT_LEN
        {
            return Err(corrupt("inconsistent geometry"));
        }
        let mut dead = vec![0u8; dead_len];
        {
            use std::os::unix::fs::FileExt;
            file.read_exact_at(&mut dead, OFF_DEAD_NAME as u64)
                .map_err(|e| Error::io("cannot read group header", e).with_path(&path))?;
        }
        if static_crc(&head, &dead) != u32_at(&head, OFF_CRC) {
            return Err(corrupt("header checksum mismatch"));
        }
        if u64_at(&head, OFF_POOL_CREATED) != pool.geometry().created_ns {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("group {name:?} belonged to an earlier pool named {}", pool.name()),
            )
            .with_path(&path)
            .with_hint("create it again (pls group create), which replaces the old file"));
        }
        let map = Mapping::new(&file, len, true).map_err(|e| e.with_path(&path))?;
        lock::ensure_initialized(&map, &file).map_err(|e| e.with_path(&path))?;
        let ps = u32_at(&head, OFF_PROTECT_SLOT);
        let g = Group {
            name: name.to_string(),
            path,
            file,
            map,
            file_id,
            capacity,
            lease_ns: u64_at(&head, OFF_LEASE),
            max_deliveries: u32_at(&head, OFF_MAX_DELIVERIES),
            flags: u32_at(&head, OFF_FLAGS),
            protect_slot: (ps != u32::MAX && (ps as usize) < PROTECT_SLOTS).then_some(ps as usize),
            dead_letter: String::from_utf8_lossy(&dead).into_owned(),
            consumer: format!("pid-{}", std::process::id()),
            consumer_index: std::sync::atomic::AtomicUsize::new(usize::MAX),
            dead_pool: std::sync::OnceLock::new(),
            pool,
        };
        Ok(g)
    }

    /// Names the consumer this handle claims for (shown by `info`; at most
    /// 40 bytes). The default is `pid-PID`.
    pub fn set_consumer(&mut self, name: &str) -> Result<()> {
        validate_consumer_name(name)?;
        self.consumer = name.to_string();
        self.consumer_index.store(usize::MAX, Ordering::Relaxed);
        Ok(())
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pool the group reads.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The group's default lease.
    pub fn default_lease(&self) -> Duration {
        Duration::from_nanos(self.lease_ns)
    }

    fn word(&self, off: usize) -> u64 {
        self.map.atomic_u64(off).load(Ordering::Relaxed)
    }

    fn slot_off(&self, seq: u64) -> usize {
        (HEADER + (seq % self.capacity) * SLOT_LEN) as usize
    }

    /// Takes the group lock, repairing what a killed holder left: a half
    /// step is rolled back; deadlines from another boot are expired.
    fn lock(&self) -> Result<lock::WriterGuard<'_>> {
        let guard = lock::lock(&self.map, &self.file, self.file_id).map_err(|e| e.with_path(&self.path))?;
        if self.map.atomic_u64(OFF_LOG_COUNT).load(Ordering::Relaxed) != 0 {
            rollback(&self.map, HEADER + self.capacity * SLOT_LEN).map_err(|e| e.with_path(&self.path))?;
        }
        // Every walk of the books goes from the ack floor to the next seq:
        // words that no step can leave (damage, not a crash) are refused
        // here, before any walk could run for 2^64 steps.
        let (floor, next) = (self.word(W_FLOOR), self.word(W_NEXT));
        if floor > next || next - floor > self.capacity {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "group {:?}: its books are damaged (ack floor {floor}, next seq {next}, window {})",
                    self.name, self.capacity
                ),
            )
            .with_path(&self.path)
            .with_hint("delete the group (pls group delete POOL GROUP) and create it again"));
        }
        let mut seen = [0u8; 16];
        self.map.read(OFF_BOOT_DEADLINES, &mut seen);
        if seen != lock::boot_id() {
            // Deadlines are CLOCK_BOOTTIME of an earlier boot: every lease
            // and nack delay ends now. Idempotent, so no log: a crash here
            // is finished by the next locker.
            let (floor, next) = (self.word(W_FLOOR), self.word(W_NEXT));
            for seq in floor..next.min(floor + self.capacity) {
                self.map
                    .atomic_u64(self.slot_off(seq) + 16)
                    .store(0, Ordering::Relaxed);
            }
            self.map.atomic_u64(W_MIN_DEADLINE).store(0, Ordering::Relaxed);
            self.map.write(OFF_BOOT_DEADLINES, &lock::boot_id());
        }
        Ok(guard)
    }

    fn gap_error(&self) -> bool {
        self.flags & FLAG_GAP_ERROR != 0
    }

    /// Mirrors the ack floor into the pool's protect slot (after a commit,
    /// so the mirror never runs ahead of the books).
    fn mirror_floor(&self) {
        if let Some(i) = self.protect_slot {
            if self.pool.is_read_only() {
                return;
            }
            let off = OFF_PROTECT_SLOTS + i * PROTECT_SLOT_LEN;
            self.pool
                .inner()
                .map()
                .atomic_u64(off)
                .store(self.word(W_FLOOR), Ordering::Release);
        }
    }

    fn consumer_slot(&self, txn: &mut Txn<'_>) -> Result<usize> {
        if let Some(i) = Some(self.consumer_index.load(Ordering::Relaxed)).filter(|i| *i != usize::MAX) {
            let off = OFF_CONSUMERS + i * CONSUMER_LEN;
            if self.consumer_is_at(off) {
                return Ok(i);
            }
        }
        let mut free = None;
        for i in 0..MAX_CONSUMERS {
            let off = OFF_CONSUMERS + i * CONSUMER_LEN;
            let len = self.word(off);
            if len == 0 {
                free.get_or_insert(i);
                continue;
            }
            if self.consumer_is_at(off) {
                self.consumer_index.store(i, Ordering::Relaxed);
                return Ok(i);
            }
        }
        // Full: the entry seen least recently is reused (its name only
        // labels `info`; leases do not depend on it).
        let i = free.unwrap_or_else(|| {
            (0..MAX_CONSUMERS)
                .min_by_key(|i| self.word(OFF_CONSUMERS + i * CONSUMER_LEN + 48))
                .unwrap_or(0)
        });
        if free.is_none() {
            let off = OFF_CONSUMERS + i * CONSUMER_LEN;
            txn.set(off, 0);
            txn.set(off + 56, 0);
            txn.commit();
        }
        let off = OFF_CONSUMERS + i * CONSUMER_LEN;
        // The name bytes go into a free entry (no one reads them until the
        // logged length makes the entry live).
        let mut nm = [0u8; CONSUMER_NAME_MAX];
        nm[..self.consumer.len()].copy_from_slice(self.consumer.as_bytes());
        self.map.write(off + 8, &nm);
        txn.set(off, self.consumer.len() as u64);
        txn.commit();
        self.consumer_index.store(i, Ordering::Relaxed);
        Ok(i)
    }

    /// Whether the consumer entry at `off` is this handle's (no allocation:
    /// it runs on every claim).
    fn consumer_is_at(&self, off: usize) -> bool {
        let len = self.word(off) as usize;
        if len != self.consumer.len() {
            return false;
        }
        let mut nm = [0u8; CONSUMER_NAME_MAX];
        self.map.read(off + 8, &mut nm[..len]);
        nm[..len] == *self.consumer.as_bytes()
    }

    fn consumer_name_at(&self, off: usize) -> String {
        let len = (self.word(off) as usize).min(CONSUMER_NAME_MAX);
        let mut nm = [0u8; CONSUMER_NAME_MAX];
        self.map.read(off + 8, &mut nm);
        String::from_utf8_lossy(&nm[..len]).into_owned()
    }

    /// Claims up to `max` messages without waiting: expired leases first
    /// (in seq order), then messages never delivered. Each gets a lease of
    /// `lease` (`None`: the group's). An empty result means nothing is ready.
    /// `Busy` when the pending window is full and nothing expired;
    /// `RetentionGap` (gap policy `error`) when undelivered messages were
    /// overwritten (they are counted as lost and skipped either way).
    pub fn claim(&self, max: usize, lease: Option<Duration>) -> Result<Vec<Delivery>> {
        let mut out = Vec::new();
        self.claim_into(max, lease, &mut out)?;
        Ok(out)
    }

    /// Like [`claim`](Group::claim), waiting at most `timeout` for a message
    /// (sleeping on the pool's commit word, and until the next lease ends).
    pub fn claim_wait(
        &self,
        max: usize,
        lease: Option<Duration>,
        timeout: Duration,
    ) -> Result<Vec<Delivery>> {
        let start = std::time::Instant::now();
        loop {
            let seen = self.pool.commit_counter();
            let mut got = Vec::new();
            let full = match self.claim_into(max, lease, &mut got) {
                Ok(_) => false,
                // A full window frees up as the oldest pending messages are
                // acked (or their leases end): wait for that too, and say
                // so if it lasts the whole timeout.
                Err(e) if self.window_full() && e.kind() == ErrorKind::Busy => {
                    if start.elapsed() >= timeout {
                        return Err(e);
                    }
                    true
                }
                Err(e) => return Err(e),
            };
            if !got.is_empty() {
                return Ok(got);
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Ok(got);
            }
            let mut wait = (timeout - elapsed).min(Duration::from_millis(if full { 1 } else { 100 }));
            let md = self.word(W_MIN_DEADLINE);
            if md != u64::MAX {
                let now = boottime_ns();
                wait = wait.min(Duration::from_nanos(md.saturating_sub(now) + 1_000_000));
            }
            self.pool.wait_for_commit(seen, wait);
        }
    }

    fn window_full(&self) -> bool {
        self.word(W_NEXT) - self.word(W_FLOOR) >= self.capacity
    }

    /// [`claim`](Group::claim) appending into `out` (for reuse).
    pub fn claim_into(&self, max: usize, lease: Option<Duration>, out: &mut Vec<Delivery>) -> Result<usize> {
        if self.pool.is_read_only() {
            return Err(Error::new(
                ErrorKind::Permission,
                "cannot claim: the pool was opened read-only",
            )
            .with_path(self.pool.path()));
        }
        let lease_ns = lease.map(|d| d.as_nanos() as u64).unwrap_or(self.lease_ns).max(1);
        let before = out.len();
        let mut dead_letters: Vec<(u64, u32)> = Vec::new();
        let mut gap: Option<(u64, u64)> = None;
        let guard = self.lock()?;
        let mut txn = Txn::new(&self.map);
        let ci = self.consumer_slot(&mut txn)?;
        let now = boottime_ns();
        let wall = now_ns();
        let cons_tag = ((ci as u64) + 1) << 32;
        // 0. Gap policy `error`: messages overwritten before delivery are
        // reported before anything is delivered past them.
        if self.gap_error() {
            let (st, _) = self.pool.inner().load_state()?;
            let next = txn.get(W_NEXT);
            if next < st.oldest_seq {
                let (first, lost) = self.skip_lost(&mut txn, st.oldest_seq);
                drop(guard);
                self.mirror_floor();
                return Err(self.gap_error_for(first, lost));
            }
        }
        // 1. Expired leases and released messages, oldest first.
        let floor = txn.get(W_FLOOR);
        let next = txn.get(W_NEXT);
        if txn.get(W_MIN_DEADLINE) <= now {
            let mut min_deadline = u64::MAX;
            for seq in floor..next {
                let so = self.slot_off(seq);
                let state = txn.get(so + 8);
                if state & ST_ACKED != 0 || txn.get(so) != seq {
                    continue;
                }
                let deadline = txn.get(so + 16);
                if deadline > now || out.len() - before >= max {
                    min_deadline = min_deadline.min(deadline);
                    continue;
                }
                let deliveries = (state & 0xffff_ffff) as u32;
                if deliveries >= self.max_deliveries {
                    // Claimed for the dead-letter pool: other consumers
                    // leave it alone unless this one dies before settling it.
                    txn.set(so + 16, now + DEAD_LETTER_GRACE_NS);
                    txn.commit();
                    min_deadline = min_deadline.min(now + DEAD_LETTER_GRACE_NS);
                    dead_letters.push((seq, deliveries));
                    continue;
                }
                match self.pool.get(seq) {
                    Ok(message) => {
                        let d = deliveries + 1;
                        txn.set(so + 8, d as u64 | cons_tag);
                        txn.set(so + 16, now + lease_ns);
                        txn.set(W_DELIVERED, txn.get(W_DELIVERED) + 1);
                        txn.set(W_REDELIVERED, txn.get(W_REDELIVERED) + 1);
                        let co = OFF_CONSUMERS + ci * CONSUMER_LEN;
                        txn.set(co + 48, wall);
                        txn.set(co + 56, txn.get(co + 56) + 1);
                        txn.commit();
                        min_deadline = min_deadline.min(now + lease_ns);
                        out.push(Delivery {
                            message,
                            receipt: DeliveryReceipt { seq, delivery: d },
                            lease_until_ns: wall + lease_ns,
                        });
                    }
                    Err(e) if e.kind() == ErrorKind::NotFound => {
                        // Overwritten while pending: lost, settled.
                        txn.set(so + 8, state | ST_ACKED);
                        txn.set(W_PENDING, txn.get(W_PENDING).saturating_sub(1));
                        txn.set(W_LOST_PENDING, txn.get(W_LOST_PENDING) + 1);
                        if seq == txn.get(W_FLOOR) {
                            self.advance_floor(&mut txn);
                        }
                        txn.commit();
                        gap.get_or_insert((seq, 0)).1 += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            txn.set(W_MIN_DEADLINE, min_deadline);
            txn.commit();
        }
        // 2. New messages.
        let mut window_full = false;
        while out.len() - before < max {
            let next = txn.get(W_NEXT);
            let floor = txn.get(W_FLOOR);
            if next - floor >= self.capacity {
                window_full = true;
                break;
            }
            let (st, _) = self.pool.inner().load_state()?;
            if next >= st.next_seq {
                break;
            }
            let message = if next < st.oldest_seq {
                None
            } else {
                match self.pool.get(next) {
                    Ok(m) => Some(m),
                    Err(e) if e.kind() == ErrorKind::NotFound => None,
                    Err(e) => return Err(e),
                }
            };
            let Some(message) = message else {
                // Overwritten before delivery: every seq below the oldest
                // retained one is gone, the undelivered ones and any still
                // pending. Count them and settle the window past them.
                let (st, _) = self.pool.inner().load_state()?;
                let (first, lost) = self.skip_lost(&mut txn, st.oldest_seq.max(next + 1));
                let g = gap.get_or_insert((first, 0));
                g.1 += lost;
                if self.gap_error() {
                    // Report it before delivering anything past it.
                    break;
                }
                continue;
            };
            let so = self.slot_off(next);
            txn.set(so, next);
            txn.set(so + 8, 1 | cons_tag);
            txn.set(so + 16, now + lease_ns);
            txn.set(so + 24, wall);
            txn.set(W_NEXT, next + 1);
            txn.set(W_PENDING, txn.get(W_PENDING) + 1);
            txn.set(W_DELIVERED, txn.get(W_DELIVERED) + 1);
            if txn.get(W_MIN_DEADLINE) > now + lease_ns {
                txn.set(W_MIN_DEADLINE, now + lease_ns);
            }
            let co = OFF_CONSUMERS + ci * CONSUMER_LEN;
            txn.set(co + 48, wall);
            txn.set(co + 56, txn.get(co + 56) + 1);
            txn.commit();
            out.push(Delivery {
                message,
                receipt: DeliveryReceipt {
                    seq: next,
                    delivery: 1,
                },
                lease_until_ns: wall + lease_ns,
            });
        }
        drop(guard);
        for (seq, deliveries) in dead_letters {
            self.dead_letter(seq, deliveries)?;
        }
        self.mirror_floor();
        let got = out.len() - before;
        if let Some((first, lost)) = gap {
            if self.gap_error() && lost > 0 && got == 0 {
                return Err(self.gap_error_for(first, lost));
            }
        }
        if got == 0 && window_full {
            return Err(Error::new(
                ErrorKind::Busy,
                format!(
                    "group {}: {} messages are pending from seq {} (the group's window is full)",
                    self.name,
                    self.capacity,
                    self.word(W_FLOOR)
                ),
            )
            .with_hint(
                "ack (or nack) the oldest pending messages, or create the group with a larger --capacity",
            ));
        }
        Ok(got)
    }

    /// Settles a window whose messages below `to` (the oldest retained
    /// seq) were overwritten: the undelivered ones count as lost, every
    /// pending one (all are below `to`) as lost pending. Returns the first
    /// seq affected and how many. Under the lock; one step.
    fn skip_lost(&self, txn: &mut Txn<'_>, to: u64) -> (u64, u64) {
        let (next, floor) = (txn.get(W_NEXT), txn.get(W_FLOOR));
        let lost_pending = txn.get(W_PENDING);
        txn.set(W_LOST, txn.get(W_LOST) + (to - next));
        txn.set(W_LOST_PENDING, txn.get(W_LOST_PENDING) + lost_pending);
        txn.set(W_PENDING, 0);
        txn.set(W_NEXT, to);
        txn.set(W_FLOOR, to);
        txn.commit();
        let first = if lost_pending > 0 { floor } else { next };
        (first, (to - next) + lost_pending)
    }

    fn gap_error_for(&self, first: u64, lost: u64) -> Error {
        Error::new(
            ErrorKind::RetentionGap,
            format!(
                "group {}: {lost} message(s) from seq {first} were overwritten before they were acked or delivered",
                self.name
            ),
        )
        .with_seq(first)
        .with_path(self.pool.path())
        .with_hint("they are counted as lost (pls group info); claim again to go on, or give the pool a larger --size")
    }

    /// Moves the ack floor past acked slots. Under the lock, in the same
    /// step as the ack that settled the floor's message (a kill between
    /// the two would leave the floor on an acked slot, where no later ack
    /// moves it).
    fn advance_floor(&self, txn: &mut Txn<'_>) {
        let next = txn.get(W_NEXT);
        let mut floor = txn.get(W_FLOOR);
        while floor < next {
            let so = self.slot_off(floor);
            if txn.get(so) == floor && txn.get(so + 8) & ST_ACKED == 0 {
                break;
            }
            floor += 1;
        }
        txn.set(W_FLOOR, floor);
    }

    /// Moves a message delivered `deliveries` times (the maximum) to the
    /// dead-letter pool, then acks it. A crash between the two leaves it in
    /// both (at least once into the dead-letter pool).
    fn dead_letter(&self, seq: u64, deliveries: u32) -> Result<()> {
        let body = match self.pool.get(seq) {
            Ok(m) => {
                let mut env = Vec::new();
                m.as_ref().write_envelope(&mut env)?;
                let mut b = Vec::with_capacity(env.len() + 128);
                b.extend_from_slice(b"{\"reason\":\"max-deliveries\",\"group\":");
                b.extend_from_slice(serde_json::to_string(&self.name).unwrap_or_default().as_bytes());
                b.extend_from_slice(b",\"pool\":");
                b.extend_from_slice(
                    serde_json::to_string(&self.pool.name())
                        .unwrap_or_default()
                        .as_bytes(),
                );
                b.extend_from_slice(
                    format!(",\"seq\":{seq},\"deliveries\":{deliveries},\"message\":").as_bytes(),
                );
                b.extend_from_slice(&env);
                b.push(b'}');
                Some(b)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Some(body) = &body {
            let dead = self.dead_pool()?;
            dead.append_json(body, &["dead-letter"], super::append::Durability::Fast)?;
        }
        let _guard = self.lock()?;
        let mut txn = Txn::new(&self.map);
        let so = self.slot_off(seq);
        let state = txn.get(so + 8);
        let floor = txn.get(W_FLOOR);
        if seq >= floor && seq < txn.get(W_NEXT) && txn.get(so) == seq && state & ST_ACKED == 0 {
            txn.set(so + 8, state | ST_ACKED);
            txn.set(W_PENDING, txn.get(W_PENDING).saturating_sub(1));
            if body.is_some() {
                txn.set(W_DEAD, txn.get(W_DEAD) + 1);
            } else {
                txn.set(W_LOST_PENDING, txn.get(W_LOST_PENDING) + 1);
            }
            if seq == floor {
                self.advance_floor(&mut txn);
            }
            txn.commit();
        }
        Ok(())
    }

    fn dead_pool(&self) -> Result<Pool> {
        if let Some(p) = self.dead_pool.get() {
            return Ok(p.clone());
        }
        let r = &self.dead_letter;
        let path = if r.contains('/') {
            PathBuf::from(r)
        } else {
            let dir = self.pool.path().parent().unwrap_or(Path::new("."));
            let name = r.strip_suffix(".plasmite").unwrap_or(r);
            dir.join(format!("{name}.plasmite"))
        };
        let p = match Pool::open(&path) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let size = self.pool.geometry().file_size;
                match Pool::create(
                    &path,
                    super::PoolOptions {
                        size_bytes: size,
                        index_capacity: None,
                    },
                ) {
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => Pool::open(&path),
                    other => other,
                }
            }
            other => other,
        }?;
        Ok(self.dead_pool.get_or_init(|| p).clone())
    }

    /// Acks one delivery. A receipt with delivery 0 acks whichever delivery
    /// of that seq is pending. `Busy` ("lease lost") when the message was
    /// delivered again since this receipt; `NotFound` for a seq the group
    /// never delivered. Acking twice is fine ([`AckOutcome::AlreadyAcked`]).
    pub fn ack(&self, receipt: DeliveryReceipt) -> Result<AckOutcome> {
        let r = self.ack_many(&[receipt])?;
        match r[0] {
            AckOutcome::LeaseLost(current) => Err(self.lease_lost(receipt, current)),
            other => Ok(other),
        }
    }

    fn lease_lost(&self, receipt: DeliveryReceipt, current: u32) -> Error {
        Error::new(
            ErrorKind::Busy,
            format!(
                "lease lost: message {} was delivered again (delivery {current}) after receipt {receipt}",
                receipt.seq
            ),
        )
        .with_seq(receipt.seq)
        .with_hint("its lease expired before the ack; another consumer may be processing it too (use a longer --lease or extend it)")
    }

    /// Acks many deliveries under one lock; the outcome of each, in order.
    /// A seq the group never delivered fails the whole call with `NotFound`
    /// (those before it are acked).
    pub fn ack_many(&self, receipts: &[DeliveryReceipt]) -> Result<Vec<AckOutcome>> {
        let mut out = Vec::with_capacity(receipts.len());
        let guard = self.lock()?;
        let mut txn = Txn::new(&self.map);
        let mut moved_floor = false;
        for r in receipts {
            let next = txn.get(W_NEXT);
            let floor = txn.get(W_FLOOR);
            if r.seq >= next {
                drop(guard);
                self.mirror_floor();
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "group {} has not delivered message {} (it delivers up to {})",
                        self.name,
                        r.seq,
                        next.saturating_sub(1)
                    ),
                )
                .with_seq(r.seq));
            }
            if r.seq < floor {
                out.push(AckOutcome::AlreadyAcked);
                continue;
            }
            let so = self.slot_off(r.seq);
            let state = txn.get(so + 8);
            if txn.get(so) != r.seq || state & ST_ACKED != 0 {
                out.push(AckOutcome::AlreadyAcked);
                continue;
            }
            let current = (state & 0xffff_ffff) as u32;
            if r.delivery != 0 && r.delivery != current {
                out.push(AckOutcome::LeaseLost(current));
                continue;
            }
            txn.set(so + 8, state | ST_ACKED);
            txn.set(W_PENDING, txn.get(W_PENDING).saturating_sub(1));
            txn.set(W_ACKED, txn.get(W_ACKED) + 1);
            if r.seq == floor {
                self.advance_floor(&mut txn);
                moved_floor = true;
            }
            txn.commit();
            out.push(AckOutcome::Acked);
        }
        drop(guard);
        if moved_floor {
            self.mirror_floor();
        }
        Ok(out)
    }

    /// Releases a delivery early: the message is delivered again after
    /// `delay` (0: at once), counting this delivery.
    pub fn nack(&self, receipt: DeliveryReceipt, delay: Duration) -> Result<()> {
        self.relet(receipt, delay, true)?;
        if delay.is_zero() {
            // Wake consumers waiting in claim_wait.
            self.pool.inner().notify();
        }
        Ok(())
    }

    /// Renews a delivery's lease: it now ends `lease` from now.
    pub fn extend(&self, receipt: DeliveryReceipt, lease: Duration) -> Result<()> {
        self.relet(receipt, lease, false)
    }

    fn relet(&self, receipt: DeliveryReceipt, after: Duration, release: bool) -> Result<()> {
        let _guard = self.lock()?;
        let mut txn = Txn::new(&self.map);
        if receipt.seq >= txn.get(W_NEXT) {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("group {} has not delivered message {}", self.name, receipt.seq),
            )
            .with_seq(receipt.seq));
        }
        let so = self.slot_off(receipt.seq);
        let state = txn.get(so + 8);
        if receipt.seq < txn.get(W_FLOOR) || txn.get(so) != receipt.seq || state & ST_ACKED != 0 {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "message {} is no longer pending in group {} (acked)",
                    receipt.seq, self.name
                ),
            )
            .with_seq(receipt.seq));
        }
        let current = (state & 0xffff_ffff) as u32;
        if receipt.delivery != 0 && receipt.delivery != current {
            return Err(self.lease_lost(receipt, current));
        }
        let deadline = boottime_ns() + after.as_nanos() as u64;
        txn.set(so + 16, deadline);
        if release {
            txn.set(so + 8, state | ST_RELEASED);
            txn.set(W_NACKED, txn.get(W_NACKED) + 1);
        }
        if txn.get(W_MIN_DEADLINE) > deadline {
            txn.set(W_MIN_DEADLINE, deadline);
        }
        txn.commit();
        Ok(())
    }

    /// The group's books.
    pub fn info(&self) -> Result<GroupInfo> {
        let guard = self.lock()?;
        let now = boottime_ns();
        let wall = now_ns();
        let (floor, next) = (self.word(W_FLOOR), self.word(W_NEXT));
        let mut consumers: Vec<ConsumerInfo> = Vec::new();
        let mut index = Vec::new();
        for i in 0..MAX_CONSUMERS {
            let off = OFF_CONSUMERS + i * CONSUMER_LEN;
            if self.word(off) == 0 {
                continue;
            }
            index.push((i, consumers.len()));
            consumers.push(ConsumerInfo {
                name: self.consumer_name_at(off),
                pending: 0,
                deliveries: self.word(off + 56),
                last_seen_ns: self.word(off + 48),
            });
        }
        let mut oldest_first = None;
        for seq in floor..next {
            let so = self.slot_off(seq);
            let state = self.word(so + 8);
            if self.word(so) != seq || state & ST_ACKED != 0 {
                continue;
            }
            oldest_first = Some(oldest_first.unwrap_or(u64::MAX).min(self.word(so + 24)));
            let c = ((state >> 32) & 0xffff) as usize;
            if c > 0 && state & ST_RELEASED == 0 && self.word(so + 16) > now {
                if let Some(&(_, k)) = index.iter().find(|(i, _)| *i == c - 1) {
                    consumers[k].pending += 1;
                }
            }
        }
        let info = GroupInfo {
            name: self.name.clone(),
            next_seq: next,
            ack_floor: floor,
            pending: self.word(W_PENDING),
            lag: 0,
            oldest_pending_age_ns: oldest_first.map(|t| wall.saturating_sub(t)),
            delivered: self.word(W_DELIVERED),
            redelivered: self.word(W_REDELIVERED),
            acked: self.word(W_ACKED),
            nacked: self.word(W_NACKED),
            dead: self.word(W_DEAD),
            lost: self.word(W_LOST),
            lost_pending: self.word(W_LOST_PENDING),
            lease_ns: self.lease_ns,
            max_deliveries: self.max_deliveries,
            capacity: self.capacity,
            protect: self.flags & FLAG_PROTECT != 0,
            gap: if self.gap_error() {
                GapPolicy::Error
            } else {
                GapPolicy::Continue
            },
            dead_letter: self.dead_letter.clone(),
            consumers,
        };
        drop(guard);
        let (st, _) = self.pool.inner().load_state()?;
        Ok(GroupInfo {
            lag: st.next_seq.saturating_sub(next.max(st.oldest_seq)),
            ..info
        })
    }

    /// Checks the group's books without changing them (for `doctor`):
    /// returns what is wrong, empty when consistent.
    pub fn check(&self) -> Result<Vec<String>> {
        let _guard = self.lock()?;
        let mut problems = Vec::new();
        let (floor, next) = (self.word(W_FLOOR), self.word(W_NEXT));
        if floor > next {
            problems.push(format!("ack floor {floor} is past the next seq {next}"));
            return Ok(problems);
        }
        if next - floor > self.capacity {
            problems.push(format!(
                "pending window {}..{} exceeds capacity {}",
                floor, next, self.capacity
            ));
            return Ok(problems);
        }
        let mut pending = 0;
        for seq in floor..next {
            let so = self.slot_off(seq);
            if self.word(so) != seq {
                problems.push(format!("slot of seq {seq} holds seq {}", self.word(so)));
                continue;
            }
            if self.word(so + 8) & ST_ACKED == 0 {
                pending += 1;
            }
        }
        if pending != self.word(W_PENDING) {
            problems.push(format!(
                "pending count {} does not match the {pending} un-acked slots",
                self.word(W_PENDING)
            ));
        }
        if floor < next {
            let so = self.slot_off(floor);
            if self.word(so + 8) & ST_ACKED != 0 {
                problems.push(format!("ack floor {floor} stops at an acked message"));
            }
        }
        if let Some(i) = self.protect_slot {
            let found = self
                .pool
                .protect_slots()
                .into_iter()
                .any(|(s, n, _)| s == i && n == self.name);
            if !found {
                problems.push(format!("protect slot {i} of the pool does not name this group"));
            }
        }
        Ok(problems)
    }
}

// A group handle can be shared between threads (the Node addon's workers).
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Group>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_done_step_is_rolled_back_by_the_next_locker() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
        let g = pool.group("g").unwrap();
        let (next, pending) = (g.word(W_NEXT), g.word(W_PENDING));
        {
            let _guard = g.lock().unwrap();
            let mut txn = Txn::new(&g.map);
            txn.set(W_NEXT, next + 7);
            txn.set(W_PENDING, pending + 3);
            txn.set(W_NEXT, next + 9);
            // A process killed here never commits.
            let _ = txn.n;
        }
        assert_eq!(g.word(W_NEXT), next + 9);
        assert_ne!(g.map.atomic_u64(OFF_LOG_COUNT).load(Ordering::Relaxed), 0);
        let again = pool.open_group("g").unwrap();
        assert!(again.check().unwrap().is_empty());
        assert_eq!((again.word(W_NEXT), again.word(W_PENDING)), (next, pending));
        assert_eq!(again.map.atomic_u64(OFF_LOG_COUNT).load(Ordering::Relaxed), 0);
    }

    #[test]
    fn receipts_parse_and_print() {
        let r: DeliveryReceipt = "42.3".parse().unwrap();
        assert_eq!(r, DeliveryReceipt { seq: 42, delivery: 3 });
        assert_eq!(r.to_string(), "42.3");
        assert_eq!("7".parse::<DeliveryReceipt>().unwrap().to_string(), "7");
        for bad in ["", "0", "x", "1.x", "-1"] {
            assert_eq!(
                bad.parse::<DeliveryReceipt>().unwrap_err().kind(),
                ErrorKind::Usage
            );
        }
    }
}
