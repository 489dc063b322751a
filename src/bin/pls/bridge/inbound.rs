//! `pls bridge in`: a JetStream stream into a pool, each message exactly once.
//!
//! A durable pull consumer (AckAll), started again from the pool's mark by
//! each session, delivers the stream in order. The messages that
//! arrived together are appended as one batch, and the batch's last stream
//! seq is stored as the pool's mark `in:STREAM` *by the same publish*
//! (`Pool::append_batch_marked`): after a crash the pool holds a batch and
//! its mark, or neither. Only then is the batch acked to JetStream. A
//! redelivered message whose stream seq is at or below the mark is acked and
//! skipped, so a kill at any point neither loses nor repeats a message.

use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use futures_util::{FutureExt, StreamExt};
use plasmite::{Batch, Durability, Error, ErrorKind, Origin, Pool};

use super::{connect, nats_error, run_sessions, SessionEnd, Status, H_POOL, H_SEQ, H_TAGS, H_TIME};

/// Where a new consumer starts in the stream (only when the pool has no
/// position for this stream yet).
#[derive(Debug, Clone, Copy)]
pub enum StreamStart {
    /// At this stream sequence number.
    Seq(u64),
    /// At the first message stored at or after this time (ns since the epoch).
    Time(u64),
}

/// Messages the pull consumer's subscription buffers (the client's default).
const SUBSCRIPTION_CAPACITY: usize = 64 * 1024;

/// What `pls bridge in` was asked.
pub struct InOptions {
    /// `nats://HOST:PORT`.
    pub url: String,
    /// The stream to read.
    pub stream: String,
    /// Only messages on this subject (wildcards allowed).
    pub subject: Option<String>,
    /// The durable consumer's name (default: `pls-` and the pool id's first
    /// 16 hex digits).
    pub consumer: Option<String>,
    /// `--since`: where a new consumer starts.
    pub start: Option<StreamStart>,
    /// Apply what the stream holds, then exit.
    pub once: bool,
    /// Messages per appended batch at most.
    pub batch: usize,
    /// Appends (and the mark with them): `Fast` or `Flush`.
    pub durability: Durability,
    /// How long the server may stay out of reach before the command
    /// fails (`None`: forever; see `give_up_after`).
    pub give_up: Option<std::time::Duration>,
    /// No status lines.
    pub quiet: bool,
}

pub fn run_in(pool: &Pool, o: &InOptions) -> Result<(), Error> {
    let id = pool.id_hex().unwrap_or_default();
    let mark_name = format!("in:{}", o.stream);
    let durable = o
        .consumer
        .clone()
        .unwrap_or_else(|| format!("pls-{}", &id[..id.len().min(16)]));
    let status = Status {
        prefix: "in",
        quiet: o.quiet,
    };
    let mut applied_total = 0u64;
    let mut span = None;
    let result = run_sessions(&status, &o.url, o.give_up, |rt| {
        rt.block_on(session(
            pool,
            o,
            &mark_name,
            &durable,
            &status,
            &mut applied_total,
            &mut span,
        ))
    });
    if result.is_ok() {
        let at = pool.mark(&mark_name)?.map(|m| m.value).unwrap_or(0);
        status.say(format!(
            "stopped; {applied_total} messages applied{}, stream seq {at}",
            super::rate(applied_total, span)
        ));
    }
    result
}

async fn session(
    pool: &Pool,
    o: &InOptions,
    mark_name: &str,
    durable: &str,
    status: &Status,
    applied_total: &mut u64,
    span: &mut Option<(std::time::Instant, std::time::Instant)>,
) -> Result<SessionEnd, Error> {
    let (client, mut lost) = connect(&o.url, SUBSCRIPTION_CAPACITY).await?;
    let js = jetstream::new(client);
    let stream = js
        .get_stream(&o.stream)
        .await
        .map_err(|e| nats_error(&format!("cannot open stream {}", o.stream), e))?;
    let mut applied = pool.mark(mark_name)?.map(|m| m.value).unwrap_or(0);
    let deliver_policy = match (applied, o.start) {
        (a, _) if a > 0 => consumer::DeliverPolicy::ByStartSequence {
            start_sequence: a + 1,
        },
        (_, Some(StreamStart::Seq(s))) => consumer::DeliverPolicy::ByStartSequence {
            start_sequence: s.max(1),
        },
        (_, Some(StreamStart::Time(ns))) => consumer::DeliverPolicy::ByStartTime {
            start_time: time::OffsetDateTime::from_unix_timestamp_nanos(ns as i128)
                .map_err(|e| Error::usage(format!("bad --since time: {e}")))?,
        },
        _ => consumer::DeliverPolicy::All,
    };
    // The pool's mark is the position. A consumer left by an earlier
    // session may hold messages delivered to a bridge that was killed; it
    // would redeliver them after its ack wait, behind newer ones, out of
    // order. Start it again from the mark instead, so delivery is in order.
    let _ = stream.delete_consumer(durable).await;
    let consumer: consumer::PullConsumer = stream
        .get_or_create_consumer(
            durable,
            consumer::pull::Config {
                durable_name: Some(durable.to_string()),
                ack_policy: consumer::AckPolicy::All,
                deliver_policy,
                filter_subject: o.subject.clone().unwrap_or_default(),
                ack_wait: Duration::from_secs(300),
                max_ack_pending: (o.batch as i64 * 8).max(10_000),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| {
            nats_error(
                &format!("cannot open consumer {durable} on stream {}", o.stream),
                e,
            )
        })?;
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(o.batch)
        .heartbeat(Duration::from_secs(5))
        .expires(Duration::from_secs(30))
        .messages()
        .await
        .map_err(|e| nats_error("cannot pull from the consumer", e))?;
    status.say(format!(
        "connected to {}, stream {}, consumer {durable}; applied up to stream seq {applied}",
        o.url, o.stream
    ));
    let progressed_at_start = *applied_total;
    let lost_end = |n: u64| SessionEnd::Lost {
        progressed: n > progressed_at_start,
    };
    let mut batch = Batch::new();
    let mut pending: Vec<jetstream::Message> = Vec::with_capacity(o.batch);
    let mut caught_up_said = false;
    loop {
        if crate::signals::interrupted() {
            return Ok(SessionEnd::Finished);
        }
        let first = tokio::select! {
            m = messages.next() => m,
            _ = lost.changed() => return Ok(lost_end(*applied_total)),
            _ = tokio::time::sleep(Duration::from_millis(300)) => {
                // Idle: all applied?
                let mut c = consumer.clone();
                let done = match c.info().await {
                    // Everything delivered is acked, so applied (acks follow
                    // the appends), and nothing is left to deliver.
                    Ok(info) => info.num_pending == 0 && info.num_ack_pending == 0,
                    Err(_) => false,
                };
                if done && !caught_up_said {
                    status.say(format!("caught up at stream seq {applied}"));
                    caught_up_said = true;
                }
                if done && o.once {
                    return Ok(SessionEnd::Finished);
                }
                continue;
            }
        };
        caught_up_said = false;
        let Some(first) = first else {
            return Ok(lost_end(*applied_total));
        };
        let first = match first {
            Ok(m) => {
                if span.is_none() {
                    let now = std::time::Instant::now();
                    *span = Some((now, now));
                }
                m
            }
            Err(e) => {
                status.say(format!("pull failed: {e}"));
                return Ok(lost_end(*applied_total));
            }
        };
        pending.clear();
        pending.push(first);
        while pending.len() < o.batch {
            match messages.next().now_or_never() {
                Some(Some(Ok(m))) => pending.push(m),
                _ => break,
            }
        }
        batch.clear();
        let mut last_seq = applied;
        for m in &pending {
            let seq = m
                .info()
                .map_err(|e| nats_error("a message without JetStream metadata", e))?
                .stream_sequence;
            if seq <= applied {
                // Applied before a crash, delivered again.
                continue;
            }
            if let Some(note) = push(&mut batch, m).map_err(|e| e.with_seq(seq))? {
                status.say(format!("stream seq {seq}: {note}"));
            }
            last_seq = last_seq.max(seq);
        }
        if !batch.is_empty() {
            pool.append_batch_marked(&batch, mark_name, last_seq, o.durability)
                .map_err(|e| e.with_path(pool.path()))?;
            *applied_total += batch.len() as u64;
            applied = last_seq;
            if let Some(s) = span.as_mut() {
                s.1 = std::time::Instant::now();
            }
        }
        // AckAll: the last one acknowledges the batch.
        let last = pending.last().expect("not empty");
        if let Err(e) = last.ack().await {
            status.say(format!("ack failed: {e}"));
            return Ok(lost_end(*applied_total));
        }
    }
}

/// One stream message as a pool message: the body is the data (JSON; a
/// body that is not JSON is kept as a JSON string), the tags come from the
/// `Plasmite-Tags` header, and the origin (pool id, seq, time) from the
/// `Plasmite-Pool`, `-Seq` and `-Time` headers when all three are there.
///
/// Headers that are not what `bridge out` writes (another publisher's) do
/// not stop the bridge, which could never get past that message: the
/// message is kept without its tags or origin, and the returned note says
/// which.
fn push(batch: &mut Batch, m: &jetstream::Message) -> Result<Option<String>, Error> {
    let header = |name: &str| m.headers.as_ref().and_then(|h| h.get(name)).map(|v| v.as_str());
    let mut notes = Vec::new();
    let tags: Vec<String> = match header(H_TAGS) {
        Some(v) => match serde_json::from_str::<Vec<String>>(v) {
            Ok(t) if plasmite::encode_tags(&t, &mut Vec::new()).is_ok() => t,
            _ => {
                notes.push(format!(
                    "{H_TAGS} {v:?} is not a JSON array of tags: kept without tags"
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let origin = match (header(H_POOL), header(H_SEQ), header(H_TIME)) {
        (Some(p), Some(s), Some(t)) => match (parse_pool_id(p), s.parse::<u64>(), plasmite::parse_time(t)) {
            (Some(pool), Ok(seq), Ok(timestamp_ns)) => Some(Origin {
                pool,
                seq,
                timestamp_ns,
            }),
            _ => {
                notes.push(format!(
                        "origin headers {p:?}, {s:?}, {t:?} are not a pool id, a seq and a time: kept without origin"
                    ));
                None
            }
        },
        _ => None,
    };
    let push_one = |batch: &mut Batch, json: &[u8]| match &origin {
        Some(o) => batch.push_json_from(json, &tags, o),
        None => batch.push_json(json, &tags),
    };
    match push_one(batch, &m.payload) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::Usage => {
            let text = String::from_utf8_lossy(&m.payload);
            let json = serde_json::to_vec(&text).expect("a string serializes");
            push_one(batch, &json)?;
        }
        Err(e) => return Err(e),
    }
    Ok((!notes.is_empty()).then(|| notes.join("; ")))
}

/// 32 hex digits to the 16 bytes of a pool id.
fn parse_pool_id(hex: &str) -> Option<[u8; 16]> {
    if hex.len() != 32 {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, b) in id.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pool_ids_parse_from_hex() {
        let id = [0xab; 16];
        assert_eq!(super::parse_pool_id(&plasmite::pool_id_hex(&id)), Some(id));
        assert_eq!(super::parse_pool_id("zz"), None);
    }
}
