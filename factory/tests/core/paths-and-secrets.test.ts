import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTED_PATHS } from '../../src/core/config.ts';
import {
  createProtectedPathMatcher,
  normaliseRepoPath,
  protectedGlobsMatching,
} from '../../src/core/paths.ts';
import { findSecretLikeStrings, REDACTED, redactSecrets } from '../../src/core/secrets.ts';

describe('normaliseRepoPath()', () => {
  it.each([
    ['src/a.ts', 'src/a.ts'],
    ['./src//a.ts', 'src/a.ts'],
    ['src\\a.ts', 'src/a.ts'],
  ])('normalises %s to %s', (input, output) => {
    expect(normaliseRepoPath(input)).toBe(output);
  });

  it.each(['', '/etc/passwd', '../secret', 'src/../../x', 'C:/x', 'a\0b', '.', './'])(
    'refuses %j as a repository path',
    (input) => {
      expect(normaliseRepoPath(input)).toBeUndefined();
    },
  );
});

describe('protected paths (R-08)', () => {
  const isProtected = createProtectedPathMatcher(DEFAULT_PROTECTED_PATHS);

  it.each([
    '.github/workflows/ci.yml',
    '.github/actions/stage/action.yml',
    '.claude/agents/planner.md',
    'factory/src/core/line.ts',
    'CLAUDE.md',
    'AGENTS.md',
    'docs/principles.md',
    'docs/adr/0001-architecture.md',
    'factory.config.yaml',
    'pnpm-lock.yaml',
    '.pnpmfile.cjs',
    'packages/app/.npmrc',
    '.gitattributes',
    'src/.gitattributes',
    'CODEOWNERS',
    'docs/CODEOWNERS',
    './.github/workflows/x.yml',
    '../outside.ts',
  ])('protects %s', (path) => {
    expect(isProtected(path)).toBe(true);
  });

  it.each([
    'src/words.ts',
    'tests/words.test.ts',
    'docs/guide.md',
    'plans/0001-word-count.md',
    'README.md',
  ])('leaves product path %s open', (path) => {
    expect(isProtected(path)).toBe(false);
  });

  it('names the rules a path matches', () => {
    expect(protectedGlobsMatching('.github/workflows/ci.yml', DEFAULT_PROTECTED_PATHS)).toEqual([
      '.github/**',
    ]);
  });
});

describe('secret-looking text (R-10)', () => {
  const samples = {
    'Anthropic API key': `sk-ant-api03-${'Ab3_'.repeat(12)}`,
    'GitHub token': `ghp_${'a1B2'.repeat(9)}`,
    'GitHub fine-grained token': `github_pat_${'x1Y2'.repeat(8)}`,
    'AWS access key id': 'AKIAIOSFODNN7EXAMPLE',
    'private key': '-----BEGIN RSA PRIVATE KEY-----',
    'Slack token': 'xoxb-1234567890-abcdefghij',
    'hard-coded credential': 'const apiKey = "q8Zr2LmX9vT4pWn7Ks3J";',
  };

  it.each(Object.entries(samples))('finds a %s', (kind, text) => {
    expect(findSecretLikeStrings(`before ${text} after`).map((f) => f.kind)).toContain(kind);
  });

  it.each([
    'const password = "";',
    'const token = "aaaaaaaaaaaaaaaaaaaa";',
    'export function countWords(text: string): number {',
    'The key idea is to split on whitespace.',
  ])('does not flag ordinary code: %s', (text) => {
    expect(findSecretLikeStrings(text)).toEqual([]);
  });

  it('scrubs known values and secret-looking strings from published text', () => {
    const canary = 'canary-value-42-xyz';
    const text = `key=${canary} token=${samples['GitHub token']} ok`;
    expect(redactSecrets(text, [canary])).toBe(`key=${REDACTED} token=${REDACTED} ok`);
  });

  it('does not scrub short known values that would hide ordinary words', () => {
    expect(redactSecrets('abc abc', ['abc'])).toBe('abc abc');
  });
});
