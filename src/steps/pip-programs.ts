// Python programs the pip step runs with the target's interpreter (they use the packaging module pip itself vendors).

const REQUIREMENT = ['try:', '    from packaging.requirements import Requirement', 'except ImportError:', '    from pip._vendor.packaging.requirements import Requirement'];

// Exit 0 when every requirement given as an argument is installed at a matching version.
export const SATISFIED_PY = [
  'import sys',
  'from importlib.metadata import version, PackageNotFoundError',
  ...REQUIREMENT,
  'for arg in sys.argv[1:]:',
  '    req = Requirement(arg)',
  '    try:',
  '        found = version(req.name)',
  '    except PackageNotFoundError:',
  '        sys.exit(1)',
  '    if not req.specifier.contains(found, prereleases=True):',
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
