/**
 * The checkouts an apply job or the merge works in, behind a small interface so stages don't
 * know where the remote is or how they authenticate to it.
 */
import type { Git, GitIdentity, PushResult } from '../adapters/git/index.ts';
import type { LineEvent } from '../core/line.ts';
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

type Rejected = Extract<PushResult, { kind: 'rejected' }>;

/**
 * What a push GitHub refused means for the stage:
 * - the branch moved under the lease: the stage stands down;
 * - a rule the line's commits cannot meet (a ruleset requiring signed commits, a push
 *   restriction): the stage's next run would be refused the same way after paying for its session
 *   again, so the PR parks, quoting GitHub;
 * - anything else (GitHub failing): a crashed attempt, its spend recorded, run again while the
 *   stage has retries, as when an agent job dies.
 */
export function pushRefusal(
  pr: PullRequestSnapshot,
  rejected: Rejected,
  whileDoing: string,
):
  | { readonly kind: 'stood-down'; readonly reason: string }
  | { readonly kind: 'event'; readonly event: LineEvent; readonly result: string } {
  const quoted = oneLine(rejected.message);
  switch (rejected.reason) {
    case 'stale':
      return { kind: 'stood-down', reason: `the branch moved while ${whileDoing} (stale lease)` };
    case 'rule':
    case 'workflow-permission': {
      const detail = `GitHub refused the line’s push to ${pr.headRef} while ${whileDoing}: ${quoted}`;
      return {
        kind: 'event',
        event: { type: 'blocked', reason: 'push-refused', detail },
        result: 'GitHub refused the push',
      };
    }
    case 'other':
      return {
        kind: 'event',
        event: { type: 'attempt-failed', reason: 'stage-crashed' },
        result: `the push failed while ${whileDoing}: ${quoted}`.slice(0, 300),
      };
  }
}

/** git's report on one line, clipped: the remote's own words, without its progress noise. */
function oneLine(message: string): string {
  const text = message
    .split('\n')
    .map((line) =>
      line
        .replace(/^remote:/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '' && line !== 'Done' && !/^(To |error: failed to push)/.test(line))
    .join(' ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export interface PushedHead {
  readonly pr: PullRequestSnapshot;
  /** True when `pr` is a reading taken just now; false when the PR could not be read back. */
  readonly readJustNow: boolean;
  /**
   * True when the head is neither the old one nor the pushed one: someone else pushed right after
   * the line did. A stage that hands on to review or CI may go on with it (they judge whatever head
   * they find); the merge, which hands on a candidate to test and merge, may not.
   */
  readonly movedBySomeoneElse: boolean;
}

/**
 * GitHub updates a PR's head from a push asynchronously; read it back until it shows the pushed
 * commit, or another head, so the stage goes on with the head the next stage will be dispatched
 * for. Should GitHub still show the old head at the last read (~5 s on), the push that went
 * through on its lease says where the branch is: the stage goes on with the pushed head and that
 * read's labels, rather than stand down and leave its work on a branch nobody moves on.
 */
export async function readPushedHead(
  github: GitHubPort,
  pr: PullRequestSnapshot,
  pushedSha: string,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): Promise<PushedHead> {
  let lagging: PullRequestSnapshot | undefined;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (attempt > 0) await wait(500 * attempt);
    const fresh = await github.readPullRequest(pr.number);
    if (fresh?.headSha === pushedSha)
      return { pr: fresh, readJustNow: true, movedBySomeoneElse: false };
    if (fresh !== undefined && fresh.headSha !== pr.headSha)
      return { pr: fresh, readJustNow: true, movedBySomeoneElse: true };
    lagging = fresh;
  }
  return lagging === undefined
    ? { pr: { ...pr, headSha: pushedSha }, readJustNow: false, movedBySomeoneElse: false }
    : { pr: { ...lagging, headSha: pushedSha }, readJustNow: true, movedBySomeoneElse: false };
}
