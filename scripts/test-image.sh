#!/usr/bin/env bash
# Makes what the container test suite needs (as root): the podman settings file
# .cache/podman/containers.conf, and the image localhost/rig-test-bookworm, a Debian 12
# minbase made with debootstrap and set up as Debian's official images are (apt keeps no
# .deb files, PATH set). The image is kept: it is built again only when its revision below changes.
# Tests and CI pass the settings file to podman as CONTAINERS_CONF.
set -euo pipefail
cd "$(dirname "$0")/.."

image=localhost/rig-test-bookworm
revision=2
conf=$PWD/.cache/podman/containers.conf
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# crun and default ulimits fail on hosts with hybrid cgroups or without raised limits; runc and fixed ulimits work.
mkdir -p "$(dirname "$conf")"
cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
stop_timeout = 1
CONF
export CONTAINERS_CONF=$conf

if [ "$(podman image inspect --format '{{index .Config.Labels "rig.test-image"}}' "$image" 2>/dev/null)" = "$revision" ]; then
  echo "$image: already built"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "scripts/test-image.sh: debootstrap needs root to build $image" >&2
  exit 1
fi
old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "$image: debootstrap --variant=minbase bookworm ($mirror)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
tar -C "$rootfs" -c . | podman import -q \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL rig.test-image=$revision" \
  - "$image" >/dev/null
if [ -n "$old" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
echo "$image: built"
