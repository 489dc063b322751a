
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
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message (its envelope) by sequence number')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last messages of a pool, and optionally follow it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check pool files for damage')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the pools of a directory over HTTP')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page to a directory')
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
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Size of the pool made by --create')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the stream from this file instead of stdin')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the pool if it does not exist')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print a receipt per message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;get' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only the message''s data')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;tail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Start with the newest N messages')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Start with the newest N messages')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start at this sequence number (inclusive) instead of the last N')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only messages carrying this tag (repeatable: all must match)')
            [CompletionResult]::new('--where', '--where', [CompletionResultType]::ParameterName, 'Only messages for which this jq expression is true (repeatable: all must be)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: pretty on a terminal, jsonl otherwise)')
            [CompletionResult]::new('--gaps', '--gaps', [CompletionResultType]::ParameterName, 'When messages were overwritten before being read: skip them, or fail')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep following: print new messages as they are appended')
            [CompletionResult]::new('--data-only', '--data-only', [CompletionResultType]::ParameterName, 'Print only each message''s data')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;list' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;info' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
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
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (loopback by default; any other needs a token)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0: any free port, printed at start)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the bearer token from this file (first line)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'What clients may do')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413')
            [CompletionResult]::new('--max-pool-size', '--max-pool-size', [CompletionResultType]::ParameterName, 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; more get 423 Busy')
            [CompletionResult]::new('--max-tails', '--max-tails', [CompletionResultType]::ParameterName, 'Most tails streaming at once; more get 423 Busy')
            [CompletionResult]::new('--max-tail-timeout', '--max-tail-timeout', [CompletionResultType]::ParameterName, 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'Disconnect a client that takes longer than this to send a request, or idles this long between requests')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'TLS certificate chain (PEM); serves HTTPS with --tls-key')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'TLS private key (PEM)')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Pool directory (pool names resolve to DIR/NAME.plasmite)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them in auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not log one line per request on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not log one line per request on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pls;completions' {
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
        'pls;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one or more pools')
            [CompletionResult]::new('append', 'append', [CompletionResultType]::ParameterValue, 'Append messages: one from the argument, or a stream from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message (its envelope) by sequence number')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Print the last messages of a pool, and optionally follow it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the pools in the pool directory')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show a pool''s size, bounds and usage')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete pools')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check pool files for damage')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the pools of a directory over HTTP')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page to a directory')
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
            break
        }
        'pls;help;completions' {
            break
        }
        'pls;help;man' {
            break
        }
        'pls;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
