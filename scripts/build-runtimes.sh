#!/usr/bin/env bash
# Build the runtime images locally from Debian packages (and the npm tarballs a runtime pins); no
# image registry is used.
#
#   scripts/build-runtimes.sh [--force]
#
# 1. serverledge-base:bookworm — when missing: a minimal Debian bookworm rootfs with python3 and
#    nodejs, made by mmdebstrap (or debootstrap --variant=minbase) from the host's Debian mirror,
#    streamed into `docker import`.
# 2. serverledge-<name>:latest for every runtimes/<name>/Dockerfile, built FROM the base without
#    network. Each image carries the label serverledge.source-hash: a hash of its folder's files
#    and of the base image id. The image is rebuilt when that hash changes.
#    A runtime folder may list npm packages in a file npm-tarballs ("<package>@<version>
#    <integrity>" a line): each tarball is fetched from the npm registry (kept in
#    .data/npm-tarballs/), checked against its pinned sha512 integrity, and unpacked into the
#    build context as npm/<package>/ (how the deno2 image gets its Deno binary).
#
# Options:
#   --force   rebuild the base and every runtime image
#
# Environment:
#   DEBIAN_MIRROR            mirror for bookworm and bookworm-updates (default: the host's apt
#                            sources, else http://deb.debian.org/debian)
#   DEBIAN_SECURITY_MIRROR   mirror for bookworm-security (default: the host's apt sources,
#                            else http://deb.debian.org/debian-security)
#   BOOTSTRAP_TOOL           mmdebstrap or debootstrap (default: mmdebstrap when installed)
#   NPM_CONFIG_REGISTRY      npm registry the npm-tarballs come from (default: npm's own)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE=bookworm
BASE_IMAGE="serverledge-base:$SUITE"
BASE_PACKAGES="python3,nodejs,ca-certificates"
HASH_LABEL="serverledge.source-hash"
NPM_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
NPM_REGISTRY="${NPM_REGISTRY%/}"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      printf '[build-runtimes] error: unknown argument "%s" (try --help)\n' "$arg" >&2
      exit 2
      ;;
  esac
done

T0=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
log() { printf '[build-runtimes] %s\n' "$*"; }
fail() {
  printf '[build-runtimes] error: %s\n' "$*" >&2
  exit 1
}

command -v docker >/dev/null 2>&1 || fail "docker is not installed: run scripts/setup-docker.sh"
docker info >/dev/null 2>&1 || fail "no Docker daemon answers: run scripts/setup-docker.sh"

WORK=""
OLD_BASE_ID=""
cleanup() {
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    # An interrupted bootstrap may still be unmounting its chroot's /proc, /sys, /dev.
    local i
    for i in $(seq 1 50); do
      grep -q " $WORK/" /proc/mounts || break
      sleep 0.2
    done
    grep " $WORK/" /proc/mounts | awk '{ print $2 }' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf --one-file-system "$WORK"
  fi
  if docker image inspect "$BASE_IMAGE-partial" >/dev/null 2>&1; then
    docker rmi "$BASE_IMAGE-partial" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
# On Ctrl-C or SIGTERM, bash runs this once the foreground step (which got the signal too) ends.
trap 'printf "[build-runtimes] interrupted\n" >&2; exit 130' INT TERM
make_work_dir() {
  if [ -z "$WORK" ]; then
    mkdir -p "$ROOT/.data"
    WORK="$(mktemp -d "$ROOT/.data/build-runtimes.XXXXXX")"
  fi
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Prints "suite uri" for every enabled deb source of the host (one-line and deb822 formats).
host_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if (i + 1 <= NF) print $(i + 1), $i
    }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
    {
      types = ""; uris = ""; suites = ""; enabled = "yes"
      for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^#/) continue
        if (tolower(line) ~ /^types:/) { sub(/^[^:]*:[ \t]*/, "", line); types = line }
        else if (tolower(line) ~ /^uris:/) { sub(/^[^:]*:[ \t]*/, "", line); uris = line }
        else if (tolower(line) ~ /^suites:/) { sub(/^[^:]*:[ \t]*/, "", line); suites = line }
        else if (tolower(line) ~ /^enabled:/) { sub(/^[^:]*:[ \t]*/, "", line); enabled = tolower(line) }
      }
      if (enabled == "no" || types !~ /(^|[ \t])deb([ \t]|$)/) next
      split(uris, u, /[ \t]+/)
      n = split(suites, s, /[ \t]+/)
      for (j = 1; j <= n; j++) if (s[j] != "") print s[j], u[1]
    }' "$f"
  done
}

# The mirror that the host uses for a suite, or nothing.
host_mirror_for() { host_sources 2>/dev/null | awk -v s="$1" '$1 == s { print $2; exit }'; }

apt_source_lines() {
  local main security updates
  main="${DEBIAN_MIRROR:-$(host_mirror_for "$SUITE")}"
  main="${main:-http://deb.debian.org/debian}"
  updates="${DEBIAN_MIRROR:-$(host_mirror_for "$SUITE-updates")}"
  updates="${updates:-$main}"
  security="${DEBIAN_SECURITY_MIRROR:-$(host_mirror_for "$SUITE-security")}"
  security="${security:-http://deb.debian.org/debian-security}"
  printf 'deb %s %s main\n' "$main" "$SUITE"
  printf 'deb %s %s-updates main\n' "$updates" "$SUITE"
  printf 'deb %s %s-security main\n' "$security" "$SUITE"
}

# Paths that dpkg does not unpack into the base (docs, man pages, locales).
DPKG_EXCLUDES=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/info/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/locale/*'
  'path-include=/usr/share/locale/locale.alias'
  'path-exclude=/usr/share/lintian/*'
  'path-exclude=/usr/share/doc-base/*'
)

trim_rootfs() { # $1 = rootfs dir; what dpkg excludes could not catch
  rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/cache/debconf/*-old \
    "$1"/var/lib/dpkg/*-old "$1"/var/log/*.log "$1"/var/log/apt/* "$1"/usr/share/man/* \
    "$1"/usr/share/info/* "$1"/usr/share/lintian "$1"/usr/share/doc-base
  find "$1"/usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$1"/usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias \
    -exec rm -rf {} + 2>/dev/null || true
}

IMPORT_CHANGES=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'ENV LANG=C.UTF-8'
  --change 'CMD ["/bin/bash"]'
)

build_base() {
  make_work_dir
  local tool="${BOOTSTRAP_TOOL:-}" sources t
  if [ -z "$tool" ]; then
    if command -v mmdebstrap >/dev/null 2>&1; then
      tool=mmdebstrap
    elif command -v debootstrap >/dev/null 2>&1; then
      tool=debootstrap
    else
      fail "neither mmdebstrap nor debootstrap is installed: apt-get install -y mmdebstrap"
    fi
  fi
  [ "$(id -u)" -eq 0 ] || fail "building $BASE_IMAGE needs root ($tool makes a chroot): run 'sudo $0'"
  sources="$(apt_source_lines)"
  mapfile -t source_lines <<<"$sources"
  log "base $BASE_IMAGE: bootstrapping Debian $SUITE with $tool (+ ${BASE_PACKAGES//,/, }) from $(printf '%s' "${source_lines[0]}" | awk '{ print $2 }') ..."
  t=$(now)
  docker rmi "$BASE_IMAGE-partial" >/dev/null 2>&1 || true
  if [ "$tool" = mmdebstrap ]; then
    local dpkgopts=() o hooks=()
    for o in "${DPKG_EXCLUDES[@]}"; do dpkgopts+=("--dpkgopt=$o"); done
    # Merged /usr set up the debootstrap way: avoids the usrmerge package, which drags in perl
    # (~50 MB).
    if [ -d /usr/share/mmdebstrap/hooks/merged-usr ]; then
      hooks+=(--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr)
    fi
    # The rootfs is streamed as a tar into docker import; mmdebstrap's scratch chroot lives in
    # $WORK (TMPDIR) and is removed by mmdebstrap itself.
    if ! TMPDIR="$WORK" mmdebstrap --quiet --variant=minbase --include="$BASE_PACKAGES" \
      --format=tar "${dpkgopts[@]}" "${hooks[@]}" \
      --customize-hook='rm -rf "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1"/var/log/*.log "$1"/var/log/apt/*' \
      "$SUITE" - "${source_lines[@]}" </dev/null 2>"$WORK/bootstrap.log" |
      docker import "${IMPORT_CHANGES[@]}" - "$BASE_IMAGE-partial" >/dev/null; then
      tail -n 30 "$WORK/bootstrap.log" >&2 || true
      fail "bootstrapping the base rootfs failed (mmdebstrap output above)"
    fi
  else
    local rootfs="$WORK/rootfs" first
    first="$(printf '%s' "${source_lines[0]}" | awk '{ print $2 }')"
    if ! debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$rootfs" "$first" \
      >"$WORK/bootstrap.log" 2>&1; then
      tail -n 30 "$WORK/bootstrap.log" >&2 || true
      fail "bootstrapping the base rootfs failed (debootstrap output above)"
    fi
    printf '%s\n' "${source_lines[@]}" >"$rootfs/etc/apt/sources.list"
    mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
    printf '%s\n' "${DPKG_EXCLUDES[@]}" >"$rootfs/etc/dpkg/dpkg.cfg.d/serverledge-excludes"
    trim_rootfs "$rootfs"
    log "base $BASE_IMAGE: rootfs ready in $(since "$t"), importing ..."
    tar --numeric-owner --xattrs -C "$rootfs" -c . |
      docker import "${IMPORT_CHANGES[@]}" - "$BASE_IMAGE-partial" >/dev/null ||
      fail "docker import of the base rootfs failed"
    rm -rf --one-file-system "$rootfs"
  fi
  local versions
  versions="$(docker run --rm --network none "$BASE_IMAGE-partial" \
    sh -c 'echo "Python $(python3 -c "import platform; print(platform.python_version())"), Node.js $(node --version)"')" ||
    fail "the new base image cannot run python3 and node"
  OLD_BASE_ID="$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)"
  docker tag "$BASE_IMAGE-partial" "$BASE_IMAGE"
  docker rmi "$BASE_IMAGE-partial" >/dev/null
  log "base $BASE_IMAGE: built in $(since "$t") ($versions)"
}

# Hash of a runtime folder's files (paths and contents) and of the base image it builds on.
source_hash() { # $1 = runtime dir, $2 = base image id
  {
    printf 'base %s\n' "$2"
    (cd "$1" && find . -type f -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 |
      LC_ALL=C sort -z | xargs -0 -r sha256sum)
  } | sha256sum | awk '{ print $1 }'
}

# Whether file $1 has the integrity $2 ("sha512-<base64>", as npm's metadata gives it).
integrity_ok() {
  local expected actual
  case "$2" in
    sha512-*) ;;
    *) fail "integrity \"$2\" is not sha512-<base64>" ;;
  esac
  expected="$(printf '%s' "${2#sha512-}" | base64 -d 2>/dev/null | od -An -tx1 -v | tr -d ' \n')"
  actual="$(sha512sum "$1" | awk '{ print $1 }')"
  [ -n "$expected" ] && [ "$expected" = "$actual" ]
}

# Fetches the tarball of npm package $1 ("<package>@<version>") unless the cache holds it and
# checks it against integrity $2; sets NPM_TARBALL to its path.
npm_tarball() {
  local spec="$1" integrity="$2" package version url cache file t
  package="${spec%@*}"
  version="${spec##*@}"
  [ -n "$package" ] && [ -n "$version" ] && [ "$package" != "$spec" ] ||
    fail "npm package \"$spec\" is not <package>@<version>"
  url="$NPM_REGISTRY/$package/-/${package##*/}-$version.tgz"
  cache="$ROOT/.data/npm-tarballs"
  file="$cache/${package//\//+}-$version.tgz"
  mkdir -p "$cache"
  NPM_TARBALL="$file"
  if [ -f "$file" ] && integrity_ok "$file" "$integrity"; then return; fi
  command -v curl >/dev/null 2>&1 || fail "curl is not installed: apt-get install -y curl"
  log "npm $spec: fetching $url ..."
  t=$(now)
  curl -fsSL --retry 3 -o "$file.partial" "$url" || fail "could not fetch $url"
  if ! integrity_ok "$file.partial" "$integrity"; then
    rm -f "$file.partial"
    fail "npm $spec: the tarball from $url does not match its pinned integrity $integrity"
  fi
  mv "$file.partial" "$file"
  log "npm $spec: fetched in $(since "$t") ($(($(stat -c %s "$file") / 1000000)) MB, integrity checked)"
}

# Sets CONTEXT to the folder docker builds runtime $1 from: the runtime folder itself, or a copy
# of it with the packages of its npm-tarballs unpacked under npm/<package>/.
build_context() {
  local dir="$1" context spec integrity rest
  CONTEXT="$dir"
  [ -f "$dir/npm-tarballs" ] || return 0
  make_work_dir
  context="$WORK/context-$(basename "$dir")"
  rm -rf "$context"
  cp -a "$dir/." "$context"
  while read -r spec integrity rest; do
    case "$spec" in '' | '#'*) continue ;; esac
    [ -n "$integrity" ] && [ -z "$rest" ] ||
      fail "$dir/npm-tarballs: expected \"<package>@<version> <integrity>\", got \"$spec $integrity $rest\""
    npm_tarball "$spec" "$integrity"
    mkdir -p "$context/npm/${spec%@*}"
    tar -xzf "$NPM_TARBALL" -C "$context/npm/${spec%@*}" --strip-components=1 --no-same-owner ||
      fail "could not unpack $NPM_TARBALL"
  done <"$dir/npm-tarballs"
  CONTEXT="$context"
}

build_runtime() { # $1 = runtime dir
  local dir="$1" name image hash current old_id t
  name="$(basename "$dir")"
  image="serverledge-$name:latest"
  hash="$(source_hash "$dir" "$BASE_ID")"
  current=""
  if image_exists "$image"; then
    current="$(docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$image" 2>/dev/null || true)"
    if [ "$FORCE" -eq 0 ] && [ "$current" = "$hash" ]; then
      log "runtime $image: up to date (${hash:0:12})"
      return
    fi
  fi
  local why="missing"
  if [ -n "$current" ] || image_exists "$image"; then why="sources changed"; fi
  if [ "$FORCE" -eq 1 ]; then why="--force"; fi
  old_id="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  log "runtime $image: building from runtimes/$name ($why) ..."
  make_work_dir
  t=$(now)
  build_context "$dir"
  if ! docker build --network none --label "$HASH_LABEL=$hash" -t "$image" "$CONTEXT" \
    >"$WORK/build-$name.log" 2>&1; then
    tail -n 30 "$WORK/build-$name.log" >&2 || true
    fail "docker build of $image failed (output above)"
  fi
  log "runtime $image: built in $(since "$t") (${hash:0:12})"
  # The replaced image is now untagged: drop it unless a container still uses it.
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
}

if [ "$FORCE" -eq 1 ] || ! image_exists "$BASE_IMAGE"; then
  build_base
else
  log "base $BASE_IMAGE: present"
fi
BASE_ID="$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")"

shopt -s nullglob
dockerfiles=("$ROOT"/runtimes/*/Dockerfile)
[ "${#dockerfiles[@]}" -gt 0 ] || fail "no runtimes/*/Dockerfile found under $ROOT"
images=("$BASE_IMAGE")
for df in "${dockerfiles[@]}"; do
  dir="$(dirname "$df")"
  build_runtime "$dir"
  images+=("serverledge-$(basename "$dir"):latest")
done

# A replaced base is untagged now; once the runtimes no longer build on it, drop it (unless
# containers or other images still use it).
if [ -n "$OLD_BASE_ID" ] && [ "$OLD_BASE_ID" != "$BASE_ID" ]; then
  docker rmi "$OLD_BASE_ID" >/dev/null 2>&1 || true
fi

for image in "${images[@]}"; do
  size="$(docker image inspect -f '{{.Size}}' "$image")"
  log "$(printf 'image %-32s %4d MB' "$image" $((size / 1000000)))"
done
log "done in $(since "$T0")"
