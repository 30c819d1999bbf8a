import { fileName, normal } from './names.js';
import { graphvizFiles, jupyterCoreFiles, matplotlibFiles } from './notebook-modules.js';
import { PY_GPUS } from './py-gpus.js';

// The modules answer what rig's checks and verifies read: faiss.IndexFlatL2; numpy.zeros; each package's __version__
// (torch and paddle are in frameworks.ts; jupyter's, graphviz's and matplotlib's in notebook-modules.ts).

// Distributions whose importable package is named otherwise than the distribution (their real top-level names).
const IMPORT_NAMES: Record<string, string> = {
  ipython: 'IPython', 'argon2-cffi': 'argon2', 'argon2-cffi-bindings': '_argon2_cffi_bindings', beautifulsoup4: 'bs4',
  'python-dateutil': 'dateutil', pyzmq: 'zmq', 'python-json-logger': 'pythonjsonlogger', 'websocket-client': 'websocket',
  attrs: 'attr', fonttools: 'fontTools', 'prompt-toolkit': 'prompt_toolkit', 'stack-data': 'stack_data',
};

// The console scripts a distribution installs (name → module:function), as its entry_points.txt declares them.
export function scriptsOf(name: string): Record<string, string> | undefined {
  return normal(name) === 'jupyter-core' ? { jupyter: 'jupyter_core.command:main' } : undefined;
}

// The importable package a distribution provides and its __init__.py.
export function modules(name: string, version: string): Record<string, string> {
  const n = normal(name);
  const v = `__version__ = ${JSON.stringify(version)}\n`;
  const nv = /^nvidia-(.+?)(-cu\d+)?$/.exec(n);
  if (nv) return { [`nvidia/${nv[1]!.replace(/-/g, '_')}/__init__.py`]: v };
  switch (n) {
    case 'pillow': return { 'PIL/__init__.py': v };
    case 'pyyaml': return { 'yaml/__init__.py': v };
    case 'protobuf': return { 'google/protobuf/__init__.py': v };
    case 'typing-extensions': return { 'typing_extensions.py': v };
    case 'decorator': return { 'decorator.py': v };
    case 'numpy': return { 'numpy/__init__.py': NUMPY(version) };
    case 'faiss-cpu': return { 'faiss/__init__.py': FAISS(version, false) };
    case 'faiss-gpu-cu12': return { 'faiss/__init__.py': FAISS(version, true) };
    case 'jupyter-core': return jupyterCoreFiles(version);
    case 'graphviz': return graphvizFiles(version);
    case 'matplotlib': return matplotlibFiles(version);
    // The jupyter metapackage installs no module of its own.
    case 'jupyter': return {};
    default: return { [`${IMPORT_NAMES[n] ?? fileName(n)}/__init__.py`]: v };
  }
}

// numpy/__init__.py: zeros and ones of a shape and dtype.
function NUMPY(version: string): string {
  return `__version__ = ${JSON.stringify(version)}
float32 = "float32"
float64 = "float64"

class ndarray:
    def __init__(self, shape, dtype):
        self.shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        self.dtype = dtype

def zeros(shape, dtype=float64):
    return ndarray(shape, dtype)

def ones(shape, dtype=float64):
    return ndarray(shape, dtype)
`;
}

// faiss/__init__.py: IndexFlatL2 checking the vectors' dimension, and the GPUs it sees (none for faiss-cpu).
function FAISS(version: string, gpu: boolean): string {
  return `${gpu ? PY_GPUS : ''}__version__ = ${JSON.stringify(version)}

class IndexFlatL2:
    def __init__(self, d):
        self.d = d
        self.ntotal = 0

    def add(self, x):
        if len(x.shape) != 2 or x.shape[1] != self.d:
            raise AssertionError("x.shape[1] == self.d")
        self.ntotal += x.shape[0]

def get_num_gpus():
    return ${gpu ? 'len(_gpus())' : '0'}
`;
}
