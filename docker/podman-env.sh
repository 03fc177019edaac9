# Sourced by the container scripts: Podman settings this kind of machine needs, written to a
# project-local containers.conf (CONTAINERS_CONF) instead of the system's:
# - the runc runtime (Debian's crun is not usable in this sandbox);
# - nofile/nproc ulimits below the host's hard limits (Podman's defaults ask for more, and runc
#   then fails with "error setting rlimits");
# - cgroupfs and file events (no systemd here).
# With Docker, or a Podman that already works, none of this is used.
podman_conf_dir="${PINGDUMMY_CONTAINERS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data/containers}"
mkdir -p "$podman_conf_dir"
hard_nofile=$(ulimit -Hn)
hard_nproc=$(ulimit -Hu)
below() { # $1 = wanted, $2 = hard limit ("unlimited" or a number): the smaller, leaving headroom
  if [ "$2" = unlimited ] || [ "$2" -gt "$1" ]; then echo "$1"; else echo $(( $2 * 3 / 4 )); fi
}
nofile=$(below 65536 "$hard_nofile")
nproc=$(below 4096 "$hard_nproc")
cat > "$podman_conf_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$podman_conf_dir/containers.conf"
