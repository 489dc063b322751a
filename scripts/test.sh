#!/usr/bin/env bash
# Every check of the project: formatting, lints, docs, Rust tests (unit,
# integration, doctests) and, when the Node package is present, the addon's
# tests. This is what CI runs.
#
# The repository must build and test alone: a user's clone has nothing beside
# it. So, when it can (as root, with unshare), this script re-runs itself in a
# private mount namespace where every sibling of the repository (every entry
# of its parent directory but dot-directories such as ~/.cargo) is hidden
# under an empty tmpfs: anything that reads `../something` at build or test
# time fails here. Without that privilege it says so and checks the sources
# for out-of-tree paths instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
parent=$(dirname "$root")
name=$(basename "$root")

if [ -z "${PLASMITE_ISOLATED:-}" ] && [ "$parent" != / ]; then
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
    export PLASMITE_ISOLATED=1
    exec unshare -m --propagation private bash -c '
      set -e
      hidden=""
      for entry in "$2"/*; do
        [ -e "$entry" ] && [ "$entry" != "$2/$3" ] || continue
        if [ -d "$entry" ]; then
          mount -t tmpfs -o size=64k,mode=755 plasmite-isolation "$entry"
        else
          mount --bind /dev/null "$entry"
        fi
        hidden="$hidden $(basename "$entry")"
      done
      echo "test.sh: hidden beside $3:${hidden:- nothing}" >&2
      cd "$2/$3"
      exec ./scripts/test.sh
    ' isolate "$root" "$parent" "$name"
  fi
  echo "test.sh: not root or no unshare: cannot hide the repository's siblings; checking sources for out-of-tree paths" >&2
  if grep -rnE '\.\./(\.\./)*[A-Za-z_]' --include='*.rs' --include='*.toml' --include='*.js' --include='*.mjs' \
      src tests benches node/src node/test node/scripts fuzz/fuzz_targets 2>/dev/null \
      | grep -E 'include_(str|bytes)!|read_to_string|CARGO_MANIFEST_DIR|path *=' | grep -v 'path = "\.\."'; then
    echo "test.sh: the lines above read outside the repository" >&2
    exit 1
  fi
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The engine alone, as library users and the Node addon build it.
cargo clippy --lib --no-default-features -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --quiet
# Benchmarks are compiled (so they cannot rot) but run only by scripts/bench*.
cargo build --workspace --benches
cargo test --workspace --lib --bins --tests
cargo test --workspace --doc
if [ -f node/package.json ]; then
  (cd node && npm test)
fi
# The MCP server driven by the official MCP TypeScript SDK client (both
# transports), against the target/debug/pls the cargo tests built.
if [ -f tests/mcp/package.json ]; then
  (cd tests/mcp && npm test)
fi
# The web console in a real headless Chromium (Debian's chromium package),
# against the pls just built.
if [ -f tests/browser/package.json ]; then
  cargo build --quiet --bin pls
  [ -d tests/browser/node_modules ] || (cd tests/browser && npm ci --no-audit --no-fund)
  (cd tests/browser && PLS_BIN="$root/target/debug/pls" npm test)
fi
