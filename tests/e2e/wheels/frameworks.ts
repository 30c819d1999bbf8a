import { PY_GPUS } from './py-gpus.js';

// torch.__version__, torch.version.cuda, torch.cuda.is_available() (true only for a CUDA build when nvidia-smi reports
// a driver and a GPU that build runs), torch.cuda.get_arch_list(); paddle.utils.run_check().

// torch/__init__.py, torch/version.py and torch/cuda/__init__.py of one build (cuda '' for cpu).
export function torchFiles(version: string, cuda: string, arch: string[]): Record<string, string> {
  return {
    'torch/__init__.py': `__version__ = ${JSON.stringify(version)}\nfrom . import version, cuda\n`,
    'torch/version.py': `__version__ = ${JSON.stringify(version)}\ncuda = ${cuda ? JSON.stringify(cuda) : 'None'}\ngit_version = "0000000"\nhip = None\n`,
    'torch/cuda/__init__.py': `${PY_GPUS}
from .. import version as _version

# The oldest driver each CUDA major runs on under CUDA minor version compatibility (NVIDIA CUDA Compatibility guide).
_MIN_DRIVER = {11: "450.80.02", 12: "525.60.13", 13: "580.65.06"}
_ARCH = ${JSON.stringify(arch)}

def get_arch_list():
    return list(_ARCH) if _version.cuda else []

def _runs(gpu):
    name, driver, cap = gpu
    need = _MIN_DRIVER.get(int(_version.cuda.split(".")[0]))
    if not need or _vt(driver) < _vt(need) or cap is None:
        return False
    # A cubin for sm_XY runs on GPUs of major X and minor >= Y.
    return any(a.startswith("sm_") and int(a[3:-1]) == cap[0] and int(a[-1]) <= cap[1] for a in _ARCH)

def _usable():
    return [g for g in _gpus() if _runs(g)] if _version.cuda else []

def is_available():
    return bool(_usable())

def device_count():
    return len(_usable())

def get_device_name(i=0):
    return _usable()[i][0]

def get_device_capability(i=0):
    return _usable()[i][2]
`,
  };
}

// paddle/__init__.py, paddle/version, paddle/device and paddle/utils of one build (cuda '' for cpu).
export function paddleFiles(version: string, cuda: string): Record<string, string> {
  return {
    'paddle/__init__.py': `__version__ = ${JSON.stringify(version)}\nfrom . import version, utils, device\n`,
    'paddle/version/__init__.py': `full_version = ${JSON.stringify(version)}\n\ndef cuda():\n    return ${cuda ? JSON.stringify(cuda) : '"False"'}\n\ndef show():\n    print("full_version:", full_version)\n    print("cuda:", cuda())\n`,
    'paddle/device/__init__.py': `${PY_GPUS}
def is_compiled_with_cuda():
    return ${cuda ? 'True' : 'False'}

def get_device():
    return "gpu:0" if is_compiled_with_cuda() and _gpus() else "cpu"
`,
    'paddle/utils/__init__.py': `from .. import device as _device

def run_check():
    print("Running verify PaddlePaddle program ... ")
    if _device.is_compiled_with_cuda():
        if not _device._gpus():
            raise RuntimeError("(PreconditionNotMet) Cannot load cudnn shared library. Cannot invoke method cudnnGetVersion.")
        print("PaddlePaddle works well on 1 GPU.")
    else:
        print("PaddlePaddle works well on 1 CPU.")
    print("PaddlePaddle is installed successfully! Let's start deep learning with PaddlePaddle now.")
`,
  };
}
