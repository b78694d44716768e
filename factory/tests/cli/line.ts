/**
 * Arranging a line on a twin forge the way the factory leaves it: state labels moved by the
 * default token, one status comment with its ledger, specs queued by a person.
 */
import type { FactoryOctokit } from '../../src/adapters/github/index.ts';
import {
  recordAttempt,
  recordPark,
  renderStatus,
  EMPTY_LEDGER,
  type Ledger,
} from '../../src/core/status.ts';
import { labelOf, type State } from '../../src/core/states.ts';
import type { Forge } from '../../src/twin/forge/index.ts';
import { clientFor, specText } from './support.ts';

const repo = { owner: 'octo-owner', repo: 'software-factory' };

export interface LineArranger {
  /** The factory's own client (a job token: `github-actions[bot]`). */
  readonly bot: FactoryOctokit;
  /** Opens a spec PR as `writer` and labels it `state:queued` as `writer`. */
  queueSpec(slug: string, frontMatter?: string): Promise<number>;
  /** Moves a PR through `states` as the factory, one label write each. */
  move(pr: number, ...states: State[]): Promise<void>;
  /** Writes (or rewrites) the factory's status comment for a PR in `state` with `ledger`. */
  writeStatus(pr: number, state: State, ledger: Ledger): Promise<void>;
}

export function arrangeLine(forge: Forge): LineArranger {
  const bot = clientFor(
    forge,
    forge.issueJobToken({ issues: 'write', 'pull-requests': 'write' }).token,
  );
  return {
    bot,
    async queueSpec(slug, frontMatter = '') {
      const path = `specs/${slug}.md`;
      return forge.openPullRequest('writer', {
        branch: `spec/${slug}`,
        files: { [path]: specText(`Spec ${slug}`, `Goal of ${slug}.`, frontMatter) },
        title: `Spec ${slug}`,
        labels: [labelOf('queued')],
      });
    },
    async move(pr, ...states) {
      for (const state of states) {
        await bot.rest.issues.setLabels({ ...repo, issue_number: pr, labels: [labelOf(state)] });
      }
    },
    async writeStatus(pr, state, ledger) {
      const body = renderStatus(state, ledger);
      const { data: comments } = await bot.rest.issues.listComments({ ...repo, issue_number: pr });
      const existing = comments.find((comment) => comment.user?.login === 'github-actions[bot]');
      if (existing === undefined) {
        await bot.rest.issues.createComment({ ...repo, issue_number: pr, body });
      } else {
        await bot.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
      }
    },
  };
}

/** A ledger with spend on the stages given, in dollars. */
export function ledgerWith(
  spend: Partial<Record<'plan' | 'plan-review' | 'implementation' | 'code-review', number>>,
): Ledger {
  let ledger = EMPTY_LEDGER;
  for (const [stage, dollars] of Object.entries(spend)) {
    ledger = recordAttempt(ledger, stage as 'plan', {
      result: 'done',
      tokens: 1000,
      dollars,
      day: '2026-03-02',
    });
  }
  return ledger;
}

export function parkedLedger(ledger: Ledger, stage: 'code-review' | 'implementation'): Ledger {
  return recordPark(ledger, {
    reason: 'retries-exhausted',
    stage,
    detail: 'Three reviews asked for changes.',
  });
}
