#!/usr/bin/env bash
# Regenerates the committed man pages and shell completions from the clap
# definitions. tests/cli.rs (generated_docs_are_current) fails when they are
# stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin pls
pls=./target/debug/pls
rm -rf man && mkdir -p man completions
"$pls" man --out man
"$pls" completions bash > completions/pls.bash
"$pls" completions zsh > completions/_pls
"$pls" completions fish > completions/pls.fish
"$pls" completions elvish > completions/pls.elv
"$pls" completions powershell > completions/_pls.ps1
echo "regenerated man/ and completions/"
