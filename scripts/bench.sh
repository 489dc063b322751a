#!/usr/bin/env bash
# Every benchmark of the project, printed as it runs. Each bench prints one
# line per figure with its target and MET / NOT MET.
#   PLASMITE_BENCH_QUICK=1  shorter runs
#   PLASMITE_BENCH_DIR=DIR  where temporary pools go (default: the temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== engine (cargo bench --bench engine)"
cargo bench --bench engine
