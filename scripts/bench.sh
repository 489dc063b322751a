#!/usr/bin/env bash
# Every benchmark of the project, printed as it runs. Each prints one line
# per figure with its target (and MET / NOT MET where the issue set one).
#   PLASMITE_BENCH_QUICK=1  shorter engine runs
#   PLASMITE_BENCH_DIR=DIR  where temporary pools go (default: the temp dir)
#   SOAK=300                the 5-minute RSS run of the server bench
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== engine (cargo bench --bench engine)"
cargo bench --bench engine
echo "== lite3 codec (cargo bench --bench lite3)"
cargo bench --bench lite3
echo "== pls, whole process (scripts/bench-cli.py)"
cargo build --release --bins --quiet
python3 scripts/bench-cli.py
echo "== pls serve over loopback (scripts/bench-serve.sh)"
./scripts/bench-serve.sh
echo "== consumer groups beside Redis Streams (scripts/bench-groups.sh)"
./scripts/bench-groups.sh
if command -v node >/dev/null && [ -f node/package.json ]; then
  echo "== npm package (node/bench/bench.js)"
  (cd node && npm run --silent bench)
fi
