//! Waiting for new messages without blocking the event loop or libuv's
//! thread pool: one dedicated thread per open pool sleeps on the pool's
//! commit counter (the futex the library's writers wake) and settles the
//! promises of every stream of that pool that is waiting.
//!
//! A waiter is registered with the commit counter its stream saw before its
//! last empty read; it is settled as soon as the counter differs, so no
//! commit can slip between the read and the wait. The thread exits after a
//! while without waiters and is started again on demand.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use napi::{Env, JsDeferred};

/// How long one futex wait lasts before the waiter list is looked at again
/// (cancelled waiters are settled at once by `cancel`, so this only bounds
/// how long the thread lingers).
const RECHECK: Duration = Duration::from_millis(100);
/// How long an idle thread waits for new waiters before exiting.
const IDLE: Duration = Duration::from_secs(2);

type Deferred = JsDeferred<bool, fn(Env) -> napi::Result<bool>>;

fn moved(_: Env) -> napi::Result<bool> {
    Ok(true)
}

fn cancelled(_: Env) -> napi::Result<bool> {
    Ok(false)
}

struct Waiter {
    stream: u64,
    seen: u32,
    deferred: Deferred,
}

#[derive(Default)]
struct State {
    waiters: Vec<Waiter>,
    running: bool,
}

pub struct Follow {
    pool: plasmite::Pool,
    state: Mutex<State>,
    wake: Condvar,
}

impl Follow {
    pub fn new(pool: plasmite::Pool) -> Arc<Follow> {
        Arc::new(Follow {
            pool,
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        })
    }

    /// The pool's commit counter (read before a stream's non-blocking read).
    pub fn counter(&self) -> u32 {
        self.pool.commit_counter()
    }

    /// Settles `deferred` with `true` once the commit counter differs from
    /// `seen` (at once if it already does).
    pub fn wait(self: &Arc<Self>, stream: u64, seen: u32, deferred: Deferred) {
        if self.pool.commit_counter() != seen {
            deferred.resolve(moved);
            return;
        }
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.waiters.push(Waiter {
            stream,
            seen,
            deferred,
        });
        if st.running {
            self.wake.notify_one();
        } else {
            st.running = true;
            let me = Arc::clone(self);
            std::thread::Builder::new()
                .name("plasmite-follow".into())
                // Room for a `where` filter's evaluation (the library stops one at
                // 1 MiB of stack).
                .stack_size(4 << 20)
                .spawn(move || me.run())
                .expect("cannot start the plasmite follower thread");
        }
    }

    /// Settles the pending wait of `stream`, if any, with `false`.
    pub fn cancel(&self, stream: u64) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = st.waiters.iter().position(|w| w.stream == stream) {
            st.waiters.swap_remove(i).deferred.resolve(cancelled);
        }
    }

    fn run(self: Arc<Self>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if st.waiters.is_empty() {
                let (guard, t) = self
                    .wake
                    .wait_timeout(st, IDLE)
                    .unwrap_or_else(|e| e.into_inner());
                st = guard;
                if st.waiters.is_empty() && t.timed_out() {
                    st.running = false;
                    return;
                }
                continue;
            }
            let now = self.pool.commit_counter();
            let mut i = 0;
            while i < st.waiters.len() {
                if st.waiters[i].seen != now {
                    st.waiters.swap_remove(i).deferred.resolve(moved);
                } else {
                    i += 1;
                }
            }
            if st.waiters.is_empty() {
                continue;
            }
            drop(st);
            self.pool.wait_for_commit(now, RECHECK);
            st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        }
    }
}
