//! Consumer groups on the command line: `pls consume` (print, or `--exec`
//! a command per message), `pls ack`, `pls group create|list|info|delete`
//! and `pls tail --group` (a durable cursor). The rules live in the
//! library's `Group`; this file converts arguments and renders results.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use super::output::{flush_to, pretty_output, stdout_closed, write_pretty, Ui};
use super::{
    AckArgs, ConsumeArgs, Format, GapsArg, GroupArgs, GroupCommand, Outcome, TailArgs, TIMEOUT_EXIT,
};
use crate::signals;
use plasmite::{
    Client, Delivery, DeliveryReceipt, Error, ErrorKind, GapPolicy, Group, GroupOptions, GroupStart,
};

/// Longest a consumer sleeps before checking for Ctrl-C or a closed pipe.
const SLICE: Duration = Duration::from_millis(100);

/// Renders deliveries: the envelope with `delivery` and `receipt`, or the
/// data only; pretty on a terminal.
struct Render {
    pretty: bool,
    color: bool,
    data_only: bool,
    /// The plain envelope, without `delivery` and `receipt` (tail --group).
    plain: bool,
    scratch: Vec<u8>,
}

impl Render {
    fn new(ui: &Ui, format: Option<Format>, jsonl: bool, data_only: bool) -> Render {
        let format = if jsonl { Some(Format::Jsonl) } else { format };
        Render {
            pretty: pretty_output(ui, format),
            color: ui.color_out,
            data_only,
            plain: false,
            scratch: Vec::new(),
        }
    }

    fn render(&mut self, d: &Delivery, out: &mut Vec<u8>) -> Result<(), Error> {
        self.scratch.clear();
        if self.data_only {
            d.message.as_ref().write_data_json(&mut self.scratch)?;
        } else if self.plain {
            d.message.as_ref().write_envelope(&mut self.scratch)?;
        } else {
            d.write_envelope(&mut self.scratch)?;
        }
        if self.pretty {
            write_pretty(out, &self.scratch, self.color);
        } else {
            out.extend_from_slice(&self.scratch);
        }
        out.push(b'\n');
        Ok(())
    }
}

fn open_group(client: &Client, pool: &str, group: &str, consumer: Option<&str>) -> Result<Group, Error> {
    let pool = client.open_pool(pool)?;
    let mut g = pool.group(group)?;
    if let Some(c) = consumer {
        g.set_consumer(c)?;
    }
    Ok(g)
}

/// How long to wait for the next claim: until the deadline of `--timeout`
/// (measured from the last message), or a slice when following.
enum Waiting {
    /// Claim what is ready and stop when nothing is.
    No,
    /// Wait forever (-f).
    Forever,
    /// Wait at most this long without a message (exit 124 after).
    For(Duration),
}

fn waiting(follow: bool, timeout: Option<Duration>) -> Waiting {
    match (timeout, follow) {
        (Some(t), _) => Waiting::For(t),
        (None, true) => Waiting::Forever,
        (None, false) => Waiting::No,
    }
}

/// Claims the next batch per `how`; `Ok(None)` when the command should end
/// (`Some(code)` in the outcome), `Ok(Some(batch))` otherwise.
fn next_batch(
    g: &mut Group,
    max: usize,
    lease: Option<Duration>,
    how: &Waiting,
    last: &mut Instant,
) -> Result<Result<Vec<Delivery>, Outcome>, Error> {
    loop {
        if signals::interrupted() {
            return Ok(Err(Outcome::Exit(signals::INTERRUPTED_EXIT)));
        }
        let got = match how {
            Waiting::No => g.claim(max, lease)?,
            _ => g.claim_wait(max, lease, SLICE)?,
        };
        if !got.is_empty() {
            *last = Instant::now();
            return Ok(Ok(got));
        }
        match how {
            Waiting::No => return Ok(Err(Outcome::Done)),
            Waiting::For(t) if last.elapsed() >= *t => return Ok(Err(Outcome::Exit(TIMEOUT_EXIT))),
            _ => {}
        }
        if stdout_closed() {
            return Ok(Err(Outcome::Done));
        }
    }
}

pub fn consume(client: &Client, a: ConsumeArgs, ui: &Ui) -> Result<Outcome, Error> {
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::consume(&url, a, ui);
    }
    let mut g = open_group(client, &a.pool, &a.group, a.consumer.as_deref())?;
    let how = waiting(a.follow, a.timeout);
    let mut left = a.max.unwrap_or(u64::MAX);
    let mut last = Instant::now();
    let mut render = Render::new(ui, a.format, a.jsonl, a.data_only);
    let mut out = Vec::new();
    let mut stdout = std::io::stdout().lock();
    let mut failures = 0u64;
    while left > 0 {
        let batch = (a.batch as u64).min(left) as usize;
        let got = match next_batch(&mut g, batch, a.lease, &how, &mut last)? {
            Ok(got) => got,
            Err(outcome) => return Ok(finish(outcome, failures)),
        };
        left -= got.len() as u64;
        match &a.exec {
            None => {
                for d in &got {
                    render.render(d, &mut out)?;
                }
                flush_to(&mut stdout, &mut out)?;
            }
            Some(cmd) => {
                for (i, d) in got.iter().enumerate() {
                    if signals::interrupted() {
                        // Hand the rest back at once rather than at lease end.
                        for rest in &got[i..] {
                            let _ = g.nack(rest.receipt, Duration::ZERO);
                        }
                        return Ok(Outcome::Exit(signals::INTERRUPTED_EXIT));
                    }
                    if !run_one(&g, d, cmd, &mut render, a.lease, a.retry_delay)? {
                        failures += 1;
                    }
                }
            }
        }
    }
    Ok(finish(Outcome::Done, failures))
}

fn finish(outcome: Outcome, failures: u64) -> Outcome {
    match outcome {
        Outcome::Done if failures > 0 => Outcome::Exit(1),
        other => other,
    }
}

/// Runs `cmd` (with `sh -c`) for one delivery, the message on its stdin and
/// `PLS_SEQ`, `PLS_DELIVERY`, `PLS_RECEIPT` in its environment, extending
/// the lease while it runs; acks on exit 0, nacks otherwise (the message
/// comes back after `retry_delay`). Returns whether it succeeded.
fn run_one(
    g: &Group,
    d: &Delivery,
    cmd: &str,
    render: &mut Render,
    lease: Option<Duration>,
    retry_delay: Duration,
) -> Result<bool, Error> {
    let mut input = Vec::new();
    let pretty = std::mem::replace(&mut render.pretty, false);
    render.render(d, &mut input)?;
    render.pretty = pretty;
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("PLS_SEQ", d.receipt.seq.to_string())
        .env("PLS_DELIVERY", d.receipt.delivery.to_string())
        .env("PLS_RECEIPT", d.receipt.to_string())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("cannot run the --exec command", e))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin is fine.
        let _ = stdin.write_all(&input);
    }
    let lease = lease.unwrap_or_else(|| g.default_lease());
    let renew_every = lease / 3;
    let mut renewed = Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| Error::io("cannot wait for the --exec command", e))?
        {
            break status;
        }
        if renewed.elapsed() >= renew_every {
            g.extend(d.receipt, lease)?;
            renewed = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(5).min(renew_every));
    };
    if status.success() {
        match g.ack(d.receipt) {
            Ok(_) => Ok(true),
            Err(e) => {
                // The lease was lost: the work may be done twice; say so and go on.
                eprintln!("{}", e.to_json());
                Ok(false)
            }
        }
    } else {
        match g.nack(d.receipt, retry_delay) {
            Ok(()) => {}
            Err(e) if matches!(e.kind(), ErrorKind::Busy | ErrorKind::NotFound) => {
                eprintln!("{}", e.to_json())
            }
            Err(e) => return Err(e),
        }
        Ok(false)
    }
}

/// Receipts from the arguments, or one per stdin line: a receipt
/// (`SEQ.DELIVERY`, a bare `SEQ`) or a delivered envelope with `receipt`.
fn receipts(args: &[String]) -> Result<Vec<DeliveryReceipt>, Error> {
    if !args.is_empty() {
        return args.iter().map(|s| s.parse()).collect();
    }
    let mut out = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::io("cannot read receipts from stdin", e))?;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(t).map_err(|e| Error::usage(format!("bad JSON on stdin: {e}")))?;
            match (
                v.get("receipt").and_then(|r| r.as_str()),
                v.get("seq").and_then(|s| s.as_u64()),
            ) {
                (Some(r), _) => out.push(r.parse()?),
                (None, Some(seq)) => out.push(DeliveryReceipt { seq, delivery: 0 }),
                _ => {
                    return Err(Error::usage(
                        "a JSON line on stdin has neither \"receipt\" nor \"seq\"",
                    ))
                }
            }
        } else {
            out.push(t.parse()?);
        }
    }
    Ok(out)
}

pub fn ack(client: &Client, a: AckArgs, ui: &Ui) -> Result<Outcome, Error> {
    let list = receipts(&a.receipts)?;
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::ack(&url, a, list, ui);
    }
    let g = open_group(client, &a.pool, &a.group, None)?;
    let outcomes = g.ack_many(&list)?;
    let mut first_err = None;
    for (r, o) in list.iter().zip(outcomes) {
        if let plasmite::AckOutcome::LeaseLost(current) = o {
            let e = Error::new(
                ErrorKind::Busy,
                format!(
                    "lease lost: message {} was delivered again (delivery {current}) after receipt {r}",
                    r.seq
                ),
            )
            .with_seq(r.seq)
            .with_hint("its lease expired before the ack; another consumer may be processing it too");
            ui.error(&e);
            first_err.get_or_insert(e);
        }
    }
    match first_err {
        Some(e) => Ok(Outcome::Exit(e.kind().exit_code())),
        None => Ok(Outcome::Done),
    }
}

pub fn group(client: &Client, a: GroupArgs) -> Result<Outcome, Error> {
    use super::remote::{group_remote, url_ref};
    match a.command {
        GroupCommand::Create(c) => {
            let start = match c.from.as_str() {
                "oldest" => GroupStart::Oldest,
                "new" => GroupStart::New,
                s => GroupStart::Seq(s.parse().map_err(|_| {
                    Error::usage(format!("--from {s:?}: expected oldest, new or a sequence number"))
                })?),
            };
            let gap = match c.gaps {
                GapsArg::Continue => GapPolicy::Continue,
                GapsArg::Error => GapPolicy::Error,
            };
            let info = if let Some(url) = url_ref(&c.pool) {
                // The server's body (docs/protocol.md); a dead-letter pool is
                // a name beside the pool there.
                let mut body = serde_json::json!({
                    "group": c.group,
                    "lease_ms": c.lease.as_millis() as u64,
                    "max_deliveries": c.max_deliveries,
                    "capacity": c.capacity,
                    "protect": c.protect,
                    "gap_policy": if gap == GapPolicy::Error { "error" } else { "continue" },
                    "from": c.from,
                });
                if let Some(d) = &c.dead_letter {
                    body["dead_letter"] = serde_json::json!(d);
                }
                group_remote(url, &c.remote, |r, pool| r.group_create(pool, &body))?["group"].take()
            } else {
                let pool = client.open_pool(&c.pool)?;
                let opts = GroupOptions {
                    lease: c.lease,
                    max_deliveries: c.max_deliveries,
                    dead_letter: c.dead_letter,
                    capacity: c.capacity,
                    protect: c.protect,
                    gap,
                    start,
                };
                pool.create_group(&c.group, &opts)?.info()?.to_json()
            };
            if c.json {
                print_json(&serde_json::json!({ "group": info }))?;
            }
            Ok(Outcome::Done)
        }
        GroupCommand::List(l) => {
            let infos: Vec<serde_json::Value> = if let Some(url) = url_ref(&l.pool) {
                match group_remote(url, &l.remote, |r, pool| r.group_list(pool))?["groups"].take() {
                    serde_json::Value::Array(v) => v,
                    _ => {
                        return Err(Error::new(
                            ErrorKind::Internal,
                            "the server's group list has no \"groups\"",
                        ))
                    }
                }
            } else {
                let pool = client.open_pool(&l.pool)?;
                let mut infos = Vec::new();
                for name in pool.group_names()? {
                    infos.push(pool.open_group(&name)?.info()?.to_json());
                }
                infos
            };
            if l.json {
                print_json(&serde_json::json!({ "groups": infos }))?;
            } else {
                print_text(&format_list(&infos))?;
            }
            Ok(Outcome::Done)
        }
        GroupCommand::Info(i) => {
            let (pool_name, info) = if let Some(url) = url_ref(&i.pool) {
                let info =
                    group_remote(url, &i.remote, |r, pool| r.group_info(pool, &i.group))?["group"].take();
                (url.rsplit('/').next().unwrap_or(url).to_string(), info)
            } else {
                let pool = client.open_pool(&i.pool)?;
                let info = pool.open_group(&i.group)?.info()?.to_json();
                (pool.name().to_string(), info)
            };
            if i.json {
                print_json(&serde_json::json!({ "group": info }))?;
            } else {
                print_text(&format_info(&pool_name, &info))?;
            }
            Ok(Outcome::Done)
        }
        GroupCommand::Delete(d) => {
            if let Some(url) = url_ref(&d.pool) {
                for g in &d.groups {
                    group_remote(url, &d.remote, |r, pool| {
                        r.group_delete(pool, g).map(|()| b"{}".to_vec())
                    })?;
                }
            } else {
                let pool = client.open_pool(&d.pool)?;
                for g in &d.groups {
                    pool.delete_group(g)?;
                }
            }
            Ok(Outcome::Done)
        }
    }
}

/// `pls group list`'s table, from the groups' info objects (local or a
/// server's: the same JSON).
fn format_list(infos: &[serde_json::Value]) -> String {
    let n = |i: &serde_json::Value, k: &str| i[k].as_u64().unwrap_or(0);
    let mut out = String::new();
    if !infos.is_empty() {
        out.push_str("GROUP                PENDING        LAG       ACKED   DEAD   LOST  CONSUMERS\n");
    }
    for i in infos {
        out.push_str(&format!(
            "{:<20} {:>7} {:>10} {:>11} {:>6} {:>6}  {}\n",
            i["name"].as_str().unwrap_or(""),
            n(i, "pending"),
            n(i, "lag"),
            n(i, "acked"),
            n(i, "dead"),
            n(i, "lost") + n(i, "lost_pending"),
            i["consumers"].as_array().map_or(0, |c| c.len())
        ));
    }
    out
}

/// `pls group info`'s text, from the group's info object.
fn format_info(pool: &str, i: &serde_json::Value) -> String {
    let n = |k: &str| i[k].as_u64().unwrap_or(0);
    let text = |k: &str| i[k].as_str().unwrap_or("").to_string();
    let mut s = format!(
        "group {} of pool {pool}\n  position    next {} (acked below {})\n  pending     {}\n  lag         {}\n",
        text("name"),
        n("next_seq"),
        n("ack_floor"),
        n("pending"),
        n("lag")
    );
    if let Some(age) = i["oldest_pending_age_ms"].as_u64() {
        s.push_str(&format!("  oldest      pending for {:.1}s\n", age as f64 / 1e3));
    }
    s.push_str(&format!(
        "  delivered   {} ({} redelivered, {} nacked)\n  acked       {}\n  dead        {} (to {})\n  lost        {} undelivered, {} pending\n",
        n("delivered"),
        n("redelivered"),
        n("nacked"),
        n("acked"),
        n("dead"),
        text("dead_letter"),
        n("lost"),
        n("lost_pending")
    ));
    s.push_str(&format!(
        "  lease       {:.3}s, max deliveries {}, window {}{}\n",
        n("lease_ms") as f64 / 1e3,
        n("max_deliveries"),
        n("capacity"),
        if i["protect"].as_bool() == Some(true) {
            ", protected"
        } else {
            ""
        }
    ));
    for c in i["consumers"].as_array().into_iter().flatten() {
        s.push_str(&format!(
            "  consumer    {} ({} held, {} deliveries, last {})\n",
            c["name"].as_str().unwrap_or(""),
            c["pending"].as_u64().unwrap_or(0),
            c["deliveries"].as_u64().unwrap_or(0),
            c["last_seen"].as_str().unwrap_or("")
        ));
    }
    s
}

fn print_json(v: &serde_json::Value) -> Result<(), Error> {
    print_text(&format!("{v}\n"))
}

fn print_text(s: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(super::output::write_error)
}

/// `pls tail POOL --group G`: a durable cursor. Each batch is written to
/// stdout, flushed, then acked (at least once: a crash between the two
/// prints it again). Two such readers of one group compete.
pub fn tail(client: &Client, a: TailArgs, group: &str, ui: &Ui) -> Result<Outcome, Error> {
    if super::remote::url_ref(&a.pool).is_some() {
        return Err(Error::usage("tail --group reads local pools").with_hint(format!(
            "for a remote pool: pls consume {} --group {group} -f, then pls ack",
            a.pool
        )));
    }
    let mut g = open_group(client, &a.pool, group, None)?;
    let how = waiting(a.follow, a.timeout);
    let mut left = a.max.unwrap_or(u64::MAX);
    if a.one {
        left = 1;
    }
    let mut last = Instant::now();
    let mut render = Render::new(ui, a.format, a.jsonl, a.data_only);
    render.plain = true;
    let mut out = Vec::new();
    let mut stdout = std::io::stdout().lock();
    while left > 0 {
        let batch = left.min(256) as usize;
        let got = match next_batch(&mut g, batch, None, &how, &mut last)? {
            Ok(got) => got,
            Err(outcome) => return Ok(outcome),
        };
        left -= got.len() as u64;
        for d in &got {
            render.render(d, &mut out)?;
        }
        flush_to(&mut stdout, &mut out)?;
        let receipts: Vec<DeliveryReceipt> = got.iter().map(|d| d.receipt).collect();
        g.ack_many(&receipts)?;
    }
    Ok(Outcome::Done)
}
