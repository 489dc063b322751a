#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of a whole `pls serve` process
# answering a fixed load: 3,000 appends, 3,000 gets and one 3,000-message
# tail on one keep-alive connection. Load on the machine does not change the
# figure, so two builds compare even on a busy machine (the per-request cost
# of a change is the difference divided by 6,001 requests).
#
#   scripts/bench-icount-serve.sh [PLS ...]   # default: target/release/pls
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
[ $# -gt 0 ] || set -- target/release/pls
for pls in "$@"; do
  work=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$pls" serve "$work/d" --port 0 -q 2> "$work/err" &
  vg=$!
  for _ in $(seq 1 600); do grep -q "listening on .* (dir" "$work/err" && break; sleep 0.1; done
  port=$(grep -o '127.0.0.1:[0-9]*' "$work/err" | head -1 | cut -d: -f2)
  python3 - "$port" <<'PY'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
def req(method, path, body=None):
    c.request(method, path, body=body, headers={"content-type": "application/json"})
    r = c.getresponse()
    r.read()
    assert r.status == 200, (method, path, r.status)
req("POST", "/v0/pools", json.dumps({"pool": "load", "size_bytes": 8 << 20}))
for i in range(3000):
    req("POST", "/v0/pools/load/append", json.dumps({"data": {"i": i, "kind": "event", "pad": "x" * 40}, "tags": ["t"]}))
for i in range(3000):
    req("GET", "/v0/pools/load/messages/%d" % (i + 1))
req("GET", "/v0/pools/load/tail?max=3000")
PY
  kill -TERM "$vg"
  wait "$vg" || true
  ir=$(grep -o "Collected : [0-9]*" "$work/err" | grep -o "[0-9]*")
  printf "%s\n  serve, 6,001 requests %'15d Ir\n" "$pls" "$ir"
  rm -rf "$work"
done
