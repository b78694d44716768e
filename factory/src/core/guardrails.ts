/**
 * The merge guardrails of design §7: small checks over plain facts, each returning a verdict that
 * names what is wrong and how a person can proceed. The merge stage gathers the facts for the exact
 * head SHA it is about to merge and merges only when every check passes.
 */
import { describeFindings, findUngreenChecks, type CheckFact } from './checks.ts';
import type { FactoryConfig } from './config.ts';
import { protectedGlobsMatching } from './paths.ts';
import { PARK_REASONS, type ParkReason } from './reasons.ts';
import { findSecretLikeStrings } from './secrets.ts';
import { UNKNOWN_COMMIT } from './ports.ts';

export type Verdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: ParkReason;
      readonly reason: string;
      readonly howToProceed: string;
    };

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** Only people who can push may move a PR on the line; triage may label but not write. */
export function isWriter(permission: Permission): boolean {
  return permission === 'admin' || permission === 'maintain' || permission === 'write';
}

export interface ChangedFile {
  readonly path: string;
  readonly additions: number;
  readonly deletions: number;
  /** Text of the lines this PR adds, for the secret scan. */
  readonly addedLines: readonly string[];
  /** The file's git blob at the head; absent for a file the PR removes. */
  readonly blobSha?: string;
}

/** Everything the guardrails judge, read from GitHub for one exact head SHA. */
export interface MergeFacts {
  readonly headSha: string;
  /** The SHA CI passed on after the latest rebase, if it passed. */
  readonly testedSha: string | undefined;
  readonly checks: readonly CheckFact[];
  readonly latestReview:
    { readonly verdict: 'APPROVE' | 'REQUEST_CHANGES'; readonly sha: string } | undefined;
  readonly spec: {
    readonly path: string;
    /** Git blob SHA of the spec when the PR was queued, and on the head now (undefined: deleted). */
    readonly blobWhenQueued: string;
    readonly blobAtHead: string | undefined;
  };
  /** The PR's diff against its base. */
  readonly changes: readonly ChangedFile[];
  readonly isFork: boolean;
  /** The branch the PR merges into, and the default branch, the only one the line merges into. */
  readonly base: { readonly ref: string; readonly defaultBranch: string };
  readonly queuedBy: { readonly login: string; readonly permission: Permission };
}

export type Guardrail = (facts: MergeFacts, config: FactoryConfig) => Verdict;

const OK: Verdict = { ok: true };

function refuse(code: ParkReason, reason: string): Verdict {
  return { ok: false, code, reason, howToProceed: PARK_REASONS[code].howToProceed };
}

/** The code the line adds: the PR's diff without the spec itself, which people wrote. */
function factoryChanges(facts: MergeFacts): readonly ChangedFile[] {
  return facts.changes.filter((file) => file.path !== facts.spec.path);
}

export const checkHeadTested: Guardrail = ({ headSha, testedSha }) =>
  testedSha === headSha
    ? OK
    : refuse(
        'head-untested',
        `Head ${short(headSha)} is not the commit CI passed on (${testedSha === undefined ? 'none' : short(testedSha)}).`,
      );

export const checkRequiredChecksGreen: Guardrail = ({ checks, headSha }, config) => {
  const findings = findUngreenChecks(checks, config.requiredChecks, headSha);
  return findings.length === 0
    ? OK
    : refuse('checks-not-green', `Not green on ${short(headSha)}: ${describeFindings(findings)}.`);
};

export const checkApprovedOnHead: Guardrail = ({ latestReview, headSha }) => {
  if (latestReview?.verdict !== 'APPROVE') {
    return refuse(
      'not-approved',
      `The latest code review is ${latestReview?.verdict ?? 'missing (none was given, or it was dismissed)'}.`,
    );
  }
  return latestReview.sha === headSha
    ? OK
    : refuse(
        'not-approved',
        latestReview.sha === UNKNOWN_COMMIT
          ? `The approval was given on a commit GitHub no longer ties it to, not on the head ${short(headSha)}.`
          : `The approval was given on ${short(latestReview.sha)}, not on the head ${short(headSha)}.`,
      );
};

export const checkSpecUnchanged: Guardrail = ({ spec }) => {
  if (spec.path === '')
    return refuse(
      'state-lost',
      'The status comment records no queued spec to check the PR against.',
    );
  return spec.blobAtHead === spec.blobWhenQueued
    ? OK
    : refuse(
        'spec-changed',
        `${spec.path} ${spec.blobAtHead === undefined ? 'was deleted' : 'changed'} after the PR was queued.`,
      );
};

export const checkNoProtectedPaths: Guardrail = (facts, config) =>
  protectedPathsIn(factoryChanges(facts), config);

export const checkDiffWithinLimits: Guardrail = (facts, config) =>
  diffSizeOf(factoryChanges(facts), config);

export const checkNoSecretsAdded: Guardrail = (facts) => secretsIn(factoryChanges(facts));

/**
 * The checks an agent's patch must pass before the apply job commits it: no protected path
 * (R-08; the spec included), within the size limits, no secret-looking text. The merge checks the
 * whole PR again.
 */
export function checkPatchChanges(
  changes: readonly ChangedFile[],
  config: FactoryConfig,
): Extract<Verdict, { ok: false }>[] {
  const floor = { protectedPaths: [...config.protectedPaths, ...PROTECTED_FROM_PATCHES] };
  return [protectedPathsIn(changes, floor), secretsIn(changes), diffSizeOf(changes, config)].filter(
    (verdict): verdict is Extract<Verdict, { ok: false }> => !verdict.ok,
  );
}

/**
 * The checks the plan's commit must pass before the apply job pushes it: no secret-looking text,
 * within the size limits. Its path is the plan stage's own, so the protected paths do not apply.
 */
export function checkPlanChanges(
  changes: readonly ChangedFile[],
  config: FactoryConfig,
): Extract<Verdict, { ok: false }>[] {
  return [secretsIn(changes), diffSizeOf(changes, config)].filter(
    (verdict): verdict is Extract<Verdict, { ok: false }> => !verdict.ok,
  );
}

/**
 * Paths the plan stage writes and no patch may: the approved plan is the implementer's brief and
 * the reviewers' yardstick, so an implementer cannot weaken it to fit its work. Not on
 * `protectedPaths`, which the merge checks the whole PR against, plan included.
 */
const PROTECTED_FROM_PATCHES = ['plans/**'];

function protectedPathsIn(
  changes: readonly ChangedFile[],
  config: Pick<FactoryConfig, 'protectedPaths'>,
): Verdict {
  const touched = changes
    .map((file) => ({
      path: file.path,
      globs: protectedGlobsMatching(file.path, config.protectedPaths),
    }))
    .filter(({ globs }) => globs.length > 0);
  return touched.length === 0
    ? OK
    : refuse(
        'protected-path',
        `Protected paths changed: ${touched.map(({ path, globs }) => `${path} (${globs.join(', ')})`).join('; ')}.`,
      );
}

function diffSizeOf(files: readonly ChangedFile[], { diffLimits }: FactoryConfig): Verdict {
  const lines = files.reduce((sum, file) => sum + file.additions + file.deletions, 0);
  if (files.length > diffLimits.maxFiles) {
    return refuse(
      'diff-too-large',
      `${files.length} files changed; the limit is ${diffLimits.maxFiles}.`,
    );
  }
  return lines > diffLimits.maxChangedLines
    ? refuse(
        'diff-too-large',
        `${lines} lines changed; the limit is ${diffLimits.maxChangedLines}.`,
      )
    : OK;
}

function secretsIn(changes: readonly ChangedFile[]): Verdict {
  const hits = changes.flatMap((file) =>
    file.addedLines.flatMap((line) =>
      findSecretLikeStrings(line).map(({ kind }) => `${kind} in ${file.path}`),
    ),
  );
  return hits.length === 0
    ? OK
    : refuse('secret-detected', `Secret-looking text added: ${[...new Set(hits)].join('; ')}.`);
}

/** A conflict marker at the start of an added line: the conflict handed back was not resolved. */
const CONFLICT_MARKER = /^(<{7,}|>{7,})( |$)/;

export const checkNoConflictMarkers: Guardrail = (facts) => {
  const marked = factoryChanges(facts)
    .filter((file) => file.addedLines.some((line) => CONFLICT_MARKER.test(line)))
    .map((file) => file.path);
  return marked.length === 0
    ? OK
    : refuse('conflict', `Conflict markers left in: ${marked.join(', ')}.`);
};

export const checkSameRepository: Guardrail = ({ isFork }) =>
  isFork ? refuse('fork-pr', 'The head branch lives in a fork.') : OK;

/**
 * The merge rebases onto the default branch and tests there; a PR retargeted at another branch
 * would land a tree nobody tested on it (GitHub squashes onto the PR's own base).
 */
export const checkMergesIntoDefaultBranch: Guardrail = ({ base }) => checkBase(base);

/** The base check alone, for the merge to ask before it touches the branch. */
export function checkBase(base: MergeFacts['base']): Verdict {
  return base.ref === base.defaultBranch
    ? OK
    : refuse('wrong-base', `The PR merges into ${base.ref}, not ${base.defaultBranch}.`);
}

export const checkQueuedByWriter: Guardrail = ({ queuedBy }) =>
  isWriter(queuedBy.permission)
    ? OK
    : refuse(
        'not-a-writer',
        `@${queuedBy.login} queued it with ${queuedBy.permission} permission.`,
      );

/** Every guardrail, in the order a person would want to hear about them. */
export const MERGE_GUARDRAILS: readonly Guardrail[] = [
  checkSameRepository,
  checkMergesIntoDefaultBranch,
  checkQueuedByWriter,
  checkSpecUnchanged,
  checkNoProtectedPaths,
  checkNoSecretsAdded,
  checkNoConflictMarkers,
  checkDiffWithinLimits,
  checkHeadTested,
  checkRequiredChecksGreen,
  checkApprovedOnHead,
];

/** All refusals for these facts; an empty list means the exact head SHA may be merged. */
export function checkMergeEligibility(
  facts: MergeFacts,
  config: FactoryConfig,
): Extract<Verdict, { ok: false }>[] {
  return MERGE_GUARDRAILS.map((guardrail) => guardrail(facts, config)).filter(
    (verdict): verdict is Extract<Verdict, { ok: false }> => !verdict.ok,
  );
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
