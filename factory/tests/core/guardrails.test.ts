import { UNKNOWN_COMMIT } from '../../src/core/ports.ts';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import {
  checkApprovedOnHead,
  checkDiffWithinLimits,
  checkHeadTested,
  checkMergeEligibility,
  checkNoConflictMarkers,
  checkNoProtectedPaths,
  checkNoSecretsAdded,
  checkPatchChanges,
  checkQueuedByWriter,
  checkRequiredChecksGreen,
  checkMergesIntoDefaultBranch,
  checkSameRepository,
  checkSpecUnchanged,
  type ChangedFile,
  type Guardrail,
  type MergeFacts,
} from '../../src/core/guardrails.ts';

const HEAD = 'a1b2c3d4'.repeat(5);
const OLD = 'ffeeddcc'.repeat(5);
const SPEC = 'specs/0001-word-count.md';
const config = defaultConfig();

const file = (path: string, added: string[] = ['export const x = 1;']): ChangedFile => ({
  path,
  additions: added.length,
  deletions: 0,
  addedLines: added,
});

/** Facts of a PR that may be merged; each test breaks one thing. */
function eligible(overrides: Partial<MergeFacts> = {}): MergeFacts {
  return {
    headSha: HEAD,
    testedSha: HEAD,
    checks: [{ name: 'factory/ci', sha: HEAD, conclusion: 'success', at: '2026-01-01T00:00:00Z' }],
    latestReview: { verdict: 'APPROVE', sha: HEAD },
    spec: { path: SPEC, blobWhenQueued: 'blob1', blobAtHead: 'blob1' },
    changes: [
      file(SPEC, ['# 0001: Word count']),
      file('src/words.ts'),
      file('tests/words.test.ts'),
    ],
    isFork: false,
    base: { ref: 'main', defaultBranch: 'main' },
    queuedBy: { login: 'alice', permission: 'write' },
    ...overrides,
  };
}

describe('merge guardrails (design §7)', () => {
  it('lets a tested, approved, clean PR through with no refusals', () => {
    expect(checkMergeEligibility(eligible(), config)).toEqual([]);
  });

  it.each<[string, Guardrail, Partial<MergeFacts>, string]>([
    ['head not the tested SHA (R-06)', checkHeadTested, { testedSha: OLD }, 'head-untested'],
    [
      'CI never passed since the rebase',
      checkHeadTested,
      { testedSha: undefined },
      'head-untested',
    ],
    [
      'required check skipped (R-07)',
      checkRequiredChecksGreen,
      {
        checks: [
          { name: 'factory/ci', sha: HEAD, conclusion: 'skipped', at: '2026-01-01T00:00:00Z' },
        ],
      },
      'checks-not-green',
    ],
    [
      'required check green only on an older SHA (R-07)',
      checkRequiredChecksGreen,
      {
        checks: [
          { name: 'factory/ci', sha: OLD, conclusion: 'success', at: '2026-01-01T00:00:00Z' },
        ],
      },
      'checks-not-green',
    ],
    ['no code review yet', checkApprovedOnHead, { latestReview: undefined }, 'not-approved'],
    [
      'latest review requests changes',
      checkApprovedOnHead,
      { latestReview: { verdict: 'REQUEST_CHANGES', sha: HEAD } },
      'not-approved',
    ],
    [
      'approval given on an older SHA',
      checkApprovedOnHead,
      { latestReview: { verdict: 'APPROVE', sha: OLD } },
      'not-approved',
    ],
    [
      'spec edited after queuing',
      checkSpecUnchanged,
      { spec: { path: SPEC, blobWhenQueued: 'blob1', blobAtHead: 'blob2' } },
      'spec-changed',
    ],
    [
      'no queued spec recorded',
      checkSpecUnchanged,
      { spec: { path: '', blobWhenQueued: '', blobAtHead: undefined } },
      'state-lost',
    ],
    [
      'spec deleted after queuing',
      checkSpecUnchanged,
      { spec: { path: SPEC, blobWhenQueued: 'blob1', blobAtHead: undefined } },
      'spec-changed',
    ],
    [
      'workflow changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('.github/workflows/ci.yml')] },
      'protected-path',
    ],
    [
      'role prompt changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('.claude/agents/planner.md')] },
      'protected-path',
    ],
    [
      'factory code changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('factory/src/core/line.ts')] },
      'protected-path',
    ],
    [
      'constitution changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('CLAUDE.md')] },
      'protected-path',
    ],
    [
      'config changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('factory.config.yaml')] },
      'protected-path',
    ],
    [
      'another spec changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('specs/0002-other.md')] },
      'protected-path',
    ],
    [
      'the check script CI runs changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('package.json')] },
      'protected-path',
    ],
    [
      'lint, compiler or test configuration changed (R-08)',
      checkNoProtectedPaths,
      { changes: [file('tsconfig.base.json'), file('eslint.config.js'), file('vitest.config.ts')] },
      'protected-path',
    ],
    [
      'a nearer lint or format configuration added beside the code (R-08)',
      checkNoProtectedPaths,
      {
        changes: [file('src/eslint.config.js'), file('src/.prettierrc'), file('src/package.json')],
      },
      'protected-path',
    ],
    [
      'too many files',
      checkDiffWithinLimits,
      {
        changes: Array.from({ length: config.diffLimits.maxFiles + 1 }, (_, i) =>
          file(`src/f${i}.ts`),
        ),
      },
      'diff-too-large',
    ],
    [
      'too many lines',
      checkDiffWithinLimits,
      { changes: [{ ...file('src/big.ts'), additions: config.diffLimits.maxChangedLines + 1 }] },
      'diff-too-large',
    ],
    [
      'an API key added',
      checkNoSecretsAdded,
      { changes: [file('src/client.ts', [`const key = "sk-ant-api03-${'x'.repeat(40)}";`])] },
      'secret-detected',
    ],
    [
      'a conflict marker left in place (R-18)',
      checkNoConflictMarkers,
      { changes: [file('src/words.ts', ['<<<<<<< HEAD', 'export const w = 1;'])] },
      'conflict',
    ],
    ['PR from a fork (R-12)', checkSameRepository, { isFork: true }, 'fork-pr'],
    [
      'PR retargeted at another branch',
      checkMergesIntoDefaultBranch,
      { base: { ref: 'develop', defaultBranch: 'main' } },
      'wrong-base',
    ],
    [
      'queued by a reader (R-12)',
      checkQueuedByWriter,
      { queuedBy: { login: 'eve', permission: 'read' } },
      'not-a-writer',
    ],
  ])('refuses %s', (_, guardrail, overrides, code) => {
    expect(guardrail(eligible(), config)).toEqual({ ok: true });
    const verdict = guardrail(eligible(overrides), config);
    expect(verdict).toMatchObject({ ok: false, code });
    if (!verdict.ok) {
      expect(verdict.reason.length).toBeGreaterThan(10);
      expect(verdict.howToProceed.length).toBeGreaterThan(10);
    }
    expect(checkMergeEligibility(eligible(overrides), config).map((v) => v.code)).toContain(code);
  });

  it('does not count the spec a person wrote as a protected-path change', () => {
    expect(checkNoProtectedPaths(eligible({ changes: [file(SPEC)] }), config)).toEqual({
      ok: true,
    });
  });

  it('says an approval is tied to no commit GitHub still knows, rather than print an empty SHA', () => {
    const verdict = checkApprovedOnHead(
      eligible({ latestReview: { verdict: 'APPROVE', sha: UNKNOWN_COMMIT } }),
      config,
    );
    expect(verdict).toMatchObject({
      ok: false,
      reason: expect.stringContaining('a commit GitHub no longer ties it to'),
    });
  });

  it('names the protected rule a path broke', () => {
    const verdict = checkNoProtectedPaths(
      eligible({ changes: [file('.github/workflows/ci.yml')] }),
      config,
    );
    expect(verdict).toMatchObject({
      reason: expect.stringContaining('.github/workflows/ci.yml (.github/**)'),
    });
  });

  it('reads a marker of seven or more that opens a line as a conflict: not a setext underline, not text that mentions one', () => {
    const lines = ['=======', 'const arrow = "<<<<<<< HEAD";', '<<<<<<x six', '>>>>>>>> main'];
    const verdict = (added: string[]) =>
      checkNoConflictMarkers(eligible({ changes: [file('docs/a.md', added)] }), config);

    expect(verdict(lines.slice(0, 3))).toEqual({ ok: true });
    expect(verdict(lines)).toMatchObject({
      ok: false,
      code: 'conflict',
      reason: 'Conflict markers left in: docs/a.md.',
    });
  });

  it('does not repeat a secret in its refusal', () => {
    const secret = `ghp_${'A1b2'.repeat(10)}`;
    const verdict = checkNoSecretsAdded(
      eligible({ changes: [file('src/a.ts', [secret])] }),
      config,
    );
    expect(JSON.stringify(verdict)).not.toContain(secret);
  });

  it('reports every refusal at once, in a stable order', () => {
    const codes = checkMergeEligibility(
      eligible({ isFork: true, testedSha: OLD, latestReview: undefined }),
      config,
    ).map((v) => v.code);
    expect(codes).toEqual(['fork-pr', 'head-untested', 'not-approved']);
  });
});

describe('an agent’s patch, before it is committed', () => {
  it('R-08: refuses a patch that rewrites the approved plan, which the merge accepts in the PR', () => {
    const plan = file('plans/0001-word-count.md', ['- [ ] a test I could not make pass']);
    expect(checkPatchChanges([plan], config).map((refusal) => refusal.code)).toEqual([
      'protected-path',
    ]);
    expect(checkNoProtectedPaths(eligible({ changes: [plan] }), config)).toEqual({ ok: true });
  });
});
