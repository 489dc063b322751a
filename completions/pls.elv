
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
            cand get 'Print one message (its envelope) by sequence number'
            cand tail 'Print the last messages of a pool, and optionally follow it'
            cand list 'List the pools in the pool directory'
            cand info 'Show a pool''s size, bounds and usage'
            cand delete 'Delete pools'
            cand doctor 'Check pool files for damage'
            cand serve 'Serve the pools of a directory over HTTP'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page, or write every page to a directory'
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
            cand --size 'Size of the pool made by --create'
            cand --file 'Read the stream from this file instead of stdin'
            cand --errors 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --create 'Create the pool if it does not exist'
            cand -q 'Do not print a receipt per message'
            cand --quiet 'Do not print a receipt per message'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;get'= {
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --data-only 'Print only the message''s data'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;tail'= {
            cand -n 'Start with the newest N messages'
            cand --lines 'Start with the newest N messages'
            cand --since 'Start at this sequence number (inclusive) instead of the last N'
            cand --max 'Stop after N messages'
            cand --timeout 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow'
            cand -t 'Only messages carrying this tag (repeatable: all must match)'
            cand --tag 'Only messages carrying this tag (repeatable: all must match)'
            cand --where 'Only messages for which this jq expression is true (repeatable: all must be)'
            cand --format 'Output format (default: pretty on a terminal, jsonl otherwise)'
            cand --gaps 'When messages were overwritten before being read: skip them, or fail'
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -f 'Keep following: print new messages as they are appended'
            cand --follow 'Keep following: print new messages as they are appended'
            cand --data-only 'Print only each message''s data'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;list'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;info'= {
            cand --token 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand --json 'Print JSON'
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
            cand --bind 'Address to bind (loopback by default; any other needs a token)'
            cand --port 'Port to listen on (0: any free port, printed at start)'
            cand --token-file 'Read the bearer token from this file (first line)'
            cand --token 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)'
            cand --access 'What clients may do'
            cand --max-body 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413'
            cand --max-pool-size 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413'
            cand --max-connections 'Most connections served at once; more get 423 Busy'
            cand --max-tails 'Most tails streaming at once; more get 423 Busy'
            cand --max-tail-timeout 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400'
            cand --client-timeout 'Disconnect a client that takes longer than this to send a request, or idles this long between requests'
            cand --tls-cert 'TLS certificate chain (PEM); serves HTTPS with --tls-key'
            cand --tls-key 'TLS private key (PEM)'
            cand --cors-origin 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default'
            cand --dir 'Pool directory (pool names resolve to DIR/NAME.plasmite)'
            cand --color 'When to use colors (NO_COLOR disables them in auto)'
            cand -q 'Do not log one line per request on stderr'
            cand --quiet 'Do not log one line per request on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pls;completions'= {
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
        &'pls;help'= {
            cand create 'Create one or more pools'
            cand append 'Append messages: one from the argument, or a stream from stdin'
            cand get 'Print one message (its envelope) by sequence number'
            cand tail 'Print the last messages of a pool, and optionally follow it'
            cand list 'List the pools in the pool directory'
            cand info 'Show a pool''s size, bounds and usage'
            cand delete 'Delete pools'
            cand doctor 'Check pool files for damage'
            cand serve 'Serve the pools of a directory over HTTP'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page, or write every page to a directory'
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
        &'pls;help;list'= {
        }
        &'pls;help;info'= {
        }
        &'pls;help;delete'= {
        }
        &'pls;help;doctor'= {
        }
        &'pls;help;serve'= {
        }
        &'pls;help;completions'= {
        }
        &'pls;help;man'= {
        }
        &'pls;help;help'= {
        }
    ]
    $completions[$command]
}
