#!/usr/bin/env bash
# Load-tests `pls serve` on loopback (benches/serve.rs): appends/s and gets/s
# over 8 keep-alive connections, JSON Lines tail msg/s to one client, and the
# server's RSS over a sustained mixed load.
#   scripts/bench-serve.sh            # short run (5 s phases, 20 s soak)
#   SOAK=300 scripts/bench-serve.sh   # the 5-minute RSS run
set -euo pipefail
cd "$(dirname "$0")/.."
export PLASMITE_BENCH_SECS="${SECS:-5}"
export PLASMITE_BENCH_SOAK_SECS="${SOAK:-20}"
export PLASMITE_BENCH_TAIL_MESSAGES="${TAIL_MESSAGES:-1000000}"
exec cargo bench --bench serve
