#!/usr/bin/env bash
# The main job, end to end with the release binary: create a pool in a
# temporary directory, append messages, read them back.
set -euo pipefail
cd "$(dirname "$0")/.."
pls=./target/release/pls
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$pls" --version
