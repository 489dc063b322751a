#!/usr/bin/env bash
# Consumer groups beside Redis Streams (benches/groups.rs), same machine, same
# run: 4 competing consumer processes claiming and acking 200,000 messages of
# 256 B (claim 100 / ack 100, then claim 1 / ack 1), and append -> delivery
# latency to an idle consumer. Prints both figures and the ratio.
# Starts its own redis-server on a free loopback port with a temporary
# directory (installing the Debian package if it is missing, and saying so).
#   scripts/bench-groups.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  echo "bench-groups: redis-server is missing; installing the Debian package redis-server" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no \
  --daemonize no --logfile "$tmp/redis.log" &
redis_pid=$!
cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"
REDIS_PORT="$port" cargo bench --bench groups
