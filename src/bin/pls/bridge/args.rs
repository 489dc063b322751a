//! The `pls bridge` arguments (clap definitions: their doc comments are the
//! `--help` text) and their conversion into the bridge's options.

use clap::{Args, Subcommand, ValueEnum};
use plasmite::{Client, Durability, Error, PoolOptions, Start};

use super::{InOptions, OutOptions, StreamStart};
use crate::units;

#[derive(Debug, Args)]
pub struct BridgeArgs {
    #[command(subcommand)]
    pub direction: Direction,
}

#[derive(Debug, Subcommand)]
pub enum Direction {
    /// Publish every message of a pool to a NATS JetStream stream, exactly once
    ///
    /// Data is the message body; seq, time and tags travel in headers
    /// (Plasmite-Seq, Plasmite-Time, Plasmite-Tags, Plasmite-Pool) and Nats-Msg-Id is
    /// POOLID:SEQ. The position handed over (acked by JetStream) is kept in the pool,
    /// so a bridge killed at any moment resumes exactly. The stream is created (file
    /// storage) when missing. Reconnects with backoff; status lines go to stderr.
    #[command(
        after_help = "Examples:\n  pls bridge out events nats://127.0.0.1:4222 --stream EVENTS --subject events\n  \
                            pls bridge out events nats://hub:4222 --stream EVENTS --subject events.host1 --once\n  \
                            pls bridge out events nats://hub:4222 --stream EVENTS --subject events --subject-from-tag"
    )]
    Out(OutArgs),
    /// Apply a NATS JetStream stream to a pool, exactly once
    ///
    /// Reads through a durable pull consumer; each batch is appended together with
    /// the stream position it reaches (one publish, so a crash keeps both or
    /// neither), and only then acknowledged (AckAll). Tags come from the
    /// Plasmite-Tags header, the body is the data.
    #[command(
        after_help = "Examples:\n  pls bridge in nats://127.0.0.1:4222 --stream EVENTS replica --create\n  \
                            pls bridge in nats://hub:4222 --stream EVENTS --subject 'events.>' replica --once"
    )]
    In(InArgs),
}

#[derive(Debug, Args)]
pub struct OutArgs {
    /// Pool name or path
    pub pool: String,
    /// NATS server URL (nats://HOST:PORT)
    #[arg(value_parser = nats_url)]
    pub url: String,
    /// JetStream stream (created with file storage when missing)
    #[arg(long, value_name = "NAME")]
    pub stream: String,
    /// Subject to publish to
    #[arg(long, value_name = "SUBJ")]
    pub subject: String,
    /// Publish to SUBJ.TAG, TAG being the message's first tag (characters other than
    /// letters, digits, - and _ become _); untagged messages go to SUBJ
    #[arg(long)]
    pub subject_from_tag: bool,
    /// Start here instead of the stored position: a seq (42), a duration ago (5m)
    /// or an RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Hand over what the pool holds, then exit (for cron)
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub reach: ReachArgs,
    /// Publishes waiting for their acknowledgement at most
    #[arg(long, default_value_t = 4096, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub window: u64,
    /// How the position is stored in the pool: fast, or flush (synced)
    #[arg(long, value_enum, default_value_t = BridgeDurability::Fast)]
    pub durability: BridgeDurability,
    /// No status lines on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct InArgs {
    /// NATS server URL (nats://HOST:PORT)
    #[arg(value_parser = nats_url)]
    pub url: String,
    /// JetStream stream to read
    #[arg(long, value_name = "NAME")]
    pub stream: String,
    /// Only messages on this subject (wildcards allowed)
    #[arg(long, value_name = "SUBJ")]
    pub subject: Option<String>,
    /// Durable consumer name (default: pls- and the pool id's first 16 hex digits)
    #[arg(long, value_name = "NAME")]
    pub consumer: Option<String>,
    /// Pool name or path
    pub pool: String,
    /// Where a new consumer starts when the pool has no position for the stream yet:
    /// a stream seq (42), a duration ago (5m) or an RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Apply what the stream holds, then exit (for cron)
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub reach: ReachArgs,
    /// Messages appended per batch at most
    #[arg(long, default_value_t = 4096, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub batch: u64,
    /// fast: appends in the shared mapping; flush: synced before each acknowledgement
    #[arg(long, value_enum, default_value_t = BridgeDurability::Fast)]
    pub durability: BridgeDurability,
    /// Create the pool if it does not exist
    #[arg(long)]
    pub create: bool,
    /// Size of the pool made by --create
    #[arg(long, default_value = "1M", value_parser = units::parse_size, requires = "create")]
    pub size: u64,
    /// No status lines on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

// How long the server may stay out of reach, for both directions (see
// `give_up_after`). Not a doc comment: it would become the description of
// the command that flattens it.
#[derive(Debug, Args)]
pub struct ReachArgs {
    /// Fail (exit 8) when the server has been out of reach this long (0: never;
    /// default: 30s with --once, never without)
    #[arg(long, value_name = "DUR", value_parser = units::parse_duration)]
    pub timeout: Option<std::time::Duration>,
}

/// Durability of what the bridge writes to the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BridgeDurability {
    /// In the shared mapping (survives a crash of the bridge, not a power cut)
    Fast,
    /// Synced to the device
    Flush,
}

impl From<BridgeDurability> for Durability {
    fn from(d: BridgeDurability) -> Durability {
        match d {
            BridgeDurability::Fast => Durability::Fast,
            BridgeDurability::Flush => Durability::Flush,
        }
    }
}

/// `--since`: a bare integer is a seq, else a duration ago or a time.
enum Since {
    Seq(u64),
    Time(u64),
}

fn parse_since(s: &str) -> Result<Since, Error> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map(Since::Seq)
            .map_err(|_| Error::usage(format!("--since {s:?}: seq out of range")));
    }
    if let Ok(d) = units::parse_duration(t) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|n| n.as_nanos() as u64)
            .unwrap_or(0);
        return Ok(Since::Time(now.saturating_sub(d.as_nanos() as u64)));
    }
    plasmite::parse_time(t)
        .map(Since::Time)
        .map_err(|e| Error::usage(format!("--since {s:?}: {}", e.message())))
}

/// Checks a NATS server URL (or a comma-separated list) as the client will
/// read it: a URL it cannot use is a usage error now, not a server to wait
/// for.
fn nats_url(s: &str) -> Result<String, String> {
    for part in s.split(',') {
        part.trim()
            .parse::<async_nats::ServerAddr>()
            .map_err(|e| format!("{part:?}: {e}"))?;
    }
    Ok(s.to_string())
}

/// Runs `pls bridge`.
pub fn run(client: &Client, a: BridgeArgs) -> Result<(), Error> {
    match a.direction {
        Direction::Out(a) => {
            let pool = client.open_pool(&a.pool)?;
            let start = match a.since.as_deref().map(parse_since).transpose()? {
                Some(Since::Seq(s)) => Some(Start::Since(s)),
                Some(Since::Time(t)) => Some(Start::Time(t)),
                None => None,
            };
            super::run_out(
                &pool,
                &OutOptions {
                    url: a.url,
                    stream: a.stream,
                    subject: a.subject,
                    subject_from_tag: a.subject_from_tag,
                    start,
                    once: a.once,
                    give_up: super::give_up_after(a.reach.timeout, a.once),
                    window: a.window as usize,
                    durability: a.durability.into(),
                    quiet: a.quiet,
                },
            )
        }
        Direction::In(a) => {
            let pool = if a.create {
                client.open_or_create_pool(
                    &a.pool,
                    PoolOptions {
                        size_bytes: a.size,
                        ..Default::default()
                    },
                )?
            } else {
                client.open_pool(&a.pool)?
            };
            let start = match a.since.as_deref().map(parse_since).transpose()? {
                Some(Since::Seq(s)) => Some(StreamStart::Seq(s)),
                Some(Since::Time(t)) => Some(StreamStart::Time(t)),
                None => None,
            };
            super::run_in(
                &pool,
                &InOptions {
                    url: a.url,
                    stream: a.stream,
                    subject: a.subject,
                    consumer: a.consumer,
                    start,
                    once: a.once,
                    give_up: super::give_up_after(a.reach.timeout, a.once),
                    batch: a.batch as usize,
                    durability: a.durability.into(),
                    quiet: a.quiet,
                },
            )
        }
    }
}
