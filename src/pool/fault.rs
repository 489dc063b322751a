//! Faults on pool mappings. Touching a page of a `MAP_SHARED` file mapping
//! that the file no longer backs (another process truncated the file) or that
//! the filesystem cannot allocate (a sparse file on a full disk) raises
//! SIGBUS, which would kill the process. A SIGBUS handler turns it into an
//! error instead:
//!
//! * every pool mapping is registered in a fixed table of address ranges
//!   (atomics only, so the handler can read it);
//! * on SIGBUS at an address inside a registered mapping, the handler maps
//!   a zero-filled private page over the faulting page (`MAP_FIXED`), marks
//!   that mapping damaged and returns: the access completes on the zero page;
//! * the engine checks the mark after its reads and before it publishes an
//!   append, and reports the damage (`Corrupt`: the file shrank, or `Io`:
//!   the disk is full) instead of using what it read or wrote;
//! * a SIGBUS anywhere else goes to the handler that was installed before
//!   (or, if there was none, gets the default action: the process dies as it
//!   would have without plasmite).
//!
//! A damaged mapping stays damaged (its zero pages no longer reach the
//! file): every later operation through that open pool fails the same way;
//! reopening the pool sees the file as it now is.
//!
//! The handler is installed once per process, when the first pool is mapped
//! (or earlier by [`install_fault_handler`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Mappings the handler can protect at once; further ones are mapped
/// unprotected (a fault there gets the previous/default action).
const SLOTS: usize = 4096;

struct Slot {
    taken: AtomicBool,
    start: AtomicUsize,
    len: AtomicUsize,
    damaged: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)] // only used to build REGISTRY
const FREE: Slot = Slot {
    taken: AtomicBool::new(false),
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    damaged: AtomicBool::new(false),
};

static REGISTRY: [Slot; SLOTS] = [FREE; SLOTS];

/// Registers the mapping `start..start + len`; returns its slot, or `None`
/// when the table is full (the mapping is then unprotected).
pub(crate) fn register(start: *const u8, len: usize) -> Option<usize> {
    install_fault_handler();
    for (i, s) in REGISTRY.iter().enumerate() {
        if s.taken
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            s.damaged.store(false, Ordering::Relaxed);
            s.len.store(len, Ordering::Relaxed);
            s.start.store(start as usize, Ordering::Release);
            return Some(i);
        }
    }
    None
}

/// Forgets a mapping before it is unmapped.
pub(crate) fn unregister(slot: usize) {
    let s = &REGISTRY[slot];
    s.start.store(0, Ordering::Release);
    s.len.store(0, Ordering::Relaxed);
    s.damaged.store(false, Ordering::Relaxed);
    s.taken.store(false, Ordering::Release);
}

/// Whether a fault hit the mapping of `slot` (set by the handler, possibly
/// in another thread; the faulting thread sees its own fault in order).
pub(crate) fn damaged(slot: usize) -> bool {
    REGISTRY[slot].damaged.load(Ordering::Acquire)
}

/// Installs the SIGBUS handler for pool mappings (once per process; later
/// calls do nothing). The engine calls it when it maps the first pool, so
/// calling it is only needed to install it earlier (the `pls` command does
/// at startup). Faults outside pool mappings go to the handler installed
/// before this one, or get the default action.
pub fn install_fault_handler() {
    #[cfg(target_os = "linux")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(linux::install);
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{Ordering, REGISTRY};
    use std::sync::atomic::AtomicUsize;
    use std::sync::OnceLock;

    struct Previous(libc::sigaction);
    // SAFETY: a plain C struct of integers and function addresses, written
    // once before the handler is installed and only read afterwards.
    unsafe impl Sync for Previous {}
    unsafe impl Send for Previous {}

    static PREVIOUS: OnceLock<Previous> = OnceLock::new();
    static PAGE: AtomicUsize = AtomicUsize::new(4096);

    pub(super) fn install() {
        // SAFETY: sysconf and sigaction with valid pointers; the handler
        // only uses async-signal-safe operations (atomics, mmap, sigaction,
        // raise) and the previous action, stored before it is installed.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE);
            if page > 0 {
                PAGE.store(page as usize, Ordering::Relaxed);
            }
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut old) != 0 {
                return;
            }
            let _ = PREVIOUS.set(Previous(old));
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_sigbus as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            libc::sigaction(libc::SIGBUS, &act, std::ptr::null_mut());
        }
    }

    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo for an SA_SIGINFO handler.
        // errno is saved and restored around the calls that may change it.
        unsafe {
            let errno = *libc::__errno_location();
            // si_code > 0: raised by the kernel for a fault at si_addr (not
            // sent by kill/sigqueue, whose si_addr means nothing).
            if (*info).si_code > 0 && patch((*info).si_addr() as usize) {
                *libc::__errno_location() = errno;
                return;
            }
            chain(sig, info, ctx);
            *libc::__errno_location() = errno;
        }
    }

    /// Maps a zero page over `addr` if it lies in a registered mapping.
    unsafe fn patch(addr: usize) -> bool {
        for s in REGISTRY.iter() {
            let start = s.start.load(Ordering::Acquire);
            if start == 0 || addr < start || addr - start >= s.len.load(Ordering::Relaxed) {
                continue;
            }
            let page = addr & !(PAGE.load(Ordering::Relaxed) - 1);
            // Marked before the zero page appears: another thread that reads
            // the zero page and then checks the mark sees it.
            s.damaged.store(true, Ordering::SeqCst);
            // SAFETY (caller's): the page lies inside a live mapping owned by
            // the engine (registered until just before it is unmapped), so
            // replacing it affects nothing else.
            let p = libc::mmap(
                page as *mut libc::c_void,
                PAGE.load(Ordering::Relaxed),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            );
            return p != libc::MAP_FAILED;
        }
        false
    }

    /// Passes a fault we do not own to the previous handler, or applies the
    /// default action.
    unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        let kernel_fault = (*info).si_code > 0;
        if let Some(Previous(prev)) = PREVIOUS.get() {
            let handler = prev.sa_sigaction;
            if handler == libc::SIG_IGN && !kernel_fault {
                return;
            }
            if handler != libc::SIG_DFL && handler != libc::SIG_IGN {
                if prev.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        std::mem::transmute(handler);
                    f(sig, info, ctx);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
                    f(sig);
                }
                return;
            }
        }
        // Default action: restore it; a real fault then happens again on
        // return and kills the process as usual, a sent signal is re-raised
        // (delivered once this handler returns).
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut dfl.sa_mask);
        libc::sigaction(sig, &dfl, std::ptr::null_mut());
        if !kernel_fault {
            libc::raise(sig);
        }
    }
}
