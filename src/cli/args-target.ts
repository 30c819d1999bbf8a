import { UserError } from '../errors.js';
import { openTarget } from '../targets/select.js';
import type { Target } from '../targets/target.js';
import { one, type Parsed } from './args.js';
import { becomePassword } from './become-pass.js';
import { targetOptions } from './command.js';

// Open the --target of the command line with its target flags; --ask-become-pass asks for the sudo password first.
export async function openArgsTarget(args: Parsed): Promise<Target> {
  const spec = one(args.values.target);
  if (args.values['ask-become-pass'] === true && !spec?.startsWith('ssh:')) throw new UserError(`--ask-become-pass is for ssh hosts (--target ssh:HOST or -i INVENTORY); on ${spec ?? 'local'}, run rig as root or under sudo`, '--ask-become-pass');
  const password = await becomePassword(args);
  return openTarget(spec, { ...targetOptions(args), ...(password !== undefined ? { becomePassword: password } : {}) });
}
