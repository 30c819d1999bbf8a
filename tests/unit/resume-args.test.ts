import { describe, expect, it } from 'vitest';
import { resumeArgs } from '../../src/run/resume-args.js';
import type { Target } from '../../src/targets/target.js';

const target = (resumeAs?: string) => ({ name: 't', cacheKey: 't', lasting: true, ...(resumeAs ? { resumeAs } : {}) }) as unknown as Target;

describe('the command that resumes a run', () => {
  it('names the kept container instead of making a new one from the image', () => {
    expect(resumeArgs(['apply', 'ml-cpu', '--target', 'podman:ubuntu:22.04', '--keep', '--mirror', 'tuna'], target('container:rig-1a2b3c4d'))).toEqual(['apply', 'ml-cpu', '--target', 'container:rig-1a2b3c4d', '--mirror', 'tuna']);
    expect(resumeArgs(['apply', 'x', '--keep', '--target=docker:debian'], target('container:rig-00000000'))).toEqual(['apply', 'x', '--target=container:rig-00000000']);
  });

  it('is the same command for a target that a later run reaches the same way', () => {
    const args = ['apply', 'x', '--target', 'container:box', '--set', 'x.v=1'];
    expect(resumeArgs(args, target())).toEqual(args);
  });
});
