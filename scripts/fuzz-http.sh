#!/usr/bin/env bash
# Fuzz the server's HTTP request reader and the remote client's readers with
# cargo-fuzz (not part of CI; CI replays the committed seeds through
# tests/hardening_http_reader.rs).
#
#   scripts/fuzz-http.sh [SECONDS] [TARGET...]   # default 600 s, both targets
#
# Targets: http_request (src/serve/http.rs: heads, Content-Length, chunked
# bodies, pipelining, the limits; each input read whole and in small pieces)
# and remote_lines (src/remote.rs: tail lines, bounded answers, error
# envelopes). The drivers are fuzz/drivers/*.rs. Each run starts from the
# committed seeds in fuzz/seeds/TARGET (cases from the tests, named after
# them, plus the coverage-minimised corpus of earlier runs, named by hash)
# and what earlier runs found in fuzz/corpus/TARGET (not committed). To
# commit a run's finds: fuzz/target/*/release/TARGET -merge=1 DIR
# fuzz/corpus/TARGET, then copy DIR's files into fuzz/seeds/TARGET. Works on stable
# Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags. Needs
# `cargo install cargo-fuzz`.
set -euo pipefail

secs="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http_request remote_lines)
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 1; }

cd "$root"
for t in "${targets[@]}"; do
    corpus="$root/fuzz/corpus/$t"
    mkdir -p "$corpus"
    cp -n "$root/fuzz/seeds/$t/"* "$corpus/"
    echo "== $t: $(ls "$corpus" | wc -l) inputs, ${secs}s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "$corpus" -- \
        -max_total_time="$secs" -max_len=65536 -print_final_stats=1 -timeout="${FUZZ_TIMEOUT:-30}"
done
