//! Consumer-group routes (our extension of protocol v0, `docs/protocol.md`,
//! Consumer groups): claim (long-poll), ack, nack, extend, group list,
//! info and create. Each parses the request and makes the library's call.
//!
//! ```text
//! GET  /v0/pools/{pool}/groups                     {"groups":[INFO…]}
//! POST /v0/pools/{pool}/groups                     {"group","lease_ms"?,…} → {"group":INFO}
//! GET  /v0/pools/{pool}/groups/{group}             {"group":INFO}
//! POST /v0/pools/{pool}/groups/{group}/claim       {"max"?,"lease_ms"?,"timeout_ms"?,"consumer"?} → {"messages":[…]}
//! POST /v0/pools/{pool}/groups/{group}/ack         {"receipts":["SEQ.N"|"SEQ"|SEQ…]} → {"results":[…]}
//! POST /v0/pools/{pool}/groups/{group}/nack        {"receipt","delay_ms"?} → {"ok":true}
//! POST /v0/pools/{pool}/groups/{group}/extend      {"receipt","lease_ms"} → {"ok":true}
//! ```

use std::time::Duration;

use plasmite::{AckOutcome, DeliveryReceipt, Error, GapPolicy, GroupOptions, GroupStart};
use serde_json::Value;

use super::auth::Op;
use super::http::{Conn, Head};
use super::http_error::HttpError;
use super::routes::Reply;
use super::Shared;

type Routed = std::result::Result<Reply, HttpError>;

/// Most messages one claim returns.
pub const MAX_CLAIM: u64 = 10_000;
/// Longest long-poll of a claim when the server sets no tail limit.
pub const MAX_CLAIM_WAIT: Duration = Duration::from_secs(60);

fn json(value: Value) -> Routed {
    Ok(Reply::Json(200, serde_json::to_vec(&value).unwrap_or_default()))
}

fn not_allowed(m: &str, path: &str) -> HttpError {
    HttpError::new(405, Error::usage(format!("method {m} is not allowed on {path}")))
}

/// Routes `/v0/pools/{pool}/groups…`; `rest` is what follows `groups`.
pub fn route(
    shared: &Shared,
    conn: &mut Conn,
    head: &Head,
    pool: &str,
    rest: &[&str],
    body: BodyReader<'_>,
) -> Routed {
    let m = head.method.as_str();
    let path = head.path.as_str();
    match rest {
        [] | [""] => match m {
            "GET" => list(shared, pool),
            "POST" => create(shared, pool, &body(shared, conn, head)?),
            _ => Err(not_allowed(m, path)),
        },
        [group] => match m {
            "GET" => info(shared, pool, &group_name(group)?),
            "DELETE" => delete(shared, pool, &group_name(group)?),
            _ => Err(not_allowed(m, path)),
        },
        [group, action] => {
            if m != "POST" {
                return Err(not_allowed(m, path));
            }
            let group = group_name(group)?;
            let v = body(shared, conn, head)?;
            match *action {
                "claim" => claim(shared, pool, &group, &v),
                "ack" => ack(shared, pool, &group, &v),
                "nack" => relet(shared, pool, &group, &v, true),
                "extend" => relet(shared, pool, &group, &v, false),
                _ => Err(HttpError::new(
                    404,
                    Error::new(plasmite::ErrorKind::NotFound, format!("no route for {m} {path}")),
                )),
            }
        }
        _ => Err(HttpError::new(
            404,
            Error::new(plasmite::ErrorKind::NotFound, format!("no route for {m} {path}")),
        )),
    }
}

/// Reads a request's JSON body (an empty body is `{}`).
pub type BodyReader<'a> = &'a dyn Fn(&Shared, &mut Conn, &Head) -> std::result::Result<Value, HttpError>;

fn group_name(raw: &str) -> Result<String, HttpError> {
    let name = super::routes::percent_decode(raw, false)?;
    plasmite::validate_group_name(&name)?;
    Ok(name)
}

fn num(v: &Value, key: &str) -> Result<Option<u64>, HttpError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| Error::usage(format!("\"{key}\" must be an unsigned integer")).into()),
    }
}

fn receipt_of(v: &Value) -> Result<DeliveryReceipt, HttpError> {
    match v {
        Value::String(s) => Ok(s.parse()?),
        Value::Number(n) => {
            let seq = n
                .as_u64()
                .filter(|s| *s > 0)
                .ok_or_else(|| Error::usage("a receipt number must be a positive seq"))?;
            Ok(DeliveryReceipt { seq, delivery: 0 })
        }
        _ => Err(Error::usage("a receipt is a string \"SEQ.DELIVERY\" (or a bare seq)").into()),
    }
}

fn list(shared: &Shared, pool: &str) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let p = shared.pools.open(pool)?;
    let mut out = Vec::new();
    for name in p.group_names()? {
        out.push(p.open_group(&name)?.info()?.to_json());
    }
    json(serde_json::json!({ "groups": out }))
}

fn info(shared: &Shared, pool: &str, group: &str) -> Routed {
    shared.auth.authorize(Op::Read)?;
    let g = shared.pools.open(pool)?.open_group(group)?;
    json(serde_json::json!({ "group": g.info()?.to_json() }))
}

fn delete(shared: &Shared, pool: &str, group: &str) -> Routed {
    shared.auth.authorize(Op::Write)?;
    shared.pools.open(pool)?.delete_group(group)?;
    json(serde_json::json!({ "ok": true }))
}

fn create(shared: &Shared, pool: &str, v: &Value) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let name = v
        .get("group")
        .and_then(|g| g.as_str())
        .ok_or_else(|| Error::usage("the body needs a \"group\" string"))?;
    let mut o = GroupOptions::default();
    if let Some(ms) = num(v, "lease_ms")? {
        o.lease = Duration::from_millis(ms);
    }
    if let Some(n) = num(v, "max_deliveries")? {
        o.max_deliveries = u32::try_from(n).map_err(|_| Error::usage("\"max_deliveries\" is too large"))?;
    }
    if let Some(n) = num(v, "capacity")? {
        o.capacity = n;
    }
    o.protect = v.get("protect").and_then(|p| p.as_bool()).unwrap_or(false);
    if let Some(g) = v.get("gap_policy").and_then(|g| g.as_str()) {
        o.gap = g.parse::<GapPolicy>()?;
    }
    if v.get("dead_letter").is_some_and(|d| !d.is_null()) {
        // A path would name a file outside the served directory.
        let d = v["dead_letter"]
            .as_str()
            .ok_or_else(|| Error::usage("\"dead_letter\" must be a pool name"))?;
        plasmite::validate_name(d)?;
        o.dead_letter = Some(d.to_string());
    }
    o.start = match v.get("from").and_then(|f| f.as_str()) {
        None | Some("oldest") => GroupStart::Oldest,
        Some("new") => GroupStart::New,
        Some(s) => GroupStart::Seq(
            s.parse()
                .map_err(|_| Error::usage("\"from\" is oldest, new or a sequence number"))?,
        ),
    };
    let g = shared.pools.open(pool)?.create_group(name, &o)?;
    json(serde_json::json!({ "group": g.info()?.to_json() }))
}

fn claim(shared: &Shared, pool: &str, group: &str, v: &Value) -> Routed {
    // A claim both reads messages and changes the group's books.
    shared.auth.authorize(Op::Read)?;
    shared.auth.authorize(Op::Write)?;
    let max = num(v, "max")?.unwrap_or(1);
    if max == 0 || max > MAX_CLAIM {
        return Err(Error::usage(format!("\"max\" must be 1 to {MAX_CLAIM}")).into());
    }
    let lease = num(v, "lease_ms")?.map(Duration::from_millis);
    if lease.is_some_and(|l| l.is_zero()) {
        return Err(Error::usage("\"lease_ms\" must be above 0").into());
    }
    let cap = shared.max_tail_timeout.unwrap_or(MAX_CLAIM_WAIT);
    let wait = num(v, "timeout_ms")?
        .map(Duration::from_millis)
        .unwrap_or_default();
    if wait > cap {
        return Err(Error::usage(format!(
            "timeout_ms {} is over this server's limit of {}",
            wait.as_millis(),
            cap.as_millis()
        ))
        .into());
    }
    let mut g = shared.pools.open(pool)?.group(group)?;
    match v.get("consumer").and_then(|c| c.as_str()) {
        Some(c) => g.set_consumer(c)?,
        None => g.set_consumer("http")?,
    }
    let got = if wait.is_zero() {
        g.claim(max as usize, lease)?
    } else {
        g.claim_wait(max as usize, lease, wait)?
    };
    let mut out = Vec::with_capacity(64 + got.len() * 128);
    out.extend_from_slice(b"{\"messages\":[");
    for (i, d) in got.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        d.write_envelope(&mut out)?;
    }
    out.extend_from_slice(b"]}");
    Ok(Reply::Json(200, out))
}

fn ack(shared: &Shared, pool: &str, group: &str, v: &Value) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let list = v
        .get("receipts")
        .and_then(|r| r.as_array())
        .ok_or_else(|| Error::usage("the body needs \"receipts\": an array of receipts"))?;
    let receipts: Vec<DeliveryReceipt> = list.iter().map(receipt_of).collect::<Result<_, _>>()?;
    let g = shared.pools.open(pool)?.open_group(group)?;
    let results: Vec<Value> = g
        .ack_many(&receipts)?
        .into_iter()
        .map(|o| match o {
            AckOutcome::Acked => serde_json::json!("acked"),
            AckOutcome::AlreadyAcked => serde_json::json!("already_acked"),
            AckOutcome::LeaseLost(current) => serde_json::json!({ "lease_lost": current }),
        })
        .collect();
    json(serde_json::json!({ "results": results }))
}

fn relet(shared: &Shared, pool: &str, group: &str, v: &Value, nack: bool) -> Routed {
    shared.auth.authorize(Op::Write)?;
    let r = receipt_of(v.get("receipt").unwrap_or(&Value::Null))?;
    let g = shared.pools.open(pool)?.open_group(group)?;
    if nack {
        let delay = num(v, "delay_ms")?.map(Duration::from_millis).unwrap_or_default();
        g.nack(r, delay)?;
    } else {
        let lease = num(v, "lease_ms")?
            .map(Duration::from_millis)
            .unwrap_or_else(|| g.default_lease());
        g.extend(r, lease)?;
    }
    json(serde_json::json!({ "ok": true }))
}
