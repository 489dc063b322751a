#!/usr/bin/env bash
# Fuzz the Lite3 validator/decoder (and the JSON reader) with cargo-fuzz.
#
#   scripts/fuzz-lite3.sh [SECONDS]      # default 300; FUZZ_TIMEOUT=per-input limit (60 s)
#
# Seeds fuzz/corpus/validate_decode from the golden files in
# tests/data/lite3/ (each vector's Lite3 bytes and JSON text, each invalid buffer),
# then runs libFuzzer for the given time. Works on stable Rust: RUSTC_BOOTSTRAP=1
# lets cargo-fuzz pass its nightly-only flags. Needs `cargo install cargo-fuzz`.
set -euo pipefail

secs="${1:-300}"
root="$(cd "$(dirname "$0")/.." && pwd)"
golden="$root/tests/data/lite3"
corpus="$root/fuzz/corpus/validate_decode"
mkdir -p "$corpus"

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 1; }

# Seed: one file per buffer, named after the case (hex -> bytes with perl).
CORPUS="$corpus" perl -MJSON::PP -ne '
    my $c = decode_json($_);
    my @items;
    push @items, ["v_" . $c->{name}, pack("H*", $c->{lite3_hex})] if exists $c->{lite3_hex};
    push @items, ["j_" . $c->{name}, $c->{json}] if exists $c->{json};
    push @items, ["i_" . $c->{name}, pack("H*", $c->{hex})] if exists $c->{hex};
    for my $it (@items) {
        my ($name, $bytes) = @$it;
        utf8::encode($bytes) if utf8::is_utf8($bytes);
        open(my $fh, ">:raw", "$ENV{CORPUS}/$name") or die "$ENV{CORPUS}/$name: $!";
        print $fh $bytes;
        close($fh);
    }
' "$golden/vectors.jsonl" "$golden/invalid.jsonl"
echo "corpus: $(ls "$corpus" | wc -l) files in $corpus"

cd "$root"
RUSTC_BOOTSTRAP=1 cargo fuzz run validate_decode "$corpus" -- \
    -max_total_time="$secs" -max_len=131072 -print_final_stats=1 -timeout="${FUZZ_TIMEOUT:-60}"
