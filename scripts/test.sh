#!/usr/bin/env bash
# Every test of the project: Rust (unit, integration, doctests) and, when the
# Node package is present, the addon's tests. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-targets
cargo test --workspace --doc
if [ -f node/package.json ]; then
  (cd node && npm test)
fi
