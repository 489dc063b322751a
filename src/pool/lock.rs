//! The writer lock: a process-shared, robust pthread mutex living in the
//! mapping (as LMDB does). Uncontended it costs no syscall; when a holder dies
//! the kernel marks the mutex and the next locker is told (`EOWNERDEAD`).
//!
//! Invariant: the published state is always consistent (writers publish with
//! one generation store), so recovering from a dead holder only needs the
//! mutex marked consistent again: the torn frame lies past the published write
//! position and is simply overwritten.

use std::fs::File;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};

use super::layout::{
    MUTEX_SPACE, OFF_BOOT_ID, OFF_COMMIT, OFF_MUTEX, OFF_OWNER_INO, OFF_OWNER_PID, OFF_OWNER_PIDNS,
};
use super::map::Mapping;
use crate::error::{Error, ErrorKind, Result};

const _: () = assert!(std::mem::size_of::<libc::pthread_mutex_t>() <= MUTEX_SPACE);

/// How long a writer waits for the lock before giving up with `Busy`.
const LOCK_PATIENCE: Duration = Duration::from_secs(10);

/// This boot's id: a lock initialized under another boot is reinitialized.
pub(crate) fn boot_id() -> [u8; 16] {
    static ID: OnceLock<[u8; 16]> = OnceLock::new();
    *ID.get_or_init(|| {
        let mut id = [0u8; 16];
        if let Ok(text) = std::fs::read_to_string("/proc/sys/kernel/random/boot_id") {
            let hex: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
            for (i, pair) in hex.chunks(2).take(16).enumerate() {
                let s = std::str::from_utf8(pair).unwrap_or("0");
                id[i] = u8::from_str_radix(s, 16).unwrap_or(0);
            }
        }
        id
    })
}

fn mutex_ptr(map: &Mapping) -> *mut libc::pthread_mutex_t {
    map.ptr(OFF_MUTEX, MUTEX_SPACE) as *mut libc::pthread_mutex_t
}

/// Initializes the mutex and the wake-up bookkeeping. Only called when no
/// process of this boot can be using them (a new file, or under `flock`
/// after a reboot).
pub fn initialize(map: &Mapping) -> Result<()> {
    let m = mutex_ptr(map);
    // SAFETY: `m` points at MUTEX_SPACE bytes inside the mapping (checked by
    // `ptr`), enough for a pthread_mutex_t (asserted at compile time) and
    // suitably aligned (offset 192 of a page-aligned mapping). No process is
    // using the mutex while it is initialized (see the function contract).
    let rc = unsafe {
        let mut attr: libc::pthread_mutexattr_t = std::mem::zeroed();
        let mut rc = libc::pthread_mutexattr_init(&mut attr);
        if rc == 0 {
            rc = libc::pthread_mutexattr_setpshared(&mut attr, libc::PTHREAD_PROCESS_SHARED);
        }
        if rc == 0 {
            rc = libc::pthread_mutexattr_setrobust(&mut attr, libc::PTHREAD_MUTEX_ROBUST);
        }
        if rc == 0 {
            rc = libc::pthread_mutex_init(m, &attr);
        }
        libc::pthread_mutexattr_destroy(&mut attr);
        rc
    };
    if rc != 0 {
        return Err(Error::io(
            "cannot initialize the pool lock",
            std::io::Error::from_raw_os_error(rc),
        ));
    }
    // Clear a sleeping bit left by followers of an earlier boot.
    map.atomic_u32(OFF_COMMIT).fetch_and(!1, Ordering::SeqCst);
    map.atomic_u32(OFF_OWNER_PID).store(0, Ordering::SeqCst);
    map.atomic_u64(OFF_OWNER_INO).store(0, Ordering::Relaxed);
    map.atomic_u64(OFF_OWNER_PIDNS).store(0, Ordering::Relaxed);
    map.write(OFF_BOOT_ID, &boot_id());
    Ok(())
}

/// Makes sure the mutex was initialized during this boot; a mutex state left
/// over from before a reboot (or from another machine) is reset under `flock`.
pub fn ensure_initialized(map: &Mapping, file: &File) -> Result<()> {
    let current = boot_id();
    let mut seen = [0u8; 16];
    map.read(OFF_BOOT_ID, &mut seen);
    if seen == current {
        return Ok(());
    }
    let handle = file
        .try_clone()
        .map_err(|e| Error::io("cannot lock pool file", e))?;
    let guard = Flock::lock(handle, FlockArg::LockExclusive)
        .map_err(|(_, e)| Error::io("cannot lock pool file", std::io::Error::from(e)))?;
    map.read(OFF_BOOT_ID, &mut seen);
    if seen != current {
        initialize(map)?;
    }
    drop(guard);
    Ok(())
}

/// Holding the writer lock; released on drop.
pub struct WriterGuard<'a> {
    map: &'a Mapping,
}

/// Why the recorded holder of a held lock cannot be holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orphan {
    /// The holder's process is no longer running.
    Dead(u32),
    /// The holder had another file open: this one is a copy taken while the
    /// lock was held.
    OtherFile(u32),
}

impl Orphan {
    /// Says what is wrong, for `doctor` and errors.
    pub fn describe(self) -> String {
        match self {
            Orphan::Dead(pid) => format!("the writer lock is held by pid {pid}, which is no longer running"),
            Orphan::OtherFile(pid) => format!(
                "the writer lock is marked held by pid {pid} for another file (this file is a copy taken while it was held)"
            ),
        }
    }
}

/// When the pool file records a lock holder (pid set), whether that holder
/// cannot be holding this file's lock: dead (checked only from the holder's
/// own pid namespace), or the holder had another inode open. `None` when the
/// holder may be alive and holding it, or is unknown.
pub fn orphaned(map: &Mapping, file_id: (u64, u64)) -> Option<Orphan> {
    let pid = map.atomic_u32(OFF_OWNER_PID).load(Ordering::Acquire);
    if pid == 0 {
        return None;
    }
    let ino = map.atomic_u64(OFF_OWNER_INO).load(Ordering::Relaxed);
    if ino != 0 && ino != file_id.1 {
        return Some(Orphan::OtherFile(pid));
    }
    let ns = map.atomic_u64(OFF_OWNER_PIDNS).load(Ordering::Relaxed);
    if ns != 0 && ns == pid_namespace() && pid != own_pid() && !process_alive(pid) {
        return Some(Orphan::Dead(pid));
    }
    None
}

fn process_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The inode of this process's pid namespace (0 if unknown), cached.
fn pid_namespace() -> u64 {
    static NS: OnceLock<u64> = OnceLock::new();
    *NS.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self/ns/pid")
            .map(|m| m.ino())
            .unwrap_or(0)
    })
}

/// Re-initializes a mutex whose recorded holder cannot be holding it (see
/// [`orphaned`]), under an exclusive `flock` so only one process repairs it
/// and only after re-checking that it is still orphaned.
fn recover(map: &Mapping, file: &File, file_id: (u64, u64)) -> Result<()> {
    let handle = file
        .try_clone()
        .map_err(|e| Error::io("cannot lock pool file", e))?;
    let guard = Flock::lock(handle, FlockArg::LockExclusive)
        .map_err(|(_, e)| Error::io("cannot lock pool file", std::io::Error::from(e)))?;
    if orphaned(map, file_id).is_some() {
        initialize(map)?;
    }
    drop(guard);
    Ok(())
}

/// Takes the writer lock, waiting at most `LOCK_PATIENCE`. A lock held for
/// a while by a holder that cannot be holding it (see [`orphaned`]) is
/// taken over.
pub fn lock<'a>(map: &'a Mapping, file: &File, file_id: (u64, u64)) -> Result<WriterGuard<'a>> {
    let m = mutex_ptr(map);
    // SAFETY: `m` is the initialized process-shared mutex in the mapping,
    // which outlives the guard.
    let mut rc = unsafe { libc::pthread_mutex_trylock(m) };
    let started = Instant::now();
    while rc == libc::EBUSY || rc == libc::ETIMEDOUT {
        // Held through a whole timed wait: worth a look at the holder (a
        // system call, paid only on this slow path).
        if rc == libc::ETIMEDOUT && orphaned(map, file_id).is_some() {
            recover(map, file, file_id)?;
            // SAFETY: as above.
            rc = unsafe { libc::pthread_mutex_trylock(m) };
            continue;
        }
        if started.elapsed() >= LOCK_PATIENCE {
            let owner = map.atomic_u32(OFF_OWNER_PID).load(Ordering::Relaxed);
            return Err(Error::new(
                ErrorKind::Busy,
                format!("the pool's writer lock has been held for over {LOCK_PATIENCE:?} (by pid {owner})"),
            )
            .with_hint(
                "another process is stuck while appending; stop it or retry (pls doctor shows the holder)",
            ));
        }
        let deadline = realtime_after(Duration::from_millis(200));
        // SAFETY: as above; `deadline` is a valid timespec.
        rc = unsafe { libc::pthread_mutex_timedlock(m, &deadline) };
    }
    if rc == libc::EOWNERDEAD {
        // SAFETY: we own the mutex (EOWNERDEAD means we acquired it). The
        // state it protects needs no repair (see the module invariant).
        rc = unsafe { libc::pthread_mutex_consistent(m) };
    }
    if rc != 0 {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "cannot take the pool's writer lock: {}",
                std::io::Error::from_raw_os_error(rc)
            ),
        ));
    }
    // Who holds it, for `orphaned`: the file and namespace before the pid.
    map.atomic_u64(OFF_OWNER_INO).store(file_id.1, Ordering::Relaxed);
    map.atomic_u64(OFF_OWNER_PIDNS)
        .store(pid_namespace(), Ordering::Relaxed);
    map.atomic_u32(OFF_OWNER_PID).store(own_pid(), Ordering::Release);
    Ok(WriterGuard { map })
}

/// This process's id, cached: `getpid` is a real system call (glibc does not
/// cache it) and `lock` runs on every append. A fork handler clears the cache
/// in the child, so a forked process records its own pid.
fn own_pid() -> u32 {
    static REGISTER: Once = Once::new();
    let pid = CACHED_PID.load(Ordering::Relaxed);
    if pid != 0 {
        return pid;
    }
    REGISTER.call_once(|| {
        // SAFETY: registers a handler that only stores to an atomic, which is
        // async-signal-safe and valid in a freshly forked child.
        unsafe {
            libc::pthread_atfork(None, None, Some(forget_pid));
        }
    });
    let pid = std::process::id();
    CACHED_PID.store(pid, Ordering::Relaxed);
    pid
}

static CACHED_PID: AtomicU32 = AtomicU32::new(0);

extern "C" fn forget_pid() {
    CACHED_PID.store(0, Ordering::Relaxed);
}

fn realtime_after(d: Duration) -> libc::timespec {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        + d;
    libc::timespec {
        tv_sec: now.as_secs() as libc::time_t,
        tv_nsec: now.subsec_nanos() as libc::c_long,
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        let owner: &AtomicU32 = self.map.atomic_u32(OFF_OWNER_PID);
        owner.store(0, Ordering::Relaxed);
        // SAFETY: this guard exists only while we hold the mutex.
        unsafe {
            libc::pthread_mutex_unlock(mutex_ptr(self.map));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_pid_is_reset_in_a_forked_child() {
        assert_eq!(own_pid(), std::process::id());
        // SAFETY: the child only makes async-signal-safe calls (atomics,
        // getpid) before `_exit`.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            // SAFETY: getpid and _exit are async-signal-safe.
            unsafe {
                let ok = own_pid() == libc::getpid() as u32;
                libc::_exit(if ok { 0 } else { 1 });
            }
        }
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        unsafe { libc::waitpid(child, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        assert_eq!(own_pid(), std::process::id());
    }
}
