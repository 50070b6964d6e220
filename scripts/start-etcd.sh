#!/usr/bin/env bash
# Starts a local etcd for Serverledge on 127.0.0.1:2379 (data in .data/etcd, log in
# .data/etcd.log, pid in .data/etcd.pid) and waits until it is healthy.
# Idempotent: when an etcd already answers there, it says so and exits 0.
#
# Usage: scripts/start-etcd.sh
# Env:   ETCD_PORT (default 2379), ETCD_PEER_PORT (default 2380),
#        ETCD_START_TIMEOUT seconds (default 20)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/.data"
pid_file="$data/etcd.pid"
log_file="$data/etcd.log"
port="${ETCD_PORT:-2379}"
peer_port="${ETCD_PEER_PORT:-2380}"
timeout="${ETCD_START_TIMEOUT:-20}"
url="http://127.0.0.1:$port"
peer_url="http://127.0.0.1:$peer_port"

healthy() {
  curl -fsS --max-time 1 "$url/health" 2>/dev/null | grep -q '"health":"true"'
}

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "etcd" ]] || return 1
  echo "$pid"
}

if pid="$(running_pid)"; then
  echo "etcd is already running at 127.0.0.1:$port (pid $pid)"
  exit 0
fi
if healthy; then
  echo "An etcd already answers at 127.0.0.1:$port (not started by this script)"
  exit 0
fi
if ! command -v etcd >/dev/null; then
  echo 'etcd is not installed: run "apt-get install etcd-server"' >&2
  exit 1
fi

mkdir -p "$data"
rm -f "$pid_file"
setsid etcd \
  --name=serverledge \
  --data-dir="$data/etcd" \
  --listen-client-urls="$url" \
  --advertise-client-urls="$url" \
  --listen-peer-urls="$peer_url" \
  --initial-advertise-peer-urls="$peer_url" \
  --initial-cluster="serverledge=$peer_url" \
  --logger=zap \
  --log-outputs=stderr \
  </dev/null >>"$log_file" 2>&1 &
pid=$!
echo "$pid" >"$pid_file"

for ((i = 0; i < timeout * 10; i++)); do
  if healthy; then
    echo "etcd is running at 127.0.0.1:$port (pid $pid, log $log_file)"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    echo "etcd exited at start, last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2
    exit 1
  fi
  sleep 0.1
done
echo "etcd did not answer at $url within ${timeout} s, see $log_file" >&2
exit 1
