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
import type { GitHubPort, PullRequestSnapshot } from '../core/ports.ts';
import { labelOf } from '../core/states.ts';

export type QueuedSpec =
  | {
      readonly ok: true;
      readonly pr: PullRequestSnapshot;
      readonly spec: Spec;
      readonly queuedAt: number;
    }
  | { readonly ok: false; readonly pr: PullRequestSnapshot; readonly problem: string };

/**
 * Reads and lints the specs of the queued PRs. A spec may depend on, and must not reuse the number
 * of, any spec on main or in another queued PR, so every queued spec's path is gathered first.
 */
export async function readQueuedSpecs(
  github: GitHubPort,
  prs: readonly PullRequestSnapshot[],
  specPathsOnMain: readonly string[],
): Promise<QueuedSpec[]> {
  const located = await Promise.all(prs.map((pr) => locateSpec(github, pr)));
  const known = [
    ...specPathsOnMain,
    ...located.flatMap((found) => ('path' in found ? [found.path] : [])),
  ];
  return Promise.all(
    located.map((found) =>
      'path' in found ? readSpec(github, found.pr, found.path, known) : Promise.resolve(found),
    ),
  );
}

async function locateSpec(
  github: GitHubPort,
  pr: PullRequestSnapshot,
): Promise<
  { readonly pr: PullRequestSnapshot; readonly path: string } | Extract<QueuedSpec, { ok: false }>
> {
  const specFiles = (await github.listChangedFiles(pr.number)).filter((file) =>
    isSpecPath(file.path),
  );
  const only = specFiles.length === 1 ? specFiles[0] : undefined;
  if (only !== undefined) return { pr, path: only.path };
  const found = specFiles.map((file) => file.path).join(', ') || 'none';
  return {
    ok: false,
    pr,
    problem: `A queued PR must add exactly one spec under specs/ (found: ${found}).`,
  };
}

async function readSpec(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  path: string,
  knownSpecPaths: readonly string[],
): Promise<QueuedSpec> {
  const file = await github.readFile(path, pr.headSha);
  if (file === undefined)
    return { ok: false, pr, problem: `${path} could not be read at ${pr.headSha.slice(0, 7)}.` };
  const findings = lintSpec({ path, text: file.text, existingSpecPaths: knownSpecPaths });
  const parsed = parseSpec(path, file.text);
  if (hasErrors(findings) || !parsed.ok)
    return { ok: false, pr, problem: describe(path, findings) };
  return { ok: true, pr, spec: parsed.spec, queuedAt: await queuedAt(github, pr.number) };
}

/** When the PR was last labelled `state:queued`; 0 if the timeline does not show it. */
async function queuedAt(github: GitHubPort, pr: number): Promise<number> {
  const timeline = await github.readTimeline(pr);
  const queued = timeline.findLast(
    (entry) => entry.kind === 'labeled' && entry.label === labelOf('queued'),
  );
  return queued === undefined ? 0 : Date.parse(queued.at);
}

function describe(path: string, findings: readonly SpecFinding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error');
  const lines = errors.map(
    (finding) =>
      `${path}${finding.line === undefined ? '' : `:${finding.line}`} ${finding.code}: ${finding.message} ${finding.howToFix}`,
  );
  return `The spec does not pass lint:\n${lines.map((line) => `- ${line}`).join('\n')}`;
}
