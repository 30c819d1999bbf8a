#!/usr/bin/env bash
# Makes what the container test suite needs (as root): the podman settings file
# .cache/podman/containers.conf, and the base images, minbase systems made with debootstrap and set up as the
# distributions' official container images are (apt keeps no .deb files, PATH set, no python3):
#   localhost/rig-test-bullseye  Debian 11
#   localhost/rig-test-bookworm  Debian 12
#   localhost/rig-test-trixie    Debian 13
#   localhost/rig-test-focal     Ubuntu 20.04
#   localhost/rig-test-jammy     Ubuntu 22.04
#   localhost/rig-test-noble     Ubuntu 24.04
# Each image is kept: it is built again only when it is missing or its revision below changes. Missing images are
# built at the same time (debootstrap mostly waits on the archive). Tests and CI pass the settings file to podman
# as CONTAINERS_CONF.
set -euo pipefail
cd "$(dirname "$0")/.."

conf=$PWD/.cache/podman/containers.conf
debian_mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Debian's official images take security updates from the same host, under debian-security.
debian_security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Ubuntu images use the archive debootstrap's own Ubuntu scripts name unless UBUNTU_MIRROR says otherwise.
ubuntu_mirror=${UBUNTU_MIRROR:-}

# name suite revision: the images this script makes.
images=(
  "rig-test-bullseye bullseye 1"
  "rig-test-bookworm bookworm 3"
  "rig-test-trixie trixie 1"
  "rig-test-focal focal 1"
  "rig-test-jammy jammy 1"
  "rig-test-noble noble 1"
)

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

current() { # image revision: is the image there at that revision?
  [ "$(podman image inspect --format '{{index .Config.Labels "rig.test-image"}}' "$1" 2>/dev/null)" = "$2" ]
}

debian_sources() { # suite rootfs: the sources Debian's official images have (main, from the suite, its updates and security)
  local suite=$1 rootfs=$2
  if [ "$suite" = bullseye ]; then
    # Debian 11's image has the classic sources.list.
    printf 'deb %s %s main\n' "$debian_mirror" "$suite" "$debian_security" "$suite-security" "$debian_mirror" "$suite-updates" \
      > "$rootfs/etc/apt/sources.list"
    return
  fi
  # Debian 12 and later have deb822 sources in sources.list.d, and no sources.list.
  rm -f "$rootfs/etc/apt/sources.list"
  cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $debian_mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $debian_security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
}

build() { # name suite revision
  local image=localhost/$1 suite=$2 revision=$3 rootfs old mirror=() kind=debian
  case $suite in bullseye | bookworm | trixie) mirror=("$debian_mirror") ;; *) kind=ubuntu; [ -z "$ubuntu_mirror" ] || mirror=("$ubuntu_mirror") ;; esac
  old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  rootfs=$(mktemp -d)
  # Each build runs in a subshell of its own: its temp folder goes when it ends, however it ends.
  trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
  echo "$image: debootstrap --variant=minbase $suite ${mirror[*]:-(its default archive)}"
  local flags=(--variant=minbase)
  # Debian has no ubuntu-keyring package to check Ubuntu's Release files with.
  [ "$kind" = debian ] || flags+=(--no-check-gpg)
  if ! debootstrap "${flags[@]}" "$suite" "$rootfs" "${mirror[@]}" >"$rootfs.log" 2>&1; then
    tail -n 30 "$rootfs.log" >&2
    rm -rf "$rootfs" "$rootfs.log"
    echo "$image: debootstrap failed" >&2
    return 1
  fi
  rm -f "$rootfs.log"
  if [ "$kind" = debian ]; then
    debian_sources "$suite" "$rootfs"
  else
    # debootstrap leaves one line, `deb URL SUITE main`; a real box has the archive's updates and security suites
    # and every component, from the same archive.
    local url
    url=$(awk '$1 == "deb" { print $2; exit }' "$rootfs/etc/apt/sources.list")
    if [ -z "$url" ]; then echo "$image: no archive URL in the sources.list debootstrap wrote" >&2; rm -rf "$rootfs"; return 1; fi
    {
      for s in "$suite" "$suite-updates" "$suite-security"; do echo "deb $url $s main restricted universe multiverse"; done
    } > "$rootfs/etc/apt/sources.list"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  if [ -e "$rootfs/usr/bin/python3" ]; then echo "$image: the minbase system has python3; the images must not" >&2; rm -rf "$rootfs"; return 1; fi
  tar -C "$rootfs" -c . | podman import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL rig.test-image=$revision" \
    - "$image" >/dev/null
  rm -rf "$rootfs"
  if [ -n "$old" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
  echo "$image: built"
}

todo=()
for spec in "${images[@]}"; do
  read -r name suite revision <<<"$spec"
  if current "localhost/$name" "$revision"; then echo "localhost/$name: already built"; else todo+=("$spec"); fi
done
[ "${#todo[@]}" -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
  echo "scripts/test-image.sh: debootstrap needs root to build: ${todo[*]%% *}" >&2
  exit 1
fi
# Debian 12's debootstrap has no noble script; noble is bootstrapped as every Ubuntu release since gutsy is.
if [[ " ${todo[*]} " == *" noble "* ]] && [ ! -e /usr/share/debootstrap/scripts/noble ]; then
  ln -s gutsy /usr/share/debootstrap/scripts/noble
fi

pids=()
for spec in "${todo[@]}"; do
  # shellcheck disable=SC2086
  build $spec &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit "$failed"
