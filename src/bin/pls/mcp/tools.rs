//! The MCP tools: one table ([`TOOLS`]) of names, descriptions, input and
//! output JSON Schemas and the function that runs each. Every tool calls
//! the library (cursors, filters, batches, time search); nothing here reads
//! a pool another way. Consumer-group tools (`plasmite_claim`,
//! `plasmite_ack`) are two more rows of the table.
//!
//! A tool's success is `structuredContent` (matching its `outputSchema`)
//! plus the same JSON as text; its failure is `isError: true` with one text
//! block holding the error envelope `{"error": {"kind", "message", ...}}`.

use std::collections::VecDeque;
use std::time::Duration;

use plasmite::{
    AckOutcome, Batch, Cursor, CursorOptions, DeliveryReceipt, Durability, Error, ErrorKind, Filter, Flow,
    Follow, FollowEnd, FollowSink, MessageRef, Pool, Result, Start, Until,
};
use serde_json::{json, Map, Value};

use super::{Call, Mode};
use plasmite::Point;

/// Messages `plasmite_read` and `plasmite_wait` return when `count` is not given.
pub const DEFAULT_COUNT: u64 = 20;
/// Most messages one read or wait returns.
pub const MAX_COUNT: u64 = 1000;
/// Most envelope bytes one read or wait returns (at least one message is
/// always returned, whatever its size).
pub const MAX_RESULT_BYTES: usize = 4 << 20;
/// Most messages one `plasmite_feed` call appends.
pub const MAX_FEED: usize = 1000;
/// `plasmite_wait`'s timeout when none is given.
pub const DEFAULT_WAIT_MS: u64 = 10_000;
/// Longest `plasmite_wait` timeout.
pub const MAX_WAIT_MS: u64 = 60_000;
/// Size of a pool created without `size`.
pub const DEFAULT_POOL_SIZE: u64 = 1 << 20;
/// Most messages one `plasmite_claim` takes.
pub const MAX_CLAIM: u64 = 1000;
/// Most receipts one `plasmite_ack` takes.
pub const MAX_ACK: usize = 1000;
/// Consumer name of a claim that gives none.
pub const DEFAULT_CONSUMER: &str = "mcp";

/// What `initialize` tells an agent about plasmite.
pub const INSTRUCTIONS: &str = "\
Plasmite stores JSON messages in named pools: persistent, bounded queues that any number \
of processes append to and read from at once. Each message gets a sequence number (seq) \
that increases by 1 per message in its pool, an append time (RFC 3339, UTC), optional \
string tags and its JSON data. A pool has a fixed size: when it is full the oldest messages \
are dropped to make room (retention), so old seqs can disappear; plasmite_pool_info shows \
the oldest and newest seq still held. Use plasmite_read to look at what is already there \
(the newest N, a time window, or everything after a seq you saw, filtered by tags or a jq \
`where` expression), and plasmite_wait to block (a bounded time) until new messages \
arrive after a seq, instead of polling with read. Keep the returned next_after_seq and \
pass it as after_seq to continue where you stopped. plasmite_feed appends one message or \
many. To use a pool as a job queue shared by several workers, plasmite_claim takes messages \
through a named consumer group (each goes to one worker at a time, under a lease) and \
plasmite_ack confirms them (or gives them back); unacked work is delivered again when its \
lease ends. The tools listed are those this server's access mode allows. Errors come back as tool results whose text is {\"error\":{\"kind\",\"message\",\"hint\"}}; \
kind is one of Usage, NotFound, AlreadyExists, Busy, Permission, Corrupt, Io, Internal, \
RetentionGap.";

/// One tool: its public description and what runs it.
pub struct Tool {
    /// The tool's name (`plasmite_…`), as the existing plasmite MCP server names it.
    pub name: &'static str,
    /// A human title.
    pub title: &'static str,
    /// Whether it changes pools or their consumer groups (hidden from
    /// read-only servers).
    pub writes: bool,
    /// Whether it returns messages' content (hidden from write-only
    /// servers). A tool that both reads and writes (a claim) needs both.
    pub reads: bool,
    /// Whether calling it twice with the same arguments has no further effect.
    pub idempotent: bool,
    /// Whether it may delete data.
    pub destructive: bool,
    /// For an agent that has never heard of plasmite.
    pub description: &'static str,
    /// JSON Schema of `arguments`.
    pub input: fn() -> Value,
    /// JSON Schema of `structuredContent`.
    pub output: fn() -> Value,
    /// Runs it.
    pub run: fn(&Call<'_>, &Args<'_>) -> Result<Value>,
}

/// Every tool, in the order `tools/list` shows them.
pub const TOOLS: &[Tool] = &[
    Tool {
        name: "plasmite_pool_list",
        title: "List pools",
        writes: false,
        reads: true,
        idempotent: true,
        destructive: false,
        description: "List every message pool this server holds, sorted by name, with each pool's \
            size, how many messages it holds, the oldest and newest sequence numbers still \
            retained (bounds) and how full it is. Start here to learn which pools exist.",
        input: no_input,
        output: pool_list_output,
        run: pool_list,
    },
    Tool {
        name: "plasmite_pool_info",
        title: "Describe a pool",
        writes: false,
        reads: true,
        idempotent: true,
        destructive: false,
        description: "Describe one pool: file size, ring size, message count, bytes used and free, \
            the oldest and newest retained sequence numbers (bounds.oldest, bounds.newest; absent \
            when empty) and the times of the oldest and newest messages. Messages older than \
            bounds.oldest were dropped by retention and cannot be read any more.",
        input: pool_only_input,
        output: pool_output,
        run: pool_info,
    },
    Tool {
        name: "plasmite_pool_create",
        title: "Create a pool",
        writes: true,
        reads: false,
        idempotent: false,
        destructive: false,
        description: "Create a new, empty pool. Its size is fixed for life: once full, every \
            append drops the oldest messages to make room, so choose a size that holds the \
            history you need (default 1 MiB; e.g. 64M). Fails with kind AlreadyExists when a \
            pool of that name exists.",
        input: pool_create_input,
        output: pool_output,
        run: pool_create,
    },
    Tool {
        name: "plasmite_pool_delete",
        title: "Delete a pool",
        writes: true,
        reads: false,
        idempotent: false,
        destructive: true,
        description: "Delete a pool and every message in it, for good. Processes that have it open \
            keep reading what they mapped until they close it. Fails with kind NotFound when \
            there is no such pool.",
        input: pool_only_input,
        output: pool_delete_output,
        run: pool_delete,
    },
    Tool {
        name: "plasmite_feed",
        title: "Append messages",
        writes: true,
        reads: false,
        idempotent: false,
        destructive: false,
        description: "Append one JSON message (`data`) or several (`messages`, appended together \
            and atomically, in order) to a pool, optionally tagged. Returns each stored message \
            with the sequence number and time it got. Messages become visible to every reader \
            at once; plasmite_wait callers are woken. With create: true a missing pool is \
            created (1 MiB, or create_size). durability \"flush\" also syncs to disk before \
            returning (slower); the default \"fast\" survives a crash of this process but not a \
            power cut.",
        input: feed_input,
        output: feed_output,
        run: feed,
    },
    Tool {
        name: "plasmite_fetch",
        title: "Fetch one message",
        writes: false,
        reads: true,
        idempotent: true,
        destructive: false,
        description: "Fetch one message by its sequence number. Fails with kind NotFound (and the \
            seq) when no message has that seq, or when retention already dropped it.",
        input: fetch_input,
        output: fetch_output,
        run: fetch,
    },
    Tool {
        name: "plasmite_read",
        title: "Read messages",
        writes: false,
        reads: true,
        idempotent: true,
        destructive: false,
        description: "Read messages already in a pool, oldest first, without waiting. Without \
            after_seq or since: the newest `count` matching messages. With after_seq: the first \
            `count` matching messages after that seq (to page forward or resume). With since: \
            from that time on (a duration ago like 5m, 2h, 1d, or an RFC 3339 time). until stops \
            at a seq or time. tags keeps messages carrying all of them; where keeps messages for \
            which a jq expression on the envelope {seq,time,meta:{tags},data} is true, e.g. \
            '.data.status >= 500'. Returns next_after_seq to pass as after_seq next time, and \
            has_more when more matching messages may follow. To block for new messages use \
            plasmite_wait instead of calling read in a loop.",
        input: read_input,
        output: read_output,
        run: read,
    },
    Tool {
        name: "plasmite_wait",
        title: "Wait for new messages",
        writes: false,
        reads: true,
        idempotent: true,
        destructive: false,
        description: "Block until at least one new matching message is appended to a pool after \
            after_seq (default: after the newest message now), or until timeout_ms passes \
            (default 10000, at most 60000). Returns at once when matching messages after \
            after_seq already exist. Returns the messages (up to count), next_after_seq to pass \
            as after_seq on the next call, and timed_out: true when nothing arrived in time. \
            tags and where filter as in plasmite_read. Woken by the append itself, not by polling.",
        input: wait_input,
        output: wait_output,
        run: wait,
    },
    Tool {
        name: "plasmite_claim",
        title: "Claim work from a consumer group",
        writes: true,
        reads: true,
        idempotent: false,
        destructive: false,
        description: "Take messages from a pool as jobs, through a consumer group: a named, durable \
            position in the pool shared by competing workers, so that each message goes to one \
            worker at a time (created on first use, starting at the oldest message retained). \
            Each message returned is leased to you for lease_ms (default: the group's, 30 s): \
            confirm it is done with plasmite_ack and its receipt before the lease ends, or it is \
            delivered again to someone (delivery counts how many times it was delivered; after \
            the group's max deliveries, 5 by default, it goes to the dead-letter pool POOL.dead). \
            Messages that were delivered before and not acked come first, then new ones, in seq \
            order. max (default 1) bounds how many are taken; timeout_ms (default 0: return at \
            once, at most 60000) waits for work when there is none. Returns messages: [] when \
            nothing is ready. consumer names you in the group's books (default \"mcp\").",
        input: claim_input,
        output: claim_output,
        run: claim,
    },
    Tool {
        name: "plasmite_ack",
        title: "Acknowledge claimed work",
        writes: true,
        reads: false,
        idempotent: false,
        destructive: false,
        description: "Tell a consumer group what became of messages you claimed with plasmite_claim. \
            action \"ack\" (default): done, never deliver them again (acking twice is harmless). \
            action \"nack\": give them back now (or after delay_ms) to be delivered again, to any \
            worker; the delivery still counts. action \"extend\": you need longer: their lease \
            now ends lease_ms from now (default: the group's lease). Name them by receipts (the \
            receipt strings plasmite_claim returned, \"SEQ.DELIVERY\"), or by seqs (bare sequence \
            numbers: whichever delivery is pending, for operators). Returns one result per \
            message, in order: outcome acked, already_acked, nacked, extended, lease_lost (the \
            lease ended and the message was delivered again since your receipt: another worker \
            may be doing it too; nothing was changed), not_pending (already acked, or \
            dead-lettered) or not_delivered (the group never delivered that seq).",
        input: ack_input,
        output: ack_output,
        run: ack,
    },
];

/// The `tools/list` entries a server in `mode` shows.
pub fn list(mode: Mode) -> Vec<Value> {
    TOOLS
        .iter()
        .filter(|t| allowed(t, mode))
        .map(|t| {
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": (t.input)(),
                "outputSchema": (t.output)(),
                "annotations": {
                    "title": t.title,
                    "readOnlyHint": !t.writes,
                    "destructiveHint": t.destructive,
                    "idempotentHint": t.idempotent,
                    "openWorldHint": false,
                },
            })
        })
        .collect()
}

fn allowed(t: &Tool, mode: Mode) -> bool {
    (!t.writes || mode.write) && (!t.reads || mode.read)
}

/// Runs tool `name` (`None`: no such tool) and renders its `tools/call` result.
pub fn call(call: &Call<'_>, name: &str, args: &Map<String, Value>) -> Option<Value> {
    let tool = TOOLS.iter().find(|t| t.name == name)?;
    let outcome = if !allowed(tool, call.backend.mode()) {
        let what = if tool.writes && !call.backend.mode().write {
            "read-only"
        } else {
            "write-only"
        };
        Err(Error::new(
            ErrorKind::Permission,
            format!("this server is {what}: {name} is not available"),
        ))
    } else {
        let args = Args {
            tool: name,
            map: args,
        };
        (tool.run)(call, &args)
    };
    Some(match outcome {
        Ok(v) => json!({
            "content": [{"type": "text", "text": v.to_string()}],
            "structuredContent": v,
        }),
        Err(e) => {
            let mut err = call.backend.error_json(&e);
            if e.kind() == ErrorKind::NotFound
                && e.seq().is_none()
                && !e.hint().is_some_and(|h| h.contains("plasmite_"))
            {
                // The backends' hints name a command or a route; an agent
                // has tools.
                err["hint"] =
                    "create it with plasmite_pool_create, or plasmite_feed with create: true".into();
            }
            let text = json!({ "error": err }).to_string();
            json!({"content": [{"type": "text", "text": text}], "isError": true})
        }
    })
}

// ---------------------------------------------------------------- arguments

/// A tool's `arguments`, read with checks: unknown names and wrong types
/// are `Usage` errors that name the argument.
pub struct Args<'a> {
    tool: &'a str,
    map: &'a Map<String, Value>,
}

impl Args<'_> {
    fn bad(&self, key: &str, what: &str) -> Error {
        Error::usage(format!("{}: argument {key:?} must be {what}", self.tool))
    }

    /// Refuses arguments the tool does not take (a typo would otherwise be
    /// silently ignored).
    fn only(&self, known: &[&str]) -> Result<()> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(Error::usage(format!(
                "{}: unknown argument {k:?} (it takes {})",
                self.tool,
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<&str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.bad(key, "a string")),
        }
    }

    fn pool(&self, key: &str) -> Result<String> {
        let name = self.string(key)?.ok_or_else(|| {
            Error::usage(format!(
                "{}: argument {key:?} (a pool name) is required",
                self.tool
            ))
        })?;
        plasmite::validate_name(name)?;
        Ok(name.to_string())
    }

    fn u64(&self, key: &str) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.bad(key, "a non-negative integer")),
        }
    }

    fn bool(&self, key: &str) -> Result<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "true or false")),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.bad(key, "an array of strings"))
                })
                .collect(),
            Some(_) => Err(self.bad(key, "an array of strings")),
        }
    }

    fn count(&self) -> Result<u64> {
        let n = self.u64("count")?.unwrap_or(DEFAULT_COUNT);
        if n == 0 || n > MAX_COUNT {
            return Err(self.bad("count", &format!("between 1 and {MAX_COUNT}")));
        }
        Ok(n)
    }

    fn filter(&self) -> Result<Option<Filter>> {
        let exprs = self.strings("where")?;
        if exprs.is_empty() {
            return Ok(None);
        }
        Filter::new(&exprs).map(Some)
    }

    fn size(&self, key: &str) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => crate::units::parse_size(s)
                .map(Some)
                .map_err(|e| Error::usage(format!("{}: {key}: {e}", self.tool))),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.bad(key, "a size in bytes, or a string like \"64M\"")),
        }
    }

    fn point(&self, key: &str) -> Result<Option<Point>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(|s| Some(Point::Seq(s)))
                .ok_or_else(|| self.bad(key, "a sequence number, a duration ago or an RFC 3339 time")),
            Some(Value::String(s)) => Point::parse(s)
                .map(Some)
                .map_err(|e| Error::usage(format!("{}: {key}: {}", self.tool, e.message()))),
            Some(_) => Err(self.bad(key, "a sequence number, a duration ago or an RFC 3339 time")),
        }
    }
}

// ---------------------------------------------------------------- schemas

fn schema(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn pool_name_schema() -> Value {
    json!({
        "type": "string",
        "description": "Pool name: letters, digits, '.', '_' and '-', not starting with '.', at most 128 bytes",
        "minLength": 1,
        "maxLength": 128,
    })
}

fn tags_schema(what: &str) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "description": what})
}

fn where_schema() -> Value {
    json!({
        "description": "jq expression(s) on each message's envelope {seq, time, meta: {tags}, data}; \
            keeps messages for which every one is true, e.g. '.data.kind == \"deploy\"'",
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    })
}

fn count_schema() -> Value {
    json!({
        "type": "integer", "minimum": 1, "maximum": MAX_COUNT,
        "description": format!("Most messages to return (default {DEFAULT_COUNT}, at most {MAX_COUNT})"),
    })
}

fn seq_schema(what: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "description": what})
}

fn envelope_schema() -> Value {
    json!({
        "type": "object",
        "description": "A stored message",
        "properties": {
            "seq": {"type": "integer", "description": "Sequence number in its pool"},
            "time": {"type": "string", "description": "Append time, RFC 3339 UTC with nanoseconds"},
            "meta": {
                "type": "object",
                "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
                "required": ["tags"],
            },
            "data": {"description": "The message's JSON value"},
        },
        "required": ["seq", "time", "meta", "data"],
    })
}

fn info_schema() -> Value {
    let int = json!({"type": "integer"});
    let nullable_int = json!({"type": ["integer", "null"]});
    json!({
        "type": "object",
        "description": "A pool's description (null counts: a write-only server hides them)",
        "properties": {
            "name": {"type": "string"},
            "path": {"type": "string", "description": "The pool's file name"},
            "file_size": int, "index_offset": int, "index_capacity": int,
            "index_size_bytes": int, "ring_offset": int, "ring_size": int,
            "bounds": {
                "type": "object",
                "description": "Oldest and newest retained seq; no members when the pool is empty",
                "properties": {"oldest": nullable_int, "newest": nullable_int},
            },
            "message_count": nullable_int,
            "bytes_used": nullable_int,
            "created": {"type": "string", "description": "Creation time, RFC 3339"},
            "groups": {"type": ["integer", "null"], "description": "How many consumer groups the pool has (plasmite_claim)"},
            "metrics": {
                "type": ["object", "null"],
                "properties": {
                    "message_count": int,
                    "seq_span": int,
                    "utilization": {
                        "type": "object",
                        "properties": {"used_bytes": int, "free_bytes": int, "used_percent": {"type": "number"}},
                    },
                    "age": {
                        "type": "object",
                        "properties": {
                            "oldest_time": {"type": ["string", "null"]},
                            "newest_time": {"type": ["string", "null"]},
                            "oldest_age_ms": nullable_int,
                            "newest_age_ms": nullable_int,
                        },
                    },
                },
            },
        },
        "required": ["name", "path", "file_size", "ring_size", "bounds", "message_count", "bytes_used"],
    })
}

fn no_input() -> Value {
    schema(json!({}), &[])
}

fn pool_only_input() -> Value {
    schema(json!({"pool": pool_name_schema()}), &["pool"])
}

fn pool_create_input() -> Value {
    schema(
        json!({
            "name": pool_name_schema(),
            "size": {
                "description": "Pool file size: bytes, or a string like \"64M\" (K, M, G; default 1M, at least 64K)",
                "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}],
            },
        }),
        &["name"],
    )
}

fn feed_input() -> Value {
    schema(
        json!({
            "pool": pool_name_schema(),
            "data": {"description": "One message: any JSON value (give this or messages)"},
            "messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_FEED,
                "description": format!("Several messages, appended together in order (at most {MAX_FEED}; give this or data)"),
                "items": {
                    "type": "object",
                    "properties": {"data": {"description": "The message: any JSON value"}, "tags": tags_schema("Tags of this message")},
                    "required": ["data"],
                    "additionalProperties": false,
                },
            },
            "tags": tags_schema("Tags given to every message appended"),
            "durability": {"type": "string", "enum": ["fast", "flush"], "description": "fast (default) or flush (synced to disk)"},
            "create": {"type": "boolean", "description": "Create the pool when it does not exist (default false)"},
            "create_size": {
                "description": "Size of a pool made by create (default 1M)",
                "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}],
            },
        }),
        &["pool"],
    )
}

fn fetch_input() -> Value {
    schema(
        json!({"pool": pool_name_schema(), "seq": seq_schema("The message's sequence number")}),
        &["pool", "seq"],
    )
}

fn point_schema(what: &str) -> Value {
    json!({
        "description": what,
        "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}],
    })
}

fn read_input() -> Value {
    schema(
        json!({
            "pool": pool_name_schema(),
            "count": count_schema(),
            "after_seq": seq_schema("Return messages after this seq (the next_after_seq of an earlier call)"),
            "since": point_schema("Start at this point: a duration ago (90s, 5m, 2h, 1d), an RFC 3339 time, or a seq (inclusive)"),
            "until": point_schema("Stop after this point (inclusive): a seq, a duration ago or an RFC 3339 time"),
            "tags": tags_schema("Only messages carrying every one of these tags"),
            "where": where_schema(),
        }),
        &["pool"],
    )
}

fn wait_input() -> Value {
    schema(
        json!({
            "pool": pool_name_schema(),
            "after_seq": seq_schema("Wait for messages after this seq (default: the newest message now, i.e. only new ones)"),
            "timeout_ms": {
                "type": "integer", "minimum": 0, "maximum": MAX_WAIT_MS,
                "description": format!("Longest wait in milliseconds (default {DEFAULT_WAIT_MS}, at most {MAX_WAIT_MS})"),
            },
            "count": count_schema(),
            "tags": tags_schema("Only messages carrying every one of these tags"),
            "where": where_schema(),
        }),
        &["pool"],
    )
}

fn out(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

fn pool_list_output() -> Value {
    out(
        json!({"pools": {"type": "array", "items": info_schema()}}),
        &["pools"],
    )
}

fn pool_output() -> Value {
    out(json!({"pool": info_schema()}), &["pool"])
}

fn pool_delete_output() -> Value {
    out(
        json!({"deleted": {"type": "object", "properties": {"pool": {"type": "string"}}, "required": ["pool"]}}),
        &["deleted"],
    )
}

fn feed_output() -> Value {
    out(
        json!({
            "message": envelope_schema(),
            "messages": {"type": "array", "items": envelope_schema(), "description": "Every message appended, in order"},
        }),
        &["messages"],
    )
}

fn fetch_output() -> Value {
    out(json!({"message": envelope_schema()}), &["message"])
}

fn read_output() -> Value {
    out(
        json!({
            "messages": {"type": "array", "items": envelope_schema()},
            "next_after_seq": {"type": ["integer", "null"], "description": "Pass as after_seq to continue after these messages"},
            "has_more": {"type": "boolean", "description": "More matching messages may follow next_after_seq"},
            "last_returned_seq": {"type": ["integer", "null"], "description": "Seq of the last message returned (null: none)"},
            "oldest_available_seq": {"type": ["integer", "null"], "description": "Oldest seq the pool retains (null: empty)"},
            "newest_available_seq": {"type": ["integer", "null"], "description": "Newest seq in the pool (null: empty)"},
            "fell_behind": {"type": "boolean", "description": "Messages after after_seq were already dropped by retention; reading went on at the oldest retained one"},
        }),
        &[
            "messages",
            "next_after_seq",
            "has_more",
            "last_returned_seq",
            "oldest_available_seq",
            "newest_available_seq",
            "fell_behind",
        ],
    )
}

fn wait_output() -> Value {
    out(
        json!({
            "messages": {"type": "array", "items": envelope_schema()},
            "next_after_seq": {"type": ["integer", "null"], "description": "Pass as after_seq on the next wait"},
            "timed_out": {"type": "boolean", "description": "No matching message arrived within timeout_ms"},
            "last_returned_seq": {"type": ["integer", "null"], "description": "Seq of the last message returned (null: none)"},
            "oldest_available_seq": {"type": ["integer", "null"], "description": "Oldest seq the pool retains (null: empty)"},
            "newest_available_seq": {"type": ["integer", "null"], "description": "Newest seq in the pool (null: empty)"},
            "fell_behind": {"type": "boolean", "description": "Messages after after_seq were already dropped by retention; waiting went on from the oldest retained one"},
        }),
        &[
            "messages",
            "next_after_seq",
            "timed_out",
            "last_returned_seq",
            "oldest_available_seq",
            "newest_available_seq",
            "fell_behind",
        ],
    )
}

// ---------------------------------------------------------------- tools

fn envelope(m: &MessageRef<'_>) -> Result<Value> {
    let mut buf = Vec::with_capacity(m.payload.len() + 128);
    m.write_envelope(&mut buf)?;
    serde_json::from_slice(&buf)
        .map_err(|e| Error::new(ErrorKind::Internal, format!("envelope is not JSON: {e}")))
}

fn pool_list(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&[])?;
    let pools: Vec<Value> = call
        .backend
        .list()?
        .iter()
        .map(|i| call.backend.info_json(i))
        .collect();
    Ok(json!({ "pools": pools }))
}

fn pool_info(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool"])?;
    let info = call.backend.open(&args.pool("pool")?)?.info()?;
    Ok(json!({ "pool": call.backend.info_json(&info) }))
}

fn checked_size(call: &Call<'_>, size: u64) -> Result<u64> {
    let cap = call.backend.max_pool_size();
    if size > cap {
        return Err(Error::usage(format!(
            "pool size {size} bytes is over this server's limit of {cap} bytes ({})",
            crate::units::human_size(cap)
        )));
    }
    Ok(size)
}

fn pool_create(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["name", "size"])?;
    let name = args.pool("name")?;
    let size = checked_size(call, args.size("size")?.unwrap_or(DEFAULT_POOL_SIZE))?;
    let info = call.backend.create(&name, size)?.info()?;
    Ok(json!({ "pool": call.backend.info_json(&info) }))
}

fn pool_delete(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool"])?;
    let name = args.pool("pool")?;
    call.backend.delete(&name)?;
    Ok(json!({ "deleted": { "pool": name } }))
}

fn feed(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&[
        "pool",
        "data",
        "messages",
        "tags",
        "durability",
        "create",
        "create_size",
    ])?;
    let name = args.pool("pool")?;
    let common = args.strings("tags")?;
    let durability: Durability = args.string("durability")?.unwrap_or("fast").parse()?;
    // Everything is checked and encoded before the pool is touched.
    let mut batch = Batch::new();
    let mut push = |data: &Value, tags: &[String]| -> Result<()> {
        let bytes = serde_json::to_vec(data).map_err(|e| Error::usage(format!("data: {e}")))?;
        batch.push_json(&bytes, tags)
    };
    match (args.map.get("data"), args.get("messages")) {
        (Some(data), None) => push(data, &common)?,
        (None, Some(Value::Array(items))) if !items.is_empty() && items.len() <= MAX_FEED => {
            for (i, item) in items.iter().enumerate() {
                let Some(obj) = item.as_object() else {
                    return Err(args.bad("messages", "an array of {\"data\", \"tags\"?} objects"));
                };
                let each = Args {
                    tool: args.tool,
                    map: obj,
                };
                each.only(&["data", "tags"])?;
                let data = obj
                    .get("data")
                    .ok_or_else(|| Error::usage(format!("plasmite_feed: messages[{i}] has no \"data\"")))?;
                let mut tags = common.clone();
                tags.extend(each.strings("tags")?);
                push(data, &tags)?;
            }
        }
        (None, Some(_)) => {
            return Err(args.bad("messages", &format!("an array of 1 to {MAX_FEED} messages")));
        }
        _ => {
            return Err(Error::usage(
                "plasmite_feed: give either \"data\" (one message) or \"messages\" (several)",
            ))
        }
    }
    let pool = match call.backend.open(&name) {
        Err(e) if e.kind() == ErrorKind::NotFound && args.bool("create")? => {
            let size = checked_size(call, args.size("create_size")?.unwrap_or(DEFAULT_POOL_SIZE))?;
            match call.backend.create(&name, size) {
                Err(e) if e.kind() == ErrorKind::AlreadyExists => call.backend.open(&name)?,
                other => other?,
            }
        }
        other => other?,
    };
    let receipt = pool.append_batch(&batch, durability)?;
    let stored = (0..batch.len())
        .map(|i| envelope(&batch.stored(i, &receipt).expect("stored message")))
        .collect::<Result<Vec<_>>>()?;
    let mut v = json!({ "messages": stored });
    if args.map.contains_key("data") {
        v["message"] = v["messages"][0].clone();
    }
    Ok(v)
}

fn fetch(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool", "seq"])?;
    let name = args.pool("pool")?;
    let seq = args
        .u64("seq")?
        .ok_or_else(|| Error::usage("plasmite_fetch: argument \"seq\" is required"))?;
    let msg = call.backend.open(&name)?.get(seq)?;
    Ok(json!({ "message": envelope(&msg.as_ref())? }))
}

/// Messages gathered for a reply, bounded in count and bytes.
struct Gathered {
    /// Envelopes with their approximate size.
    messages: VecDeque<(Value, usize)>,
    bytes: usize,
    /// The byte cap stopped the gathering.
    full: bool,
    last_seq: Option<u64>,
}

impl Gathered {
    fn new() -> Gathered {
        Gathered {
            messages: VecDeque::new(),
            bytes: 0,
            full: false,
            last_seq: None,
        }
    }

    fn size(m: &MessageRef<'_>) -> usize {
        m.payload.len() + m.tags_json.len() + 96
    }

    /// Adds a message unless the byte cap is reached (the first message
    /// is always taken); false when it was not taken.
    fn push(&mut self, m: &MessageRef<'_>) -> Result<bool> {
        let size = Self::size(m);
        if !self.messages.is_empty() && self.bytes + size > MAX_RESULT_BYTES {
            self.full = true;
            return Ok(false);
        }
        self.messages.push_back((envelope(m)?, size));
        self.bytes += size;
        self.last_seq = Some(m.seq);
        Ok(true)
    }

    /// Adds a message, dropping the oldest ones held as needed to stay
    /// within `count` messages and the byte cap (the newest one is always
    /// kept).
    fn push_newest(&mut self, m: &MessageRef<'_>, count: u64) -> Result<()> {
        let size = Self::size(m);
        while !self.messages.is_empty()
            && (self.messages.len() as u64 >= count || self.bytes + size > MAX_RESULT_BYTES)
        {
            if let Some((_, s)) = self.messages.pop_front() {
                self.bytes -= s;
            }
        }
        self.messages.push_back((envelope(m)?, size));
        self.bytes += size;
        self.last_seq = Some(m.seq);
        Ok(())
    }

    fn into_vec(self) -> Vec<Value> {
        self.messages.into_iter().map(|(v, _)| v).collect()
    }
}

fn cursor(pool: &Pool, start: Start, until: Option<Until>, args: &Args<'_>) -> Result<Cursor> {
    pool.cursor(CursorOptions {
        start,
        until,
        tags: args.strings("tags")?,
        filter: args.filter()?,
        ..CursorOptions::default()
    })
}

fn read(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool", "count", "after_seq", "since", "until", "tags", "where"])?;
    let name = args.pool("pool")?;
    let count = args.count()?;
    let after = args.u64("after_seq")?;
    let since = args.point("since")?;
    let until = args.point("until")?.map(Point::until);
    let filtered = !args.strings("tags")?.is_empty() || !args.strings("where")?.is_empty();
    let pool = call.backend.open(&name)?;
    let start = match (after, since) {
        (Some(_), Some(_)) => {
            return Err(Error::usage("plasmite_read: give after_seq or since, not both"));
        }
        (Some(a), None) => Some(Start::Since(a.saturating_add(1))),
        (None, Some(Point::Seq(s))) => Some(Start::Since(s)),
        (None, Some(Point::Time(t))) => Some(Start::Time(t)),
        (None, None) => None,
    };
    let mut got = Gathered::new();
    let mut has_more = false;
    let skipped;
    match start {
        Some(start) => {
            // Forward from a point: the first `count` matches.
            let mut c = cursor(&pool, start, until, args)?;
            while let Some(m) = c.try_next()? {
                if !got.push(&m)? {
                    has_more = true;
                    break;
                }
                if got.messages.len() as u64 >= count {
                    has_more = true;
                    break;
                }
            }
            if got.last_seq.is_none() {
                // Nothing matched: resume after what was looked at.
                let looked = c.next_seq().saturating_sub(1).max(after.unwrap_or(0));
                got.last_seq = Some(looked).filter(|s| *s > 0);
            }
            skipped = c.skipped();
        }
        None => {
            // The newest `count` matches. Unfiltered, the cursor starts
            // there; filtered, it passes over what is retained, keeping the
            // last matches (bounded by count and bytes).
            let start = if filtered {
                Start::Oldest
            } else {
                Start::Last(count)
            };
            let mut c = cursor(&pool, start, until, args)?;
            while let Some(m) = c.try_next()? {
                got.push_newest(&m, count)?;
            }
            if got.last_seq.is_none() {
                got.last_seq = c.next_seq().checked_sub(1).filter(|s| *s > 0);
            }
            skipped = c.skipped();
        }
    }
    let info = pool.info()?;
    if has_more && got.last_seq >= info.newest {
        has_more = false;
    }
    let last = got.messages.back().and_then(|(m, _)| m["seq"].as_u64());
    Ok(json!({
        "next_after_seq": got.last_seq,
        "messages": got.into_vec(),
        "has_more": has_more,
        "last_returned_seq": last,
        "oldest_available_seq": info.oldest,
        "newest_available_seq": info.newest,
        "fell_behind": skipped > 0,
    }))
}

/// Collects what a wait's cursor delivers, and ends the follow loop once
/// something arrived or the caller wants to stop.
struct WaitSink<'a> {
    got: Gathered,
    count: u64,
    stop: &'a dyn Fn() -> bool,
}

impl FollowSink for WaitSink<'_> {
    fn message(&mut self, m: &MessageRef<'_>) -> Result<()> {
        if self.got.full || self.got.messages.len() as u64 >= self.count {
            return Ok(());
        }
        self.got.push(m)?;
        Ok(())
    }

    fn caught_up(&mut self, _skipped: u64) -> Result<Flow> {
        if !self.got.messages.is_empty() || (self.stop)() {
            return Ok(Flow::Stop);
        }
        Ok(Flow::Continue)
    }
}

/// Gives back a wait slot however the wait ends.
struct WaitSlot<'a>(&'a Call<'a>);

impl Drop for WaitSlot<'_> {
    fn drop(&mut self) {
        self.0.backend.wait_end();
    }
}

fn wait(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool", "after_seq", "timeout_ms", "count", "tags", "where"])?;
    let name = args.pool("pool")?;
    let count = args.count()?;
    let after = args.u64("after_seq")?;
    let timeout_ms = args.u64("timeout_ms")?.unwrap_or(DEFAULT_WAIT_MS);
    if timeout_ms > MAX_WAIT_MS {
        return Err(args.bad("timeout_ms", &format!("at most {MAX_WAIT_MS}")));
    }
    let pool = call.backend.open(&name)?;
    let start = match after {
        Some(a) => Start::Since(a.saturating_add(1)),
        None => Start::Last(0),
    };
    // The cursor stops at `count` deliveries; the sink at the first pass
    // that delivered anything (and keeps at most `count`).
    let mut c = pool.cursor(CursorOptions {
        start,
        max: Some(count),
        timeout: Some(Duration::from_millis(timeout_ms)),
        tags: args.strings("tags")?,
        filter: args.filter()?,
        ..CursorOptions::default()
    })?;
    let from = c.next_seq().checked_sub(1).filter(|s| *s > 0);
    call.backend.wait_begin()?;
    let _slot = WaitSlot(call);
    let mut sink = WaitSink {
        got: Gathered::new(),
        count,
        stop: call.stop,
    };
    let how = Follow {
        follow: true,
        check_every: Duration::from_millis(50),
    };
    let end = c.follow(how, &mut sink)?;
    let got = sink.got;
    let timed_out = got.messages.is_empty() && end == FollowEnd::Timeout;
    let next = got.last_seq.or(after).or(from);
    let info = pool.info()?;
    Ok(json!({
        "last_returned_seq": got.last_seq,
        "messages": got.into_vec(),
        "next_after_seq": next,
        "timed_out": timed_out,
        "oldest_available_seq": info.oldest,
        "newest_available_seq": info.newest,
        "fell_behind": c.skipped() > 0,
    }))
}

// ---------------------------------------------------------------- consumer groups

fn group_name_schema() -> Value {
    json!({
        "type": "string",
        "description": "Consumer group name: 1 to 40 letters, digits, '.', '_' or '-', not starting with '.'",
        "minLength": 1,
        "maxLength": plasmite::MAX_GROUP_NAME,
    })
}

fn claim_input() -> Value {
    schema(
        json!({
            "pool": pool_name_schema(),
            "group": group_name_schema(),
            "max": {
                "type": "integer", "minimum": 1, "maximum": MAX_CLAIM,
                "description": format!("Most messages to take (default 1, at most {MAX_CLAIM}); every message taken is returned, whatever its size"),
            },
            "lease_ms": {
                "type": "integer", "minimum": 1,
                "description": "How long the messages are yours before they are delivered again, in milliseconds (default: the group's lease, 30000 unless it was created otherwise)",
            },
            "timeout_ms": {
                "type": "integer", "minimum": 0, "maximum": MAX_WAIT_MS,
                "description": format!("Longest wait for work when none is ready, in milliseconds (default 0: return at once; at most {MAX_WAIT_MS})"),
            },
            "consumer": {
                "type": "string", "minLength": 1, "maxLength": 40,
                "description": format!("Your name in the group's books (default {DEFAULT_CONSUMER:?})"),
            },
        }),
        &["pool", "group"],
    )
}

fn delivery_schema() -> Value {
    let mut s = envelope_schema();
    s["description"] = "A claimed message: the stored message plus its delivery number and receipt".into();
    s["properties"]["delivery"] = json!({"type": "integer", "minimum": 1, "description": "How many times this message has been delivered (1: first time)"});
    s["properties"]["receipt"] =
        json!({"type": "string", "description": "\"SEQ.DELIVERY\": pass it to plasmite_ack"});
    s["required"] = json!(["seq", "time", "meta", "data", "delivery", "receipt"]);
    s
}

fn claim_output() -> Value {
    out(
        json!({
            "group": {"type": "string"},
            "messages": {"type": "array", "items": delivery_schema(), "description": "The messages now leased to you, in seq order (empty: nothing ready)"},
            "lease_ms": {"type": "integer", "description": "The lease each message got, in milliseconds"},
            "timed_out": {"type": "boolean", "description": "No message was ready within timeout_ms (false when the wait ended early: cancelled, client gone, server stopping)"},
        }),
        &["group", "messages", "lease_ms", "timed_out"],
    )
}

fn ack_input() -> Value {
    schema(
        json!({
            "pool": pool_name_schema(),
            "group": group_name_schema(),
            "receipts": {
                "type": "array", "maxItems": MAX_ACK,
                "items": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 1}]},
                "description": "Receipts from plasmite_claim (\"SEQ.DELIVERY\"); a bare seq stands for whichever delivery is pending",
            },
            "seqs": {
                "type": "array", "maxItems": MAX_ACK,
                "items": {"type": "integer", "minimum": 1},
                "description": "Sequence numbers: whichever delivery of each is pending (no lease check)",
            },
            "action": {
                "type": "string", "enum": ["ack", "nack", "extend"],
                "description": "ack (default): done; nack: deliver again (after delay_ms); extend: renew the lease for lease_ms",
            },
            "delay_ms": {"type": "integer", "minimum": 0, "description": "nack only: deliver again after this many milliseconds (default 0)"},
            "lease_ms": {"type": "integer", "minimum": 1, "description": "extend only: the lease now ends this many milliseconds from now (default: the group's lease)"},
        }),
        &["pool", "group"],
    )
}

fn ack_output() -> Value {
    out(
        json!({
            "group": {"type": "string"},
            "action": {"type": "string", "enum": ["ack", "nack", "extend"]},
            "ok": {"type": "boolean", "description": "Every message was acked (or already was), nacked or extended"},
            "results": {
                "type": "array",
                "description": "One per receipt or seq given, in order (receipts first, then seqs)",
                "items": {
                    "type": "object",
                    "properties": {
                        "receipt": {"type": "string"},
                        "seq": {"type": "integer"},
                        "outcome": {
                            "type": "string",
                            "enum": ["acked", "already_acked", "nacked", "extended", "lease_lost", "not_pending", "not_delivered"],
                        },
                        "delivery": {"type": "integer", "description": "lease_lost: the message's current delivery number, when known"},
                        "message": {"type": "string", "description": "What went wrong, for outcomes other than success"},
                    },
                    "required": ["receipt", "seq", "outcome"],
                },
            },
        }),
        &["group", "action", "ok", "results"],
    )
}

impl Args<'_> {
    fn group(&self) -> Result<String> {
        let name = self.string("group")?.ok_or_else(|| {
            Error::usage(format!(
                "{}: argument \"group\" (a consumer group name) is required",
                self.tool
            ))
        })?;
        plasmite::validate_group_name(name)?;
        Ok(name.to_string())
    }

    fn millis(&self, key: &str) -> Result<Option<Duration>> {
        Ok(self.u64(key)?.map(Duration::from_millis))
    }
}

fn claim(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&["pool", "group", "max", "lease_ms", "timeout_ms", "consumer"])?;
    let name = args.pool("pool")?;
    let group = args.group()?;
    let max = args.u64("max")?.unwrap_or(1);
    if max == 0 || max > MAX_CLAIM {
        return Err(args.bad("max", &format!("between 1 and {MAX_CLAIM}")));
    }
    let lease = args.millis("lease_ms")?;
    if lease.is_some_and(|l| l.is_zero()) {
        return Err(args.bad("lease_ms", "at least 1"));
    }
    let timeout_ms = args.u64("timeout_ms")?.unwrap_or(0);
    if timeout_ms > MAX_WAIT_MS {
        return Err(args.bad("timeout_ms", &format!("at most {MAX_WAIT_MS}")));
    }
    let consumer = args.string("consumer")?.unwrap_or(DEFAULT_CONSUMER);
    // Checked before the group is created.
    if plasmite::validate_consumer_name(consumer).is_err() {
        return Err(args.bad("consumer", "a name of 1 to 40 bytes"));
    }
    let pool = call.backend.open(&name)?;
    let mut g = pool.group(&group)?;
    g.set_consumer(consumer)
        .map_err(|e| Error::usage(format!("plasmite_claim: consumer: {}", e.message())))?;
    let mut stopped = false;
    let got = if timeout_ms == 0 {
        g.claim(max as usize, lease)?
    } else {
        // The library's blocking claim, in slices, so that a cancelled
        // call or a departed client ends the wait.
        call.backend.wait_begin()?;
        let _slot = WaitSlot(call);
        let deadline = std::time::Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let slice = left.min(Duration::from_millis(250));
            stopped = (call.stop)();
            match g.claim_wait(max as usize, lease, slice) {
                Ok(got) if !got.is_empty() || left.is_zero() || stopped => break got,
                Ok(_) => {}
                // The pending window is full: it frees up as work is acked.
                Err(e) if e.kind() == ErrorKind::Busy && !left.is_zero() && !stopped => {
                    std::thread::sleep(Duration::from_millis(10).min(left));
                }
                Err(e) => return Err(e),
            }
        }
    };
    let mut messages = Vec::with_capacity(got.len());
    let mut buf = Vec::new();
    for d in &got {
        buf.clear();
        d.write_envelope(&mut buf)?;
        messages.push(
            serde_json::from_slice::<Value>(&buf)
                .map_err(|e| Error::new(ErrorKind::Internal, format!("envelope is not JSON: {e}")))?,
        );
    }
    let lease_ms = lease.unwrap_or_else(|| g.default_lease()).as_millis() as u64;
    Ok(json!({
        "group": group,
        // Ended early (client gone, cancelled, server stopping): not a timeout.
        "timed_out": messages.is_empty() && timeout_ms > 0 && !stopped,
        "messages": messages,
        "lease_ms": lease_ms,
    }))
}

fn receipts(args: &Args<'_>) -> Result<Vec<DeliveryReceipt>> {
    let mut out = Vec::new();
    let bad_receipt = || {
        args.bad(
            "receipts",
            "an array of receipts (\"SEQ.DELIVERY\" strings, or seqs)",
        )
    };
    match args.get("receipts") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                out.push(match item {
                    Value::String(s) => s
                        .parse::<DeliveryReceipt>()
                        .map_err(|e| Error::usage(format!("plasmite_ack: receipts: {}", e.message())))?,
                    Value::Number(n) => DeliveryReceipt {
                        seq: n.as_u64().filter(|s| *s > 0).ok_or_else(bad_receipt)?,
                        delivery: 0,
                    },
                    _ => return Err(bad_receipt()),
                });
            }
        }
        Some(_) => return Err(bad_receipt()),
    }
    match args.get("seqs") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                let seq = item
                    .as_u64()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| args.bad("seqs", "an array of positive sequence numbers"))?;
                out.push(DeliveryReceipt { seq, delivery: 0 });
            }
        }
        Some(_) => return Err(args.bad("seqs", "an array of positive sequence numbers")),
    }
    if out.is_empty() || out.len() > MAX_ACK {
        return Err(Error::usage(format!(
            "plasmite_ack: give 1 to {MAX_ACK} messages, as \"receipts\" and/or \"seqs\""
        )));
    }
    Ok(out)
}

fn ack(call: &Call<'_>, args: &Args<'_>) -> Result<Value> {
    args.only(&[
        "pool", "group", "receipts", "seqs", "action", "delay_ms", "lease_ms",
    ])?;
    let name = args.pool("pool")?;
    let group = args.group()?;
    let action = args.string("action")?.unwrap_or("ack");
    if !matches!(action, "ack" | "nack" | "extend") {
        return Err(args.bad("action", "\"ack\", \"nack\" or \"extend\""));
    }
    let delay = args.millis("delay_ms")?;
    let lease = args.millis("lease_ms")?;
    if delay.is_some() && action != "nack" {
        return Err(Error::usage("plasmite_ack: delay_ms goes with action \"nack\""));
    }
    if lease.is_some() && action != "extend" {
        return Err(Error::usage("plasmite_ack: lease_ms goes with action \"extend\""));
    }
    if lease.is_some_and(|l| l.is_zero()) {
        return Err(args.bad("lease_ms", "at least 1"));
    }
    let list = receipts(args)?;
    let pool = call.backend.open(&name)?;
    let g = match pool.open_group(&group) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("pool {name} has no consumer group {group}"),
            )
            .with_hint("plasmite_claim creates a group on first use; check the pool and group names"))
        }
        other => other?,
    };
    // The seq a group delivers next, read once when an outcome needs it.
    let mut next_seq: Option<u64> = None;
    let mut results = Vec::with_capacity(list.len());
    let mut ok = true;
    for r in &list {
        let mut item = json!({"receipt": r.to_string(), "seq": r.seq});
        let outcome: Result<&str> = match action {
            "ack" => match g.ack_many(std::slice::from_ref(r)) {
                Ok(o) => Ok(match o[0] {
                    AckOutcome::Acked => "acked",
                    AckOutcome::AlreadyAcked => "already_acked",
                    AckOutcome::LeaseLost(current) => {
                        item["delivery"] = current.into();
                        item["message"] = format!(
                            "lease lost: message {} was delivered again (delivery {current}) after this receipt; another consumer may be processing it",
                            r.seq
                        )
                        .into();
                        "lease_lost"
                    }
                }),
                Err(e) => Err(e),
            },
            "nack" => g.nack(*r, delay.unwrap_or_default()).map(|()| "nacked"),
            _ => g
                .extend(*r, lease.unwrap_or_else(|| g.default_lease()))
                .map(|()| "extended"),
        };
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) if e.kind() == ErrorKind::NotFound && e.seq() == Some(r.seq) => {
                let next = match next_seq {
                    Some(n) => n,
                    None => *next_seq.insert(g.info()?.next_seq),
                };
                item["message"] = e.message().into();
                if r.seq >= next {
                    "not_delivered"
                } else {
                    "not_pending"
                }
            }
            Err(e) if e.kind() == ErrorKind::Busy && e.seq() == Some(r.seq) => {
                item["message"] = e.message().into();
                "lease_lost"
            }
            Err(e) => return Err(e),
        };
        ok &= matches!(outcome, "acked" | "already_acked" | "nacked" | "extended");
        item["outcome"] = outcome.into();
        results.push(item);
    }
    Ok(json!({ "group": group, "action": action, "ok": ok, "results": results }))
}
