// Python programs the pip step runs with the target's interpreter (they use the packaging module pip itself vendors).

const REQUIREMENT = ['try:', '    from packaging.requirements import Requirement', 'except ImportError:', '    from pip._vendor.packaging.requirements import Requirement'];

// `whole(dist)`: is a distribution whole? pip writes a distribution's own RECORD last, listing the INSTALLER file it
// wrote just before; a wheel may carry a RECORD of its own among its first files (Debian's wheels do), which lists no
// INSTALLER. So one in the folders pip installs into (this interpreter's purelib and platlib) whose RECORD lists no
// INSTALLER is what an interrupted install left. Elsewhere (Debian's dist-packages, whose packages drop RECORD) every
// distribution counts as whole.
export const WHOLE_PY = [
  'import os, sysconfig',
  'PIP_DIRS = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}',
  'def whole(dist):',
  '    path = str(getattr(dist, "_path", ""))',
  '    if not path.endswith(".dist-info") or os.path.realpath(os.path.dirname(path)) not in PIP_DIRS:',
  '        return True',
  '    return (os.path.basename(path) + "/INSTALLER,") in (dist.read_text("RECORD") or "")',
];

// Removes what interrupted pip installs left in the folders pip installs into: the metadata of each distribution that is
// not whole (its files stay, and the next install writes over them), so that pip installs it again instead of taking it
// for installed.
export const REPAIR_PY = [
  'import shutil',
  'from importlib.metadata import distributions',
  ...WHOLE_PY,
  'for dist in distributions():',
  '    if not whole(dist):',
  '        path = str(dist._path)',
  '        print("rig: " + os.path.basename(path) + " was half installed (its install did not finish): installing it again")',
  '        shutil.rmtree(path)',
].join('\n');

// Exit 0 when the interpreter has pip's metadata (after REPAIR_PY: a whole pip).
export const HAS_PIP_PY = 'import importlib.metadata as m; m.version("pip")';

// Exit 0 when every requirement given as an argument is installed, whole, at a matching version.
export const SATISFIED_PY = [
  'import sys',
  'from importlib.metadata import distribution, PackageNotFoundError',
  ...REQUIREMENT,
  ...WHOLE_PY,
  'for arg in sys.argv[1:]:',
  '    req = Requirement(arg)',
  '    try:',
  '        dist = distribution(req.name)',
  '    except PackageNotFoundError:',
  '        sys.exit(1)',
  '    if not whole(dist) or not req.specifier.contains(dist.version, prereleases=True):',
  '        sys.exit(1)',
].join('\n');

// Prints, as constraint lines, the version specifiers of the requirements given as arguments and those of what the
// installed distributions they name require (markers kept, extras' requirements left out): what later installs into the
// venv must keep so as not to break them (torch's nvidia-*==X pins, a numpy<2).
export const PINS_PY = [
  'import sys',
  'from importlib.metadata import distribution, PackageNotFoundError',
  ...REQUIREMENT,
  'seen = []',
  'def pin(req):',
  '    if req.url or not req.specifier or (req.marker and "extra" in str(req.marker)):',
  '        return',
  '    line = req.name + str(req.specifier) + ("; " + str(req.marker) if req.marker else "")',
  '    if line not in seen:',
  '        seen.append(line)',
  '        print(line)',
  'for arg in sys.argv[1:]:',
  '    req = Requirement(arg)',
  '    pin(req)',
  '    try:',
  '        requires = distribution(req.name).requires or []',
  '    except PackageNotFoundError:',
  '        continue',
  '    for dep in requires:',
  '        pin(Requirement(dep))',
].join('\n');
