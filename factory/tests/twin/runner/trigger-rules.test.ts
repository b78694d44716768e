import { describe, expect, it } from 'vitest';
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';
import type { ForgeEvent, TokenKind } from '../../../src/twin/contract.ts';
import { decideTrigger } from '../../../src/twin/runner/index.ts';
import { filterPatternToRegExp, matchesFilters } from '../../../src/twin/runner/triggers.ts';

const PATH = '.github/workflows/stage.yml';
const events = {
  pull_request: { types: ['labeled', 'opened', 'synchronize', 'closed'] },
  workflow_dispatch: {},
  repository_dispatch: {},
  push: {},
} as unknown as EventsConfig;

function event(
  name: ForgeEvent['name'],
  action: string | undefined,
  tokenKind: TokenKind,
): ForgeEvent {
  return {
    name,
    ...(action === undefined ? {} : { action }),
    payload: { workflow: PATH },
    actor: { login: 'x', type: 'User' },
    tokenKind,
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
  };
}

describe('decideTrigger: which kind of token caused the event decides (R-01)', () => {
  it.each([
    ['pull_request', 'labeled', 'default-token', 'none'],
    ['pull_request', 'closed', 'default-token', 'none'],
    ['push', undefined, 'default-token', 'none'],
    ['pull_request', 'opened', 'default-token', 'approval'],
    ['pull_request', 'synchronize', 'default-token', 'approval'],
    ['workflow_dispatch', undefined, 'default-token', 'run'],
    ['repository_dispatch', 'go', 'default-token', 'run'],
    ['pull_request', 'labeled', 'user', 'run'],
    ['pull_request', 'synchronize', 'app', 'run'],
    ['push', undefined, 'app', 'run'],
  ] as const)('%s %s by %s → %s', (name, action, tokenKind, start) => {
    expect(decideTrigger(events, event(name, action, tokenKind), PATH, 'main').start).toBe(start);
  });

  it('explains why nothing starts', () => {
    expect(
      decideTrigger(events, event('pull_request', 'labeled', 'default-token'), PATH, 'main'),
    ).toEqual({
      start: 'none',
      reason: 'events caused by the default token start no workflow (R-01): pull_request',
    });
  });

  it('starts a dispatch only for the workflow it names', () => {
    const other = {
      ...event('workflow_dispatch', undefined, 'user'),
      payload: { workflow: 'other.yml' },
    };
    expect(decideTrigger(events, other, PATH, 'main').start).toBe('none');
    const byName = {
      ...event('workflow_dispatch', undefined, 'user'),
      payload: { workflow: 'stage.yml' },
    };
    expect(decideTrigger(events, byName, PATH, 'main').start).toBe('run');
  });
});

describe('filter patterns', () => {
  it.each([
    ['main', 'main', true],
    ['release/*', 'release/1.0', true],
    ['release/*', 'release/1.0/hotfix', false],
    ['release/**', 'release/1.0/hotfix', true],
    ['v[12].*', 'v2.x', true],
    ['feature-?', 'feature-', true],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(filterPatternToRegExp(pattern).test(name)).toBe(matches);
  });

  it('applies negations in order and ignore lists after', () => {
    expect(matchesFilters('release/old-1', ['release/**', '!release/old-*'], undefined)).toBe(
      false,
    );
    expect(
      matchesFilters('release/old-1', ['release/**', '!release/old-*', 'release/old-1'], undefined),
    ).toBe(true);
    expect(matchesFilters('main', undefined, ['main'])).toBe(false);
    expect(matchesFilters('dev', undefined, undefined)).toBe(true);
  });
});

describe('decideTrigger: push filters on one kind of ref leave the other kind out', () => {
  const push = (ref: string): ForgeEvent => ({ ...event('push', undefined, 'user'), ref });
  const starts = (config: Record<string, unknown>, ref: string) =>
    decideTrigger({ push: config }, push(ref), PATH, 'main').start;

  it.each([
    [{}, 'refs/tags/v1', 'run'],
    [{ paths: ['docs/**'] }, 'refs/tags/v1', 'run'],
    [{ branches: ['main'] }, 'refs/tags/v1', 'none'],
    [{ 'branches-ignore': ['dev'] }, 'refs/tags/v1', 'none'],
    [{ tags: ['v*'] }, 'refs/tags/v1', 'run'],
    [{ 'tags-ignore': ['v*'] }, 'refs/tags/v1', 'none'],
    [{ 'tags-ignore': ['v*'] }, 'refs/heads/main', 'none'],
    [{ tags: ['v*'], branches: ['main'] }, 'refs/heads/main', 'run'],
  ])('%j with %s → %s', (config, ref, start) => {
    expect(starts(config, ref)).toBe(start);
  });
});
