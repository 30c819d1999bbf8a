import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError, UserErrors } from '../errors.js';
import { readRegularFile } from '../read-file.js';
import { BUILTIN_RECIPES } from '../recipe/catalog.js';
import { parseYaml } from '../yaml/parse-yaml.js';
import { zodErrors } from '../recipe/zod-errors.js';
import { closest } from '../text/suggest.js';
import { MIRROR_KEYS, NO_MIRROR, type Mirror } from '../recipe/mirror.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

// What each value of a profile is: a URL, but for the pip host and the GOPROXY list.
const VALUE_SCHEMAS: Record<string, z.ZodType<string>> = {
  name: z.string(),
  pipHost: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected a host name, e.g. mirrors.aliyun.com'),
  goproxy: z.string().refine((v) => v.split(/[,|]/).every((p) => p === 'direct' || p === 'off' || httpUrl.safeParse(p).success), 'expected a GOPROXY list: http(s) URLs, direct or off, separated by ","'),
};

// A mirror profile file (recipes/data/mirrors/NAME.yaml, or a file given to --mirror).
const profileSchema = z.strictObject({
  name: z.string(),
  summary: z.string().optional(),
  source: z.string().optional().meta({ description: 'where these URLs are documented' }),
  values: z.strictObject(Object.fromEntries(MIRROR_KEYS.map((k) => [k, (VALUE_SCHEMAS[k] ?? httpUrl).optional()]))).optional(),
  rewrite: z.array(z.strictObject({ from: httpUrl, to: httpUrl })).optional(),
});

// The directory of built-in mirror profiles.
const MIRRORS_DIR = join(BUILTIN_RECIPES, 'data', 'mirrors');

function fromProfile(text: string, file: string): Mirror {
  const { data, positions } = parseYaml(text, file);
  const result = profileSchema.safeParse(data);
  if (!result.success) throw new UserErrors(zodErrors(result.error, profileSchema, data, positions));
  const values: Record<string, string> = { ...NO_MIRROR.values, ...result.data.values, name: result.data.name };
  if (values.pip && !values.pipHost) values.pipHost = new URL(values.pip).hostname;
  return { name: result.data.name, values, rewrites: result.data.rewrite ?? [] };
}

// The text of a profile file; one that cannot be read (or is not a regular file, or is huge) is a UserError naming it.
function readProfile(file: string): string {
  try {
    return readRegularFile(file);
  } catch (err) {
    throw new UserError(`cannot read mirror profile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
  }
}

// Names of the built-in mirror profiles.
function mirrorNames(): string[] {
  return existsSync(MIRRORS_DIR) ? readdirSync(MIRRORS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

// Load --mirror: a built-in profile name, a profile file, or a bare pip index URL.
export function loadMirror(spec: string): Mirror {
  if (/^https?:\/\//.test(spec)) {
    const pip = spec.replace(/\/+$/, '');
    if (!httpUrl.safeParse(pip).success) throw new UserError(`--mirror ${spec}: not a valid URL (a pip index, a profile name or a profile file)`, '--mirror');
    return { name: 'custom', values: { ...NO_MIRROR.values, name: 'custom', pip, pipHost: new URL(pip).hostname }, rewrites: [] };
  }
  const builtin = join(MIRRORS_DIR, `${spec}.yaml`);
  const file = /^[a-z0-9-]+$/.test(spec) ? builtin : spec;
  if (!existsSync(file)) {
    const near = closest(spec, mirrorNames());
    throw new UserError(`--mirror ${spec}: no such mirror profile${near.length ? ` (did you mean "${near[0]}"?)` : `; built-in: ${mirrorNames().join(', ')}`}`, '--mirror');
  }
  return fromProfile(readProfile(file), file);
}
