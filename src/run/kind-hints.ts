import type { PlannedRecipe } from '../plan/types.js';
import type { RenderedStep } from '../steps/types.js';
import type { StepKind } from '../recipe/schema.js';

// Advice for failures every step of a kind can hit, whatever the recipe.
const KIND_HINTS: Record<StepKind, { match: RegExp; say: string }[]> = {
  apt: [
    { match: /Unable to locate package|has no installation candidate/, say: 'The package is not in this release\'s lists: check its name for this OS version, or enable the universe/contrib component.' },
    { match: /Could not get lock|dpkg was interrupted/, say: 'Another apt or dpkg is running (or was killed): wait for it, or run `dpkg --configure -a`.' },
    { match: /Temporary failure resolving|Could not resolve|Failed to fetch/, say: 'apt cannot reach its mirror: check the network, or use --mirror for a closer one.' },
  ],
  pip: [
    { match: /externally-managed-environment/, say: 'This Python is managed by the OS (PEP 668): install into a venv (the step\'s venv:), or add --break-system-packages to args.' },
    { match: /No matching distribution found|Could not find a version that satisfies/, say: 'The index has no such version for this Python and platform: check the version, the index (--mirror), and the Python version.' },
    { match: /ResolutionImpossible|conflicting dependencies/, say: 'This install would change versions that what another recipe installed into this venv needs (its pins are in VENV/.rig-constraints/): install it into a venv of its own (--set RECIPE.venv=…), or choose versions or builds that agree.' },
    { match: /No module named pip/, say: 'This interpreter has no pip: install python3-pip (or python3-venv for venvs).' },
  ],
  download: [
    { match: /sha256 mismatch/, say: 'The file is not the one the recipe expects: a changed release, a captive portal or a bad mirror. Nothing was installed.' },
    { match: /HTTP 404/, say: 'The URL does not exist: check the version param, and the mirror profile\'s rewrite for it.' },
  ],
  file: [{ match: /Permission denied/, say: 'rig cannot write there: run as root, or with sudo available.' }],
  env: [{ match: /Permission denied/, say: 'rig cannot write the profile file: run as root, or set RIG_ENV_DIR.' }],
  git: [{ match: /Could not resolve host|Failed to connect|unable to access/, say: 'git cannot reach the host: check the network, or use --mirror to rewrite GitHub URLs.' }],
  run: [],
};

// A failure to reach a host: the real cause whatever else the tool said after it (pip, for one, goes on to "No matching distribution").
const UNREACHABLE = /Temporary failure in name resolution|Name or service not known|Could not resolve host|getaddrinfo (ENOTFOUND|EAI_AGAIN)|connect (ECONNREFUSED|ETIMEDOUT|ENETUNREACH)|No address associated with hostname|Failed to establish a new connection|Network is unreachable|Connection refused|Connection timed out|Read timed out/;

const NETWORK_HINT = 'A host could not be reached (name resolution or connection failed): check the network, a proxy (HTTPS_PROXY), or use --mirror for a closer mirror.';

// The hints whose pattern matches the output of any try of a failed step (or of a failed recipe's check); a network failure only gets the network hint.
export function matchingHints(recipe: PlannedRecipe, step: RenderedStep | undefined, outputs: string[]): string[] {
  if (outputs.some((o) => UNREACHABLE.test(o))) return [NETWORK_HINT];
  const hints = [...recipe.hints, ...(step ? KIND_HINTS[step.kind] : [])];
  return [...new Set(hints.filter((h) => outputs.some((o) => h.match.test(o))).map((h) => h.say))];
}
