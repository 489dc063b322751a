
use builtin;
use str;

set edit:completion:arg-completer[pls] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pls'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pls'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create one or more pools'
            cand append 'Append messages: one from the argument, or a stream from stdin'
            cand feed 'Append messages: one from the argument, or a stream from stdin'
            cand get 'Print one message (its envelope) by sequence number'
            cand fetch 'Print one message (its envelope) by sequence number'
            cand tail 'Print the last messages of a pool, and optionally follow it'
            cand follow 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first'
            cand pool 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)'
            cand tap 'Run a command and record each line of its output in a pool'
            cand duplex 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)'
            cand consume 'Take messages from a pool as a consumer group: each goes to one consumer, until acked'
            cand ack 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)'
            cand group 'Manage consumer groups: create, list, info, delete'
            cand list 'List the pools in the pool directory'
            cand info 'Show a pool''s size, bounds and usage'
            cand delete 'Delete pools'
            cand doctor 'Check pool files for damage'
            cand serve 'Serve the pools of a directory over HTTP'
            cand mcp 'Serve the pools of --dir to MCP clients (AI agents) over stdio'
            cand bridge 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once'
            cand completions 'Print a shell completion script'
            cand completion 'Print a shell completion script'
            cand man 'Print the man page, or write every page to a directory'
            cand version 'Print the version: a line on a terminal, {"name","version"} JSON otherwise'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;create'= {
            cand --size 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)'
            cand --index-capacity 'Slots in the sequence index (default: sized from --size)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print each pool''s info as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;append'= {
            cand -t 'Tag the message(s) (repeatable)'
            cand --tag 'Tag the message(s) (repeatable)'
            cand --durability 'fast: in the shared mapping; flush: also synced to disk (once per batch)'
            cand -f 'Read the stream from this file instead of stdin (`-` for stdin)'
            cand --file 'Read the stream from this file instead of stdin (`-` for stdin)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --time 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message''s time if earlier (times never decrease within a pool). Local pools only'
            cand --retry 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried'
            cand --retry-delay 'Pause before each retry (e.g. 200ms, 1s)'
            cand --size 'Size of the pool made by --create'
            cand --create-size 'Size of the pool made by --create'
            cand -e 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)'
            cand --errors 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)'
            cand -i 'Input format of the stream (auto: told from its first bytes)'
            cand --in 'Input format of the stream (auto: told from its first bytes)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --create 'Create the pool if it does not exist'
            cand -q 'Do not print a receipt per message'
            cand --quiet 'Do not print a receipt per message'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;feed'= {
            cand -t 'Tag the message(s) (repeatable)'
            cand --tag 'Tag the message(s) (repeatable)'
            cand --durability 'fast: in the shared mapping; flush: also synced to disk (once per batch)'
            cand -f 'Read the stream from this file instead of stdin (`-` for stdin)'
            cand --file 'Read the stream from this file instead of stdin (`-` for stdin)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --time 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message''s time if earlier (times never decrease within a pool). Local pools only'
            cand --retry 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried'
            cand --retry-delay 'Pause before each retry (e.g. 200ms, 1s)'
            cand --size 'Size of the pool made by --create'
            cand --create-size 'Size of the pool made by --create'
            cand -e 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)'
            cand --errors 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)'
            cand -i 'Input format of the stream (auto: told from its first bytes)'
            cand --in 'Input format of the stream (auto: told from its first bytes)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --create 'Create the pool if it does not exist'
            cand -q 'Do not print a receipt per message'
            cand --quiet 'Do not print a receipt per message'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;get'= {
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --max-message 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --data-only 'Print only the message''s data'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;fetch'= {
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --max-message 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --data-only 'Print only the message''s data'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;tail'= {
            cand -n 'Start with the newest N messages'
            cand --lines 'Start with the newest N messages'
            cand --since 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)'
            cand --until 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here'
            cand --replay 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)'
            cand --max 'Stop after N messages'
            cand --timeout 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow'
            cand -t 'Only messages carrying this tag (repeatable: all must match)'
            cand --tag 'Only messages carrying this tag (repeatable: all must match)'
            cand --where 'Only messages for which this jq expression is true (repeatable: all must be)'
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --gaps 'When messages were overwritten before being read: skip them, or fail'
            cand --group 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --max-message 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -f 'Keep following: print new messages as they are appended'
            cand --follow 'Keep following: print new messages as they are appended'
            cand --one 'Stop after one message (--max 1)'
            cand --data-only 'Print only each message''s data'
            cand --jsonl 'JSON Lines output (--format jsonl)'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;follow'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --since 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)'
            cand --until 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here'
            cand --replay 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)'
            cand --max 'Stop after N messages'
            cand --timeout 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow'
            cand -t 'Only messages carrying this tag (repeatable: all must match)'
            cand --tag 'Only messages carrying this tag (repeatable: all must match)'
            cand --where 'Only messages for which this jq expression is true (repeatable: all must be)'
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --gaps 'When messages were overwritten before being read: skip them, or fail'
            cand --group 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --max-message 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error'
            cand -n 'Print the last N messages first, then keep following'
            cand --tail 'Print the last N messages first, then keep following'
            cand --one 'Stop after one message (--max 1)'
            cand --data-only 'Print only each message''s data'
            cand --jsonl 'JSON Lines output (--format jsonl)'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand --quiet-drops 'quiet-drops'
            cand --no-notify 'no-notify'
            cand -f 'Keep following: print new messages as they are appended'
            cand --follow 'Keep following: print new messages as they are appended'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;pool'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create one or more pools (--json: {"created":[INFO…]})'
            cand info 'Show a pool''s size, bounds and usage (--json: the info object)'
            cand list 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)'
            cand delete 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;pool;create'= {
            cand --size 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)'
            cand --index-capacity 'Slots in the sequence index (default: sized from --size)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print each pool''s info as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;pool;info'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;pool;list'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;pool;delete'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -f 'Ignore pools that do not exist'
            cand --force 'Ignore pools that do not exist'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;pool;help'= {
            cand create 'Create one or more pools (--json: {"created":[INFO…]})'
            cand info 'Show a pool''s size, bounds and usage (--json: the info object)'
            cand list 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)'
            cand delete 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;pool;help;create'= {
        }
        &'pls;pool;help;info'= {
        }
        &'pls;pool;help;list'= {
        }
        &'pls;pool;help;delete'= {
        }
        &'pls;pool;help;help'= {
        }
        &'pls;tap'= {
            cand -t 'Tag the recorded lines (repeatable; start and exit are tagged lifecycle)'
            cand --tag 'Tag the recorded lines (repeatable; start and exit are tagged lifecycle)'
            cand --size 'Size of the pool made by --create'
            cand --durability 'fast: in the shared mapping; flush: also synced to disk (once per batch)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -q 'Do not copy the command''s output to stdout and stderr'
            cand --quiet 'Do not copy the command''s output to stdout and stderr'
            cand --create 'Create the pool if it does not exist'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;duplex'= {
            cand --me 'Your name: typed lines are sent as {"from":NAME,"msg":LINE}, and messages from NAME are not printed (required when stdin is a terminal)'
            cand -n 'Print the newest N messages first'
            cand --tail 'Print the newest N messages first'
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --timeout 'Stop after this long without printing a message (exit 124)'
            cand --size 'Size of the pool made by --create'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --echo-self 'Also print your own messages'
            cand --jsonl 'Print JSON Lines (same as --format jsonl)'
            cand --create 'Create the (local) pool if it does not exist'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;consume'= {
            cand -g 'The consumer group (created on first use with default options)'
            cand --group 'The consumer group (created on first use with default options)'
            cand --consumer 'This consumer''s name, shown by pls group info (default: pid-PID)'
            cand --lease 'How long a delivery is yours before it is delivered again (default: the group''s)'
            cand --max 'Stop after N messages'
            cand --batch 'Messages claimed at once (printed together; with --exec, run one by one)'
            cand --timeout 'Stop after this long without a message (exit 124); implies --follow'
            cand --exec 'Run CMD (sh -c) per message, the message on its stdin: exit 0 acks, else nacks'
            cand --retry-delay 'With --exec: how long a failed message waits before it is delivered again'
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -f 'Keep waiting for messages'
            cand --follow 'Keep waiting for messages'
            cand --data-only 'Print (or give --exec) only each message''s data'
            cand --jsonl 'JSON Lines output (--format jsonl)'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;ack'= {
            cand -g 'The consumer group'
            cand --group 'The consumer group'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;group'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create a consumer group with its options'
            cand list 'List a pool''s groups'
            cand info 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters'
            cand delete 'Delete groups (their books; the messages stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;group;create'= {
            cand --lease 'Default lease of a delivery'
            cand --max-deliveries 'Deliveries of one message before it goes to the dead-letter pool'
            cand --dead-letter 'Dead-letter pool (default: POOL.dead beside the pool, created on first use with the pool''s size)'
            cand --capacity 'Pending window: messages delivered and not acked, from the oldest one (Busy beyond)'
            cand --gaps 'When undelivered messages were overwritten: count them and go on, or also fail once (exit 9)'
            cand --from 'Where the group starts: oldest, new, or a sequence number'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --protect 'Refuse appends (Busy) rather than overwrite messages this group has not acked'
            cand --json 'Print the group''s info as JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;group;list'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;group;info'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;group;delete'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;group;help'= {
            cand create 'Create a consumer group with its options'
            cand list 'List a pool''s groups'
            cand info 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters'
            cand delete 'Delete groups (their books; the messages stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;group;help;create'= {
        }
        &'pls;group;help;list'= {
        }
        &'pls;group;help;info'= {
        }
        &'pls;group;help;delete'= {
        }
        &'pls;group;help;help'= {
        }
        &'pls;list'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;info'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --token-file 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)'
            cand --tls-ca 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`'
            cand --tls-fingerprint 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand --tls-skip-verify 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;delete'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -f 'Ignore pools that do not exist'
            cand --force 'Ignore pools that do not exist'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;doctor'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --all 'Check every pool in the directory'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;serve'= {
            cand --bind 'Address to bind: HOST or HOST:PORT (an IPv6 address with a port in brackets). Loopback by default; any other needs --allow-non-loopback and a token'
            cand --port 'Port to listen on, when --bind names none (default 9700; 0: any free port, printed at start)'
            cand --token-file 'Read the bearer token from this file (first line)'
            cand --token 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)'
            cand --access 'What clients may do'
            cand --max-body 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413'
            cand --max-pool-size 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413'
            cand --max-connections 'Most connections served at once; more get 423 Busy'
            cand --max-tails 'Most tails streaming at once; more get 423 Busy'
            cand --max-tail-timeout 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400'
            cand --client-timeout 'Disconnect a client that takes longer than this to send a request (head and body together; 408), to finish a TLS handshake, or idles this long between requests'
            cand --tls-cert 'TLS certificate chain (PEM); serves HTTPS with --tls-key'
            cand --tls-key 'TLS private key (PEM)'
            cand --cors-origin 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --allow-non-loopback 'Allow binding an address other than loopback (then a token is required, and TLS for writes unless --insecure-no-tls)'
            cand --insecure-no-tls 'Accept writes on a non-loopback address over plain HTTP (unsafe: the token and the messages cross the network in clear)'
            cand --tls-self-signed 'Serve HTTPS with a certificate generated at start (kept in memory; its fingerprint is printed, for clients'' --tls-fingerprint)'
            cand -q 'Do not log one line per request on stderr'
            cand --quiet 'Do not log one line per request on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand init 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them'
            cand check 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;serve;init'= {
            cand --output-dir 'The same as DIR (plasmite 0.8.0''s name)'
            cand --bind 'Address the printed server command binds (HOST:PORT)'
            cand --host 'Another host name or IP address clients will use, put in the certificate (repeatable)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --force 'Overwrite the files if they exist'
            cand --json 'Print JSON (the default when stdout is not a terminal, as with plasmite 0.8.0)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;serve;check'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;serve;help'= {
            cand init 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them'
            cand check 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;serve;help;init'= {
        }
        &'pls;serve;help;check'= {
        }
        &'pls;serve;help;help'= {
        }
        &'pls;mcp'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --read-only 'Offer only the tools that read (no create, delete or feed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;bridge'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand out 'Publish every message of a pool to a NATS JetStream stream, exactly once'
            cand in 'Apply a NATS JetStream stream to a pool, exactly once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;bridge;out'= {
            cand --stream 'JetStream stream (created with file storage when missing)'
            cand --subject 'Subject to publish to'
            cand --since 'Start here instead of the stored position: a seq (42), a duration ago (5m) or an RFC 3339 time'
            cand --timeout 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)'
            cand --window 'Publishes waiting for their acknowledgement at most'
            cand --durability 'How the position is stored in the pool: fast, or flush (synced)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --subject-from-tag 'Publish to SUBJ.TAG, TAG being the message''s first tag (characters other than letters, digits, - and _ become _); untagged messages go to SUBJ'
            cand --once 'Hand over what the pool holds, then exit (for cron)'
            cand -q 'No status lines on stderr'
            cand --quiet 'No status lines on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;bridge;in'= {
            cand --stream 'JetStream stream to read'
            cand --subject 'Only messages on this subject (wildcards allowed)'
            cand --consumer 'Durable consumer name (default: pls- and the pool id''s first 16 hex digits)'
            cand --since 'Where a new consumer starts when the pool has no position for the stream yet: a stream seq (42), a duration ago (5m) or an RFC 3339 time'
            cand --timeout 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)'
            cand --batch 'Messages appended per batch at most'
            cand --durability 'fast: appends in the shared mapping; flush: synced before each acknowledgement'
            cand --size 'Size of the pool made by --create'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --once 'Apply what the stream holds, then exit (for cron)'
            cand --create 'Create the pool if it does not exist'
            cand -q 'No status lines on stderr'
            cand --quiet 'No status lines on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;bridge;help'= {
            cand out 'Publish every message of a pool to a NATS JetStream stream, exactly once'
            cand in 'Apply a NATS JetStream stream to a pool, exactly once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;bridge;help;out'= {
        }
        &'pls;bridge;help;in'= {
        }
        &'pls;bridge;help;help'= {
        }
        &'pls;completions'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;completion'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;man'= {
            cand --out 'Write pls.1 and one page per command into this directory'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;version'= {
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;help'= {
            cand create 'Create one or more pools'
            cand append 'Append messages: one from the argument, or a stream from stdin'
            cand get 'Print one message (its envelope) by sequence number'
            cand tail 'Print the last messages of a pool, and optionally follow it'
            cand follow 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first'
            cand pool 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)'
            cand tap 'Run a command and record each line of its output in a pool'
            cand duplex 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)'
            cand consume 'Take messages from a pool as a consumer group: each goes to one consumer, until acked'
            cand ack 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)'
            cand group 'Manage consumer groups: create, list, info, delete'
            cand list 'List the pools in the pool directory'
            cand info 'Show a pool''s size, bounds and usage'
            cand delete 'Delete pools'
            cand doctor 'Check pool files for damage'
            cand serve 'Serve the pools of a directory over HTTP'
            cand mcp 'Serve the pools of --dir to MCP clients (AI agents) over stdio'
            cand bridge 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page, or write every page to a directory'
            cand version 'Print the version: a line on a terminal, {"name","version"} JSON otherwise'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pls;help;create'= {
        }
        &'pls;help;append'= {
        }
        &'pls;help;get'= {
        }
        &'pls;help;tail'= {
        }
        &'pls;help;follow'= {
        }
        &'pls;help;pool'= {
        }
        &'pls;help;tap'= {
        }
        &'pls;help;duplex'= {
        }
        &'pls;help;consume'= {
        }
        &'pls;help;ack'= {
        }
        &'pls;help;group'= {
            cand create 'Create a consumer group with its options'
            cand list 'List a pool''s groups'
            cand info 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters'
            cand delete 'Delete groups (their books; the messages stay)'
        }
        &'pls;help;group;create'= {
        }
        &'pls;help;group;list'= {
        }
        &'pls;help;group;info'= {
        }
        &'pls;help;group;delete'= {
        }
        &'pls;help;list'= {
        }
        &'pls;help;info'= {
        }
        &'pls;help;delete'= {
        }
        &'pls;help;doctor'= {
        }
        &'pls;help;serve'= {
            cand init 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them'
            cand check 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
        }
        &'pls;help;serve;init'= {
        }
        &'pls;help;serve;check'= {
        }
        &'pls;help;mcp'= {
        }
        &'pls;help;bridge'= {
            cand out 'Publish every message of a pool to a NATS JetStream stream, exactly once'
            cand in 'Apply a NATS JetStream stream to a pool, exactly once'
        }
        &'pls;help;bridge;out'= {
        }
        &'pls;help;bridge;in'= {
        }
        &'pls;help;completions'= {
        }
        &'pls;help;man'= {
        }
        &'pls;help;version'= {
        }
        &'pls;help;help'= {
        }
    ]
    $completions[$command]
}
