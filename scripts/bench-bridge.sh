#!/usr/bin/env bash
# pls bridge throughput against a local nats-server (JetStream, file storage):
#   out: a pool of N messages of 256 bytes into a stream (windowed async publish)
#   in:  that stream into a new pool (Fast durability)
# Prints messages/s as measured by the bridge (first to last message handed
# over), the wall time of each run, and nats-server's CPU share over the same
# run (its utime+stime from /proc/PID/stat divided by the wall time; 100% is
# one core) and the bridge's own (from /usr/bin/time), so the bottleneck is
# visible. BENCH_OUT_ARGS and BENCH_IN_ARGS add flags to the out and in runs
# (e.g. "--window 1024", "--batch 16384"). Targets: >= 200,000 msg/s each way.
# PLS_BIN runs another build of pls instead of this checkout's.
# Usage: scripts/bench-bridge.sh [N]   (default 500000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-500000}"
command -v nats-server >/dev/null || { echo "nats-server is required (apt-get install nats-server)" >&2; exit 1; }
if [ -n "${PLS_BIN:-}" ]; then
  pls="$PLS_BIN"   # another build, for a paired comparison
else
  cargo build --release --quiet --bin pls
  pls="$PWD/target/release/pls"
fi
tmp="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
nats-server -js -sd "$tmp/js" -a 127.0.0.1 -p "$port" >"$tmp/nats.log" 2>&1 &
nats_pid=$!
cleanup() { kill "$nats_pid" 2>/dev/null || true; wait "$nats_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q "Server is ready" "$tmp/nats.log" && break; sleep 0.1; done
url="nats://127.0.0.1:$port"
tick="$(getconf CLK_TCK)"
cpu() { awk '{print $14 + $15}' "/proc/$nats_pid/stat"; }
now() { date +%s.%N; }

# N messages whose data is 256 bytes of JSON.
python3 - "$n" >"$tmp/in.jsonl" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(1, n + 1):
    head = '{"i":%d,"pad":"' % i
    out.write(head + "x" * (256 - len(head) - 2) + '"}\n')
PY
"$pls" --dir "$tmp" create src --size 512M >/dev/null
"$pls" --dir "$tmp" append src -q <"$tmp/in.jsonl"

run() { # label, command...
  local label="$1"; shift
  local c0 t0 c1 t1 line
  c0="$(cpu)"; t0="$(now)"
  line="$(/usr/bin/time -o "$tmp/time" -f '%U %S' "$@" 2>&1 | grep 'stopped;')"
  t1="$(now)"; c1="$(cpu)"
  local rate
  rate="$(printf '%s' "$line" | sed -n 's/.*(\([0-9]*\) msg\/s).*/\1/p')"
  awk -v l="$label" -v r="${rate:-?}" -v c="$((c1 - c0))" -v tk="$tick" -v t0="$t0" -v t1="$t1" \
      -v own="$(awk '{print $1 + $2}' "$tmp/time")" 'BEGIN {
    w = t1 - t0;
    printf "%-4s %9s msg/s (bridge)  wall %.2f s  nats-server CPU %.0f%%, pls bridge CPU %.0f%% (of one core)\n", l, r, w, 100 * c / tk / w, 100 * own / w }'
}
echo "pls bridge, $n messages of 256 B, nats-server $(nats-server --version | awk '{print $NF}'), file storage"
run out "$pls" --dir "$tmp" bridge out src "$url" --stream BENCH --subject bench --once ${BENCH_OUT_ARGS:-}
run in "$pls" --dir "$tmp" bridge in "$url" --stream BENCH dst --create --size 512M --once ${BENCH_IN_ARGS:-}
