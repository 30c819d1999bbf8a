// One POSIX shell script that prints every fact as key=value lines; read-only, and starting few processes (it runs on
// every host at every run).
export const FACTS_SCRIPT = `
[ -r /etc/os-release ] && . /etc/os-release
echo "os.id=\${ID:-}"
echo "os.version=\${VERSION_ID:-}"
echo "os.codename=\${VERSION_CODENAME:-\${UBUNTU_CODENAME:-}}"
echo "os.like=\${ID_LIKE:-}"
echo "os.name=\${PRETTY_NAME:-}"
echo "arch=$(uname -m)"
echo "debArch=$(dpkg --print-architecture 2>/dev/null)"
echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
while read -r rig_key rig_kb rig_unit; do [ "$rig_key" = MemTotal: ] && echo "memoryMb=$((rig_kb / 1024))" && break; done < /proc/meminfo 2>/dev/null || echo memoryMb=
uid=\${EUID:-$(id -u)}
echo "user=$(id -un 2>/dev/null)"
echo "home=\${HOME:-}"
if [ "$uid" = 0 ]; then echo root=true; else echo root=false; fi
if [ "$uid" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo sudo=true; else echo sudo=false; fi
if [ -f /.dockerenv ] || [ -f /run/.containerenv ] || grep -qa 'container=' /proc/1/environ 2>/dev/null; then echo container=true; else echo container=false; fi
if command -v nvidia-smi >/dev/null 2>&1; then
  gpus=$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>/dev/null) ||
    gpus=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) || gpus=
  [ -n "$gpus" ] && printf '%s\n' "$gpus" | sed 's/^/gpu=/'
fi
if command -v nvcc >/dev/null 2>&1; then nvcc=nvcc; elif [ -x /usr/local/cuda/bin/nvcc ]; then nvcc=/usr/local/cuda/bin/nvcc; else nvcc=; fi
if [ -n "$nvcc" ]; then echo "cuda=$("$nvcc" --version 2>/dev/null | sed -n 's/.*release \\([0-9][0-9.]*\\).*/\\1/p')"; fi
rig_python=$(python3 -V 2>/dev/null); echo "python3=\${rig_python#Python }"
if [ -n "\${RIG_ENV_DIR:-}" ]; then echo "envDir=$RIG_ENV_DIR"
elif [ "$uid" = 0 ]; then echo "envDir=/etc/profile.d"
else echo "envDir=\${HOME:-/tmp}/.config/rig/env.d"; fi
if [ -n "\${RIG_TARGET_STATE:-}" ]; then echo "stateDir=$RIG_TARGET_STATE"
elif [ "$uid" = 0 ]; then echo "stateDir=/var/lib/rig"
else echo "stateDir=\${HOME:-/tmp}/.local/state/rig"; fi
`;
