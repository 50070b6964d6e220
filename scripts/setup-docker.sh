#!/usr/bin/env bash
# Make sure a Docker daemon answers on this machine.
#
#   scripts/setup-docker.sh
#
# Idempotent: when `docker info` already works it says so and exits 0. Otherwise, as root on
# Debian, it installs Debian's docker.io when dockerd is missing and starts dockerd in the
# background (no systemd needed), then waits until `docker info` answers.
#
# Environment:
#   DOCKERD_LOG            dockerd's log file (default /var/log/serverledge-dockerd.log)
#   DOCKER_WAIT_SECONDS    how long to wait for the daemon (default 30)
set -euo pipefail

log() { printf '[setup-docker] %s\n' "$*"; }
fail() {
  printf '[setup-docker] error: %s\n' "$*" >&2
  exit 1
}

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/serverledge-dockerd.log}"
WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-30}"

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

server_version() { docker info --format '{{.ServerVersion}}' 2>/dev/null || echo '?'; }

if docker_answers; then
  log "Docker is ready (server $(server_version))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if [ -S /var/run/docker.sock ] && command -v docker >/dev/null 2>&1; then
    fail "a Docker daemon is running but $(id -un) cannot use /var/run/docker.sock: add the user to the 'docker' group (sudo usermod -aG docker $(id -un), then log in again) or run as root"
  fi
  fail "no Docker daemon answers and this script is not running as root: run 'sudo $0' (it installs Debian's docker.io if needed and starts dockerd)"
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 ||
    fail "dockerd is not installed and apt-get is missing: install Docker with your system's package manager, then run this script again"
  log "dockerd is missing: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
  log "docker.io installed ($(dockerd --version 2>/dev/null || echo 'unknown version'))"
  # A package install can start the service itself where systemd runs.
  if docker_answers; then
    log "Docker is ready (server $(server_version))"
    exit 0
  fi
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "a dockerd process exists but does not answer yet: waiting for it"
else
  started=""
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    log "starting Docker through systemd"
    if systemctl start docker >/dev/null 2>&1; then started=systemd; fi
  fi
  if [ -z "$started" ]; then
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    # setsid + nohup: the daemon outlives this script and its terminal.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    echo $! >/var/run/serverledge-dockerd.pid
  fi
fi

started_at=$SECONDS
deadline=$((SECONDS + WAIT_SECONDS))
while ! docker info >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    if [ -f "$DOCKERD_LOG" ]; then
      printf '[setup-docker] last lines of %s:\n' "$DOCKERD_LOG" >&2
      tail -n 20 "$DOCKERD_LOG" >&2 || true
    fi
    fail "dockerd did not answer within ${WAIT_SECONDS}s (see $DOCKERD_LOG)"
  fi
  # Give the process a moment to exec before concluding that it died.
  if [ $((SECONDS - started_at)) -ge 3 ] && ! pgrep -x dockerd >/dev/null 2>&1; then
    if [ -f "$DOCKERD_LOG" ]; then
      printf '[setup-docker] last lines of %s:\n' "$DOCKERD_LOG" >&2
      tail -n 20 "$DOCKERD_LOG" >&2 || true
    fi
    fail "dockerd exited while starting (see $DOCKERD_LOG)"
  fi
  sleep 0.5
done
log "Docker is ready (server $(server_version))"
