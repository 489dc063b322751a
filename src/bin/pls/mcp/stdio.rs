//! `pls mcp`: the MCP server over stdio. Newline-delimited JSON-RPC 2.0 on
//! stdin and stdout (one message per line, never a newline inside one);
//! nothing but messages goes to stdout, logs go to stderr.
//!
//! Messages are handled in the order they arrive, except `plasmite_wait`
//! calls and `plasmite_claim` calls that wait (`timeout_ms`),
//! which run on their own threads (at most [`WORKERS`] at once; past
//! that the reader runs them itself, which holds back reading) so that a
//! wait delays no other request. Answers are written whole, one line each. The server ends when stdin ends
//! (waits in progress end early and answer) or on Ctrl-C / SIGTERM.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use plasmite::{Client, Error, Pool, PoolInfo, Result};
use serde_json::Value;

use super::{error_response, handle_value, may_block, Backend, Mode, Session, INVALID_REQUEST, PARSE_ERROR};

/// Longest message accepted on stdin; a longer line is answered with an
/// error and skipped.
pub const MAX_LINE: usize = 16 << 20;
/// Messages handled at once.
const WORKERS: usize = 16;

const AFTER_HELP: &str = "\
Speaks the Model Context Protocol (MCP) on stdin/stdout, for AI agents and other MCP
clients: newline-delimited JSON-RPC 2.0, logs on stderr. Tools: plasmite_pool_list,
plasmite_pool_info, plasmite_pool_create, plasmite_pool_delete, plasmite_feed,
plasmite_fetch, plasmite_read, plasmite_wait, and for job queues plasmite_claim and
plasmite_ack (consumer groups) (--read-only: no create, delete, feed, claim or ack).
`pls serve` offers the same tools over HTTP at POST /mcp. See docs/mcp.md.

Client configuration (Claude Desktop, Claude Code and others):
  {\"mcpServers\": {\"plasmite\": {\"command\": \"pls\", \"args\": [\"mcp\", \"--dir\", \"/path/to/pools\"]}}}

Examples:
  pls mcp                        # the pools of --dir (~/.plasmite/pools)
  pls mcp --dir ./data --read-only
  claude mcp add plasmite -- pls mcp --dir ./data";

/// Serve the pools of --dir to MCP clients (AI agents) over stdio
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct McpArgs {
    /// Offer only the tools that read (no create, delete or feed)
    #[arg(long)]
    pub read_only: bool,
}

/// The pools of one directory, by name.
struct Local {
    client: Client,
    mode: Mode,
}

impl Local {
    fn name(name: &str) -> Result<&str> {
        plasmite::validate_name(name)?;
        Ok(name)
    }
}

impl Backend for Local {
    fn open(&self, name: &str) -> Result<Pool> {
        self.client.open_pool(Self::name(name)?)
    }
    fn create(&self, name: &str, size: u64) -> Result<Pool> {
        self.client.create_pool(Self::name(name)?, size)
    }
    fn delete(&self, name: &str) -> Result<()> {
        self.client.delete_pool(Self::name(name)?)
    }
    fn list(&self) -> Result<Vec<PoolInfo>> {
        Ok(self
            .client
            .list_pools_detailed()?
            .into_iter()
            .filter_map(|l| l.info.ok())
            .collect())
    }
    fn mode(&self) -> Mode {
        self.mode
    }
    fn max_pool_size(&self) -> u64 {
        u64::MAX
    }
}

/// Writes one answer as one line; false when stdout is closed.
fn send(out: &Mutex<std::io::Stdout>, v: &Value) -> bool {
    let mut line = serde_json::to_vec(v).unwrap_or_default();
    line.push(b'\n');
    let mut out = out.lock().expect("stdout");
    out.write_all(&line).and_then(|_| out.flush()).is_ok()
}

/// Waits until stdin is readable (or `timeout`); true when it is.
fn stdin_ready(timeout: Duration) -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    let ms = PollTimeout::from(timeout.as_millis().min(u16::MAX as u128) as u16);
    matches!(poll(&mut fds, ms), Ok(n) if n > 0)
}

/// The `pls mcp` command: serves until stdin ends; `Ok(true)` when Ctrl-C
/// or SIGTERM ended it.
pub fn run_cli(dir: PathBuf, args: McpArgs) -> Result<bool> {
    let backend: &'static Local = Box::leak(Box::new(Local {
        client: Client::new(dir.clone()),
        mode: Mode {
            read: true,
            write: !args.read_only,
        },
    }));
    eprintln!(
        "plasmite mcp: serving the pools of {} over stdio ({})",
        dir.display(),
        if args.read_only { "read-only" } else { "read-write" }
    );
    let session = Arc::new(Session::default());
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let ended = Arc::new(AtomicBool::new(false));
    let busy = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    let handle = {
        let (session, out, ended) = (session.clone(), out.clone(), ended.clone());
        move |value: Value| {
            let stop = |_: &Value| ended.load(Ordering::SeqCst) || crate::signals::interrupted();
            if let Some(answer) = handle_value(backend, &session, value, &stop) {
                if !send(&out, &answer) {
                    // Nobody reads the answers any more: end as at the end
                    // of input.
                    ended.store(true, Ordering::SeqCst);
                }
            }
        }
    };
    let handle = Arc::new(handle);
    let mut stdin = std::io::stdin().lock();
    let mut pending: Vec<u8> = Vec::new();
    let mut skipping = false;
    let mut chunk = vec![0u8; 64 * 1024];
    // Messages are handled in order, one at a time, except waits, which run
    // on their own threads (at most WORKERS at once) so that they hold
    // back nothing else.
    let dispatch = |line: &[u8], workers: &mut Vec<std::thread::JoinHandle<()>>| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let value: Value = match serde_json::from_slice(line) {
            Ok(v) => v,
            Err(e) => {
                let _ = send(
                    &out,
                    &error_response(Value::Null, PARSE_ERROR, format!("parse error: {e}")),
                );
                return;
            }
        };
        workers.retain(|w| !w.is_finished());
        if !may_block(&value) || busy.load(Ordering::SeqCst) >= WORKERS {
            handle(value);
            return;
        }
        if let Some(id) = value.get("id") {
            session.begin(id);
        }
        busy.fetch_add(1, Ordering::SeqCst);
        let (h, b) = (handle.clone(), busy.clone());
        let spawned = std::thread::Builder::new()
            .name("pls-mcp-wait".into())
            .spawn(move || {
                h(value);
                b.fetch_sub(1, Ordering::SeqCst);
            });
        match spawned {
            Ok(w) => workers.push(w),
            Err(_) => {
                busy.fetch_sub(1, Ordering::SeqCst);
            }
        }
    };
    loop {
        if crate::signals::interrupted() || ended.load(Ordering::SeqCst) {
            break;
        }
        if !stdin_ready(Duration::from_millis(100)) {
            continue;
        }
        let n = match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("cannot read stdin", e)),
        };
        let mut rest = &chunk[..n];
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            if skipping {
                skipping = false;
            } else {
                pending.extend_from_slice(&rest[..i]);
                dispatch(&pending, &mut workers);
            }
            pending.clear();
            rest = &rest[i + 1..];
        }
        if !skipping {
            pending.extend_from_slice(rest);
            if pending.len() > MAX_LINE {
                pending.clear();
                skipping = true;
                let _ = send(
                    &out,
                    &error_response(
                        Value::Null,
                        INVALID_REQUEST,
                        format!("message longer than {MAX_LINE} bytes: skipped"),
                    ),
                );
            }
        }
    }
    if !skipping && !crate::signals::interrupted() {
        dispatch(&pending, &mut workers);
    }
    // End of input: waits in progress end now and answer.
    ended.store(true, Ordering::SeqCst);
    for w in workers {
        let _ = w.join();
    }
    Ok(crate::signals::interrupted())
}
