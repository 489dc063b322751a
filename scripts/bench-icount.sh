#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of whole `pls` processes: a figure
# that load on the machine does not change, for comparing two builds.
#
#   scripts/bench-icount.sh [PLS ...]   # default: target/release/pls
#
# For each binary: an ingest of 20,000 JSON lines of 127 bytes (--quiet), a
# `tail -n 20000`, one `get` and one single append, each a whole process.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
[ $# -gt 0 ] || set -- target/release/pls
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/in.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        head = '{"id":%d,"kind":"event","user":"user-%06d","ok":true,"tags":["a","b"],"pad":"' % (i, i % 1000000)
        f.write(head + "x" * (126 - len(head) - 2) + '"}\n')
PY
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | grep -o "Collected : [0-9]*" | grep -o "[0-9]*"; }
n=0
for pls in "$@"; do
  n=$((n + 1))
  export PLASMITE_DIR="$work/pools$n"
  "$pls" create p --size 64M >/dev/null
  a=$(count "$pls" append p --quiet < "$work/in.jsonl")
  t=$(count "$pls" tail p -n 20000)
  g=$(count "$pls" get p 777)
  s=$(count "$pls" append p '{"a":1}')
  printf "%s\n  append 20k --quiet %'15d Ir\n  tail -n 20000      %'15d Ir\n  get                %'15d Ir\n  single append      %'15d Ir\n" "$pls" "$a" "$t" "$g" "$s"
done
