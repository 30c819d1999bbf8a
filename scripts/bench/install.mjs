// Install from scratch: a fresh container, apt + pip (loopback index) + download (loopback server); rig against a hand-written script of the same commands.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, RIG, run } from './lib.mjs';
import { IMAGE, podmanEnv } from './podman.mjs';

const WHEELS = '/usr/share/python-wheels';
const APT = ['python3-venv', 'jq', 'curl', 'ca-certificates'];

// A PEP 503 index of Debian's wheels and a tarball, served from `dir` on a loopback port by python's http.server.
async function serveLoopback(dir) {
  for (const wheel of readdirSync(WHEELS).filter((f) => f.endsWith('.whl'))) {
    const project = wheel.split('-')[0].toLowerCase().replace(/[-_.]+/g, '-');
    mkdirSync(join(dir, 'simple', project), { recursive: true });
    copyFileSync(join(WHEELS, wheel), join(dir, 'simple', project, wheel));
    const sha = createHash('sha256').update(readFileSync(join(WHEELS, wheel))).digest('hex');
    writeFileSync(join(dir, 'simple', project, 'index.html'), `<a href="${wheel}#sha256=${sha}">${wheel}</a>\n`);
  }
  mkdirSync(join(dir, 'src', 'tool', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'src', 'tool', 'bin', 'data'), randomBytes(4 * 1024 * 1024));
  run('tar', ['-czf', join(dir, 'tool.tar.gz'), '-C', join(dir, 'src'), 'tool']);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dir, String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await fetch(`http://127.0.0.1:${port}/simple/wheel/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, sha: createHash('sha256').update(readFileSync(join(dir, 'tool.tar.gz'))).digest('hex'), stop: () => server.kill() };
}

function writeRecipes(dir, url, sha) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench-apt.yaml'), `name: bench-apt\nsummary: s\ncheck:\n  run: jq --version && python3 -c 'import venv'\nsteps:\n  - apt: [${APT.join(', ')}]\n`);
  writeFileSync(join(dir, 'bench-pip.yaml'), `name: bench-pip\nsummary: s\nrequires: [bench-apt]\ncheck:\n  run: /opt/venv/bin/python -m wheel version\nsteps:\n  - pip: ["wheel==0.38.4"]\n    venv: /opt/venv\n`);
  writeFileSync(join(dir, 'bench-download.yaml'), `name: bench-download\nsummary: s\ncheck:\n  run: test -f /opt/tool/bin/data\nsteps:\n  - download: ${url}/tool.tar.gz\n    sha256: ${sha}\n    extract: /opt/tool\n    strip: 1\n`);
  writeFileSync(join(dir, 'bench-install.yaml'), 'name: bench-install\nsummary: s\nrequires: [bench-apt, bench-pip, bench-download]\n');
}

// The same work as a script a person would write.
function handScript(url, sha) {
  return [
    'set -euo pipefail',
    'apt-get update',
    `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT.join(' ')}`,
    'python3 -m venv /opt/venv',
    `/opt/venv/bin/pip install --index-url ${url}/simple wheel==0.38.4`,
    `curl -fsSL -o /tmp/tool.tar.gz ${url}/tool.tar.gz`,
    `echo "${sha}  /tmp/tool.tar.gz" | sha256sum -c -`,
    'mkdir -p /opt/tool && tar -xzf /tmp/tool.tar.gz -C /opt/tool --strip-components=1',
  ].join('\n');
}

export async function benchInstall(dir, runs) {
  const server = await serveLoopback(join(dir, 'www'));
  try {
    const recipes = join(dir, 'recipes');
    writeRecipes(recipes, server.url, server.sha);
    const env = { ...podmanEnv(), CI: '1', RIG_STATE_DIR: join(dir, 'state') };
    const rigArgs = [RIG, 'apply', 'bench-install', '--recipes', recipes, '--target', `podman:${IMAGE}`, '--mirror', `${server.url}/simple`];
    const scriptArgs = ['run', '--rm', '--network', 'host', IMAGE, 'bash', '-c', handScript(server.url, server.sha)];
    const rigTimes = [];
    const scriptTimes = [];
    for (let i = 0; i < runs; i++) {
      scriptTimes.push(run('podman', scriptArgs, { env }).ms);
      rigTimes.push(run(process.execPath, rigArgs, { env }).ms);
    }
    const rig = median(rigTimes);
    const script = median(scriptTimes);
    return [{ scenario: 'install from scratch, fresh container (apt + pip + download)', rig: fmt(rig), peer: `hand-written script ${fmt(script)}`, ratio: `${(rig / script).toFixed(2)}× the script's time`, goal: '≤ 1.1×', ok: rig / script <= 1.1 }];
  } finally {
    server.stop();
  }
}
