import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('rig doctor says what it found, where, and how a service stands', () => {
  it('on recipes of a --recipes dir', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      // A tool at 2.0 where 2.1 is wanted, its check saying where it found it (an `at` group).
      'at-demo.yaml': "name: at-demo\nsummary: s\ncheck:\n  run: echo 'tool at /opt/demo-2.0'; echo 'demo 2.0'\n  version: '(?:^tool at (?<at>\\S+)$[\\s\\S]*?)?demo (?<version>\\d+\\.\\d+)'\n  wants: \"2.1\"\nsteps:\n  - apt: [demo]\n",
      // A tool that is there, and the service it starts, which is not running.
      'svc-demo.yaml': "name: svc-demo\nsummary: s\ncheck:\n  run: echo 'svc 1.2'\n  version: 'svc (?<version>\\S+)'\nservice: rig-test-no-such-service\nsteps:\n  - apt: [svc]\n",
      'gone-demo.yaml': 'name: gone-demo\nsummary: s\ncheck:\n  run: /opt/rig-test-nothing/bin/tool --version\nsteps:\n  - apt: [gone]\n',
    });
    const res = await rig(['doctor', '--recipes', dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^~ at-demo +wrong version: found 2\.0 at \/opt\/demo-2\.0, wants 2\.1$/m);
    expect(res.stdout).toMatch(/^\+ svc-demo +found 1\.2; service rig-test-no-such-service: not running$/m);
    expect(res.stdout).toMatch(/^\+ gone-demo +not installed \(\/opt\/rig-test-nothing\/bin\/tool: No such file or directory\)$/m);
    // The recipes named alone; one that does not exist is refused.
    const named = await rig(['doctor', 'at-demo', '--recipes', dir, '--json']);
    expect(named.code, named.stderr).toBe(0);
    expect((JSON.parse(named.stdout) as { recipes: { recipe: string }[] }).recipes.map((r) => r.recipe)).toEqual(['at-demo']);
    const unknown = await rig(['doctor', 'at-dem', '--recipes', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^rig: unknown recipe "at-dem" \(did you mean "at-demo"\?\)/);
  });
});
