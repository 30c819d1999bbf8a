// No-op in a container: the 11-task setup against a running podman container (Ansible's podman connection, rig's container target).
import { join } from 'node:path';
import { RIG, run } from './lib.mjs';
import { compareNoop, writeNoopSetup } from './noop-local.mjs';
import { podmanEnv, removeContainer, startContainer } from './podman.mjs';

export function benchNoopContainer(dir, runs) {
  const name = startContainer('rig-bench-noop');
  try {
    const env = podmanEnv();
    // Ansible's podman connection runs Python modules inside the container.
    run('podman', ['exec', name, 'bash', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 >/dev/null'], { env });
    const setup = writeNoopSetup(dir, '/opt/rig-bench');
    return [compareNoop('no-op, podman container (11 tasks)', runs,
      [process.execPath, [RIG, 'apply', 'noop', '--recipes', setup.recipes, '--target', `container:${name}`], { env: { ...env, CI: '1', RIG_STATE_DIR: join(dir, 'state') } }],
      ['ansible-playbook', ['-i', `${name},`, '-c', 'containers.podman.podman', setup.playbook], { env: { ...setup.ansibleEnv, CONTAINERS_CONF: env.CONTAINERS_CONF } }])];
  } finally {
    removeContainer(name);
  }
}
