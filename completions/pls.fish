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
complete -c pls -n "__fish_pls_needs_command" -f -a "get" -d 'Print one message (its envelope) by sequence number'
complete -c pls -n "__fish_pls_needs_command" -f -a "tail" -d 'Print the last messages of a pool, and optionally follow it'
complete -c pls -n "__fish_pls_needs_command" -f -a "list" -d 'List the pools in the pool directory'
complete -c pls -n "__fish_pls_needs_command" -f -a "info" -d 'Show a pool\'s size, bounds and usage'
complete -c pls -n "__fish_pls_needs_command" -f -a "delete" -d 'Delete pools'
complete -c pls -n "__fish_pls_needs_command" -f -a "doctor" -d 'Check pool files for damage'
complete -c pls -n "__fish_pls_needs_command" -f -a "serve" -d 'Serve the pools of a directory over HTTP'
complete -c pls -n "__fish_pls_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pls -n "__fish_pls_needs_command" -f -a "man" -d 'Print the man page, or write every page to a directory'
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
complete -c pls -n "__fish_pls_using_subcommand append" -l size -d 'Size of the pool made by --create' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l file -d 'Read the stream from this file instead of stdin' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l errors -d 'On a malformed record, or one too large for the pool: stop, or report it on stderr, drop all of it and go on (exit 1 at the end)' -r -f -a "stop\t'Stop at the first malformed record'
skip\t'Report it on stderr, skip it and go on'"
complete -c pls -n "__fish_pls_using_subcommand append" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand append" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand append" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand append" -l create -d 'Create the pool if it does not exist'
complete -c pls -n "__fish_pls_using_subcommand append" -s q -l quiet -d 'Do not print a receipt per message'
complete -c pls -n "__fish_pls_using_subcommand append" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand get" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand get" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand get" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand get" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand get" -l data-only -d 'Print only the message\'s data'
complete -c pls -n "__fish_pls_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand tail" -s n -l lines -d 'Start with the newest N messages' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l since -d 'Start at this sequence number (inclusive) instead of the last N' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l max -d 'Stop after N messages' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l timeout -d 'Stop after this long without a message (e.g. 500ms, 30s, 5m); implies --follow' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -s t -l tag -d 'Only messages carrying this tag (repeatable: all must match)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l where -d 'Only messages for which this jq expression is true (repeatable: all must be)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l format -d 'Output format (default: pretty on a terminal, jsonl otherwise)' -r -f -a "jsonl\t'One JSON document per line (the default on a pipe)'
pretty\t'Indented, coloured JSON (the default on a terminal)'"
complete -c pls -n "__fish_pls_using_subcommand tail" -l gaps -d 'When messages were overwritten before being read: skip them, or fail' -r -f -a "continue\t'Skip to the oldest retained message (a note goes to stderr on a terminal)'
error\t'Fail with RetentionGap (exit 10)'"
complete -c pls -n "__fish_pls_using_subcommand tail" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand tail" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand tail" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand tail" -s f -l follow -d 'Keep following: print new messages as they are appended'
complete -c pls -n "__fish_pls_using_subcommand tail" -l data-only -d 'Print only each message\'s data'
complete -c pls -n "__fish_pls_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand list" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand list" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand list" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand list" -l json -d 'Print JSON'
complete -c pls -n "__fish_pls_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand info" -l token -d 'Bearer token for a remote pool (http(s)://HOST:PORT/POOL)' -r
complete -c pls -n "__fish_pls_using_subcommand info" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand info" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand info" -l json -d 'Print JSON'
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
complete -c pls -n "__fish_pls_using_subcommand serve" -l bind -d 'Address to bind (loopback by default; any other needs a token)' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l port -d 'Port to listen on (0: any free port, printed at start)' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l token-file -d 'Read the bearer token from this file (first line)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve" -l token -d 'Require this bearer token (prefer --token-file or PLASMITE_TOKEN)' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l access -d 'What clients may do' -r -f -a "read-write\t'Read and write (the default)'
read-only\t'Read only: list, info, open, get, tail'
write-only\t'Write only: create, append, delete (and open, to check a pool exists)'"
complete -c pls -n "__fish_pls_using_subcommand serve" -l max-body -d 'Largest request body, JSON or Lite3 (e.g. 1M, 512K); larger gets 413' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l max-pool-size -d 'Largest pool a client may create (e.g. 1G, 256M); larger gets 413' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l max-connections -d 'Most connections served at once; more get 423 Busy' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l max-tails -d 'Most tails streaming at once; more get 423 Busy' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l max-tail-timeout -d 'Largest tail timeout_ms accepted (e.g. 10m); larger gets 400' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l client-timeout -d 'Disconnect a client that takes longer than this to send a request, or idles this long between requests' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l tls-cert -d 'TLS certificate chain (PEM); serves HTTPS with --tls-key' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve" -l tls-key -d 'TLS private key (PEM)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve" -l cors-origin -d 'Let browser pages from this origin call the server (CORS; repeatable; `*` for any origin). Off by default' -r
complete -c pls -n "__fish_pls_using_subcommand serve" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand serve" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand serve" -s q -l quiet -d 'Do not log one line per request on stderr'
complete -c pls -n "__fish_pls_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand completions" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand completions" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand man" -l out -d 'Write pls.1 and one page per command into this directory' -r -F
complete -c pls -n "__fish_pls_using_subcommand man" -l dir -d 'Pool directory (pool names resolve to DIR/NAME.plasmite)' -r -F
complete -c pls -n "__fish_pls_using_subcommand man" -l color -d 'When to use colors (NO_COLOR disables them in auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c pls -n "__fish_pls_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "create" -d 'Create one or more pools'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "append" -d 'Append messages: one from the argument, or a stream from stdin'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "get" -d 'Print one message (its envelope) by sequence number'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "tail" -d 'Print the last messages of a pool, and optionally follow it'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "list" -d 'List the pools in the pool directory'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "info" -d 'Show a pool\'s size, bounds and usage'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "delete" -d 'Delete pools'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "doctor" -d 'Check pool files for damage'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "serve" -d 'Serve the pools of a directory over HTTP'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "man" -d 'Print the man page, or write every page to a directory'
complete -c pls -n "__fish_pls_using_subcommand help; and not __fish_seen_subcommand_from create append get tail list info delete doctor serve completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
