import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { serve } from '../helpers/http.js';

// Lay out the wheels of `wheelsDir` as a PEP 503 simple index in `dir`/simple: a page per project linking its wheels with their sha256.
export function writeWheelIndex(dir: string, wheelsDir: string): string[] {
  const projects = new Map<string, string[]>();
  for (const wheel of readdirSync(wheelsDir).filter((f) => f.endsWith('.whl'))) {
    const project = wheel.split('-')[0]!.toLowerCase().replace(/[-_.]+/g, '-');
    projects.set(project, [...(projects.get(project) ?? []), wheel]);
  }
  for (const [project, wheels] of projects) {
    const page = join(dir, 'simple', project);
    mkdirSync(page, { recursive: true });
    const links = wheels.map((w) => {
      copyFileSync(join(wheelsDir, w), join(page, w));
      const sha = createHash('sha256').update(readFileSync(join(page, w))).digest('hex');
      return `<a href="${w}#sha256=${sha}">${w}</a><br>`;
    });
    writeFileSync(join(page, 'index.html'), `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`);
  }
  const names = [...projects.keys()].sort();
  writeFileSync(join(dir, 'simple', 'index.html'), `<!DOCTYPE html><html><body>\n${names.map((p) => `<a href="${p}/">${p}</a><br>`).join('\n')}\n</body></html>\n`);
  return names;
}

// Serve the files under `dir` on loopback (a directory by its index.html); `hits` lists every path asked for.
export function serveDirectory(dir: string): ReturnType<typeof serve> {
  return serve((path, res) => {
    const local = join(dir, normalize(decodeURIComponent(path.split('?')[0]!)).replace(/^(\.\.(\/|$))+/, ''));
    const file = existsSync(local) && statSync(local).isDirectory() ? join(local, 'index.html') : local;
    if (!existsSync(file)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' }).end(readFileSync(file));
  });
}
