# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pls_global_optspecs
    string join \n dir= color= h/help V/version
end

function __fish_pls_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pls_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pls_using_subcommand
    set -l cmd (__fish_pls_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pls -n "__fish_pls_needs_command" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_needs_command" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_needs_command" -s V -l version -d 'Print version'
complete -c pls -n "__fish_pls_needs_command" -f -a "create" -d 'Create one or more pools'
complete -c pls -n "__fish_pls_needs_command" -f -a "append" -d 'Append messages: one from the argument, or a stream from stdin'
complete -c pls -n "__fish_pls_needs_command" -f -a "feed" -d 'Append messages: one from the argument, or a stream from stdin'
complete -c pls -n "__fish_pls_needs_command" -f -a "get" -d 'Print one message (its envelope) by sequence number'
complete -c pls -n "__fish_pls_needs_command" -f -a "fetch" -d 'Print one message (its envelope) by sequence number'
complete -c pls -n "__fish_pls_needs_command" -f -a "tail" -d 'Print the last messages of a pool, and optionally follow it'
complete -c pls -n "__fish_pls_needs_command" -f -a "follow" -d 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first'
complete -c pls -n "__fish_pls_needs_command" -f -a "pool" -d 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)'
complete -c pls -n "__fish_pls_needs_command" -f -a "tap" -d 'Run a command and record each line of its output in a pool'
complete -c pls -n "__fish_pls_needs_command" -f -a "duplex" -d 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)'
complete -c pls -n "__fish_pls_needs_command" -f -a "consume" -d 'Take messages from a pool as a consumer group: each goes to one consumer, until acked'
complete -c pls -n "__fish_pls_needs_command" -f -a "ack" -d 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)'
complete -c pls -n "__fish_pls_needs_command" -f -a "group" -d 'Manage consumer groups: create, list, info, delete'
complete -c pls -n "__fish_pls_needs_command" -f -a "list" -d 'List the pools in the pool directory'
complete -c pls -n "__fish_pls_needs_command" -f -a "info" -d 'Show a pool\'s size, bounds and usage'
complete -c pls -n "__fish_pls_needs_command" -f -a "delete" -d 'Delete pools'
complete -c pls -n "__fish_pls_needs_command" -f -a "doctor" -d 'Check pool files for damage'
complete -c pls -n "__fish_pls_needs_command" -f -a "serve" -d 'Serve the pools of a directory over HTTP'
complete -c pls -n "__fish_pls_needs_command" -f -a "mcp" -d 'Serve the pools of --dir to MCP clients (AI agents) over stdio'
complete -c pls -n "__fish_pls_needs_command" -f -a "bridge" -d 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once'
complete -c pls -n "__fish_pls_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pls -n "__fish_pls_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c pls -n "__fish_pls_needs_command" -f -a "man" -d 'Print the man page, or write every page to a directory'
complete -c pls -n "__fish_pls_needs_command" -f -a "version" -d 'Print the version: a line on a terminal, {"name","version"} JSON otherwise'
complete -c pls -n "__fish_pls_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand create" -l size -d 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)' -r
complete -c pls -n "__fish_pls_using_subcommand create" -l index-capacity -d 'Slots in the sequence index (default: sized from --size)' -r
complete -c pls -n "__fish_pls_using_subcommand create" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand create" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand create" -l json -d 'Print each pool\'s info as JSON'
complete -c pls -n "__fish_pls_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand append" -s t -l tag -d 'Tag the message(s) (repeatable)' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l durability -d 'fast: in the shared mapping; flush: also synced to disk (once per batch)' -r -f -a "fast\t'In the shared mapping (survives a crash of the writer, not a power cut)'
flush\t'Synced to the device before returning'"
complete -c pls -n "__fish_pls_using_subcommand append" -s f -l file -d 'Read the stream from this file instead of stdin (`-` for stdin)' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l time -d 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message\'s time if earlier (times never decrease within a pool). Local pools only' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l retry -d 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l retry-delay -d 'Pause before each retry (e.g. 200ms, 1s)' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l size -l create-size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand append" -s e -l errors -d 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)' -r -f -a "stop\t'Stop at the first malformed record'
skip\t'Report it on stderr, skip it and go on'"
complete -c pls -n "__fish_pls_using_subcommand append" -s i -l in -d 'Input format of the stream (auto: told from its first bytes)' -r -f -a "auto\t'Detect: 0x1E first = seq; a first line `data:`/`event:`/`id:`/`retry:`/`:` = sse; otherwise JSON values separated by any whitespace (JSON Lines, concatenated, pretty)'
jsonl\t'JSON Lines, strictly: one value per line'
json\t'Exactly one JSON value (a second one is an error)'
seq\t'RFC 7464 JSON text sequences: each value preceded by 0x1E'
sse\t'Server-Sent Events: the data: lines of each event hold one JSON value'
jq\t'Concatenated JSON values (jq output), any whitespace between them'"
complete -c pls -n "__fish_pls_using_subcommand append" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand append" -l create -d 'Create the pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand append" -s q -l quiet -d 'Do not print a receipt per message'
complete -c pls -n "__fish_pls_using_subcommand append" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand append" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand feed" -s t -l tag -d 'Tag the message(s) (repeatable)' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l durability -d 'fast: in the shared mapping; flush: also synced to disk (once per batch)' -r -f -a "fast\t'In the shared mapping (survives a crash of the writer, not a power cut)'
flush\t'Synced to the device before returning'"
complete -c pls -n "__fish_pls_using_subcommand feed" -s f -l file -d 'Read the stream from this file instead of stdin (`-` for stdin)' -r -F
complete -c pls -n "__fish_pls_using_subcommand feed" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand feed" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand feed" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l time -d 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message\'s time if earlier (times never decrease within a pool). Local pools only' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l retry -d 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l retry-delay -d 'Pause before each retry (e.g. 200ms, 1s)' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -l size -l create-size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand feed" -s e -l errors -d 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)' -r -f -a "stop\t'Stop at the first malformed record'
skip\t'Report it on stderr, skip it and go on'"
complete -c pls -n "__fish_pls_using_subcommand feed" -s i -l in -d 'Input format of the stream (auto: told from its first bytes)' -r -f -a "auto\t'Detect: 0x1E first = seq; a first line `data:`/`event:`/`id:`/`retry:`/`:` = sse; otherwise JSON values separated by any whitespace (JSON Lines, concatenated, pretty)'
jsonl\t'JSON Lines, strictly: one value per line'
json\t'Exactly one JSON value (a second one is an error)'
seq\t'RFC 7464 JSON text sequences: each value preceded by 0x1E'
sse\t'Server-Sent Events: the data: lines of each event hold one JSON value'
jq\t'Concatenated JSON values (jq output), any whitespace between them'"
complete -c pls -n "__fish_pls_using_subcommand feed" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand feed" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand feed" -l create -d 'Create the pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand feed" -s q -l quiet -d 'Do not print a receipt per message'
complete -c pls -n "__fish_pls_using_subcommand feed" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand feed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand get" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand get" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand get" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand get" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand get" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand get" -l max-message -d 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error' -r
complete -c pls -n "__fish_pls_using_subcommand get" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand get" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand get" -l data-only -d 'Print only the message\'s data'
complete -c pls -n "__fish_pls_using_subcommand get" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand fetch" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand fetch" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand fetch" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand fetch" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand fetch" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand fetch" -l max-message -d 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error' -r
complete -c pls -n "__fish_pls_using_subcommand fetch" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand fetch" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand fetch" -l data-only -d 'Print only the message\'s data'
complete -c pls -n "__fish_pls_using_subcommand fetch" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand tail" -s n -l lines -d 'Start with the newest N messages' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l since -d 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l until -d 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l replay -d 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l max -d 'Stop after N messages' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l timeout -d 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -s t -l tag -d 'Only messages carrying this tag (repeatable: all must match)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l where -d 'Only messages for which this jq expression is true (repeatable: all must be)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand tail" -l gaps -d 'When messages were overwritten before being read: skip them, or fail' -r -f -a "continue\t'Skip to the oldest retained message (a note goes to stderr on a terminal)'
error\t'Fail with RetentionGap (exit 9)'"
complete -c pls -n "__fish_pls_using_subcommand tail" -l group -d 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand tail" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand tail" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l max-message -d 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand tail" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand tail" -s f -l follow -d 'Keep following: print new messages as they are appended'
complete -c pls -n "__fish_pls_using_subcommand tail" -l one -d 'Stop after one message (--max 1)'
complete -c pls -n "__fish_pls_using_subcommand tail" -l data-only -d 'Print only each message\'s data'
complete -c pls -n "__fish_pls_using_subcommand tail" -l jsonl -d 'JSON Lines output (--format jsonl)'
complete -c pls -n "__fish_pls_using_subcommand tail" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand follow" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand follow" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand follow" -l since -d 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l until -d 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l replay -d 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l max -d 'Stop after N messages' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l timeout -d 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -s t -l tag -d 'Only messages carrying this tag (repeatable: all must match)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l where -d 'Only messages for which this jq expression is true (repeatable: all must be)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand follow" -l gaps -d 'When messages were overwritten before being read: skip them, or fail' -r -f -a "continue\t'Skip to the oldest retained message (a note goes to stderr on a terminal)'
error\t'Fail with RetentionGap (exit 9)'"
complete -c pls -n "__fish_pls_using_subcommand follow" -l group -d 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand follow" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand follow" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l max-message -d 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -s n -l tail -d 'Print the last N messages first, then keep following' -r
complete -c pls -n "__fish_pls_using_subcommand follow" -l one -d 'Stop after one message (--max 1)'
complete -c pls -n "__fish_pls_using_subcommand follow" -l data-only -d 'Print only each message\'s data'
complete -c pls -n "__fish_pls_using_subcommand follow" -l jsonl -d 'JSON Lines output (--format jsonl)'
complete -c pls -n "__fish_pls_using_subcommand follow" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand follow" -l quiet-drops
complete -c pls -n "__fish_pls_using_subcommand follow" -l no-notify
complete -c pls -n "__fish_pls_using_subcommand follow" -s f -l follow -d 'Keep following: print new messages as they are appended'
complete -c pls -n "__fish_pls_using_subcommand follow" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -f -a "create" -d 'Create one or more pools (--json: {"created":[INFO…]})'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -f -a "info" -d 'Show a pool\'s size, bounds and usage (--json: the info object)'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -f -a "list" -d 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -f -a "delete" -d 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})'
complete -c pls -n "__fish_pls_using_subcommand pool; and not __fish_seen_subcommand_from create info list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -l size -d 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -l index-capacity -d 'Slots in the sequence index (default: sized from --size)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -l json -d 'Print each pool\'s info as JSON'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from delete" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from delete" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from delete" -s f -l force -d 'Ignore pools that do not exist'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create one or more pools (--json: {"created":[INFO…]})'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show a pool\'s size, bounds and usage (--json: the info object)'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})'
complete -c pls -n "__fish_pls_using_subcommand pool; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand tap" -s t -l tag -d 'Tag the recorded lines (repeatable; start and exit are tagged lifecycle)' -r
complete -c pls -n "__fish_pls_using_subcommand tap" -l size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand tap" -l durability -d 'fast: in the shared mapping; flush: also synced to disk (once per batch)' -r -f -a "fast\t'In the shared mapping (survives a crash of the writer, not a power cut)'
flush\t'Synced to the device before returning'"
complete -c pls -n "__fish_pls_using_subcommand tap" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand tap" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand tap" -s q -l quiet -d 'Do not copy the command\'s output to stdout and stderr'
complete -c pls -n "__fish_pls_using_subcommand tap" -l create -d 'Create the pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand tap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand duplex" -l me -d 'Your name: typed lines are sent as {"from":NAME,"msg":LINE}, and messages from NAME are not printed (required when stdin is a terminal)' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -s n -l tail -d 'Print the newest N messages first' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand duplex" -l timeout -d 'Stop after this long without printing a message (exit 124)' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -l size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand duplex" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand duplex" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand duplex" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand duplex" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand duplex" -l echo-self -d 'Also print your own messages'
complete -c pls -n "__fish_pls_using_subcommand duplex" -l jsonl -d 'Print JSON Lines (same as --format jsonl)'
complete -c pls -n "__fish_pls_using_subcommand duplex" -l create -d 'Create the (local) pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand duplex" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand duplex" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand consume" -s g -l group -d 'The consumer group (created on first use with default options)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l consumer -d 'This consumer\'s name, shown by pls group info (default: pid-PID)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l lease -d 'How long a delivery is yours before it is delivered again (default: the group\'s)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l max -d 'Stop after N messages' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l batch -d 'Messages claimed at once (printed together; with --exec, run one by one)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l timeout -d 'Stop after this long without a message (exit 124); implies --follow' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l exec -d 'Run CMD (sh -c) per message, the message on its stdin: exit 0 acks, else nacks' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l retry-delay -d 'With --exec: how long a failed message waits before it is delivered again' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand consume" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand consume" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand consume" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand consume" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand consume" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand consume" -s f -l follow -d 'Keep waiting for messages'
complete -c pls -n "__fish_pls_using_subcommand consume" -l data-only -d 'Print (or give --exec) only each message\'s data'
complete -c pls -n "__fish_pls_using_subcommand consume" -l jsonl -d 'JSON Lines output (--format jsonl)'
complete -c pls -n "__fish_pls_using_subcommand consume" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand consume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand ack" -s g -l group -d 'The consumer group' -r
complete -c pls -n "__fish_pls_using_subcommand ack" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand ack" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand ack" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand ack" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand ack" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand ack" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand ack" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand ack" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -f -a "create" -d 'Create a consumer group with its options'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -f -a "list" -d 'List a pool\'s groups'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -f -a "info" -d 'Show a group\'s position, pending count, lag, oldest pending age, consumers, dead letters'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -f -a "delete" -d 'Delete groups (their books; the messages stay)'
complete -c pls -n "__fish_pls_using_subcommand group; and not __fish_seen_subcommand_from create list info delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l lease -d 'Default lease of a delivery' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l max-deliveries -d 'Deliveries of one message before it goes to the dead-letter pool' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l dead-letter -d 'Dead-letter pool (default: POOL.dead beside the pool, created on first use with the pool\'s size)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l capacity -d 'Pending window: messages delivered and not acked, from the oldest one (Busy beyond)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l gaps -d 'When undelivered messages were overwritten: count them and go on, or also fail once (exit 9)' -r -f -a "continue\t'Skip to the oldest retained message (a note goes to stderr on a terminal)'
error\t'Fail with RetentionGap (exit 9)'"
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l from -d 'Where the group starts: oldest, new, or a sequence number' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l protect -d 'Refuse appends (Busy) rather than overwrite messages this group has not acked'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l json -d 'Print the group\'s info as JSON'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a consumer group with its options'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a pool\'s groups'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show a group\'s position, pending count, lag, oldest pending age, consumers, dead letters'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete groups (their books; the messages stay)'
complete -c pls -n "__fish_pls_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand list" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand list" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand list" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand list" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand list" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand list" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand list" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand list" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand info" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand info" -l token-file -d 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)' -r -F
complete -c pls -n "__fish_pls_using_subcommand info" -l tls-ca -d 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE\'s), e.g. the certificate written by `pls serve init`' -r -F
complete -c pls -n "__fish_pls_using_subcommand info" -l tls-fingerprint -d 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)' -r
complete -c pls -n "__fish_pls_using_subcommand info" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand info" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand info" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand info" -l tls-skip-verify -d 'Remote pool: do not check the server\'s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)'
complete -c pls -n "__fish_pls_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand delete" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand delete" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand delete" -s f -l force -d 'Ignore pools that do not exist'
complete -c pls -n "__fish_pls_using_subcommand delete" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand doctor" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand doctor" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand doctor" -l all -d 'Check every pool in the directory'
complete -c pls -n "__fish_pls_using_subcommand doctor" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l bind -d 'Address to bind: HOST or HOST:PORT (an IPv6 address with a port in brackets). Loopback by default; any other needs --allow-non-loopback and a token' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l port -d 'Port to listen on, when --bind names none (default 9700; 0: any free port, printed at start)' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l token-file -d 'Read the bearer token from this file (first line)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l token -d 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l access -d 'What clients may do' -r -f -a "read-write\t'Read and write (the default)'
read-only\t'Read only: list, info, open, get, tail'
write-only\t'Write only: create, append, delete (and open, to check a pool exists)'"
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l max-body -d 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l max-pool-size -d 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l max-connections -d 'Most connections served at once; more get 423 Busy' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l max-tails -d 'Most tails streaming at once; more get 423 Busy' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l max-tail-timeout -d 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l client-timeout -d 'Disconnect a client that takes longer than this to send a request (head and body together; 408), to finish a TLS handshake, or idles this long between requests' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l tls-cert -d 'TLS certificate chain (PEM); serves HTTPS with --tls-key' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l tls-key -d 'TLS private key (PEM)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l cors-origin -d 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l allow-non-loopback -d 'Allow binding an address other than loopback (then a token is required, and TLS for writes unless --insecure-no-tls)'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l insecure-no-tls -d 'Accept writes on a non-loopback address over plain HTTP (unsafe: the token and the messages cross the network in clear)'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -l tls-self-signed -d 'Serve HTTPS with a certificate generated at start (kept in memory; its fingerprint is printed, for clients\' --tls-fingerprint)'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -s q -l quiet -d 'Do not log one line per request on stderr'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -a "init" -d 'Write a random token file and a self-signed TLS certificate and key, and print the certificate\'s fingerprint and the commands that use them'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -a "check" -d 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
complete -c pls -n "__fish_pls_using_subcommand serve; and not __fish_seen_subcommand_from init check help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l output-dir -d 'The same as DIR (plasmite 0.8.0\'s name)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l bind -d 'Address the printed server command binds (HOST:PORT)' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l host -d 'Another host name or IP address clients will use, put in the certificate (repeatable)' -r
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l force -d 'Overwrite the files if they exist'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -l json -d 'Print JSON (the default when stdout is not a terminal, as with plasmite 0.8.0)'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from check" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from check" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from check" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a random token file and a self-signed TLS certificate and key, and print the certificate\'s fingerprint and the commands that use them'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
complete -c pls -n "__fish_pls_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand mcp" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand mcp" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand mcp" -l read-only -d 'Offer only the tools that read (no create, delete or feed)'
complete -c pls -n "__fish_pls_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -f -a "out" -d 'Publish every message of a pool to a NATS JetStream stream, exactly once'
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -f -a "in" -d 'Apply a NATS JetStream stream to a pool, exactly once'
complete -c pls -n "__fish_pls_using_subcommand bridge; and not __fish_seen_subcommand_from out in help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l stream -d 'JetStream stream (created with file storage when missing)' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l subject -d 'Subject to publish to' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l since -d 'Start here instead of the stored position: a seq (42), a duration ago (5m) or an RFC 3339 time' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l timeout -d 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l window -d 'Publishes waiting for their acknowledgement at most' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l durability -d 'How the position is stored in the pool: fast, or flush (synced)' -r -f -a "fast\t'In the shared mapping (survives a crash of the bridge, not a power cut)'
flush\t'Synced to the device'"
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l subject-from-tag -d 'Publish to SUBJ.TAG, TAG being the message\'s first tag (characters other than letters, digits, - and _ become _); untagged messages go to SUBJ'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -l once -d 'Hand over what the pool holds, then exit (for cron)'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -s q -l quiet -d 'No status lines on stderr'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from out" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l stream -d 'JetStream stream to read' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l subject -d 'Only messages on this subject (wildcards allowed)' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l consumer -d 'Durable consumer name (default: pls- and the pool id\'s first 16 hex digits)' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l since -d 'Where a new consumer starts when the pool has no position for the stream yet: a stream seq (42), a duration ago (5m) or an RFC 3339 time' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l timeout -d 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l batch -d 'Messages appended per batch at most' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l durability -d 'fast: appends in the shared mapping; flush: synced before each acknowledgement' -r -f -a "fast\t'In the shared mapping (survives a crash of the bridge, not a power cut)'
flush\t'Synced to the device'"
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l once -d 'Apply what the stream holds, then exit (for cron)'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -l create -d 'Create the pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -s q -l quiet -d 'No status lines on stderr'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from in" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "out" -d 'Publish every message of a pool to a NATS JetStream stream, exactly once'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "in" -d 'Apply a NATS JetStream stream to a pool, exactly once'
complete -c pls -n "__fish_pls_using_subcommand bridge; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand completions" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand completions" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand completion" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand completion" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand man" -l out -d 'Write pls.1 and one page per command into this directory' -r -F
complete -c pls -n "__fish_pls_using_subcommand man" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand man" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand version" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand version" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "create" -d 'Create one or more pools'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "append" -d 'Append messages: one from the argument, or a stream from stdin'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "get" -d 'Print one message (its envelope) by sequence number'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "tail" -d 'Print the last messages of a pool, and optionally follow it'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "follow" -d 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "pool" -d 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "tap" -d 'Run a command and record each line of its output in a pool'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "duplex" -d 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "consume" -d 'Take messages from a pool as a consumer group: each goes to one consumer, until acked'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "ack" -d 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "group" -d 'Manage consumer groups: create, list, info, delete'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "list" -d 'List the pools in the pool directory'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "info" -d 'Show a pool\'s size, bounds and usage'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "delete" -d 'Delete pools'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "doctor" -d 'Check pool files for damage'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "serve" -d 'Serve the pools of a directory over HTTP'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "mcp" -d 'Serve the pools of --dir to MCP clients (AI agents) over stdio'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "bridge" -d 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "completions" -d 'Print a shell completion script'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "man" -d 'Print the man page, or write every page to a directory'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "version" -d 'Print the version: a line on a terminal, {"name","version"} JSON otherwise'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail follow pool tap duplex consume ack group list info delete doctor serve mcp bridge completions man version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "create" -d 'Create a consumer group with its options'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'List a pool\'s groups'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "info" -d 'Show a group\'s position, pending count, lag, oldest pending age, consumers, dead letters'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Delete groups (their books; the messages stay)'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from serve" -f -a "init" -d 'Write a random token file and a self-signed TLS certificate and key, and print the certificate\'s fingerprint and the commands that use them'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from serve" -f -a "check" -d 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "out" -d 'Publish every message of a pool to a NATS JetStream stream, exactly once'
complete -c pls -n "__fish_pls_using_subcommand help; and __fish_seen_subcommand_from bridge" -f -a "in" -d 'Apply a NATS JetStream stream to a pool, exactly once'
