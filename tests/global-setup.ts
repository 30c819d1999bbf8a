import { execFileSync } from 'node:child_process';

// Build dist/ once so that CLI tests run the same bin/rig users run.
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
