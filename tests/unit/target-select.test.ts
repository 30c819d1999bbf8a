import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { openTarget } from '../../src/targets/select.js';

// Each case is refused before any engine runs: one line naming the flag.
const REFUSED: [string, string | undefined, Parameters<typeof openTarget>[1], RegExp, string][] = [
  ['an unknown kind of target', 'vagrant:box', {}, /unknown target; use local, docker:IMAGE, podman:IMAGE, container:NAME or ssh:\[USER@\]HOST\[:PORT\]/, '--target'],
  ['an ssh host that is not one', 'ssh:-oProxyCommand=x', {}, /--target ssh:-oProxyCommand=x: expected ssh:\[user@\]host\[:port\]/, '--target'],
  ['--keep on an ssh host', 'ssh:box', { keep: true }, /--keep needs a container target .* not ssh:box/, '--keep'],
  ['an empty image', 'podman:', {}, /unknown target/, '--target'],
  ['an image name that is not one', 'podman:Ubuntu Latest', {}, /"Ubuntu Latest" is not an image name/, '--target'],
  ['--keep on this machine', undefined, { keep: true }, /--keep needs a container target/, '--keep'],
  ['--commit on this machine', 'local', { commit: 'localhost/x' }, /--commit needs a container target/, '--commit'],
  ['--engine on this machine', undefined, { engine: 'podman' }, /--engine needs a container target/, '--engine'],
  ['--commit with a bad tag', 'podman:debian', { commit: 'Box:1' }, /--commit Box:1: not an image name/, '--commit'],
  ['--keep on an existing container', 'container:box', { keep: true }, /--keep applies to a new container/, '--keep'],
  // podman would read a name that starts with a dash as a flag (`--latest`: the newest container).
  ['a container name that is a flag', 'container:--latest', {}, /"--latest" is not a container name or id/, '--target'],
  ['a container name with a space', 'container:a b', {}, /"a b" is not a container name or id/, '--target'],
  ['an unknown engine', 'container:box', { engine: 'rkt' }, /--engine rkt: expected docker or podman/, '--engine'],
  ['an engine that contradicts the target', 'docker:debian', { engine: 'podman' }, /--engine podman contradicts --target docker:debian/, '--engine'],
];

describe('openTarget', () => {
  it.each(REFUSED)('refuses %s', async (_what, spec, options, message, flag) => {
    const err = await openTarget(spec, options).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).line).toMatch(message);
    expect((err as UserError).where).toBe(flag);
  });

  it('opens this machine by default', async () => {
    const target = await openTarget(undefined);
    expect(target.name).toBe('local');
    await target.close();
  });

  it('this machine refuses to be committed as an image, through the same interface as a container', async () => {
    const target = await openTarget(undefined);
    await expect(target.commit('localhost/x')).rejects.toThrow('--commit needs a container target, not local');
    await target.close();
  });
});
