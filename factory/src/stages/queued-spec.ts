/**
 * Reading the spec a queued PR carries: the one `specs/NNNN-name.md` file it adds, its text at
 * the PR head, and when a person queued it (from the timeline, never from a clock).
 */
import {
  isSpecPath,
  lintSpec,
  hasErrors,
  parseSpec,
  type Spec,
  type SpecFinding,
} from '../core/spec/index.ts';
import type { TimelineEntry } from '../core/attempts.ts';
import { isWriter } from '../core/guardrails.ts';
import type {
  Conversation,
  GitHubPort,
  PullRequestSnapshot,
  StatusComment,
} from '../core/ports.ts';
import { isWorkingState, labelOf, statesIn } from '../core/states.ts';

export type QueuedSpec =
  | {
      readonly ok: true;
      readonly pr: PullRequestSnapshot;
      readonly spec: Spec;
      /** The spec file as queued: the merge refuses a spec that changed since (design §7). */
      readonly file: { readonly path: string; readonly blobSha: string };
      readonly queuedAt: number;
      /** The status comment, read with the timeline; putting the PR on the line updates it. */
      readonly statusComment: StatusComment | undefined;
      /** The PR as read with its timeline, just before it is put on the line (R-02). */
      readonly current: PullRequestSnapshot | undefined;
    }
  | {
      readonly ok: false;
      readonly pr: PullRequestSnapshot;
      readonly reason: 'spec-invalid' | 'not-a-writer' | 'wrong-base';
      readonly problem: string;
    };

/**
 * Reads and lints the specs of the queued PRs. A spec may depend on, and must not reuse the number
 * of, any spec on main or carried by another PR on the line (queued, in flight or parked), so
 * every such spec's path is gathered first. Two PRs that add the same file would build one spec
 * twice, the second ending in a conflict at its merge: the first claim stands (see `claimedBy`).
 */
export async function readQueuedSpecs(
  github: GitHubPort,
  queued: readonly PullRequestSnapshot[],
  otherLinePrs: readonly PullRequestSnapshot[],
  specPathsOnMain: readonly string[],
): Promise<QueuedSpec[]> {
  const located = await Promise.all(
    queued.map(async (pr) => {
      // The conversation names the changed paths too: one request where two would do.
      const conversation = await github.readConversation(pr.number, { withChangedPaths: true });
      const found = locateSpec(pr, await changedPathsOf(github, pr, conversation), specPathsOnMain);
      return { found, conversation };
    }),
  );
  const others = await Promise.all(
    otherLinePrs.map(async (pr) => locateSpec(pr, await changedPathsOf(github, pr), [])),
  );
  const claims = [...others, ...located.map(({ found }) => found)].flatMap(claimOf);
  const known = [...specPathsOnMain, ...claims.map((claim) => claim.path)];
  return Promise.all(
    located.map(({ found, conversation }) => {
      if (!('path' in found)) return Promise.resolve(found);
      const { defaultBranch } = github.repository;
      if (found.pr.baseRef !== defaultBranch)
        return Promise.resolve(wrongBase(found.pr, defaultBranch));
      const first = claimedBy(found.pr.number, found.path, claims);
      return first === undefined
        ? readSpec(github, found.pr, found.path, known, conversation)
        : Promise.resolve(sameFile(found.pr, found.path, first));
    }),
  );
}

interface Claim {
  readonly pr: number;
  readonly path: string;
  /** The PR is in a stage: its claim comes first, whenever it was opened. */
  readonly inFlight: boolean;
}

const claimOf = (found: ReturnType<typeof locateSpec>): Claim[] =>
  'path' in found
    ? [
        {
          pr: found.pr.number,
          path: found.path,
          inFlight: statesIn(found.pr.labels).some(isWorkingState),
        },
      ]
    : [];

/**
 * The PR whose claim to `path` comes before `pr`'s: one in a stage, else one opened earlier (a
 * lower number), queued or parked. A PR parked for coming second, or for any other reason, never
 * takes the file from one opened before it.
 */
function claimedBy(pr: number, path: string, claims: readonly Claim[]): number | undefined {
  return claims.find(
    (claim) => claim.path === path && claim.pr !== pr && (claim.inFlight || claim.pr < pr),
  )?.pr;
}

function sameFile(pr: PullRequestSnapshot, path: string, first: number): QueuedSpec {
  const problem = `PR #${String(first)} adds ${path} too, and came first. Give this spec the next free number and its own file, or close one of the two PRs.`;
  return { ok: false, pr, reason: 'spec-invalid', problem };
}

/** The line merges only into the default branch: a spec aimed elsewhere never starts. */
function wrongBase(pr: PullRequestSnapshot, defaultBranch: string): QueuedSpec {
  const problem = `The PR merges into ${pr.baseRef}, not ${defaultBranch}, the only branch the line merges into.`;
  return { ok: false, pr, reason: 'wrong-base', problem };
}

async function changedPathsOf(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  conversation?: Conversation,
): Promise<readonly string[]> {
  return (
    conversation?.changedPaths ??
    (await github.listChangedFiles(pr.number)).map((file) => file.path)
  );
}

function locateSpec(
  pr: PullRequestSnapshot,
  changedPaths: readonly string[],
  specPathsOnMain: readonly string[],
):
  { readonly pr: PullRequestSnapshot; readonly path: string } | Extract<QueuedSpec, { ok: false }> {
  const specFiles = changedPaths.filter((path) => isSpecPath(path));
  const only = specFiles.length === 1 ? specFiles[0] : undefined;
  if (only !== undefined && specPathsOnMain.includes(only)) {
    const problem = `${only} is already merged; a PR on the line must add a new spec, not change one.`;
    return { ok: false, pr, reason: 'spec-invalid', problem };
  }
  if (only !== undefined) return { pr, path: only };
  const found = specFiles.join(', ') || 'none';
  const problem = `A queued PR must add exactly one spec under specs/ (found: ${found}).`;
  return { ok: false, pr, reason: 'spec-invalid', problem };
}

async function readSpec(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  path: string,
  knownSpecPaths: readonly string[],
  { pullRequest: current, timeline, statusComment }: Conversation,
): Promise<QueuedSpec> {
  const file = await github.readFile(path, pr.headSha);
  if (file === undefined) {
    const problem = `${path} could not be read at ${pr.headSha.slice(0, 7)}.`;
    return { ok: false, pr, reason: 'spec-invalid', problem };
  }
  const findings = lintSpec({ path, text: file.text, existingSpecPaths: knownSpecPaths });
  const parsed = parseSpec(path, file.text);
  if (hasErrors(findings) || !parsed.ok) {
    return { ok: false, pr, reason: 'spec-invalid', problem: describe(path, findings) };
  }
  const queued = lastQueuedBy(timeline);
  // The label event was refused if a non-writer set it; never let a missed refusal start agents (R-12).
  if (queued === undefined || !isWriter(await github.permissionOf(queued.actor))) {
    const who = queued === undefined ? 'nobody the timeline shows' : `@${queued.actor}`;
    const problem = `state:queued was set by ${who}, who lacks write permission.`;
    return { ok: false, pr, reason: 'not-a-writer', problem };
  }
  return {
    ok: true,
    pr,
    spec: parsed.spec,
    file: { path, blobSha: file.blobSha },
    queuedAt: Date.parse(queued.at),
    statusComment,
    current,
  };
}

/** Who last labelled the PR `state:queued`, and when (from the timeline, never from a clock). */
function lastQueuedBy(timeline: readonly TimelineEntry[]) {
  return timeline.findLast(
    (entry) => entry.kind === 'labeled' && entry.label === labelOf('queued'),
  );
}

function describe(path: string, findings: readonly SpecFinding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error');
  const lines = errors.map(
    (finding) =>
      `${path}${finding.line === undefined ? '' : `:${finding.line}`} ${finding.code}: ${finding.message} ${finding.howToFix}`,
  );
  return `The spec does not pass lint:\n${lines.map((line) => `- ${line}`).join('\n')}`;
}
