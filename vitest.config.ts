import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // At least two files at a time: the container suites mostly wait on podman and apt, not on this machine's CPUs.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
