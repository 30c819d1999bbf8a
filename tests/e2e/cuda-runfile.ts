import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A stand-in for NVIDIA's CUDA local installer (cuda_X.Y.Z_DRIVER_linux.run). The real one is a makeself shell
// archive run as `sh FILE --silent --toolkit`; with --toolkit it installs the toolkit into /usr/local/cuda-X.Y and
// points the /usr/local/cuda link at it. This one is a plain sh script that leaves what rig's check and verify and
// users read: bin/nvcc (printing that release's recorded `nvcc -V`, tests/fixtures/nvcc/), lib64/libcudart.so.MAJOR,
// version.json, the /usr/local/cuda link and a line in /var/log/cuda-installer.log. It installs no driver: asked for
// one (--driver, or no --toolkit) it refuses, as the real one does in a box without a usable kernel module or with X.

const NVCC = fileURLToPath(new URL('../fixtures/nvcc/', import.meta.url));

// The recorded `nvcc -V` of a release (tests/fixtures/nvcc/<release>.txt), exactly as nvcc prints it.
export function nvccOutput(release: string): string {
  return readFileSync(`${NVCC}${release}.txt`, 'utf8');
}

// Quote for sh, single quotes.
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// The stand-in runfile of `release` (X.Y.Z): a sh script, its text.
export function runfileScript(release: string): string {
  const version = nvccOutput(release);
  const majmin = release.split('.').slice(0, 2).join('.');
  const major = release.split('.')[0]!;
  const nvccVersion = /V(\d+\.\d+\.\d+)/.exec(version)?.[1] ?? release;
  const nvcc = [
    '#!/bin/sh',
    `# stand-in nvcc of CUDA ${release}: prints the release's recorded version, compiles nothing`,
    'case "${1:-}" in',
    `  -V|--version) printf '%s' ${sq(version)}; exit 0 ;;`,
    `  '') echo 'nvcc fatal   : No input files specified; use option --help for more information' >&2; exit 1 ;;`,
    `  *) echo 'nvcc: this stand-in nvcc compiles nothing' >&2; exit 1 ;;`,
    'esac',
    '',
  ].join('\n');
  const versionJson = `${JSON.stringify({ cuda: { name: 'CUDA SDK', version: release }, cuda_nvcc: { name: 'CUDA NVCC', version: nvccVersion } }, null, 3)}\n`;
  return [
    '#!/bin/sh',
    `# Stand-in for NVIDIA's CUDA ${release} runfile (rig's tests: tests/e2e/cuda-runfile.ts). Installs only what`,
    '# rig and its users read of the toolkit: bin/nvcc, lib64/libcudart, version.json and the /usr/local/cuda link.',
    'set -eu',
    'silent= toolkit= driver= toolkitpath=',
    'for arg in "$@"; do',
    '  case $arg in',
    '    --silent) silent=1 ;;',
    '    --toolkit) toolkit=1 ;;',
    '    --driver) driver=1 ;;',
    '    --toolkitpath=*) toolkitpath=${arg#--toolkitpath=} ;;',
    '    --override|--no-opengl-libs|--no-man-page|--no-drm|--no-symlink) ;;',
    '    *) echo "Unknown option: $arg" >&2; exit 1 ;;',
    '  esac',
    'done',
    'if [ -z "$silent" ]; then echo "This stand-in installer runs only with --silent" >&2; exit 1; fi',
    'if [ -n "$driver" ] || [ -z "$toolkit" ]; then',
    '  if [ -n "${DISPLAY:-}" ] || ls /tmp/.X11-unix/X* >/dev/null 2>&1; then',
    '    echo "ERROR: Installer has detected a running X server. Please stop it before installing the driver." >&2',
    '  else',
    '    echo "ERROR: Install of driver component failed: the nvidia-drm kernel module cannot be built or loaded here." >&2',
    '  fi',
    '  echo "A driver install was asked (--driver, or no --toolkit); install the toolkit alone with --silent --toolkit." >&2',
    '  exit 1',
    'fi',
    'if [ "$(id -u)" != 0 ] && [ -z "$toolkitpath" ]; then echo "ERROR: You must be root to install in /usr/local." >&2; exit 1; fi',
    `dir=\${toolkitpath:-/usr/local/cuda-${majmin}}`,
    'mkdir -p "$dir/bin" "$dir/lib64" "$dir/include"',
    `printf '%s' ${sq(nvcc)} > "$dir/bin/nvcc"`,
    'chmod 755 "$dir/bin/nvcc"',
    `printf '%s\\n' 'stand-in libcudart of CUDA ${release}' > "$dir/lib64/libcudart.so.${major}"`,
    `ln -sfn libcudart.so.${major} "$dir/lib64/libcudart.so"`,
    `printf '%s' ${sq(versionJson)} > "$dir/version.json"`,
    `if [ -z "$toolkitpath" ]; then ln -sfn "$dir" /usr/local/cuda; fi`,
    'mkdir -p /var/log',
    `echo "[INFO]: Installed CUDA ${release} toolkit in $dir" >> /var/log/cuda-installer.log`,
    'echo "==========="',
    'echo "= Summary ="',
    'echo "==========="',
    `echo "Toolkit:  Installed in $dir/"`,
    '',
  ].join('\n');
}
