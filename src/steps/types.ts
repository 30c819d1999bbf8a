import type { Facts } from '../facts/types.js';
import type { Mirror } from '../recipe/mirror.js';
import type { DigestAlgo, StepKind } from '../recipe/schema.js';

// The packages an apt step installs and how it treats the package lists.
export interface AptSetting {
  packages: string[];
  update: 'auto' | 'always' | 'never';
  // Under a lock: the packages they need, as name=version, installed at that version where dpkg has none of them (one
  // the box has already is kept as it is: a replay never downgrades what it did not install).
  needs?: string[];
}

// What a step renderer may use: the target's facts, the mirror, and template rendering for this recipe.
export interface RenderContext {
  facts: Facts;
  mirror: Mirror;
  recipe: string;
  // The plan's id of the instance being rendered ("name(param=value,…)" for one required with params); absent or the
  // name for the recipe's plain instance.
  instance?: string;
  // Environment variables that carry this recipe's secret params.
  secretEnvs: readonly string[];
  // Render a template whose result is data (URL, path, package name).
  data(template: string): string;
  // Render a template that is a shell command.
  shell(template: string): string;
  // Render a template as text a person reads (a secret shows as ***).
  text(template: string): string;
  // What a lock file pins (rig … --locked FILE): steps install exactly that.
  locked?: LockedPins;
}

// What a lock pins, as the step renderers ask for it; undefined where the lock has nothing (rig refuses that plan).
export interface LockedPins {
  // The version of an apt package.
  apt(name: string): string | undefined;
  // The packages these need, directly or not, as name=version.
  aptNeeds(names: readonly string[]): string[];
  // The requirement lines that install these distributions into the interpreter as locked: each of them and everything
  // they require there at its version, with --hash options when the lock has a digest for every one of them; and the
  // locked version of each, by name.
  pip(python: string, names: readonly string[]): { lines: string[]; versions: ReadonlyMap<string, string> } | undefined;
  // The commit of a clone.
  git(dir: string): string | undefined;
  // The digest of a download, by its URL as the recipe gives it.
  download(url: string): { algo: DigestAlgo; digest: string } | undefined;
}

// A file the runner fetches before the step's script runs, which then finds it at $RIG_FILE and its digest at $RIG_DIGEST.
export interface Fetch {
  url: string;
  // How the file is verified (sha256 also names unverified files in the cache).
  algo: DigestAlgo;
  // The digest the recipe gives.
  digest?: string;
  // The checksum file the digest is read from.
  digestFrom?: string;
  // Where the fetched file is placed on the target before the script moves or unpacks it.
  tempPath: string;
}

// What a step resolved to that a lock records (rig lock): the apt packages it installs, the interpreter pip installed
// into, a clone's commit, a download's digest. URLs are as the recipe gives them, before any mirror.
export type Pin =
  | { kind: 'apt'; packages: string[] }
  | { kind: 'pip'; python: string; names: string[]; indexes: string[]; links: string[] }
  | { kind: 'git'; url: string; dir: string }
  | { kind: 'download'; url: string; algo: DigestAlgo; digest?: string; digestFrom?: string };

// What an env step sets, for exporters that set it natively (a Dockerfile's ENV).
export interface EnvSetting {
  // Directories put in front of PATH, in order.
  path: string[];
  // Directories put in front of other path lists (LD_LIBRARY_PATH, …).
  prepend: Record<string, string[]>;
  vars: Record<string, string>;
}

// A step rendered to shell: an optional read-only guard (exit 0 = already done) and the script that does it.
export interface RenderedStep {
  kind: StepKind;
  title: string;
  guard?: string;
  script: string;
  root: boolean;
  timeoutMs: number;
  retries: number;
  fetch?: Fetch;
  // A file on the target holding a secret this step printed; rig hides its value from then on.
  secretFile?: string;
  // What an env step sets.
  env?: EnvSetting;
  // What an apt step installs (so that adjacent apt steps can run as one apt-get).
  apt?: AptSetting;
  // What a lock records of it.
  pin?: Pin;
}

// What a kind's renderer returns; the common fields are filled in by renderStep.
export type KindRender = Pick<RenderedStep, 'title' | 'script'> & { guard?: string; fetch?: Fetch; root?: boolean; secretFile?: string; env?: EnvSetting; apt?: AptSetting; pin?: Pin };
