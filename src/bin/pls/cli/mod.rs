#![allow(missing_docs)] // clap definitions: their doc comments are the --help text
//! The `pls` / `plasmite` command: clap definitions, dispatch, and the mapping
//! from error kinds to exit codes. Each command lives in its own file and
//! calls the library; no storage rules live here.

mod admin;
mod append;
mod docs;
mod duplex;
mod group;
mod output;
mod read;
mod remote;
mod tap;
mod time;
mod vocab;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use plasmite::Error;

use crate::{signals, units};
use output::Ui;

/// Exit status when `tail --timeout` expired before `--max` messages arrived.
pub const TIMEOUT_EXIT: i32 = 124;
/// Exit status when `append --errors skip` skipped some records.
pub const SKIPPED_EXIT: i32 = 1;

const EXAMPLES: &str = "\
Examples:
  pls create events --size 64M
  pls append events '{\"kind\":\"signup\",\"user\":\"alice\"}' -t user-event
  cat events.jsonl | pls append events
  pls get events 1
  pls tail -f events | jq .data
  pls tail events -n 100 -t user-event --data-only
  pls list";

const EXIT_CODES: &str = "\
Exit status:
  0    success
  1    append --errors skip skipped some records; otherwise a bug in plasmite (Internal)
  2    usage: bad arguments or input (Usage)
  3    not found: no such pool or message (NotFound)
  4    already exists (AlreadyExists)
  5    busy: a limit was reached or the pool lock is held (Busy)
  6    permission denied (Permission)
  7    the pool file is damaged (Corrupt)
  8    I/O error (Io)
  9    messages were overwritten before they were read (RetentionGap)
  124  tail, duplex: --timeout expired (tail: before --max messages arrived)
  130  interrupted (Ctrl-C)

Errors go to stderr: one line and a hint on a terminal, otherwise a JSON
envelope {\"error\":{\"kind\",\"message\",\"hint\"?,\"path\"?,\"seq\"?,\"offset\"?}}.";

/// Persistent JSON message queues ("pools") kept as memory-mapped ring files.
/// No broker, no daemon: any number of processes append and read at once.
#[derive(Debug, Parser)]
#[command(name = "pls", version, after_help = EXAMPLES, after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}\n\n{}", vocab::COMING_FROM_PLASMITE))]
pub struct Cli {
    /// Pool directory (pool names resolve to DIR/NAME.plasmite)
    #[arg(long, global = true, env = "PLASMITE_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// When to use colors (NO_COLOR disables them in auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// Output format for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON document per line (the default on a pipe)
    Jsonl,
    /// Indented, coloured JSON (the default on a terminal)
    Pretty,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create one or more pools
    #[command(after_help = "Examples:\n  pls create events\n  pls create events audit --size 64M")]
    Create(CreateArgs),
    /// Append messages: one from the argument, or a stream from stdin
    #[command(
        visible_alias = "feed",
        after_help = "Examples:\n  pls append events '{\"n\":1}' -t ops\n  \
                            pls append events < events.jsonl\n  \
                            pls append events --file events.json --errors skip --quiet\n  \
                            curl -N https://host/events | pls append events   # SSE data: lines\n  \
                            pls append events -f dump.seq --in seq\n  \
                            pls append http://host:9700/events --retry 5 --retry-delay 1s < in.jsonl\n  \
                            pls append events --create --size 64M '{\"first\":true}'"
    )]
    Append(AppendArgs),
    /// Print one message (its envelope) by sequence number
    #[command(
        visible_alias = "fetch",
        after_help = "Examples:\n  pls get events 42\n  pls get events 42 --data-only | jq ."
    )]
    Get(GetArgs),
    /// Print the last messages of a pool, and optionally follow it
    #[command(
        after_help = "Examples:\n  pls tail events                 # the last 10 messages\n  \
                            pls tail -f events | jq .data   # follow\n  \
                            pls tail events --since 100 --max 50\n  \
                            pls tail events --since 5m --until 2026-01-15T10:00:00Z\n  \
                            pls tail events --since 1h --replay 2\n  \
                            pls tail -f events --timeout 30s --max 1 -t deploy\n  \
                            pls tail events -n 1000 --where '.data.status >= 500' --where '.data.path | startswith(\"/api\")'"
    )]
    Tail(TailArgs),
    /// Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first
    #[command(after_help = "Examples:\n  pls follow events --jsonl | jq .data\n  \
                            pls follow events --tail 10\n  \
                            pls follow events -t deploy --one --timeout 30s")]
    Follow(vocab::FollowArgs),
    /// Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)
    Pool(vocab::PoolArgs),
    /// Run a command and record each line of its output in a pool
    #[command(after_help = "Examples:\n  pls tap build --create -- cargo build\n  \
                            pls tap deploy -t prod -q -- ./deploy.sh\n  \
                            pls tail build -t lifecycle\n\n\
                            Messages (the shapes of plasmite 0.8.0's tap):\n  \
                            {\"kind\":\"start\",\"cmd\":[ARGV...]}                       tag lifecycle\n  \
                            {\"kind\":\"line\",\"stream\":\"stdout\"|\"stderr\",\"line\":TEXT}   tags -t\n  \
                            {\"kind\":\"exit\",\"code\":N|\"signal\":\"SIGTERM\",\"elapsed_ms\":MS}  tag lifecycle\n\n\
                            Lines are text: bytes that are not UTF-8 become U+FFFD; the line ending is\n\
                            dropped; lines longer than 64 KiB are cut into pieces. Exits with the\n\
                            command's status (128+N when signal N ended it); Ctrl-C and SIGTERM are\n\
                            forwarded to it.")]
    Tap(TapArgs),
    /// Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)
    #[command(after_help = "Examples:\n  pls duplex chat --me alice\n  \
                            pls duplex http://127.0.0.1:9700/chat --me bob\n  \
                            producer | pls duplex jobs --jsonl > replies.jsonl\n\n\
                            On a terminal, each non-empty line is sent as {\"from\":NAME,\"msg\":LINE};\n\
                            otherwise stdin is a JSON stream (as `pls append` reads it). New messages\n\
                            are printed as they arrive, except those whose data has \"from\" = --me\n\
                            (unless --echo-self). Ends when stdin ends; 124 after --timeout.")]
    Duplex(DuplexArgs),
    /// Take messages from a pool as a consumer group: each goes to one consumer, until acked
    #[command(after_help = "Examples:\n  \
                            pls consume jobs --group workers -f          # print; ack with pls ack\n  \
                            pls consume jobs --group workers -f --exec './handle.sh'\n  \
                            pls consume jobs --group workers --max 10 --lease 5m\n\n\
                            Each printed envelope carries \"delivery\" (1 for the first) and \"receipt\"\n\
                            (SEQ.DELIVERY). A message not acked within its lease (--lease, else the\n\
                            group's, 30s by default) is delivered again, before new ones; after the\n\
                            group's max deliveries (5) it goes to the dead-letter pool POOL.dead.\n\
                            With --exec, CMD runs (sh -c) once per message with the message on its stdin\n\
                            and PLS_SEQ, PLS_DELIVERY, PLS_RECEIPT set; the lease is extended while it\n\
                            runs; exit 0 acks, any other status nacks (again after --retry-delay). The\n\
                            group is created on first use (pls group create sets its options).\n\n\
                            Job queue in four lines:\n  \
                            pls create jobs --size 64M\n  \
                            pls group create jobs workers --lease 1m\n  \
                            echo '{\"file\":\"a.png\"}' | pls append jobs\n  \
                            pls consume jobs --group workers -f --exec 'jq -r .data.file | xargs ./resize'")]
    Consume(ConsumeArgs),
    /// Acknowledge messages of a consumer group (receipts or seqs, or from stdin)
    #[command(after_help = "Examples:\n  pls ack jobs --group workers 42.1 43.1\n  \
                            pls ack jobs --group workers 42            # whichever delivery is pending\n  \
                            pls consume jobs --group w --max 10 | ./work | pls ack jobs --group w\n\n\
                            Stdin lines are receipts, seqs, or envelopes with \"receipt\" (or \"seq\").\n\
                            Acking twice is fine. A receipt whose message was delivered again since\n\
                            is refused: lease lost (exit 5), the others are still acked.")]
    Ack(AckArgs),
    /// Manage consumer groups: create, list, info, delete
    Group(GroupArgs),
    /// List the pools in the pool directory
    List(ListArgs),
    /// Show a pool's size, bounds and usage
    Info(InfoArgs),
    /// Delete pools
    Delete(DeleteArgs),
    /// Check pool files for damage
    Doctor(DoctorArgs),
    /// Serve the pools of a directory over HTTP
    Serve(crate::serve::ServeArgs),
    /// Serve the pools of --dir to MCP clients (AI agents) over stdio
    Mcp(crate::mcp::McpArgs),
    /// Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once
    #[cfg(feature = "bridge")]
    Bridge(crate::bridge::BridgeArgs),
    /// Print a shell completion script
    #[command(visible_alias = "completion")]
    Completions(CompletionsArgs),
    /// Print the man page, or write every page to a directory
    Man(ManArgs),
    /// Print the version: a line on a terminal, {"name","version"} JSON otherwise
    Version,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Pool names or paths
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// File size of each pool (e.g. 512K, 64M, 1G; at least 64K)
    #[arg(long, default_value = "1M", value_parser = units::parse_size)]
    pub size: u64,
    /// Slots in the sequence index (default: sized from --size)
    #[arg(long, value_name = "N")]
    pub index_capacity: Option<u64>,
    /// Print each pool's info as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AppendArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// The JSON message; without it, read a stream from stdin or --file (see --in)
    pub json: Option<String>,
    /// Tag the message(s) (repeatable)
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// fast: in the shared mapping; flush: also synced to disk (once per batch)
    #[arg(long, value_enum, default_value_t = DurabilityArg::Fast)]
    pub durability: DurabilityArg,
    /// Create the pool if it does not exist
    #[arg(long)]
    pub create: bool,
    /// Size of the pool made by --create
    #[arg(long, default_value = "1M", value_parser = units::parse_size, requires = "create")]
    pub size: u64,
    /// Read the stream from this file instead of stdin (`-` for stdin)
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "json")]
    pub file: Option<PathBuf>,
    /// Input format of the stream (auto: told from its first bytes)
    #[arg(long = "in", value_enum, default_value_t = InputArg::Auto, value_name = "FORMAT")]
    pub input: InputArg,
    /// On a malformed record, or one too large for the pool: stop, or report it on stderr,
    /// drop all of it and go on (exit 1 at the end)
    #[arg(long, value_enum, default_value_t = ErrorsArg::Stop)]
    pub errors: ErrorsArg,
    /// Do not print a receipt per message
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Stamp the messages with this time instead of the clock, for imports and tests: an
    /// RFC 3339 time or a duration ago (2h); raised to the newest message's time if earlier
    /// (times never decrease within a pool). Local pools only
    #[arg(long, value_parser = time::parse_stamp, value_name = "WHEN")]
    pub time: Option<u64>,
    /// Remote pool: try a record again up to N times when the server could not be reached
    /// (connection refused) or answered 503 or 423 (it refused without storing). Never
    /// after the request may have been applied: a timeout or a dropped connection after
    /// sending is reported, not retried
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retry: u32,
    /// Pause before each retry (e.g. 200ms, 1s)
    #[arg(long, default_value = "500ms", value_parser = units::parse_duration, value_name = "DUR")]
    pub retry_delay: std::time::Duration,
}

/// Input format of an appended stream (`plasmite::json::InputFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputArg {
    /// Detect: 0x1E first = seq; a first line `data:`/`event:`/`id:`/`retry:`/`:` = sse;
    /// otherwise JSON values separated by any whitespace (JSON Lines, concatenated, pretty)
    Auto,
    /// JSON Lines, strictly: one value per line
    Jsonl,
    /// Exactly one JSON value (a second one is an error)
    Json,
    /// RFC 7464 JSON text sequences: each value preceded by 0x1E
    Seq,
    /// Server-Sent Events: the data: lines of each event hold one JSON value
    Sse,
    /// Concatenated JSON values (jq output), any whitespace between them
    Jq,
}

impl From<InputArg> for plasmite::json::InputFormat {
    fn from(a: InputArg) -> Self {
        use plasmite::json::InputFormat as F;
        match a {
            InputArg::Auto => F::Auto,
            InputArg::Jsonl => F::Jsonl,
            InputArg::Json => F::Json,
            InputArg::Seq => F::Seq,
            InputArg::Sse => F::Sse,
            InputArg::Jq => F::Jq,
        }
    }
}

/// Durability of appends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// In the shared mapping (survives a crash of the writer, not a power cut)
    Fast,
    /// Synced to the device before returning
    Flush,
}

/// What to do with a malformed record in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorsArg {
    /// Stop at the first malformed record
    Stop,
    /// Report it on stderr, skip it and go on
    Skip,
}

#[derive(Debug, Args)]
pub struct TapArgs {
    /// Local pool name or path
    pub pool: String,
    /// Tag the recorded lines (repeatable; start and exit are tagged lifecycle)
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Do not copy the command's output to stdout and stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// Create the pool if it does not exist
    #[arg(long)]
    pub create: bool,
    /// Size of the pool made by --create
    #[arg(long, alias = "create-size", default_value = "1M", value_parser = units::parse_size, requires = "create")]
    pub size: u64,
    /// fast: in the shared mapping; flush: also synced to disk (once per batch)
    #[arg(long, value_enum, default_value_t = DurabilityArg::Fast)]
    pub durability: DurabilityArg,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DuplexArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Your name: typed lines are sent as {"from":NAME,"msg":LINE}, and messages from NAME
    /// are not printed (required when stdin is a terminal)
    #[arg(long, value_name = "NAME")]
    pub me: Option<String>,
    /// Also print your own messages
    #[arg(long)]
    pub echo_self: bool,
    /// Print the newest N messages first
    #[arg(
        short = 'n',
        long = "tail",
        alias = "lines",
        default_value_t = 0,
        value_name = "N"
    )]
    pub last: u64,
    /// Print JSON Lines (same as --format jsonl)
    #[arg(long, conflicts_with = "format")]
    pub jsonl: bool,
    /// Output format (default: pretty on a terminal, jsonl otherwise)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Stop after this long without printing a message (exit 124)
    #[arg(long, value_parser = units::parse_duration, value_name = "DUR")]
    pub timeout: Option<std::time::Duration>,
    /// Create the (local) pool if it does not exist
    #[arg(long)]
    pub create: bool,
    /// Size of the pool made by --create
    #[arg(long, alias = "create-size", default_value = "1M", value_parser = units::parse_size, requires = "create")]
    pub size: u64,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Sequence number
    pub seq: u64,
    /// Print only the message's data
    #[arg(long)]
    pub data_only: bool,
    /// Output format (default: pretty on a terminal, jsonl otherwise)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Remote pool: largest message accepted from the server (e.g. 64M, 1G);
    /// a larger one fails with an Io error
    #[arg(long, default_value = "64M", value_parser = units::parse_size, value_name = "SIZE")]
    pub max_message: u64,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Start with the newest N messages
    #[arg(short = 'n', long = "lines", default_value_t = 10, value_name = "N")]
    pub last: u64,
    /// Start here (inclusive) instead of the last N: a sequence number (42), a duration
    /// ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)
    #[arg(long, value_parser = time::parse_point, value_name = "WHEN")]
    pub since: Option<time::Point>,
    /// Stop after this point (inclusive; same forms as --since): a time ends the tail
    /// before the first later message (with -f, once the clock passes it); without
    /// --since, -n counts back from here
    #[arg(long, value_parser = time::parse_point, value_name = "WHEN")]
    pub until: Option<time::Point>,
    /// Re-emit the range with the original gaps between message times, SPEED times as
    /// fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of
    /// what is stored (no following)
    #[arg(long, value_parser = time::parse_speed, value_name = "SPEED")]
    pub replay: Option<f64>,
    /// Keep following: print new messages as they are appended
    #[arg(short, long)]
    pub follow: bool,
    /// Stop after N messages
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Stop after one message (--max 1)
    #[arg(long, conflicts_with = "max")]
    pub one: bool,
    /// Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow
    #[arg(long, value_parser = units::parse_duration, value_name = "DUR")]
    pub timeout: Option<std::time::Duration>,
    /// Only messages carrying this tag (repeatable: all must match)
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only messages for which this jq expression is true (repeatable: all must be)
    ///
    /// The expression runs on each message's envelope {seq, time, meta: {tags}, data}, after
    /// the tag filter, e.g. '.data.kind == "deploy"'. Output false or null, no output, or an
    /// evaluation error: no match; any other output is a usage error. -n N counts messages
    /// before filtering; --max counts matching ones. Remote pools filter on the server.
    #[arg(long = "where", value_name = "EXPR")]
    pub filters: Vec<String>,
    /// Print only each message's data
    #[arg(long)]
    pub data_only: bool,
    /// Output format (default: pretty on a terminal, jsonl otherwise)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// JSON Lines output (--format jsonl)
    #[arg(long, conflicts_with = "format")]
    pub jsonl: bool,
    /// When messages were overwritten before being read: skip them, or fail
    #[arg(long, value_enum, default_value_t = GapsArg::Continue)]
    pub gaps: GapsArg,
    /// Read as consumer group GROUP: resume where the group left off, committing the
    /// position after each batch is written (at least once); readers of a group compete
    #[arg(long, value_name = "GROUP", conflicts_with_all = ["since", "until", "replay", "filters", "tags"])]
    pub group: Option<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Remote pool: largest message accepted from the server (e.g. 64M, 1G);
    /// a larger one fails with an Io error
    #[arg(long, default_value = "64M", value_parser = units::parse_size, value_name = "SIZE")]
    pub max_message: u64,
}

// Credentials and TLS trust of a remote pool, shared by every command that
// takes `http(s)://HOST:PORT/POOL` (see `plasmite::remote::Trust`). Not a
// doc comment, as for `RemoteArgs`.
#[derive(Debug, Clone, Default, Args)]
pub struct RemoteTrustArgs {
    /// Remote pool: read the bearer token from this file (its first line;
    /// wins over --token and PLASMITE_TOKEN)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Remote pool: also trust the CA certificates of this PEM bundle
    /// (repeatable; added to the built-in roots and to SSL_CERT_FILE's), e.g.
    /// the certificate written by `pls serve init`
    #[arg(long, value_name = "FILE")]
    pub tls_ca: Vec<PathBuf>,
    /// Remote pool: accept only the server certificate of this SHA-256
    /// (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)
    #[arg(long, value_name = "SHA256", conflicts_with = "tls_ca")]
    pub tls_fingerprint: Option<String>,
    /// Remote pool: do not check the server's TLS certificate (unsafe: anyone
    /// on the path can read and change the traffic; warns on every run)
    #[arg(long, conflicts_with_all = ["tls_ca", "tls_fingerprint"])]
    pub tls_skip_verify: bool,
}

// A bearer token and TLS trust, for commands whose POOL may be remote.
// (Not a doc comment: it would become the description of `follow`, whose
// arguments are added after its own description, when it runs.)
#[derive(Debug, Clone, Default, Args)]
pub struct RemoteArgs {
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    #[command(flatten)]
    pub trust: RemoteTrustArgs,
}

/// Gap policy argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsArg {
    /// Skip to the oldest retained message (a note goes to stderr on a terminal)
    Continue,
    /// Fail with RetentionGap (exit 9)
    Error,
}

#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// The consumer group (created on first use with default options)
    #[arg(long, short = 'g', value_name = "GROUP")]
    pub group: String,
    /// This consumer's name, shown by pls group info (default: pid-PID)
    #[arg(long, value_name = "NAME")]
    pub consumer: Option<String>,
    /// How long a delivery is yours before it is delivered again (default: the group's)
    #[arg(long, value_parser = units::parse_duration, value_name = "DUR")]
    pub lease: Option<std::time::Duration>,
    /// Stop after N messages
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Messages claimed at once (printed together; with --exec, run one by one)
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub batch: u32,
    /// Keep waiting for messages
    #[arg(short, long)]
    pub follow: bool,
    /// Stop after this long without a message (exit 124); implies --follow
    #[arg(long, value_parser = units::parse_duration, value_name = "DUR")]
    pub timeout: Option<std::time::Duration>,
    /// Run CMD (sh -c) per message, the message on its stdin: exit 0 acks, else nacks
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// With --exec: how long a failed message waits before it is delivered again
    #[arg(long, default_value = "0s", value_parser = units::parse_duration, value_name = "DUR")]
    pub retry_delay: std::time::Duration,
    /// Print (or give --exec) only each message's data
    #[arg(long)]
    pub data_only: bool,
    /// Output format (default: pretty on a terminal, jsonl otherwise)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// JSON Lines output (--format jsonl)
    #[arg(long, conflicts_with = "format")]
    pub jsonl: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// The consumer group
    #[arg(long, short = 'g', value_name = "GROUP")]
    pub group: String,
    /// Receipts (SEQ.DELIVERY) or seqs; none: read them from stdin
    #[arg(value_name = "RECEIPT")]
    pub receipts: Vec<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct GroupArgs {
    #[command(subcommand)]
    pub command: GroupCommand,
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a consumer group with its options
    #[command(
        after_help = "Examples:\n  pls group create jobs workers --lease 5m --max-deliveries 3\n  \
                            pls group create jobs audit --from new --protect\n\n\
                            Group state lives beside the pool, in POOL.plasmite.groups/GROUP.group.\n\
                            --protect: appends that would overwrite messages this group has not acked\n\
                            fail with Busy (exit 5) instead (at most 32 protected groups per pool)."
    )]
    Create(GroupCreateArgs),
    /// List a pool's groups
    List(GroupListArgs),
    /// Show a group's position, pending count, lag, oldest pending age, consumers, dead letters
    Info(GroupInfoArgs),
    /// Delete groups (their books; the messages stay)
    Delete(GroupDeleteArgs),
}

#[derive(Debug, Args)]
pub struct GroupCreateArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Group name (letters, digits, '.', '_', '-'; at most 40)
    pub group: String,
    /// Default lease of a delivery
    #[arg(long, default_value = "30s", value_parser = units::parse_duration, value_name = "DUR")]
    pub lease: std::time::Duration,
    /// Deliveries of one message before it goes to the dead-letter pool
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_deliveries: u32,
    /// Dead-letter pool (default: POOL.dead beside the pool, created on first use with the pool's size)
    #[arg(long, value_name = "POOL")]
    pub dead_letter: Option<String>,
    /// Pending window: messages delivered and not acked, from the oldest one (Busy beyond)
    #[arg(long, default_value_t = plasmite::DEFAULT_GROUP_CAPACITY, value_name = "N")]
    pub capacity: u64,
    /// Refuse appends (Busy) rather than overwrite messages this group has not acked
    #[arg(long)]
    pub protect: bool,
    /// When undelivered messages were overwritten: count them and go on, or also fail once (exit 9)
    #[arg(long, value_enum, default_value_t = GapsArg::Continue)]
    pub gaps: GapsArg,
    /// Where the group starts: oldest, new, or a sequence number
    #[arg(long, default_value = "oldest", value_name = "WHERE")]
    pub from: String,
    /// Print the group's info as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct GroupListArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct GroupInfoArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Group name
    pub group: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct GroupDeleteArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Group names
    #[arg(required = true, value_name = "GROUP")]
    pub groups: Vec<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// List the pools of a server instead (http(s)://HOST:PORT)
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Pool names or paths
    #[arg(required = true, value_name = "POOL")]
    pub pools: Vec<String>,
    /// Ignore pools that do not exist
    #[arg(short, long)]
    pub force: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Pool name or path
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub pool: Option<String>,
    /// Check every pool in the directory
    #[arg(long)]
    pub all: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write pls.1 and one page per command into this directory
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// How a command ended, when it did not fail.
pub enum Outcome {
    /// Exit 0.
    Done,
    /// Exit with this code (partial success, timeout, interrupt).
    Exit(i32),
}

/// Entry point of both binaries.
pub fn main() {
    signals::install();
    plasmite::install_fault_handler();
    let cli = vocab::parse();
    let ui = Ui::new(cli.color);
    let code = match run(cli, &ui) {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::Exit(code)) => code,
        Err(e) if output::is_broken_pipe(&e) => 0,
        Err(e) => {
            ui.error(&e);
            e.kind().exit_code()
        }
    };
    std::process::exit(code);
}

fn default_dir() -> PathBuf {
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".plasmite").join("pools"),
        None => PathBuf::from(".plasmite/pools"),
    }
}

fn run(cli: Cli, ui: &Ui) -> Result<Outcome, Error> {
    let dir = cli.dir.clone().unwrap_or_else(default_dir);
    let client = plasmite::Client::new(dir);
    use vocab::{PoolCommand, Shapes};
    match cli.command {
        Command::Create(a) => admin::create(&client, a, ui, Shapes::Pls),
        Command::Append(a) => append::run(&client, a, ui),
        Command::Get(a) => read::get(&client, a, ui),
        Command::Tail(a) | Command::Follow(vocab::FollowArgs(a)) => {
            read::tail(&client, vocab::tail_args(a), ui)
        }
        Command::Tap(a) => tap::run(&client, a, ui),
        Command::Duplex(a) => duplex::run(&client, a, ui),
        Command::Consume(a) => group::consume(&client, a, ui),
        Command::Ack(a) => group::ack(&client, a, ui),
        Command::Group(a) => group::group(&client, a),
        Command::List(a) => admin::list(&client, a, Shapes::Pls),
        Command::Info(a) => admin::info(&client, a, Shapes::Pls),
        Command::Delete(a) => admin::delete(&client, a, ui, Shapes::Pls),
        Command::Pool(p) => match p.command {
            PoolCommand::Create(a) => admin::create(&client, a, ui, Shapes::Plasmite),
            PoolCommand::Info(a) => admin::info(&client, a, Shapes::Plasmite),
            PoolCommand::List(a) => admin::list(&client, a, Shapes::Plasmite),
            PoolCommand::Delete(a) => admin::delete(&client, a, ui, Shapes::Plasmite),
        },
        Command::Version => admin::version(ui),
        Command::Doctor(a) => admin::doctor(&client, a, ui),
        Command::Serve(a) => admin::serve(&client, a),
        Command::Mcp(a) => match crate::mcp::run_cli(client.dir().to_path_buf(), a)? {
            true => Ok(Outcome::Exit(signals::INTERRUPTED_EXIT)),
            false => Ok(Outcome::Done),
        },
        #[cfg(feature = "bridge")]
        Command::Bridge(a) => crate::bridge::run(&client, a).map(|()| {
            if signals::interrupted() {
                Outcome::Exit(signals::INTERRUPTED_EXIT)
            } else {
                Outcome::Done
            }
        }),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
    }
}
