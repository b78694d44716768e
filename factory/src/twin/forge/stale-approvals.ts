/**
 * "Dismiss stale pull request approvals when new commits are pushed": with the rule on for a PR's
 * base branch, GitHub dismisses the PR's approvals once its head moves, whether by new commits or
 * by a rebase onto a base that brought new changes. The twin takes the plain reading: any move of
 * the head dismisses every approval given on another commit. Requests for changes stand.
 * Not modelled: GitHub dismisses a moment after the push, where the twin does it at once (the
 * merge reads reviews only after CI ran on the pushed head, minutes later); the
 * `pull_request_review` event; rulesets. The timeline's `ReviewDismissedEvent` names the head
 * that made the approval stale, which tells it from a person's dismissal (`routes/reviews.ts`).
 */
import type { ForgeEvent } from '../contract.ts';
import type { ForgeContext } from './context.ts';
import type { RepoSettings } from './routes/repo-settings.ts';

/** Dismisses stale approvals as each PR's head moves (its `synchronize`), for as long as the forge runs. */
export function dismissStaleApprovals(ctx: ForgeContext, settings: RepoSettings): void {
  ctx.events.on((event) => {
    const moved = headMove(event);
    if (moved === undefined || settings.protection.get(moved.base)?.dismissStaleReviews !== true)
      return;
    ctx.store.reviews.forEach((review, index) => {
      if (
        review.pullNumber === moved.pr &&
        review.state === 'APPROVED' &&
        review.commitId !== moved.head
      )
        ctx.store.reviews[index] = {
          ...review,
          state: 'DISMISSED',
          dismissal: {
            id: ctx.store.nextId(),
            actor: event.actor,
            message: '',
            at: ctx.now(),
            previous: review.state,
            staleOn: moved.head,
          },
        };
    });
  });
}

function headMove(event: ForgeEvent): { pr: number; base: string; head: string } | undefined {
  if (event.name !== 'pull_request' || event.action !== 'synchronize') return undefined;
  const {
    number,
    after,
    pull_request: pull,
  } = event.payload as {
    readonly number?: number;
    readonly after?: string;
    readonly pull_request?: { readonly base?: { readonly ref?: string } };
  };
  const base = pull?.base?.ref;
  if (number === undefined || after === undefined || base === undefined) return undefined;
  return { pr: number, base, head: after };
}
