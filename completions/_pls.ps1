
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pls' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pls'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pls' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one or more pools')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Append messages: one from the argument, or a stream from stdin')
            [CompletionResult]::new('feed', 'feed', [CompletionResultType]::ParameterValue, 'Append messages: one from the argument, or a stream from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message (its envelope) by sequence number')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Print one message (its envelope) by sequence number')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last messages of a pool, and optionally follow it')
            [CompletionResult]::new('follow', 'follow', [CompletionResultType]::ParameterValue, 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first')
            [CompletionResult]::new('pool', 'pool', [CompletionResultType]::ParameterValue, 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)')
            [CompletionResult]::new('tap', 'tap', [CompletionResultType]::ParameterValue, 'Run a command and record each line of its output in a pool')
            [CompletionResult]::new('duplex', 'duplex', [CompletionResultType]::ParameterValue, 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Take messages from a pool as a consumer group: each goes to one consumer, until acked')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage consumer groups: create, list, info, delete')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check pool files for damage')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the pools of a directory over HTTP')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the pools of --dir to MCP clients (AI agents) over stdio')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page to a directory')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version: a line on a terminal, {"name","version"} JSON otherwise')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;create' {
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)')
            [CompletionResult]::new('--index-capacity', '--index-capacity', [CompletionResultType]::ParameterName, 'Slots in the sequence index (default: sized from --size)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each pool''s info as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;append' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Tag the message(s) (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag the message(s) (repeatable)')
            [CompletionResult]::new('--durability', '--durability', [CompletionResultType]::ParameterName, 'fast: in the shared mapping; flush: also synced to disk (once per batch)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the stream from this file instead of stdin (`-` for stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the stream from this file instead of stdin (`-` for stdin)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message''s time if earlier (times never decrease within a pool). Local pools only')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Pause before each retry (e.g. 200ms, 1s)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--create-size', '--create-size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Input format of the stream (auto: told from its first bytes)')
            [CompletionResult]::new('--in', '--in', [CompletionResultType]::ParameterName, 'Input format of the stream (auto: told from its first bytes)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the pool if it does not exist')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;feed' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Tag the message(s) (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag the message(s) (repeatable)')
            [CompletionResult]::new('--durability', '--durability', [CompletionResultType]::ParameterName, 'fast: in the shared mapping; flush: also synced to disk (once per batch)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read the stream from this file instead of stdin (`-` for stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the stream from this file instead of stdin (`-` for stdin)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Stamp the messages with this time instead of the clock, for imports and tests: an RFC 3339 time or a duration ago (2h); raised to the newest message''s time if earlier (times never decrease within a pool). Local pools only')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Remote pool: try a record again up to N times when the server could not be reached (connection refused) or answered 503 or 423 (it refused without storing). Never after the request may have been applied: a timeout or a dropped connection after sending is reported, not retried')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Pause before each retry (e.g. 200ms, 1s)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--create-size', '--create-size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Input format of the stream (auto: told from its first bytes)')
            [CompletionResult]::new('--in', '--in', [CompletionResultType]::ParameterName, 'Input format of the stream (auto: told from its first bytes)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the pool if it does not exist')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;get' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only the message''s data')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;fetch' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only the message''s data')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Start with the newest N messages')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Start with the newest N messages')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--where', '--where', [CompletionResultType]::ParameterName, 'Only messages for which this jq expression is true (repeatable: all must be)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--gaps', '--gaps', [CompletionResultType]::ParameterName, 'When messages were overwritten before being read: skip them, or fail')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('--one', '--one', [CompletionResultType]::ParameterName, 'Stop after one message (--max 1)')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only each message''s data')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'JSON Lines output (--format jsonl)')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;follow' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start here (inclusive) instead of the last N: a sequence number (42), a duration ago (90s, 5m, 2h, 1d) or an RFC 3339 time (2026-01-15T10:00:00Z)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Stop after this point (inclusive; same forms as --since): a time ends the tail before the first later message (with -f, once the clock passes it); without --since, -n counts back from here')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Re-emit the range with the original gaps between message times, SPEED times as fast (1 = original pacing, 2 = twice as fast, 0 = no pauses); ends at the end of what is stored (no following)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--where', '--where', [CompletionResultType]::ParameterName, 'Only messages for which this jq expression is true (repeatable: all must be)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--gaps', '--gaps', [CompletionResultType]::ParameterName, 'When messages were overwritten before being read: skip them, or fail')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Read as consumer group GROUP: resume where the group left off, committing the position after each batch is written (at least once); readers of a group compete')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Remote pool: largest message accepted from the server (e.g. 64M, 1G); a larger one fails with an Io error')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print the last N messages first, then keep following')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Print the last N messages first, then keep following')
            [CompletionResult]::new('--one', '--one', [CompletionResultType]::ParameterName, 'Stop after one message (--max 1)')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only each message''s data')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'JSON Lines output (--format jsonl)')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('--quiet-drops', '--quiet-drops', [CompletionResultType]::ParameterName, 'quiet-drops')
            [CompletionResult]::new('--no-notify', '--no-notify', [CompletionResultType]::ParameterName, 'no-notify')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;pool' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one or more pools (--json: {"created":[INFO…]})')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage (--json: the info object)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;pool;create' {
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'File size of each pool (e.g. 512K, 64M, 1G; at least 64K)')
            [CompletionResult]::new('--index-capacity', '--index-capacity', [CompletionResultType]::ParameterName, 'Slots in the sequence index (default: sized from --size)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each pool''s info as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;pool;info' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;pool;list' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;pool;delete' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Ignore pools that do not exist')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore pools that do not exist')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;pool;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one or more pools (--json: {"created":[INFO…]})')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage (--json: the info object)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory (--json: {"pools":[…]} with mtime)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;pool;help;create' {
            break
        }
        'pls;pool;help;info' {
            break
        }
        'pls;pool;help;list' {
            break
        }
        'pls;pool;help;delete' {
            break
        }
        'pls;pool;help;help' {
            break
        }
        'pls;tap' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Tag the recorded lines (repeatable; start and exit are tagged lifecycle)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag the recorded lines (repeatable; start and exit are tagged lifecycle)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--durability', '--durability', [CompletionResultType]::ParameterName, 'fast: in the shared mapping; flush: also synced to disk (once per batch)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not copy the command''s output to stdout and stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not copy the command''s output to stdout and stderr')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the pool if it does not exist')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;duplex' {
            [CompletionResult]::new('--me', '--me', [CompletionResultType]::ParameterName, 'Your name: typed lines are sent as {"from":NAME,"msg":LINE}, and messages from NAME are not printed (required when stdin is a terminal)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print the newest N messages first')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Print the newest N messages first')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long without printing a message (exit 124)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--echo-self', '--echo-self', [CompletionResultType]::ParameterName, 'Also print your own messages')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print JSON Lines (same as --format jsonl)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the (local) pool if it does not exist')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;consume' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'The consumer group (created on first use with default options)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The consumer group (created on first use with default options)')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'This consumer''s name, shown by pls group info (default: pid-PID)')
            [CompletionResult]::new('--lease', '--lease', [CompletionResultType]::ParameterName, 'How long a delivery is yours before it is delivered again (default: the group''s)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N messages')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Messages claimed at once (printed together; with --exec, run one by one)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long without a message (exit 124); implies --follow')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD (sh -c) per message, the message on its stdin: exit 0 acks, else nacks')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'With --exec: how long a failed message waits before it is delivered again')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep waiting for messages')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep waiting for messages')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print (or give --exec) only each message''s data')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'JSON Lines output (--format jsonl)')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;ack' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'The consumer group')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The consumer group')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;group' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a consumer group with its options')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a pool''s groups')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete groups (their books; the messages stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;group;create' {
            [CompletionResult]::new('--lease', '--lease', [CompletionResultType]::ParameterName, 'Default lease of a delivery')
            [CompletionResult]::new('--max-deliveries', '--max-deliveries', [CompletionResultType]::ParameterName, 'Deliveries of one message before it goes to the dead-letter pool')
            [CompletionResult]::new('--dead-letter', '--dead-letter', [CompletionResultType]::ParameterName, 'Dead-letter pool (default: POOL.dead beside the pool, created on first use with the pool''s size)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Pending window: messages delivered and not acked, from the oldest one (Busy beyond)')
            [CompletionResult]::new('--gaps', '--gaps', [CompletionResultType]::ParameterName, 'When undelivered messages were overwritten: count them and go on, or also fail once (exit 9)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Where the group starts: oldest, new, or a sequence number')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--protect', '--protect', [CompletionResultType]::ParameterName, 'Refuse appends (Busy) rather than overwrite messages this group has not acked')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the group''s info as JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;group;list' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;group;info' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;group;delete' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;group;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a consumer group with its options')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a pool''s groups')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete groups (their books; the messages stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;group;help;create' {
            break
        }
        'pls;group;help;list' {
            break
        }
        'pls;group;help;info' {
            break
        }
        'pls;group;help;delete' {
            break
        }
        'pls;group;help;help' {
            break
        }
        'pls;list' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;info' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Remote pool: read the bearer token from this file (its first line; wins over --token and PLASMITE_TOKEN)')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Remote pool: also trust the CA certificates of this PEM bundle (repeatable; added to the built-in roots and to SSL_CERT_FILE''s), e.g. the certificate written by `pls serve init`')
            [CompletionResult]::new('--tls-fingerprint', '--tls-fingerprint', [CompletionResultType]::ParameterName, 'Remote pool: accept only the server certificate of this SHA-256 (SHA256:AB:CD:..., as `pls serve` and `pls serve init` print it)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--tls-skip-verify', '--tls-skip-verify', [CompletionResultType]::ParameterName, 'Remote pool: do not check the server''s TLS certificate (unsafe: anyone on the path can read and change the traffic; warns on every run)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;delete' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Ignore pools that do not exist')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore pools that do not exist')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;doctor' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Check every pool in the directory')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind: HOST or HOST:PORT (an IPv6 address with a port in brackets). Loopback by default; any other needs --allow-non-loopback and a token')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on, when --bind names none (default 9700; 0: any free port, printed at start)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the bearer token from this file (first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'What clients may do')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413')
            [CompletionResult]::new('--max-pool-size', '--max-pool-size', [CompletionResultType]::ParameterName, 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; more get 423 Busy')
            [CompletionResult]::new('--max-tails', '--max-tails', [CompletionResultType]::ParameterName, 'Most tails streaming at once; more get 423 Busy')
            [CompletionResult]::new('--max-tail-timeout', '--max-tail-timeout', [CompletionResultType]::ParameterName, 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'Disconnect a client that takes longer than this to send a request (head and body together; 408), to finish a TLS handshake, or idles this long between requests')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'TLS certificate chain (PEM); serves HTTPS with --tls-key')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'TLS private key (PEM)')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--allow-non-loopback', '--allow-non-loopback', [CompletionResultType]::ParameterName, 'Allow binding an address other than loopback (then a token is required, and TLS for writes unless --insecure-no-tls)')
            [CompletionResult]::new('--insecure-no-tls', '--insecure-no-tls', [CompletionResultType]::ParameterName, 'Accept writes on a non-loopback address over plain HTTP (unsafe: the token and the messages cross the network in clear)')
            [CompletionResult]::new('--tls-self-signed', '--tls-self-signed', [CompletionResultType]::ParameterName, 'Serve HTTPS with a certificate generated at start (kept in memory; its fingerprint is printed, for clients'' --tls-fingerprint)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not log one line per request on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not log one line per request on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;serve;init' {
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'The same as DIR (plasmite 0.8.0''s name)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address the printed server command binds (HOST:PORT)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Another host name or IP address clients will use, put in the certificate (repeatable)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the files if they exist')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (the default when stdout is not a terminal, as with plasmite 0.8.0)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;serve;check' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;serve;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;serve;help;init' {
            break
        }
        'pls;serve;help;check' {
            break
        }
        'pls;serve;help;help' {
            break
        }
        'pls;mcp' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Offer only the tools that read (no create, delete or feed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;bridge' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('out', 'out', [CompletionResultType]::ParameterValue, 'Publish every message of a pool to a NATS JetStream stream, exactly once')
            [CompletionResult]::new('in', 'in', [CompletionResultType]::ParameterValue, 'Apply a NATS JetStream stream to a pool, exactly once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;bridge;out' {
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'JetStream stream (created with file storage when missing)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject to publish to')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start here instead of the stored position: a seq (42), a duration ago (5m) or an RFC 3339 time')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Publishes waiting for their acknowledgement at most')
            [CompletionResult]::new('--durability', '--durability', [CompletionResultType]::ParameterName, 'How the position is stored in the pool: fast, or flush (synced)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--subject-from-tag', '--subject-from-tag', [CompletionResultType]::ParameterName, 'Publish to SUBJ.TAG, TAG being the message''s first tag (characters other than letters, digits, - and _ become _); untagged messages go to SUBJ')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Hand over what the pool holds, then exit (for cron)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No status lines on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No status lines on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;bridge;in' {
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'JetStream stream to read')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Only messages on this subject (wildcards allowed)')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'Durable consumer name (default: pls- and the pool id''s first 16 hex digits)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Where a new consumer starts when the pool has no position for the stream yet: a stream seq (42), a duration ago (5m) or an RFC 3339 time')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Fail (exit 8) when the server has been out of reach this long (0: never; default: 30s with --once, never without)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Messages appended per batch at most')
            [CompletionResult]::new('--durability', '--durability', [CompletionResultType]::ParameterName, 'fast: appends in the shared mapping; flush: synced before each acknowledgement')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Apply what the stream holds, then exit (for cron)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the pool if it does not exist')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No status lines on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No status lines on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;bridge;help' {
            [CompletionResult]::new('out', 'out', [CompletionResultType]::ParameterValue, 'Publish every message of a pool to a NATS JetStream stream, exactly once')
            [CompletionResult]::new('in', 'in', [CompletionResultType]::ParameterValue, 'Apply a NATS JetStream stream to a pool, exactly once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;bridge;help;out' {
            break
        }
        'pls;bridge;help;in' {
            break
        }
        'pls;bridge;help;help' {
            break
        }
        'pls;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;completion' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write pls.1 and one page per command into this directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;version' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one or more pools')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Append messages: one from the argument, or a stream from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message (its envelope) by sequence number')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last messages of a pool, and optionally follow it')
            [CompletionResult]::new('follow', 'follow', [CompletionResultType]::ParameterValue, 'Follow a pool from its live edge: tail -f, with -n/--tail N printing the last N first')
            [CompletionResult]::new('pool', 'pool', [CompletionResultType]::ParameterValue, 'Manage pools: create, info, list, delete (--json prints the plasmite 0.8 shapes)')
            [CompletionResult]::new('tap', 'tap', [CompletionResultType]::ParameterValue, 'Run a command and record each line of its output in a pool')
            [CompletionResult]::new('duplex', 'duplex', [CompletionResultType]::ParameterValue, 'Write to a pool and follow it from one process (chat on a terminal, JSON on a pipe)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Take messages from a pool as a consumer group: each goes to one consumer, until acked')
            [CompletionResult]::new('ack', 'ack', [CompletionResultType]::ParameterValue, 'Acknowledge messages of a consumer group (receipts or seqs, or from stdin)')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage consumer groups: create, list, info, delete')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check pool files for damage')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the pools of a directory over HTTP')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the pools of --dir to MCP clients (AI agents) over stdio')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'Mirror a pool into NATS JetStream (out) or a stream into a pool (in), exactly once')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page to a directory')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version: a line on a terminal, {"name","version"} JSON otherwise')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pls;help;create' {
            break
        }
        'pls;help;append' {
            break
        }
        'pls;help;get' {
            break
        }
        'pls;help;tail' {
            break
        }
        'pls;help;follow' {
            break
        }
        'pls;help;pool' {
            break
        }
        'pls;help;tap' {
            break
        }
        'pls;help;duplex' {
            break
        }
        'pls;help;consume' {
            break
        }
        'pls;help;ack' {
            break
        }
        'pls;help;group' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a consumer group with its options')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a pool''s groups')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a group''s position, pending count, lag, oldest pending age, consumers, dead letters')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete groups (their books; the messages stay)')
            break
        }
        'pls;help;group;create' {
            break
        }
        'pls;help;group;list' {
            break
        }
        'pls;help;group;info' {
            break
        }
        'pls;help;group;delete' {
            break
        }
        'pls;help;list' {
            break
        }
        'pls;help;info' {
            break
        }
        'pls;help;delete' {
            break
        }
        'pls;help;doctor' {
            break
        }
        'pls;help;serve' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a random token file and a self-signed TLS certificate and key, and print the certificate''s fingerprint and the commands that use them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the serve options given before `check` (token, TLS files, bind address, directory) and print the endpoints, without binding')
            break
        }
        'pls;help;serve;init' {
            break
        }
        'pls;help;serve;check' {
            break
        }
        'pls;help;mcp' {
            break
        }
        'pls;help;bridge' {
            [CompletionResult]::new('out', 'out', [CompletionResultType]::ParameterValue, 'Publish every message of a pool to a NATS JetStream stream, exactly once')
            [CompletionResult]::new('in', 'in', [CompletionResultType]::ParameterValue, 'Apply a NATS JetStream stream to a pool, exactly once')
            break
        }
        'pls;help;bridge;out' {
            break
        }
        'pls;help;bridge;in' {
            break
        }
        'pls;help;completions' {
            break
        }
        'pls;help;man' {
            break
        }
        'pls;help;version' {
            break
        }
        'pls;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
