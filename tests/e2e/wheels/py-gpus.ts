// Reads the GPUs nvidia-smi reports: [(name, driver, (major, minor) or None)], [] without a working nvidia-smi.
export const PY_GPUS = `
import shutil as _shutil, subprocess as _subprocess

# Compute capabilities of GPUs whose driver cannot report compute_cap (470 and older).
_CAPS = {"Tesla T4": (7, 5), "Tesla P40": (6, 1), "Tesla P100-PCIE-16GB": (6, 0), "Tesla V100-SXM2-16GB": (7, 0), "Tesla K80": (3, 7)}

def _gpus():
    smi = _shutil.which("nvidia-smi")
    if not smi:
        return []
    def ask(fields):
        r = _subprocess.run([smi, "--query-gpu=" + fields, "--format=csv,noheader"], capture_output=True, text=True)
        return [l.split(", ") for l in r.stdout.splitlines() if l.strip()] if r.returncode == 0 else None
    rows = ask("name,driver_version,compute_cap")
    if rows is None:
        rows = [r + [""] for r in (ask("name,driver_version") or [])]
    out = []
    for name, driver, cap in rows:
        c = tuple(int(x) for x in cap.split(".")) if cap else _CAPS.get(name)
        out.append((name, driver, c))
    return out

def _vt(v):
    return tuple(int(x) for x in v.split("."))
`;
