// One POSIX shell script that prints every fact as key=value lines; read-only.
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
echo "memoryMb=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo 2>/dev/null)"
uid=$(id -u)
echo "user=$(id -un 2>/dev/null)"
echo "home=\${HOME:-}"
echo "root=$([ "$uid" = 0 ] && echo true || echo false)"
echo "sudo=$([ "$uid" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && echo true || echo false)"
if [ -f /.dockerenv ] || [ -f /run/.containerenv ] || grep -qa 'container=' /proc/1/environ 2>/dev/null; then echo container=true; else echo container=false; fi
if command -v nvidia-smi >/dev/null 2>&1; then
  gpus=$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>/dev/null) ||
    gpus=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) || gpus=
  [ -n "$gpus" ] && printf '%s\n' "$gpus" | sed 's/^/gpu=/'
fi
nvcc=$(command -v nvcc 2>/dev/null || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; })
if [ -n "$nvcc" ]; then echo "cuda=$("$nvcc" --version 2>/dev/null | sed -n 's/.*release \\([0-9][0-9.]*\\).*/\\1/p')"; fi
echo "python3=$(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null)"
if [ -n "\${RIG_ENV_DIR:-}" ]; then echo "envDir=$RIG_ENV_DIR"
elif [ "$uid" = 0 ]; then echo "envDir=/etc/profile.d"
else echo "envDir=\${HOME:-/tmp}/.config/rig/env.d"; fi
if [ -n "\${RIG_TARGET_STATE:-}" ]; then echo "stateDir=$RIG_TARGET_STATE"
elif [ "$uid" = 0 ]; then echo "stateDir=/var/lib/rig"
else echo "stateDir=\${HOME:-/tmp}/.local/state/rig"; fi
`;
