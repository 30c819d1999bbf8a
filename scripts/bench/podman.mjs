// The podman setup the container scenarios share with the test suite: its settings file and base image (scripts/test-image.sh).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from './lib.mjs';

// The Debian 12 minbase image scripts/test-image.sh builds.
export const IMAGE = 'localhost/rig-test-bookworm';

// Environment for podman (and for tools that run it) with the settings podman needs on these hosts.
export function podmanEnv() {
  const conf = process.env.CONTAINERS_CONF ?? fileURLToPath(new URL('../../.cache/podman/containers.conf', import.meta.url));
  if (!existsSync(conf)) throw new Error(`no podman settings at ${conf}: run scripts/test-image.sh first`);
  return { ...process.env, CONTAINERS_CONF: conf };
}

// Start a long-running container of the base image with host networking; returns its name.
export function startContainer(name) {
  const env = podmanEnv();
  run('podman', ['rm', '-f', '-t', '0', name], { env });
  run('podman', ['run', '-d', '--name', name, '--network', 'host', IMAGE, 'sleep', 'infinity'], { env });
  return name;
}

// Remove a container.
export function removeContainer(name) {
  run('podman', ['rm', '-f', '-t', '0', name], { env: podmanEnv() });
}
