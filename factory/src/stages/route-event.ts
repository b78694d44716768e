/**
 * The first job of every stage workflow: decide from the event whether this stage runs, and for
 * which PR and head. A person's label move is checked: a fork PR or a label set without
 * write permission is turned away — the label removed, the reason explained — before any agent
 * runs. A dispatch or label for a PR that has moved on since is skipped quietly: here, or
 * by the next job's own reading of the PR.
 */
import { checkStillCurrent } from '../core/current.ts';
import type { StageName } from '../core/line.ts';
import type { GitHubPort } from '../core/ports.ts';
import { PARK_REASONS } from '../core/reasons.ts';
import { route, type Route, type Trigger } from '../core/routing.ts';
import { labelOf, statesIn } from '../core/states.ts';

export type RouteDecision =
  | { readonly kind: 'proceed'; readonly pr?: number; readonly expectedHeadSha?: string }
  | { readonly kind: 'skip'; readonly reason: string };

export async function routeEvent(
  github: GitHubPort,
  stage: StageName,
  trigger: Trigger,
): Promise<RouteDecision> {
  const decision = route(trigger, (login) => github.isFactoryActor(login));
  switch (decision.action) {
    case 'skip':
      return { kind: 'skip', reason: decision.reason };
    case 'refuse':
      await turnAway(github, decision);
      return { kind: 'skip', reason: decision.reason };
    case 'run':
    case 'resume':
      if (decision.stage !== stage)
        return {
          kind: 'skip',
          reason: `the event is for the ${decision.stage} stage, not ${stage}`,
        };
      if (decision.action === 'resume') {
        const stale = await takeParkOff(github, decision);
        if (stale !== undefined) return { kind: 'skip', reason: stale };
      }
      return confirm(github, stage, decision);
  }
}

/**
 * Takes `state:needs-attention` off the PR a writer resumed by setting a stage's label on top of
 * it, if the PR still carries just those two: the event's labels are a copy from when it fired,
 * and since then the person may have taken their label back, or the watchdog parked the PR anew.
 * The attempts restart from the person's label, not from this removal (ADR 0002). Returns why
 * nothing was done, if it was not.
 */
async function takeParkOff(
  github: GitHubPort,
  resume: Extract<Route, { action: 'resume' }>,
): Promise<string | undefined> {
  const pr = await github.readPullRequest(resume.pr);
  const states = statesIn(pr?.labels ?? []);
  const expected = [labelOf('needs-attention'), resume.label];
  if (pr?.open !== true || states.length !== 2 || !expected.every((l) => pr.labels.includes(l)))
    return `PR #${String(resume.pr)} no longer carries just ${expected.join(' and ')}`;
  await github.removeLabel(resume.pr, labelOf('needs-attention'));
  return undefined;
}

/**
 * Stages whose next job re-reads the PR before it does anything else (the agent job before its
 * first model request, the merge's update job before its checkout). For a dispatch, which names
 * the head it is for, the route's own reading would only repeat theirs. The gate is not one: its
 * next job runs the project's CI, minutes of work that never look at the PR, so a stale dispatch
 * must be caught here.
 */
const REREAD_FIRST_BY_NEXT_JOB: ReadonlySet<StageName> = new Set([
  'plan',
  'plan-review',
  'implementation',
  'code-review',
  'merge',
]);

/** A PR stage runs only for a PR still in that stage, at the head it was dispatched for. */
async function confirm(
  github: GitHubPort,
  stage: StageName,
  decision: { readonly pr?: number; readonly expectedHeadSha?: string },
): Promise<RouteDecision> {
  if (stage === 'scheduler' || stage === 'watchdog') return { kind: 'proceed' };
  if (decision.pr === undefined) return { kind: 'skip', reason: `${stage} needs a PR number` };
  const { pr: number, expectedHeadSha } = decision;
  if (expectedHeadSha !== undefined && REREAD_FIRST_BY_NEXT_JOB.has(stage))
    return { kind: 'proceed', pr: number, expectedHeadSha };
  const pr = await github.readPullRequest(decision.pr);
  const currency = checkStillCurrent(pr, stage, decision.expectedHeadSha);
  if (pr === undefined || !currency.current)
    return { kind: 'skip', reason: currency.current ? 'PR not found' : currency.reason };
  return { kind: 'proceed', pr: pr.number, expectedHeadSha: pr.headSha };
}

async function turnAway(
  github: GitHubPort,
  refusal: Extract<Route, { action: 'refuse' }>,
): Promise<void> {
  await github.removeLabel(refusal.pr, refusal.label);
  const { title, howToProceed } = PARK_REASONS[refusal.code];
  await github.comment(
    refusal.pr,
    [
      `#### ⛔ ${title} (\`${refusal.code}\`)`,
      '',
      `${refusal.reason} The \`${refusal.label}\` label was removed and no stage ran.`,
      '',
      `**How to proceed:** ${howToProceed}`,
    ].join('\n'),
  );
}
