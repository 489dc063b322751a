//! The pool engine: a memory-mapped ring of frames shared by any number of
//! processes. This module owns opening and creating files and the published
//! state (a double-buffered slot selected by a generation counter); frame
//! reads, appends, cursors and validation live in their own files.

mod append;
mod crc;
mod cursor;
mod fault;
mod filter;
mod follow;
mod group;
mod info;
mod layout;
mod lite3;
mod lock;
mod map;
mod marks;
mod message;
mod notify;
mod read;
mod time;

pub(crate) use read::{Miss, Probe};
mod validate;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub use append::{Batch, BatchReceipt, Durability, Receipt};
pub use cursor::{Cursor, CursorOptions, EndReason, GapPolicy, Start};
pub use fault::install_fault_handler;
pub use filter::{Filter, FILTER_MAX_STACK, FILTER_MAX_STEPS};
pub use follow::{Flow, Follow, FollowEnd, FollowSink};
pub(crate) use group::groups_dir;
pub use group::{
    validate_consumer_name, validate_group_name, AckOutcome, ConsumerInfo, Delivery, DeliveryReceipt, Group,
    GroupInfo, GroupOptions, GroupStart, DEFAULT_GROUP_CAPACITY, MAX_CONSUMERS, MAX_GROUPS,
    MAX_GROUP_CAPACITY, MAX_GROUP_NAME,
};
pub use layout::{Encoding, Geometry};
pub use lite3::{Lite3Frame, FLAG_STORED_LITE3};
pub use marks::{pool_id_hex, Mark};
pub use message::{encode_tags, format_rfc3339, write_rfc3339, Message, MessageRef, Origin};
pub use time::{parse_time, Point, Until};
pub use validate::{Problem, Report};

/// Validates the pool file at `path`; a file that cannot be opened is
/// reported as a problem rather than an error.
pub fn validate_path(path: &Path) -> Report {
    validate::validate_path(path)
}

use crate::error::{Error, ErrorKind, Result};
use layout::{FrameHeader, State, HEADER_SIZE, OFF_COMMIT, OFF_GEN, OFF_SLOTS};
use map::Mapping;

/// Options for creating a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// Total file size in bytes (at least 64 KiB).
    pub size_bytes: u64,
    /// Slots in the seq → offset index; `None` sizes it from the ring.
    pub index_capacity: Option<u64>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            size_bytes: layout::DEFAULT_POOL_SIZE,
            index_capacity: None,
        }
    }
}

/// What a pool holds, as reported by `info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// Pool name (file stem).
    pub name: String,
    /// Absolute path of the pool file.
    pub path: PathBuf,
    /// File size in bytes.
    pub file_size: u64,
    /// Offset of the ring in the file.
    pub ring_offset: u64,
    /// Bytes available to frames.
    pub ring_size: u64,
    /// Slots in the seq → offset index.
    pub index_capacity: u64,
    /// Oldest retained sequence number, `None` when empty.
    pub oldest: Option<u64>,
    /// Newest sequence number, `None` when empty.
    pub newest: Option<u64>,
    /// Messages retained.
    pub message_count: u64,
    /// Ring bytes occupied by retained frames.
    pub bytes_used: u64,
    /// Creation time, ns since the Unix epoch.
    pub created_ns: u64,
    /// Append time of the oldest retained message, ns since the Unix epoch.
    pub oldest_time_ns: Option<u64>,
    /// Append time of the newest message, ns since the Unix epoch.
    pub newest_time_ns: Option<u64>,
    /// The pool id (see [`Pool::id`]), `None` for an old pool not yet
    /// opened for writing.
    pub id: Option<[u8; 16]>,
}

impl PoolInfo {
    /// The pool info object of the protocol (`docs/serve.md`), with the
    /// pool's full path. The server sends it with the file name only.
    pub fn to_json(&self) -> serde_json::Value {
        self.json_at(&self.path.display().to_string(), now_ns())
    }

    /// The info object as the server sends it: `path` is the file name
    /// (`events.plasmite`), never a path of the server's file system.
    pub fn to_public_json(&self) -> serde_json::Value {
        let file = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.json_at(&file, now_ns())
    }
}

/// An open pool. Cheap to clone; share it between threads freely.
///
/// ```
/// use plasmite::{Client, Durability};
/// let dir = tempfile::tempdir().unwrap();
/// let client = Client::new(dir.path());
/// let pool = client.create_pool("events", 1 << 20).unwrap();
/// let r = pool.append_json(br#"{"kind": "signup"}"#, &["user"], Durability::Fast).unwrap();
/// let msg = pool.get(r.seq).unwrap();
/// assert_eq!(msg.payload(), br#"{"kind":"signup"}"#);
/// assert_eq!(msg.tags(), vec!["user".to_string()]);
/// ```
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    path: PathBuf,
    file: File,
    map: Mapping,
    geo: Geometry,
    /// Opened without write permission: reads only (see `Pool::open`).
    read_only: bool,
    /// The file's (device, inode), recorded with the writer lock's holder.
    file_id: (u64, u64),
}

/// Low bit of the commit word: some follower is asleep on it.
const SLEEPING: u32 = 1;

/// How often a follower of a read-only pool checks for new messages.
const READ_ONLY_POLL: std::time::Duration = std::time::Duration::from_millis(10);

pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

impl Pool {
    /// Creates a pool file at `path`; fails with `AlreadyExists` if present.
    /// The file appears atomically, fully initialized.
    pub fn create(path: impl AsRef<Path>, options: PoolOptions) -> Result<Pool> {
        let path = path.as_ref();
        let geo = Geometry::plan(options.size_bytes, options.index_capacity, now_ns())?;
        if path.exists() {
            return Err(already_exists(path));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("pool");
        let tmp = dir.join(format!(".{file_name}.{}.{}.tmp", std::process::id(), now_ns()));
        // Growing the file past `ulimit -f` raises SIGXFSZ, which kills by
        // default: hold it off in this thread so the call fails with EFBIG.
        let result = without_sigxfsz(|| {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(|e| Error::io("cannot create pool file", e).with_path(path))?;
            file.set_len(geo.file_size)
                .map_err(|e| Error::io("cannot size pool file", e).with_path(path))?;
            // Reserve the blocks now: a write into a hole of a shared mapping
            // on a full disk would be a SIGBUS, not an error.
            nix::fcntl::posix_fallocate(
                std::os::fd::AsRawFd::as_raw_fd(&file),
                0,
                geo.file_size as libc::off_t,
            )
            .map_err(|e| {
                Error::io("cannot allocate pool file", std::io::Error::from(e))
                    .with_path(path)
                    .with_hint("is the disk full?")
            })?;
            let map = Mapping::new(&file, geo.file_size, true)?;
            map.write(0, &geo.encode());
            marks::write_pool_id(&map);
            write_slot(&map, 0, &State::EMPTY);
            lock::initialize(&map)?;
            file.sync_all()
                .map_err(|e| Error::io("cannot sync pool file", e).with_path(path))?;
            drop(map);
            // link(2) fails if the name exists: no window where two creators
            // both succeed or a reader sees a half-written file.
            std::fs::hard_link(&tmp, path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    already_exists(path)
                } else {
                    Error::io("cannot create pool", e).with_path(path)
                }
            })
        });
        let _ = std::fs::remove_file(&tmp);
        result?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Pool::open(path)
    }

    /// Opens an existing pool file, checking its header and length before
    /// mapping it. A file this process may read but not write (another
    /// user's pool, a read-only filesystem) is opened read-only: reads and
    /// follows work (a follower then polls, see `docs/format.md`), appends
    /// fail with `Permission`.
    pub fn open(path: impl AsRef<Path>) -> Result<Pool> {
        let path = path.as_ref();
        let mut read_only = false;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .or_else(|e| {
                let denied =
                    e.kind() == std::io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(libc::EROFS);
                if !denied {
                    return Err(e);
                }
                read_only = true;
                OpenOptions::new().read(true).open(path)
            })
            .map_err(|e| {
                let err = Error::io("cannot open pool", e).with_path(path);
                if err.kind() == ErrorKind::NotFound {
                    Error::new(ErrorKind::NotFound, format!("no pool at {}", path.display())).with_path(path)
                } else {
                    err
                }
            })?;
        let meta = file
            .metadata()
            .map_err(|e| Error::io("cannot stat pool", e).with_path(path))?;
        let len = meta.len();
        let file_id = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        let mut start = [0u8; layout::LEGACY_PREFIX_LEN];
        let start = &mut start[..len.min(layout::LEGACY_PREFIX_LEN as u64) as usize];
        {
            use std::os::unix::fs::FileExt;
            file.read_exact_at(start, 0)
                .map_err(|e| Error::io("cannot read pool header", e).with_path(path))?;
        }
        if let Some(e) = layout::legacy_pool_error(start, path) {
            return Err(e.with_path(path));
        }
        let mut head = [0u8; layout::STATIC_HEADER_LEN + 4];
        if len >= HEADER_SIZE {
            head.copy_from_slice(&start[..layout::STATIC_HEADER_LEN + 4]);
        }
        let geo = Geometry::decode(&head, len).map_err(|e| e.with_path(path))?;
        let map = Mapping::new(&file, geo.file_size, !read_only).map_err(|e| e.with_path(path))?;
        if !read_only {
            // A reader never takes the writer lock, so a read-only opener
            // leaves it to the next writer.
            lock::ensure_initialized(&map, &file).map_err(|e| e.with_path(path))?;
        }
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let pool = Pool {
            inner: Arc::new(Inner {
                path,
                file,
                map,
                geo,
                read_only,
                file_id,
            }),
        };
        pool.inner
            .load_state()
            .map_err(|e| e.with_path(&pool.inner.path))?;
        // A pool made before ids existed gets one on its first writable open.
        pool.inner
            .ensure_pool_id()
            .map_err(|e| e.with_path(&pool.inner.path))?;
        Ok(pool)
    }

    /// The pool file's path.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The pool's name (its file name without `.plasmite`).
    pub fn name(&self) -> String {
        pool_name(&self.inner.path)
    }

    /// Whether the pool was opened read-only (this process may not write
    /// the file): appends fail with `Permission`.
    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    /// Whether a page of this open pool faulted (the file shrank under it, or
    /// the disk could not back a write; see [`install_fault_handler`]).
    /// Every operation through it then fails; reopen the pool to see the
    /// file as it now is.
    pub fn is_damaged(&self) -> bool {
        self.inner.map.damaged()
    }

    /// The file geometry.
    pub fn geometry(&self) -> Geometry {
        self.inner.geo
    }

    /// The largest `tags + payload` a single message can have here.
    pub fn max_message_len(&self) -> u64 {
        self.inner.geo.max_frame_body()
    }

    /// Bounds, counts and sizes.
    pub fn info(&self) -> Result<PoolInfo> {
        let (st, times) = self.inner.state_with_times()?;
        let g = &self.inner.geo;
        let empty = st.count() == 0;
        Ok(PoolInfo {
            name: self.name(),
            path: self.inner.path.clone(),
            file_size: g.file_size,
            ring_offset: g.ring_offset,
            ring_size: g.ring_size,
            index_capacity: g.index_capacity,
            oldest: (!empty).then_some(st.oldest_seq),
            newest: (!empty).then(|| st.next_seq - 1),
            message_count: st.count(),
            bytes_used: st.write_pos - st.oldest_pos,
            created_ns: g.created_ns,
            oldest_time_ns: times.map(|t| t.0),
            newest_time_ns: times.map(|t| t.1),
            id: self.id(),
        })
    }

    /// The newest sequence number, or `None` when empty.
    pub fn newest_seq(&self) -> Result<Option<u64>> {
        let (st, _) = self.inner.load_state()?;
        Ok((st.count() > 0).then(|| st.next_seq - 1))
    }

    /// Reads message `seq` (copying it out of the ring). `NotFound`, with the
    /// seq, when it was never written or has been overwritten.
    pub fn get(&self, seq: u64) -> Result<crate::pool::message::Message> {
        let mut buf = Vec::new();
        let (h, _) = self.get_into(seq, &mut buf)?;
        Ok(crate::pool::message::Message::from_frame(&h, buf))
    }

    /// Like [`get`](Pool::get) into a reusable buffer; returns the header and
    /// the position the frame was read at.
    pub(crate) fn get_into(&self, seq: u64, buf: &mut Vec<u8>) -> Result<(FrameHeader, u64)> {
        let not_found = || {
            // No path: a missing message is not about the file (HTTP
            // replies and scripts match on the kind, seq and wording).
            Error::new(ErrorKind::NotFound, format!("message {seq} not found")).with_seq(seq)
        };
        for _ in 0..8 {
            let (st, gen) = self.inner.load_state()?;
            if seq < st.oldest_seq || seq >= st.next_seq {
                return Err(not_found());
            }
            let pos = match self.inner.locate(seq, &st, gen) {
                Ok(p) => p,
                Err(Miss::Evicted) => return Err(not_found()),
                Err(Miss::Failed(e)) => return Err(e.with_seq(seq)),
            };
            match self.inner.read_frame(pos, seq, gen, buf) {
                Ok(h) => return Ok((h, pos)),
                Err(Miss::Evicted) => continue,
                Err(Miss::Failed(e)) => return Err(e.with_seq(seq)),
            }
        }
        Err(not_found())
    }

    /// Opens a cursor (see [`CursorOptions`]).
    pub fn cursor(&self, options: CursorOptions) -> Result<Cursor> {
        Cursor::new(self.clone(), options)
    }

    /// Checks the whole file and reports every problem found.
    pub fn validate(&self) -> Report {
        let mut report = validate::run(&self.inner);
        group::validate_groups(self, &mut report);
        report
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Waits (at most `timeout`) until the commit counter moves past
    /// `seen`, returning at once if it already has. Used by followers.
    pub fn wait_for_commit(&self, seen: u32, timeout: std::time::Duration) {
        self.inner.wait_commit(seen, timeout)
    }

    /// The commit counter: changes on every publish (31 bits, wrapping).
    pub fn commit_counter(&self) -> u32 {
        self.inner.commit_count()
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("path", &self.inner.path).finish()
    }
}

fn already_exists(path: &Path) -> Error {
    Error::new(
        ErrorKind::AlreadyExists,
        format!("pool already exists at {}", path.display()),
    )
    .with_path(path)
}

/// The name of the pool stored at `path`.
pub fn pool_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.strip_suffix(".plasmite").map(str::to_owned).unwrap_or(file)
}

fn write_slot(map: &Mapping, gen: u64, st: &State) {
    let off = OFF_SLOTS[(gen & 1) as usize];
    map.atomic_u64(off).store(st.oldest_pos, Ordering::Relaxed);
    map.atomic_u64(off + 8).store(st.oldest_seq, Ordering::Relaxed);
    map.atomic_u64(off + 16).store(st.write_pos, Ordering::Relaxed);
    map.atomic_u64(off + 24).store(st.next_seq, Ordering::Relaxed);
    map.atomic_u64(off + 32).store(gen, Ordering::Relaxed);
    map.atomic_u32(off + 40)
        .store(st.checksum(gen), Ordering::Relaxed);
}

impl Inner {
    fn gen(&self) -> &AtomicU64 {
        self.map.atomic_u64(OFF_GEN)
    }

    pub(crate) fn commit(&self) -> &AtomicU32 {
        self.map.atomic_u32(OFF_COMMIT)
    }

    pub(crate) fn geo(&self) -> &Geometry {
        &self.geo
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn read_slot(&self, gen: u64) -> (State, u64, u32) {
        let off = OFF_SLOTS[(gen & 1) as usize];
        let m = &self.map;
        let st = State {
            oldest_pos: m.atomic_u64(off).load(Ordering::Relaxed),
            oldest_seq: m.atomic_u64(off + 8).load(Ordering::Relaxed),
            write_pos: m.atomic_u64(off + 16).load(Ordering::Relaxed),
            next_seq: m.atomic_u64(off + 24).load(Ordering::Relaxed),
        };
        let slot_gen = m.atomic_u64(off + 32).load(Ordering::Relaxed);
        let crc = m.atomic_u32(off + 40).load(Ordering::Relaxed);
        (st, slot_gen, crc)
    }

    /// Reads the published state consistently (a seqlock read of the slot
    /// the generation selects). Returns it with its generation.
    pub(crate) fn load_state(&self) -> Result<(State, u64)> {
        let mut spins = 0u32;
        loop {
            let g1 = self.gen().load(Ordering::Acquire);
            let (st, slot_gen, crc) = self.read_slot(g1);
            fence(Ordering::Acquire);
            let g2 = self.gen().load(Ordering::Relaxed);
            if g1 == g2 {
                self.check_damage()?;
                if slot_gen != g1 || crc != st.checksum(g1) || !st.is_consistent(self.geo.ring_size) {
                    return Err(Error::corrupt("the pool's published state is damaged")
                        .with_offset(OFF_SLOTS[(g1 & 1) as usize] as u64)
                        .with_path(&self.path));
                }
                return Ok((st, g1));
            }
            spins += 1;
            if spins % 64 == 0 {
                std::thread::yield_now();
            }
        }
    }

    /// Fails if a page of the mapping faulted (see `fault`): what was read
    /// may be zeros standing in for a missing page, what was written may not
    /// have reached the file. One relaxed load when all is well.
    #[inline]
    pub(crate) fn check_damage(&self) -> Result<()> {
        if self.map.damaged() {
            Err(self.damage_error())
        } else {
            Ok(())
        }
    }

    /// Fails if the file is now shorter than the pool (truncated by another
    /// program). No system call: it reads the mapping's last byte, which
    /// faults (and so marks the mapping damaged) exactly when the file no
    /// longer reaches its end. For followers about to wait.
    pub(crate) fn check_end(&self) -> Result<()> {
        let mut last = [0u8; 1];
        self.map.read(self.geo.file_size as usize - 1, &mut last);
        self.check_damage()
    }

    #[cold]
    fn damage_error(&self) -> Error {
        let expected = self.geo.file_size;
        let err = match self.file.metadata() {
            Ok(m) if m.len() < expected => Error::corrupt(format!(
                "pool file shrank from {expected} to {} bytes while in use",
                m.len()
            ))
            .with_hint(
                "the file was truncated by another program; restore it from a copy or recreate the pool",
            ),
            Ok(_) => Error::new(
                ErrorKind::Io,
                "a page of the pool file could not be written or read: the disk is full \
                 (the file's blocks were never reserved, e.g. a sparse copy) or the device failed",
            )
            .with_hint("free disk space (or copy the pool without --sparse), then reopen it"),
            Err(e) => Error::io("cannot stat pool after a fault on its mapping", e),
        };
        err.with_path(&self.path)
    }

    /// Publishes `st` as the next generation. Caller holds the writer lock.
    pub(crate) fn publish(&self, gen: &mut u64, st: &State) {
        let next = *gen + 1;
        write_slot(&self.map, next, st);
        self.gen().store(next, Ordering::Release);
        // Stores that follow (overwriting evicted frames) must not become
        // visible before the new generation does.
        fence(Ordering::SeqCst);
        *gen = next;
    }

    /// Wakes followers, paying a syscall only when one has said it sleeps.
    ///
    /// The commit word is `counter << 1 | sleeping`: a follower sets the low
    /// bit before it waits; the writer that finds it set clears it and wakes
    /// everyone. A follower killed while asleep therefore costs at most one
    /// spare wake-up, never a syscall per append forever.
    pub(crate) fn notify(&self) {
        let before = self.commit().fetch_add(2, Ordering::SeqCst);
        if before & SLEEPING != 0 {
            self.commit().fetch_and(!SLEEPING, Ordering::SeqCst);
            notify::wake_all(self.commit());
        }
    }

    /// The commit counter (without the sleeping bit).
    pub(crate) fn commit_count(&self) -> u32 {
        self.commit().load(Ordering::SeqCst) >> 1
    }

    /// Sleeps until the commit counter moves past `seen` (a value of
    /// [`commit_count`](Inner::commit_count)), at most `timeout`.
    pub(crate) fn wait_commit(&self, seen: u32, timeout: std::time::Duration) {
        if self.read_only {
            // A read-only mapping cannot set the sleeping bit, so no writer
            // would wake us: poll the counter instead.
            let start = std::time::Instant::now();
            while self.commit_count() == seen & (u32::MAX >> 1) && start.elapsed() < timeout {
                std::thread::sleep(READ_ONLY_POLL.min(timeout - start.elapsed().min(timeout)));
            }
            return;
        }
        let before = self.commit().fetch_or(SLEEPING, Ordering::SeqCst);
        if before >> 1 == seen & (u32::MAX >> 1) {
            notify::wait(self.commit(), before | SLEEPING, timeout);
        }
    }

    pub(crate) fn ring_off(&self, pos: u64) -> usize {
        (self.geo.ring_offset + pos % self.geo.ring_size) as usize
    }

    pub(crate) fn index_off(&self, seq: u64) -> usize {
        (HEADER_SIZE + (seq % self.geo.index_capacity) * 8) as usize
    }

    pub(crate) fn map(&self) -> &Mapping {
        &self.map
    }

    pub(crate) fn file_handle(&self) -> &File {
        &self.file
    }

    pub(crate) fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub(crate) fn file_id(&self) -> (u64, u64) {
        self.file_id
    }
}

/// Runs `f` with SIGXFSZ blocked in this thread, then discards a SIGXFSZ that
/// `f` raised: a file grown past `ulimit -f` then fails with `EFBIG` instead
/// of killing the process, without changing the process's signal actions.
fn without_sigxfsz<T>(f: impl FnOnce() -> T) -> T {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal};
    let mut xfsz = SigSet::empty();
    xfsz.add(Signal::SIGXFSZ);
    let mut old = SigSet::empty();
    let blocked = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&xfsz), Some(&mut old))
        .is_ok()
        && !old.contains(Signal::SIGXFSZ);
    let r = f();
    if blocked {
        let pending = sigpending_set();
        // SAFETY: a valid, initialized signal set.
        if unsafe { libc::sigismember(&pending, libc::SIGXFSZ) } == 1 {
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: a valid signal set and timeout; consumes the pending
            // SIGXFSZ so that unblocking it below does not deliver it.
            unsafe { libc::sigtimedwait(xfsz.as_ref(), std::ptr::null_mut(), &zero) };
        }
        let _ = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    }
    r
}

fn sigpending_set() -> libc::sigset_t {
    // SAFETY: sigpending fills the zeroed set it is given.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigpending(&mut set);
        set
    }
}
