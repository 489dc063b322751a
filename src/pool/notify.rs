//! Cross-process wake-ups: followers sleep on the commit counter (a futex word
//! in the shared mapping); writers wake them only when someone is waiting.
//!
//! Correctness never depends on a wake-up: waits are bounded and callers
//! re-check the published state after each one.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Sleeps while `*word == expected`, at most `timeout`.
#[cfg(target_os = "linux")]
pub fn wait(word: &AtomicU32, expected: u32, timeout: Duration) {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: `word` is a live, aligned 4-byte atomic in a shared mapping; the
    // kernel only reads it. FUTEX_WAIT (not _PRIVATE) because waiters and
    // wakers are in different processes. Errors (EAGAIN when the value already
    // changed, EINTR, ETIMEDOUT) all mean "re-check", which the caller does.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &ts as *const libc::timespec,
            std::ptr::null::<u32>(),
            0u32,
        );
    }
}

/// Wakes every process waiting on `word`.
#[cfg(target_os = "linux")]
pub fn wake_all(word: &AtomicU32) {
    // SAFETY: as for `wait`; FUTEX_WAKE does not dereference anything else.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            i32::MAX,
            std::ptr::null::<libc::timespec>(),
            std::ptr::null::<u32>(),
            0u32,
        );
    }
}

/// Without futexes, followers poll with short sleeps.
#[cfg(not(target_os = "linux"))]
pub fn wait(word: &AtomicU32, expected: u32, timeout: Duration) {
    let step = Duration::from_micros(200);
    let start = std::time::Instant::now();
    while word.load(std::sync::atomic::Ordering::Acquire) == expected && start.elapsed() < timeout {
        std::thread::sleep(step.min(timeout));
    }
}

/// Without futexes there is nothing to wake.
#[cfg(not(target_os = "linux"))]
pub fn wake_all(_word: &AtomicU32) {}
