// Stand-in modules of the ML-box stacks' Python tools, answering what the jupyter, graphviz-python and matplotlib-cjk
// recipes read: `jupyter --version` (jupyter_core's report of the Jupyter packages it can import), graphviz rendering
// with the box's real Graphviz `dot`, and matplotlib's font cache built from the box's real fonts (fontconfig's fc-list).

// jupyter_core: __version__ and command.main, which prints `jupyter --version` as jupyter_core 5.9.1's
// jupyter_core/command.py does (the same packages, in the same order, "{package:<17}:" then the version or "not installed").
export function jupyterCoreFiles(version: string): Record<string, string> {
  return {
    'jupyter_core/__init__.py': `from .version import __version__\n`,
    'jupyter_core/version.py': `__version__ = ${JSON.stringify(version)}\n`,
    'jupyter_core/command.py': `import sys

from .version import __version__

PACKAGES = ["IPython", "ipykernel", "ipywidgets", "jupyter_client", "jupyter_core", "jupyter_server", "jupyterlab",
            "nbclient", "nbconvert", "nbformat", "notebook", "qtconsole", "traitlets"]

def main():
    # Only --version: the one thing rig's recipes ask of the jupyter command; anything else fails as unsupported.
    if sys.argv[1:] != ["--version"]:
        sys.exit("stand-in jupyter: only --version is answered")
    print("Selected Jupyter core packages...")
    for package in PACKAGES:
        try:
            version = __version__ if package == "jupyter_core" else __import__(package).__version__
        except ImportError:
            version = "not installed"
        print(f"{package:<17}:", version)
`,
  };
}

// graphviz: Digraph(body=[...]) whose pipe(format) runs the box's Graphviz `dot -T<format>` on its source, as the real
// package does (ExecutableNotFound when dot is not on PATH, CalledProcessError when dot fails).
export function graphvizFiles(version: string): Record<string, string> {
  return {
    'graphviz/__init__.py': `import shutil, subprocess

__version__ = ${JSON.stringify(version)}

class ExecutableNotFound(RuntimeError):
    pass

class Digraph:
    def __init__(self, name=None, comment=None, body=None, **kwargs):
        self.name = name
        self.body = list(body or [])

    @property
    def source(self):
        head = "digraph %s{" % (self.name + " " if self.name else "")
        return "".join([head + "\\n", *self.body, "}\\n"])

    def pipe(self, format="pdf", encoding=None):
        if not shutil.which("dot"):
            raise ExecutableNotFound("failed to execute 'dot', make sure the Graphviz executables are on your systems' PATH")
        out = subprocess.run(["dot", "-T" + format], input=self.source.encode(), capture_output=True, check=True).stdout
        return out.decode(encoding) if encoding else out
`,
  };
}

// The version of matplotlib's font cache format (FontManager.__version__), in its file name fontlist-v<N>.json.
const FONTLIST_VERSION = 390;

// matplotlib: __version__ and get_cachedir() (MPLCONFIGDIR, else $XDG_CACHE_HOME/matplotlib or ~/.cache/matplotlib, as
// the real one); font_manager.fontManager loads get_cachedir()/fontlist-v390.json, or builds it from the fonts fontconfig
// lists (the family name and file of each) and writes it there, as the real one does on its first import.
export function matplotlibFiles(version: string): Record<string, string> {
  return {
    'matplotlib/__init__.py': `import os

__version__ = ${JSON.stringify(version)}

def get_configdir():
    return _dir(os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"))

def get_cachedir():
    return _dir(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))

def _dir(base):
    path = os.environ.get("MPLCONFIGDIR") or os.path.join(base, "matplotlib")
    os.makedirs(path, exist_ok=True)
    return path
`,
    'matplotlib/font_manager.py': `import json, os, shutil, subprocess

from . import get_cachedir

class FontEntry:
    def __init__(self, fname="", name="", style="normal", weight="normal", **kwargs):
        self.fname, self.name, self.style, self.weight = fname, name, style, weight

class FontManager:
    __version__ = ${FONTLIST_VERSION}

    def __init__(self):
        self.ttflist = []
        self.afmlist = []
        if not shutil.which("fc-list"):
            return
        out = subprocess.run(["fc-list", "--format=%{family[0]}\\t%{file}\\n"], capture_output=True, text=True).stdout
        for line in sorted(set(out.splitlines())):
            name, _, fname = line.partition("\\t")
            if fname.lower().endswith((".ttf", ".otf", ".ttc")):
                self.ttflist.append(FontEntry(fname=fname, name=name))

def _load(path):
    with open(path) as f:
        data = json.load(f)
    if data.get("_version") != FontManager.__version__:
        raise ValueError("old font cache")
    fm = FontManager.__new__(FontManager)
    fm.ttflist = [FontEntry(**e) for e in data["ttflist"]]
    fm.afmlist = []
    return fm

def _dump(fm, path):
    data = {"_version": fm.__version__, "ttflist": [dict(vars(e), __class__="FontEntry") for e in fm.ttflist], "afmlist": []}
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, indent=2)
    os.replace(path + ".tmp", path)

def _load_fontmanager():
    path = os.path.join(get_cachedir(), "fontlist-v%d.json" % FontManager.__version__)
    try:
        return _load(path)
    except (OSError, ValueError, KeyError, TypeError):
        fm = FontManager()
        _dump(fm, path)
        return fm

fontManager = _load_fontmanager()
`,
  };
}
