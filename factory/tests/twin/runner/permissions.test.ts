import { describe, expect, it } from 'vitest';
import { resolveJobScopes } from '../../../src/twin/runner/index.ts';

describe('resolveJobScopes (permissions: → job token)', () => {
  it('uses the job level when present, replacing the workflow level entirely', () => {
    expect(
      resolveJobScopes({ contents: 'write', issues: 'write' }, { issues: 'read' }, 'restricted'),
    ).toEqual({ issues: 'read' });
  });

  it('inherits the workflow level, and {} grants nothing', () => {
    expect(resolveJobScopes({ contents: 'read' }, undefined, 'permissive')).toEqual({
      contents: 'read',
    });
    expect(resolveJobScopes({}, undefined, 'permissive')).toEqual({});
    expect(resolveJobScopes({ contents: 'write' }, {}, 'permissive')).toEqual({});
  });

  it("falls back to the repository's default setting", () => {
    expect(resolveJobScopes(undefined, undefined, 'restricted')).toEqual({ contents: 'read' });
    expect(resolveJobScopes(undefined, undefined, 'permissive')).toMatchObject({
      contents: 'write',
      'pull-requests': 'write',
    });
  });

  it('never grants workflows, whatever is written (github-mechanics §4)', () => {
    for (const spec of ['write-all', { workflows: 'write', contents: 'none' }] as const) {
      expect(resolveJobScopes(undefined, spec, 'permissive')).not.toHaveProperty('workflows');
    }
    expect(resolveJobScopes(undefined, undefined, 'permissive')).not.toHaveProperty('workflows');
  });
});
