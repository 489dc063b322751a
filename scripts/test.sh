#!/usr/bin/env bash
# Every test of the project: Rust (unit, integration, doctests) and, when the
# Node package is present, the addon's tests. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Benchmarks are compiled (so they cannot rot) but run only by scripts/bench*.
cargo build --workspace --benches
cargo test --workspace --lib --bins --tests
cargo test --workspace --doc
if [ -f node/package.json ]; then
  (cd node && npm test)
fi
