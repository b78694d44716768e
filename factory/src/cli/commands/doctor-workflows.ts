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

/**
 * Only what doctor reads of a workflow's triggers: the inputs its `workflow_dispatch` declares and
 * the activity types its `pull_request_target` runs for.
 */
const Triggers = z.object({
  on: z.object({
    workflow_dispatch: z.object({ inputs: z.record(z.string(), z.unknown()).nullish() }).nullish(),
    pull_request_target: z.object({ types: z.array(z.unknown()).nullish() }).nullish(),
  }),
});

/**
 * What keeps the line from starting the workflow at `path`, one sentence each: it is not YAML;
 * GitHub would refuse every dispatch to it (422) for an input the line sends that it does not
 * declare, or one it requires that the line never sends; or a person's state label (a queue, a
 * resume) would start nothing. None for a workflow the line never starts.
 */
export function workflowMisfits(path: string, text: string): string[] {
  const sent = DISPATCHED.get(path.slice(path.lastIndexOf('/') + 1));
  if (sent === undefined) return [];
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return [`${path} is not valid YAML (${reason}).`];
  }
  const read = Triggers.safeParse(document);
  const on = read.success ? read.data.on : undefined;
  return [...inputMisfit(path, on, sent), ...labelMisfit(path, on)];
}

type On = z.infer<typeof Triggers>['on'] | undefined;

/** Inputs the line sends that the workflow does not declare, or that it requires and never gets. */
function inputMisfit(path: string, on: On, sent: readonly string[]): string[] {
  const declared = on?.workflow_dispatch?.inputs ?? {};
  const undeclared = sent.filter((input) => !(input in declared));
  const unsent = Object.entries(declared)
    .filter(([input, spec]) => isRequired(spec) && !sent.includes(input))
    .map(([input]) => input);
  const problems = [
    ...(undeclared.length > 0 ? [`does not declare the inputs ${undeclared.join(', ')}`] : []),
    ...(unsent.length > 0 ? [`requires ${unsent.join(', ')}, which the line never sends`] : []),
  ];
  return problems.length === 0
    ? []
    : [
        `${path} ${problems.join(' and ')}: GitHub would refuse every dispatch the line makes to it.`,
      ];
}

/** A workflow a person's state label does not start. */
function labelMisfit(path: string, on: On): string[] {
  return on?.pull_request_target?.types?.includes('labeled') === true
    ? []
    : [
        `${path} does not run on \`pull_request_target\` \`labeled\`: a state label a person sets, to queue or to resume, would start nothing.`,
      ];
}

const isRequired = (spec: unknown): boolean =>
  typeof spec === 'object' && spec !== null && (spec as { required?: unknown }).required === true;

export interface WorkflowFacts {
  /** Paths of the files in `.github/workflows/` on the default branch. */
  readonly present: readonly string[];
  /** Each local path a present workflow calls → whether it exists on the default branch. */
  readonly callees: ReadonlyMap<string, { readonly caller: string; readonly exists: boolean }>;
  /** Why the line could not start a workflow it starts (see `workflowMisfits`), a sentence each. */
  readonly misfits: readonly string[];
}

export function checkWorkflows(facts: WorkflowFacts, repo: RepoNames): Finding {
  const names = new Set(facts.present.map((path) => path.slice(path.lastIndexOf('/') + 1)));
  const missing = REQUIRED_WORKFLOWS.filter((file) => !names.has(file)).map(
    (file) => `${WORKFLOWS_DIR}/${file}`,
  );
  const broken = [...facts.callees.entries()]
    .filter(([, callee]) => !callee.exists)
    .map(([path, callee]) => `${path} (called by ${callee.caller})`);
  if (missing.length === 0 && broken.length === 0 && facts.misfits.length === 0) {
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
    summary: [
      ...(missing.length + broken.length > 0
        ? [`Missing on ${repo.defaultBranch}: ${[...missing, ...broken].join(', ')}.`]
        : []),
      ...facts.misfits,
    ].join(' '),
    fix: `Copy them from the template (.github/), as the template has them now, and push them to ${repo.defaultBranch}: stages always run ${repo.defaultBranch}'s workflows.`,
  };
}
