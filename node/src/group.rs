//! `Group`: a consumer group of a pool (the library's `plasmite::Group`),
//! with its calls converted to and from JS values.
//!
//! Claims that find nothing ready wait on the group's own native thread
//! (never on the event loop nor libuv's thread pool): `_claimWait` hands
//! the thread one blocking claim (the library's `claim_wait`, in slices so
//! that `_cancel` is noticed) and returns a promise the thread settles. The
//! thread exits after a while without work and is started again on demand.
//!
//! Deliveries cross to JS as records `[u32 LE length][u32 LE delivery]
//! [envelope]`, the envelope as the library writes it (with `delivery` and
//! `receipt`).

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use napi::bindgen_prelude::Either;
use napi::{Env, JsBuffer, JsDeferred, JsUnknown};
use napi_derive::napi;
use plasmite::{AckOutcome, Delivery, DeliveryReceipt, GapPolicy, GroupOptions, GroupStart};

use crate::error::{closed, error_value, js_err, usage, NResult};

/// Longest single wait of the group's thread before it looks at `_cancel`.
const SLICE: Duration = Duration::from_millis(50);
/// How long an idle group thread waits for work before exiting.
const IDLE: Duration = Duration::from_secs(2);

/// How a group is created when it does not exist (index.js shapes it from
/// `pool.group(name, options)` / `pool.consume(name, options)`).
#[napi(object)]
#[derive(Default)]
pub struct GroupCreate {
    pub lease_ms: Option<f64>,
    pub max_deliveries: Option<u32>,
    pub dead_letter: Option<String>,
    pub capacity: Option<f64>,
    pub protect: Option<bool>,
    /// `"continue"` or `"error"`.
    pub gap_policy: Option<String>,
    /// `"oldest"`, `"new"` or a seq as a decimal string.
    pub start: Option<String>,
}

pub(crate) fn options(env: &Env, c: GroupCreate) -> NResult<GroupOptions> {
    let mut o = GroupOptions::default();
    if let Some(ms) = c.lease_ms {
        o.lease = millis(env, "leaseMs", ms)?;
    }
    if let Some(n) = c.max_deliveries {
        o.max_deliveries = n;
    }
    o.dead_letter = c.dead_letter;
    if let Some(n) = c.capacity {
        if !(n.is_finite() && n >= 1.0 && n.fract() == 0.0) {
            return Err(usage(env, "capacity must be a positive integer"));
        }
        o.capacity = n as u64;
    }
    o.protect = c.protect.unwrap_or(false);
    if let Some(g) = c.gap_policy {
        o.gap = g.parse::<GapPolicy>().map_err(|e| js_err(env, e))?;
    }
    o.start = match c.start.as_deref() {
        None | Some("oldest") => GroupStart::Oldest,
        Some("new") => GroupStart::New,
        Some(s) => GroupStart::Seq(
            s.parse()
                .map_err(|_| usage(env, "start must be \"oldest\", \"new\" or a sequence number"))?,
        ),
    };
    Ok(o)
}

fn millis(env: &Env, what: &str, ms: f64) -> NResult<Duration> {
    if ms.is_finite() && ms >= 0.0 {
        Ok(Duration::from_secs_f64(ms / 1000.0))
    } else {
        Err(usage(
            env,
            format!("{what} must be a non-negative number of milliseconds"),
        ))
    }
}

fn lease_of(env: &Env, lease_ms: Option<f64>) -> NResult<Option<Duration>> {
    match lease_ms {
        None => Ok(None),
        Some(ms) => {
            let d = millis(env, "leaseMs", ms)?;
            if d.is_zero() {
                return Err(usage(env, "leaseMs must be above 0"));
            }
            Ok(Some(d))
        }
    }
}

fn receipt(env: &Env, r: &str) -> NResult<DeliveryReceipt> {
    r.parse().map_err(|e| js_err(env, e))
}

fn records(got: &[Delivery], out: &mut Vec<u8>) -> plasmite::Result<()> {
    for d in got {
        let at = out.len();
        out.extend_from_slice(&[0; 8]);
        d.write_envelope(out)?;
        let len = (out.len() - at - 8) as u32;
        out[at..at + 4].copy_from_slice(&len.to_le_bytes());
        out[at + 4..at + 8].copy_from_slice(&d.receipt.delivery.to_le_bytes());
    }
    Ok(())
}

type Settle = Box<dyn FnOnce(Env) -> napi::Result<JsUnknown> + Send>;
type Deferred = JsDeferred<JsUnknown, Settle>;

struct Job {
    /// Its number (1, 2, …): `_cancel` ends every job numbered up to the last one given.
    id: u64,
    max: usize,
    lease: Option<Duration>,
    timeout: Duration,
    deferred: Deferred,
}

#[derive(Default)]
struct State {
    job: Option<Job>,
    /// The number of the last job given.
    last: u64,
    /// Jobs numbered up to this one are cancelled.
    cancelled: u64,
    running: bool,
}

struct Shared {
    group: plasmite::Group,
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn run(self: Arc<Self>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let Some(job) = st.job.take() else {
                let (guard, t) = self
                    .wake
                    .wait_timeout(st, IDLE)
                    .unwrap_or_else(|e| e.into_inner());
                st = guard;
                if st.job.is_none() && t.timed_out() {
                    st.running = false;
                    return;
                }
                continue;
            };
            drop(st);
            let result = self.claim(&job);
            job.deferred
                .resolve(Box::new(move |env: Env| settle(env, result)));
            st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        }
    }

    fn claim(&self, job: &Job) -> plasmite::Result<Vec<Delivery>> {
        let start = Instant::now();
        loop {
            let left = job.timeout.saturating_sub(start.elapsed());
            let got = self.group.claim_wait(job.max, job.lease, left.min(SLICE))?;
            if !got.is_empty() || left <= SLICE {
                return Ok(got);
            }
            if self.state.lock().unwrap_or_else(|e| e.into_inner()).cancelled >= job.id {
                return Ok(got);
            }
        }
    }
}

/// Resolves a `_claimWait` promise: a Buffer of records, or the error as a
/// `PlasmiteNativeError` value (index.js throws it).
fn settle(env: Env, result: plasmite::Result<Vec<Delivery>>) -> napi::Result<JsUnknown> {
    let mut out = Vec::new();
    match result.and_then(|got| records(&got, &mut out)) {
        Ok(()) => Ok(env.create_buffer_with_data(out)?.into_raw().into_unknown()),
        Err(e) => error_value(&env, &e),
    }
}

/// An open consumer group.
#[napi]
pub struct Group {
    shared: Option<Arc<Shared>>,
    out: Vec<u8>,
    got: Vec<Delivery>,
}

impl Group {
    pub(crate) fn wrap(group: plasmite::Group) -> Group {
        Group {
            shared: Some(Arc::new(Shared {
                group,
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            })),
            out: Vec::new(),
            got: Vec::new(),
        }
    }

    fn get(&self, env: &Env) -> NResult<&Arc<Shared>> {
        self.shared.as_ref().ok_or_else(|| closed(env, "Group"))
    }
}

#[napi]
impl Group {
    /// The group's name.
    #[napi(getter)]
    pub fn name(&self, env: Env) -> NResult<String> {
        Ok(self.get(&env)?.group.name().to_string())
    }

    /// Claims up to `max` messages without waiting: records written into
    /// `store` (their byte length returned) or a new Buffer when they do
    /// not fit.
    #[napi(js_name = "_claim")]
    pub fn claim(
        &mut self,
        env: Env,
        max: u32,
        lease_ms: Option<f64>,
        store: JsBuffer,
    ) -> NResult<Either<u32, JsBuffer>> {
        let lease = lease_of(&env, lease_ms)?;
        let shared = self.get(&env)?.clone();
        self.got.clear();
        shared
            .group
            .claim_into(max.max(1) as usize, lease, &mut self.got)
            .map_err(|e| js_err(&env, e))?;
        self.out.clear();
        records(&self.got, &mut self.out).map_err(|e| js_err(&env, e))?;
        let mut space = store.into_value()?;
        if self.out.len() <= space.len() {
            space[..self.out.len()].copy_from_slice(&self.out);
            Ok(Either::A(self.out.len() as u32))
        } else {
            Ok(Either::B(env.create_buffer_copy(&self.out)?.into_raw()))
        }
    }

    /// Claims up to `max` messages, waiting at most `timeout_ms` for one on
    /// the group's thread: a promise of a Buffer of records (empty: none
    /// came, or `_cancel` was called), or of the error.
    #[napi(js_name = "_claimWait")]
    pub fn claim_wait(
        &self,
        env: Env,
        max: u32,
        lease_ms: Option<f64>,
        timeout_ms: f64,
    ) -> NResult<napi::JsObject> {
        let lease = lease_of(&env, lease_ms)?;
        let timeout = millis(&env, "timeoutMs", timeout_ms)?;
        let shared = self.get(&env)?.clone();
        let (deferred, promise) = env.create_deferred::<JsUnknown, Settle>()?;
        let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.job.is_some() {
            drop(st);
            return Err(usage(&env, "this group already has a claim waiting"));
        }
        st.last += 1;
        st.job = Some(Job {
            id: st.last,
            max: max.max(1) as usize,
            lease,
            timeout,
            deferred,
        });
        if st.running {
            shared.wake.notify_one();
        } else {
            st.running = true;
            let me = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("plasmite-group".into())
                // Room for a `where` filter's evaluation (the library stops one at
                // 1 MiB of stack).
                .stack_size(4 << 20)
                .spawn(move || me.run())
                .map_err(|e| js_err(&env, plasmite::Error::io("cannot start the group's thread", e)))?;
        }
        Ok(promise)
    }

    /// Ends the waiting claim early (its promise resolves to what it got,
    /// usually nothing, within a few ms).
    #[napi(js_name = "_cancel")]
    pub fn cancel(&self) {
        if let Some(s) = &self.shared {
            let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
            st.cancelled = st.last;
        }
    }

    /// Acks one delivery by receipt (`"SEQ.N"`, or `"SEQ"` for whichever
    /// delivery is pending): `"acked"` or `"already_acked"`; a stale
    /// receipt throws `Busy` (lease lost).
    #[napi(js_name = "_ack")]
    pub fn ack(&self, env: Env, r: String) -> NResult<&'static str> {
        let r = receipt(&env, &r)?;
        match self.get(&env)?.group.ack(r).map_err(|e| js_err(&env, e))? {
            AckOutcome::Acked => Ok("acked"),
            _ => Ok("already_acked"),
        }
    }

    /// Acks many deliveries under one lock: per receipt `"acked"`,
    /// `"already_acked"` or `"lease_lost:N"` (N: the current delivery).
    #[napi(js_name = "_ackMany")]
    pub fn ack_many(&self, env: Env, receipts: Vec<String>) -> NResult<Vec<String>> {
        let list = receipts
            .iter()
            .map(|r| receipt(&env, r))
            .collect::<NResult<Vec<_>>>()?;
        let out = self
            .get(&env)?
            .group
            .ack_many(&list)
            .map_err(|e| js_err(&env, e))?;
        Ok(out
            .into_iter()
            .map(|o| match o {
                AckOutcome::Acked => "acked".to_string(),
                AckOutcome::AlreadyAcked => "already_acked".to_string(),
                AckOutcome::LeaseLost(n) => format!("lease_lost:{n}"),
            })
            .collect())
    }

    /// Releases a delivery: delivered again after `delay_ms` (0: at once).
    #[napi(js_name = "_nack")]
    pub fn nack(&self, env: Env, r: String, delay_ms: Option<f64>) -> NResult<()> {
        let r = receipt(&env, &r)?;
        let delay = millis(&env, "delayMs", delay_ms.unwrap_or(0.0))?;
        self.get(&env)?.group.nack(r, delay).map_err(|e| js_err(&env, e))
    }

    /// Renews a delivery's lease: it ends `lease_ms` from now (default: the
    /// group's lease).
    #[napi(js_name = "_extend")]
    pub fn extend(&self, env: Env, r: String, lease_ms: Option<f64>) -> NResult<()> {
        let r = receipt(&env, &r)?;
        let shared = self.get(&env)?;
        let lease = lease_of(&env, lease_ms)?.unwrap_or_else(|| shared.group.default_lease());
        shared.group.extend(r, lease).map_err(|e| js_err(&env, e))
    }

    /// The group's books as JSON text (the shape of `pls group info --json`).
    #[napi(js_name = "_info")]
    pub fn info(&self, env: Env) -> NResult<String> {
        let i = self.get(&env)?.group.info().map_err(|e| js_err(&env, e))?;
        Ok(i.to_json().to_string())
    }

    /// Closes this handle (a waiting claim ends with what it got).
    #[napi]
    pub fn close(&mut self) {
        self.cancel();
        self.shared = None;
    }
}
