#!/usr/bin/env bash
# The main job, end to end with the release binary, in a throwaway pool
# directory: create a pool, append one message and a stream, follow it from
# another process, read by sequence number, check the file.
set -euo pipefail
cd "$(dirname "$0")/.."
pls=./target/release/pls
export PLASMITE_DIR
PLASMITE_DIR=$(mktemp -d)
trap 'rm -rf "$PLASMITE_DIR"' EXIT

"$pls" --version
"$pls" create events --size 4M
# A follower in the background prints the first three messages as they land.
"$pls" tail -f events --since 1 --max 3 --timeout 10s --format jsonl > "$PLASMITE_DIR/followed.jsonl" &
follower=$!
"$pls" append events '{"kind":"signup","user":"alice"}' -t user-event
printf '{"kind":"login","user":"alice"}\n{"kind":"logout","user":"alice"}\n' | "$pls" append events -t session
wait "$follower"
echo "follower saw:"
cat "$PLASMITE_DIR/followed.jsonl"
echo "message 1:"
"$pls" get events 1 --format pretty
"$pls" info events
"$pls" doctor events
