/**
 * The first job of every stage workflow: decide from the event whether this stage runs, and for
 * which PR and head. A person's label move is checked: a fork PR or a label set without
 * write permission is turned away — the label removed, the reason explained — before any agent
 * runs. A dispatch or label for a PR that has moved on since is skipped quietly.
 */
import { checkStillCurrent } from '../core/current.ts';
import type { StageName } from '../core/line.ts';
import type { GitHubPort } from '../core/ports.ts';
import { PARK_REASONS } from '../core/reasons.ts';
import { route, type Route, type Trigger } from '../core/routing.ts';

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
      return decision.stage === stage
        ? confirm(github, stage, decision)
        : { kind: 'skip', reason: `the event is for the ${decision.stage} stage, not ${stage}` };
  }
}

/** A PR stage runs only for a PR still in that stage, at the head it was dispatched for. */
async function confirm(
  github: GitHubPort,
  stage: StageName,
  decision: Extract<Route, { action: 'run' }>,
): Promise<RouteDecision> {
  if (stage === 'scheduler' || stage === 'watchdog') return { kind: 'proceed' };
  if (decision.pr === undefined) return { kind: 'skip', reason: `${stage} needs a PR number` };
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
