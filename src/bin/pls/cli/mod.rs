#![allow(missing_docs)] // clap definitions: their doc comments are the --help text
//! The `pls` / `plasmite` command: clap definitions, dispatch, and the mapping
//! from error kinds to exit codes. Each command lives in its own file and
//! calls the library; no storage rules live here.

mod admin;
mod append;
mod docs;
mod output;
mod read;
mod remote;

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
  1    completed, but some input records were skipped (append --errors skip)
  2    usage: bad arguments or input (Usage)
  3    not found: no such pool or message (NotFound)
  4    already exists (AlreadyExists)
  5    busy: a limit was reached or the pool lock is held (Busy)
  6    permission denied (Permission)
  7    the pool file is damaged (Corrupt)
  8    I/O error (Io)
  9    internal error (Internal)
  10   messages were overwritten before they were read (RetentionGap)
  124  tail: --timeout expired before --max messages arrived
  130  interrupted (Ctrl-C)

Errors go to stderr: one line and a hint on a terminal, otherwise a JSON
envelope {\"error\":{\"kind\",\"message\",\"hint\"?,\"path\"?,\"seq\"?,\"offset\"?}}.";

/// Persistent JSON message queues ("pools") kept as memory-mapped ring files.
/// No broker, no daemon: any number of processes append and read at once.
#[derive(Debug, Parser)]
#[command(name = "pls", version, after_help = EXAMPLES, after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"))]
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
    #[command(after_help = "Examples:\n  pls append events '{\"n\":1}' -t ops\n  \
                            pls append events < events.jsonl\n  \
                            pls append events --file events.json --errors skip --quiet\n  \
                            pls append events --create --size 64M '{\"first\":true}'")]
    Append(AppendArgs),
    /// Print one message (its envelope) by sequence number
    #[command(after_help = "Examples:\n  pls get events 42\n  pls get events 42 --data-only | jq .")]
    Get(GetArgs),
    /// Print the last messages of a pool, and optionally follow it
    #[command(
        after_help = "Examples:\n  pls tail events                 # the last 10 messages\n  \
                            pls tail -f events | jq .data   # follow\n  \
                            pls tail events --since 100 --max 50\n  \
                            pls tail -f events --timeout 30s --max 1 -t deploy\n  \
                            pls tail events -n 1000 --where '.data.status >= 500' --where '.data.path | startswith(\"/api\")'"
    )]
    Tail(TailArgs),
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
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page, or write every page to a directory
    Man(ManArgs),
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
    /// The JSON message; without it, read JSON Lines or concatenated JSON from stdin
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
    /// Read the stream from this file instead of stdin
    #[arg(long, value_name = "FILE", conflicts_with = "json")]
    pub file: Option<PathBuf>,
    /// On a malformed record, or one too large for the pool: stop, or report it on stderr,
    /// drop all of it and go on (exit 1 at the end)
    #[arg(long, value_enum, default_value_t = ErrorsArg::Stop)]
    pub errors: ErrorsArg,
    /// Do not print a receipt per message
    #[arg(short, long)]
    pub quiet: bool,
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
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
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Start with the newest N messages
    #[arg(short = 'n', long = "lines", default_value_t = 10, value_name = "N")]
    pub last: u64,
    /// Start at this sequence number (inclusive) instead of the last N
    #[arg(long, value_name = "SEQ")]
    pub since: Option<u64>,
    /// Keep following: print new messages as they are appended
    #[arg(short, long)]
    pub follow: bool,
    /// Stop after N messages
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
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
    /// When messages were overwritten before being read: skip them, or fail
    #[arg(long, value_enum, default_value_t = GapsArg::Continue)]
    pub gaps: GapsArg,
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// Gap policy argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsArg {
    /// Skip to the oldest retained message (a note goes to stderr on a terminal)
    Continue,
    /// Fail with RetentionGap (exit 10)
    Error,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// List the pools of a server instead (http(s)://HOST:PORT)
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Pool name or path, or a remote pool: http(s)://HOST:PORT/POOL
    pub pool: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Bearer token for a remote pool (http(s)://HOST:PORT/POOL)
    #[arg(long, env = "PLASMITE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
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
    let cli = Cli::parse();
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
    match cli.command {
        Command::Create(a) => admin::create(&client, a, ui),
        Command::Append(a) => append::run(&client, a, ui),
        Command::Get(a) => read::get(&client, a, ui),
        Command::Tail(a) => read::tail(&client, a, ui),
        Command::List(a) => admin::list(&client, a, ui),
        Command::Info(a) => admin::info(&client, a, ui),
        Command::Delete(a) => admin::delete(&client, a, ui),
        Command::Doctor(a) => admin::doctor(&client, a, ui),
        Command::Serve(a) => admin::serve(&client, a),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
    }
}
