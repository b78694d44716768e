/**
 * Doctor's workflow check: every stage's workflow on the default branch, and everything those
 * workflows call locally (`uses: ./.github/workflows/x.yml` reusable workflows and
 * `uses: ./.github/actions/y` actions), since a missing callee fails the stage at run time.
 */
import { WORKING_STATES } from '../../core/states.ts';
import type { Finding, RepoNames } from './doctor-checks.ts';

export const WORKFLOWS_DIR = '.github/workflows';

/** One workflow per working stage, plus the scheduler, the watchdog and the project's CI. */
export const REQUIRED_WORKFLOWS: readonly string[] = [
  ...[...WORKING_STATES, 'scheduler', 'watchdog'].map((stage) => `${stage}.yml`),
  'ci.yml',
];

const LOCAL_USES = /^\s*(?:-\s+)?uses:\s*['"]?\.\/([^\s'"#]+?)\/?['"]?\s*(?:#.*)?$/gm;

/** Repository paths a workflow's text calls with `uses: ./…`, in order, without duplicates. */
export function localUsesOf(text: string): string[] {
  return [...new Set([...text.matchAll(LOCAL_USES)].flatMap((match) => match[1] ?? []))];
}

export interface WorkflowFacts {
  /** Paths of the files in `.github/workflows/` on the default branch. */
  readonly present: readonly string[];
  /** Each local path a present workflow calls → whether it exists on the default branch. */
  readonly callees: ReadonlyMap<string, { readonly caller: string; readonly exists: boolean }>;
}

export function checkWorkflows(facts: WorkflowFacts, repo: RepoNames): Finding {
  const names = new Set(facts.present.map((path) => path.slice(path.lastIndexOf('/') + 1)));
  const missing = REQUIRED_WORKFLOWS.filter((file) => !names.has(file)).map(
    (file) => `${WORKFLOWS_DIR}/${file}`,
  );
  const broken = [...facts.callees.entries()]
    .filter(([, callee]) => !callee.exists)
    .map(([path, callee]) => `${path} (called by ${callee.caller})`);
  if (missing.length === 0 && broken.length === 0) {
    const callees =
      facts.callees.size === 0 ? '' : ` with the ${String(facts.callees.size)} they call`;
    return {
      id: 'workflows',
      level: 'ok',
      summary: `All ${String(REQUIRED_WORKFLOWS.length)} workflows are on ${repo.defaultBranch}${callees}.`,
    };
  }
  return {
    id: 'workflows',
    level: 'fail',
    summary: `Missing on ${repo.defaultBranch}: ${[...missing, ...broken].join(', ')}.`,
    fix: `Copy them from the template (.github/) and push them to ${repo.defaultBranch}: stages always run ${repo.defaultBranch}'s workflows.`,
  };
}
