import { UserError } from '../errors.js';
import type { StepSpec } from '../recipe/schema.js';
import { shjoin } from '../shell/quote.js';
import type { KindRender, RenderContext } from './types.js';

const PACKAGE = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;
const FRESH_MINUTES = 24 * 60;

// apt: installs the packages dpkg does not report as installed; updates the lists when stale or asked.
export function renderApt(spec: StepSpec<'apt'>, ctx: RenderContext): KindRender {
  const packages = spec.apt.map((p) => ctx.data(p));
  const bad = packages.find((p) => !PACKAGE.test(p));
  if (bad !== undefined) throw new UserError(`apt: "${bad}" is not a Debian package name`);
  const names = packages.map((p) => p.replace(/=.*/, ''));
  const guard = `[ "$(dpkg-query -W -f='\${db:Status-Status}\\n' ${shjoin(names)} 2>/dev/null | grep -cx installed)" = ${names.length} ]`;
  const install = `apt-get install -y --no-install-recommends ${shjoin(packages)}`;
  const update = spec.update ?? 'auto';
  const lines = ['export DEBIAN_FRONTEND=noninteractive'];
  if (update === 'always') lines.push('apt-get update', install);
  else if (update === 'never') lines.push(install);
  else {
    lines.push(
      `if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -${FRESH_MINUTES} 2>/dev/null | head -n 1)" ]; then apt-get update; fi`,
      `${install} || { apt-get update && ${install}; }`,
    );
  }
  return { title: `apt install ${packages.join(' ')}`, guard, script: lines.join('\n'), root: true };
}
