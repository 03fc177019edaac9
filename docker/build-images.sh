#!/usr/bin/env bash
# Builds the three service images: pingdummy/<service>:<tag> (tag: $IMAGE_TAG, else the git SHA).
# CONTAINER_ENGINE picks docker or podman (default: docker when it answers, else podman). With
# podman, the local base images are built first when missing (docker/base-images/build.sh: for
# machines that cannot pull). A CA bundle for a TLS-intercepting proxy in front of the npm registry
# (the bundle the host's npm trusts, see below) is passed as the build secret "ca".
# Usage: docker/build-images.sh [service...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tag="${IMAGE_TAG:-$(git rev-parse --short=12 HEAD)}"
services=("$@")
[ ${#services[@]} -eq 0 ] && services=(beacon worker frontend)

engine="${CONTAINER_ENGINE:-}"
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker; else engine=podman; fi
fi
if [ "$engine" = podman ]; then
  # shellcheck source=podman-env.sh
  source "$root/docker/podman-env.sh"
  docker/base-images/build.sh
fi

# The CA bundle the host's npm trusts: SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, npm's cafile, else the
# system bundle (public CAs plus any the machine added, such as a proxy's).
ca="${SSL_CERT_FILE:-${NODE_EXTRA_CA_CERTS:-}}"
if [ -z "$ca" ] || [ ! -s "$ca" ]; then ca="$(npm config get cafile 2>/dev/null || true)"; fi
if [ -z "$ca" ] || [ ! -s "$ca" ]; then ca=/etc/ssl/certs/ca-certificates.crt; fi
secret=()
[ -s "$ca" ] && secret=(--secret "id=ca,src=$ca")
# podman keeps HEALTHCHECK only in the docker image format.
format=()
[ "$engine" = podman ] && format=(--format docker)

for service in "${services[@]}"; do
  started=$(date +%s)
  "$engine" build --quiet "${format[@]}" "${secret[@]}" -f "services/$service/Dockerfile" \
    -t "pingdummy/$service:$tag" -t "pingdummy/$service:latest" . >/dev/null
  echo "[images] pingdummy/$service:$tag built in $(( $(date +%s) - started )) s"
done
