#!/usr/bin/env bash
# Stops the etcd started by scripts/start-etcd.sh (found by its pid file .data/etcd.pid):
# SIGTERM, then SIGKILL after 10 s. Idempotent: when it is not running, it says so.
#
# Usage: scripts/stop-etcd.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pid_file="$root/.data/etcd.pid"

if [[ ! -f "$pid_file" ]]; then
  echo "etcd is not running (no $pid_file)"
  exit 0
fi
pid="$(cat "$pid_file")"
if [[ -z "$pid" || "$(cat "/proc/$pid/comm" 2>/dev/null)" != "etcd" ]]; then
  rm -f "$pid_file"
  echo "etcd is not running (stale pid file removed)"
  exit 0
fi

kill -TERM "$pid"
for ((i = 0; i < 100; i++)); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    echo "etcd stopped (pid $pid)"
    exit 0
  fi
  sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pid_file"
echo "etcd killed after 10 s (pid $pid)"
