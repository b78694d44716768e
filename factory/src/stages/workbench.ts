/**
 * The checkouts an apply job or the merge works in, behind a small interface so stages don't
 * know where the remote is or how they authenticate to it.
 */
import type { Git, GitIdentity, PushResult } from '../adapters/git/index.ts';
import type { GitHubPort, PullRequestSnapshot } from '../core/ports.ts';

export interface Workbench {
  /** A fresh clone of the repository with the PR head checked out (full history). */
  checkoutHead(pr: PullRequestSnapshot): Promise<Git>;
}

/** Commits made by an apply job are authored by the line's own identity. */
export const FACTORY_AUTHOR: GitIdentity = {
  name: 'factory line',
  email: 'factory@users.noreply.github.com',
};

/** Pushes the checkout's HEAD to the PR branch, leased on the head the stage read. */
export function pushToPullRequest(git: Git, pr: PullRequestSnapshot): Promise<PushResult> {
  return git.push({ remote: 'origin', branch: pr.headRef, expectedSha: pr.headSha });
}

export type PushedHead =
  | {
      readonly kind: 'shown';
      readonly pr: PullRequestSnapshot;
      /** True when `pr` is a reading taken just now; false when GitHub never showed the push. */
      readonly readJustNow: boolean;
    }
  | { readonly kind: 'moved'; readonly reason: string };

/**
 * GitHub updates a PR's head from a push asynchronously; read it back until it shows the pushed
 * commit, so the stage goes on with the head the next stage will be dispatched for. A head that is
 * neither the old one nor the pushed one is someone else's push, made right after the line's: the
 * stage stands down rather than hand on a head it did not make.
 */
export async function readPushedHead(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  pushedSha: string,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): Promise<PushedHead> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const fresh = await github.readPullRequest(pr.number);
    if (fresh?.headSha === pushedSha) return { kind: 'shown', pr: fresh, readJustNow: true };
    if (fresh !== undefined && fresh.headSha !== pr.headSha)
      return {
        kind: 'moved',
        reason: `the branch moved to ${fresh.headSha.slice(0, 7)} right after the line pushed ${pushedSha.slice(0, 7)}`,
      };
    await wait(500 * (attempt + 1));
  }
  return { kind: 'shown', pr: { ...pr, headSha: pushedSha }, readJustNow: false };
}
