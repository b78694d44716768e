/**
 * Doctor's workflow check: every stage's workflow on the default branch, and everything those
 * workflows call locally (`uses: ./.github/workflows/x.yml` reusable workflows and
 * `uses: ./.github/actions/y` actions), since a missing callee fails the stage at run time.
 */
import * as z from 'zod';
import { parse } from 'yaml';
import { DISPATCH_INPUTS } from '../../adapters/github/index.ts';
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

/** The inputs the line sends each workflow it dispatches, by file name. */
const DISPATCHED: ReadonlyMap<string, readonly string[]> = new Map([
  ...WORKING_STATES.map((stage) => [`${stage}.yml`, DISPATCH_INPUTS.stage] as const),
  ['scheduler.yml', DISPATCH_INPUTS.scheduler],
]);

/** Only what doctor reads of a workflow: the inputs its `workflow_dispatch` declares. */
const DispatchTrigger = z.object({
  on: z.object({
    workflow_dispatch: z.object({ inputs: z.record(z.string(), z.unknown()).nullish() }).nullish(),
  }),
});

/**
 * The inputs the line sends the workflow at `path` that its text does not declare: every dispatch
 * the line makes to it would be refused (422). None for a workflow the line never dispatches.
 */
export function undeclaredInputs(path: string, text: string): string[] {
  const sent = DISPATCHED.get(path.slice(path.lastIndexOf('/') + 1)) ?? [];
  if (sent.length === 0) return [];
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return [...sent];
  }
  const read = DispatchTrigger.safeParse(document);
  const declared = Object.keys(
    (read.success ? read.data.on.workflow_dispatch?.inputs : null) ?? {},
  );
  return sent.filter((input) => !declared.includes(input));
}

export interface WorkflowFacts {
  /** Paths of the files in `.github/workflows/` on the default branch. */
  readonly present: readonly string[];
  /** Each local path a present workflow calls → whether it exists on the default branch. */
  readonly callees: ReadonlyMap<string, { readonly caller: string; readonly exists: boolean }>;
  /** Each dispatched workflow that lacks inputs the line sends → those inputs. */
  readonly undeclared: ReadonlyMap<string, readonly string[]>;
}

export function checkWorkflows(facts: WorkflowFacts, repo: RepoNames): Finding {
  const names = new Set(facts.present.map((path) => path.slice(path.lastIndexOf('/') + 1)));
  const missing = REQUIRED_WORKFLOWS.filter((file) => !names.has(file)).map(
    (file) => `${WORKFLOWS_DIR}/${file}`,
  );
  const broken = [
    ...[...facts.callees.entries()]
      .filter(([, callee]) => !callee.exists)
      .map(([path, callee]) => `${path} (called by ${callee.caller})`),
    ...[...facts.undeclared.entries()].map(
      ([path, inputs]) =>
        `the dispatch inputs ${inputs.join(', ')} in ${path} (GitHub refuses a dispatch with inputs its workflow does not declare)`,
    ),
  ];
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
    fix: `Copy them from the template (.github/), as the template has them now, and push them to ${repo.defaultBranch}: stages always run ${repo.defaultBranch}'s workflows.`,
  };
}
