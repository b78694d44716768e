/**
 * Which workflows an event starts, and how: GitHub's `on:` filters plus its rules for events caused
 * by the default token (github-mechanics §1). Pure.
 */
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';
import type { ForgeEvent } from '../contract.ts';

export type TriggerDecision =
  | { readonly start: 'run' }
  /** Created as `action_required`; it waits for a person's approval and never starts on its own. */
  | { readonly start: 'approval'; readonly reason: string }
  | { readonly start: 'none'; readonly reason: string };

/** `pull_request` types GitHub uses when a workflow lists none. */
const DEFAULT_PULL_REQUEST_TYPES = ['opened', 'synchronize', 'reopened'];
/** Default-token PR updates of these types create runs that wait for approval (since 2026-06). */
const APPROVAL_TYPES = new Set(['opened', 'synchronize', 'reopened']);

function escapeRegExp(text: string): string {
  return text.replace(/[.^${}()|\\/]/g, '\\$&');
}

/** GitHub's filter pattern (`*` stops at `/`, `**` does not; `?`, `+` and `[]` act on the char before). */
export function filterPatternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '*' && pattern.charAt(index + 1) === '*') {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?' || char === '+' || char === '[' || char === ']' || char === '-')
      source += char;
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

/** Applies `include` then `ignore` lists; a later `!pattern` in `include` excludes again. */
export function matchesFilters(
  name: string,
  include: readonly string[] | undefined,
  ignore: readonly string[] | undefined,
): boolean {
  if (ignore?.some((pattern) => filterPatternToRegExp(pattern).test(name)) === true) return false;
  if (include === undefined) return true;
  let matched = false;
  for (const pattern of include) {
    const negated = pattern.startsWith('!');
    if (filterPatternToRegExp(negated ? pattern.slice(1) : pattern).test(name)) matched = !negated;
  }
  return matched;
}

function stripRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

/** The string at `path` in an event's payload, if there is one. */
export function nestedString(
  payload: Readonly<Record<string, unknown>>,
  ...path: string[]
): string | undefined {
  let value: unknown = payload;
  for (const key of path)
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Whether the dispatch names this workflow, by path (`.github/workflows/x.yml`) or file name. */
function isDispatchTarget(event: ForgeEvent, workflowPath: string): boolean {
  const target = nestedString(event.payload, 'workflow');
  if (target === undefined) return false;
  return target === workflowPath || workflowPath.endsWith(`/${target}`);
}

function matchesOn(
  events: EventsConfig,
  event: ForgeEvent,
  workflowPath: string,
  defaultBranch: string,
): string | undefined {
  const action = event.action ?? '';
  switch (event.name) {
    case 'workflow_dispatch':
      if (events.workflow_dispatch === undefined) return 'no workflow_dispatch trigger';
      return isDispatchTarget(event, workflowPath) ? undefined : 'dispatched for another workflow';
    case 'repository_dispatch': {
      const config = events.repository_dispatch;
      if (config === undefined) return 'no repository_dispatch trigger';
      return config.types === undefined || config.types.includes(action)
        ? undefined
        : `type ${action} not listed`;
    }
    case 'schedule': {
      if (events.schedule === undefined) return 'no schedule trigger';
      if (event.ref !== `refs/heads/${defaultBranch}`)
        return 'schedule runs only on the default branch';
      const cron = nestedString(event.payload, 'schedule');
      return cron === undefined || events.schedule.some((entry) => entry.cron === cron)
        ? undefined
        : 'another schedule';
    }
    case 'pull_request': {
      const config = events.pull_request;
      if (config === undefined) return 'no pull_request trigger';
      if (!(config.types ?? DEFAULT_PULL_REQUEST_TYPES).includes(action))
        return `type ${action} not listed`;
      if (event.mergeConflict === true) return 'the pull request has a merge conflict';
      const base =
        nestedString(event.payload, 'pull_request', 'base', 'ref') ?? stripRef(event.ref);
      return matchesFilters(base, config.branches, config['branches-ignore'])
        ? undefined
        : `base ${base} filtered out`;
    }
    case 'pull_request_target': {
      // The same filters as pull_request; what differs is where the workflow comes from.
      const config = events.pull_request_target;
      if (config === undefined) return 'no pull_request_target trigger';
      if (!(config.types ?? DEFAULT_PULL_REQUEST_TYPES).includes(action))
        return `type ${action} not listed`;
      const base = nestedString(event.payload, 'pull_request', 'base', 'ref') ?? defaultBranch;
      return matchesFilters(base, config.branches, config['branches-ignore'])
        ? undefined
        : `base ${base} filtered out`;
    }
    case 'pull_request_review': {
      const config = events.pull_request_review;
      if (config === undefined) return 'no pull_request_review trigger';
      return config.types === undefined || config.types.includes(action)
        ? undefined
        : `type ${action} not listed`;
    }
    case 'push': {
      const config = events.push;
      if (config === undefined) return 'no push trigger';
      // Filters on one kind of ref only leave the other kind out; with neither, both run.
      const branchFilters =
        config.branches !== undefined || config['branches-ignore'] !== undefined;
      const tagFilters = config.tags !== undefined || config['tags-ignore'] !== undefined;
      if (event.ref.startsWith('refs/tags/')) {
        if (!tagFilters) return branchFilters ? 'only branches' : undefined;
        return matchesFilters(stripRef(event.ref), config.tags, config['tags-ignore'])
          ? undefined
          : 'tag filtered out';
      }
      if (!branchFilters && tagFilters) return 'only tags';
      return matchesFilters(stripRef(event.ref), config.branches, config['branches-ignore'])
        ? undefined
        : 'branch filtered out';
    }
  }
}

/** Events GitHub runs in the fork's context, without secrets, when the PR's head is a fork's. */
const FORK_RESTRICTED: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
]);

/** A pull request event whose head lives in another repository (a fork, or a deleted one). */
export function isForkPullRequest(event: ForgeEvent): boolean {
  if (!FORK_RESTRICTED.has(event.name)) return false;
  const fullName = (side: string) =>
    nestedString(event.payload, 'pull_request', side, 'repo', 'full_name');
  return fullName('head') !== fullName('base');
}

/**
 * GitHub delivers every pull_request event to `pull_request_target` workflows too, but runs them
 * from the base branch: its workflow files, `GITHUB_REF` and `GITHUB_SHA` (its tip), never the PR's.
 */
export function asPullRequestTarget(event: ForgeEvent): ForgeEvent {
  const baseRef = nestedString(event.payload, 'pull_request', 'base', 'ref');
  const baseSha = nestedString(event.payload, 'pull_request', 'base', 'sha');
  return {
    ...event,
    name: 'pull_request_target',
    ref: baseRef === undefined ? event.ref : `refs/heads/${baseRef}`,
    sha: baseSha ?? event.sha,
    mergeConflict: false,
  };
}

/** Decides whether `event` starts the workflow at `workflowPath`, and whether it must wait for approval. */
export function decideTrigger(
  events: EventsConfig,
  event: ForgeEvent,
  workflowPath: string,
  defaultBranch: string,
): TriggerDecision {
  const mismatch = matchesOn(events, event, workflowPath, defaultBranch);
  if (mismatch !== undefined) return { start: 'none', reason: mismatch };
  // The twin's repository requires approval for every outside contributor's fork runs, the
  // strictest of GitHub's settings (its default holds only first-time contributors).
  if (isForkPullRequest(event))
    return { start: 'approval', reason: "a run for a fork's pull request waits for approval" };
  if (event.tokenKind !== 'default-token') return { start: 'run' };
  if (event.name === 'workflow_dispatch' || event.name === 'repository_dispatch')
    return { start: 'run' };
  if (event.name === 'pull_request' && APPROVAL_TYPES.has(event.action ?? '')) {
    return {
      start: 'approval',
      reason: 'a pull_request update made with the default token waits for approval',
    };
  }
  return {
    start: 'none',
    reason: `events caused by the default token start no workflow (R-01): ${event.name}`,
  };
}
