#!/usr/bin/env bash
# One-time set-up of a Debian machine for Serverledge on Deno, idempotent and quick when done:
# Deno (from npm), Docker (Debian's docker.io, dockerd started), iptables (the node keeps function
# containers away from the host with it), etcd (Debian's etcd-server, for multi-node deployments and
# the tests), openssl (the etcd TLS tests' certificates), procps and iproute2 (the etcd fault tests
# watch etcd's threads and sockets), Chromium (the dashboard's browser tests), zsh and fish (the
# CLI's completion tests), socat (a benchmark floor), and the runtime images built from Debian
# packages.
# Run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/setup.sh installs Debian packages and starts dockerd: run 'sudo $0'" >&2
  exit 1
fi

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v iptables >/dev/null 2>&1 || need+=(iptables) # the firewall between functions and the host
command -v openssl >/dev/null 2>&1 || need+=(openssl) # certificates of the etcd TLS tests
[ -x /usr/bin/chromium ] || need+=(chromium) # the dashboard's end-to-end tests
command -v zsh >/dev/null 2>&1 || need+=(zsh)    # the CLI's completion script tests
command -v fish >/dev/null 2>&1 || need+=(fish)  # the CLI's completion script tests
command -v socat >/dev/null 2>&1 || need+=(socat) # the benchmark's native byte-pipe floor
command -v ps >/dev/null 2>&1 || need+=(procps)   # the etcd fault tests see etcd's threads stop
command -v ss >/dev/null 2>&1 || need+=(iproute2) # the etcd fault tests see bytes reach etcd
command -v npm >/dev/null 2>&1 || command -v deno >/dev/null 2>&1 || need+=(npm)
if ((${#need[@]})); then
  say "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
else
  say "Debian packages present"
fi

if command -v deno >/dev/null 2>&1; then
  say "deno present: $(deno --version | head -n 1)"
else
  say "installing Deno from npm"
  npm install -g deno
fi

scripts/setup-docker.sh
scripts/build-runtimes.sh
say "caching dependencies"
deno install
say "done: run 'deno task start' to start a node"
