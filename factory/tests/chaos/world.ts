/**
 * One chaos run's world: a twin forge over a real bare repository, the real GitHub adapter on a
 * job token (retries shortened), a workbench that clones from the forge as an apply job does, and
 * a clock the run controls — the watchdog judges stalls against it, the forge stamps events with it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clone, tokenAuthHeader } from '../../src/adapters/git/index.ts';
import { createGitHub, createOctokit } from '../../src/adapters/github/index.ts';
import { isStatusComment } from '../../src/core/notes.ts';
import type { GitHubPort, ReviewVerdict } from '../../src/core/ports.ts';
import { labelOf, withState, type State } from '../../src/core/states.ts';
import { CI_STATUS_CONTEXT } from '../../src/stages/gate.ts';
import { STATE_LABELS, WORKING_STATES } from '../../src/core/states.ts';
import { createForge, type FaultKind } from '../../src/twin/forge/index.ts';
import type { Workbench } from '../../src/stages/workbench.ts';
import { FACTORY_LOGIN, JOB_SCOPES, stageWorkflowFiles } from '../support/stage-seed.ts';
import type { PushRule } from './chaos-plan.ts';

export { FACTORY_LOGIN };

const run = promisify(execFile);

/** The person who queues specs and moves labels by hand (write permission on the forge). */
export const PERSON = 'writer';
/** Someone who may read the repository and so review its PRs, but whose word counts for nothing. */
export const READER = 'reader';
/** What that person says as they dismiss the line's approval to hold a PR back. */
export const DISMISSAL_MESSAGE = 'Hold this until the release is out.';

/** A review as the invariants weigh it: who gave it, and whether their word counts (ADR 0009). */
export interface Verdict {
  readonly verdict: string;
  readonly sha: string;
  readonly author: string;
  /** The line's own review, or one by a person with write permission. */
  readonly counts: boolean;
}

export const SEED_FILES: Readonly<Record<string, string>> = {
  'package.json': '{ "name": "widgets", "private": true, "type": "module" }\n',
  'src/index.ts': 'export const answer = 42;\n',
  'CLAUDE.md': '# Constitution\n\nKeep it small.\n',
  'specs/README.md': 'Specs live here.\n',
  ...stageWorkflowFiles([...WORKING_STATES, 'scheduler', 'watchdog']),
};

/** A spec that passes lint: one goal, one testable criterion. */
export function specText(title: string, file: string): string {
  return [
    `# ${title}`,
    '',
    '## Goal',
    '',
    `Make ${title.toLowerCase()} possible for every caller of the product.`,
    '',
    '## Acceptance criteria',
    '',
    `- [ ] \`${file}\` exports \`value()\` returning \`42\`, tested in \`tests/value.test.ts\`.`,
    '',
  ].join('\n');
}

/** A clock that only moves when the run moves it. */
export interface VirtualClock {
  now(): Date;
  advanceMinutes(minutes: number): void;
}

export function createClock(): VirtualClock {
  let ms = Date.UTC(2026, 0, 1);
  return {
    // Each reading moves a second on, so the forge's timestamps keep their order.
    now: () => new Date((ms += 1_000)),
    advanceMinutes: (minutes) => {
      ms += minutes * 60_000;
    },
  };
}

/** A PR as the invariants read it at rest. */
export interface PullAtRest {
  readonly merged: boolean;
  readonly open: boolean;
  readonly labels: readonly string[];
  readonly headRef: string;
}

/** The GitHub a chaos run plays against: the twin forge, or the in-memory fake over a bare repo. */
export interface World {
  readonly kind: 'forge' | 'fake';
  readonly github: GitHubPort;
  readonly workbench: Workbench;
  readonly clock: VirtualClock;
  readonly seedSha: string;
  /** Runs git in the bare repository behind the world. */
  git(args: readonly string[]): Promise<string>;
  /** A person opens a PR adding `files` on `branch`, labelled `state:queued`; returns its number. */
  openQueuedPullRequest(
    branch: string,
    title: string,
    files: Record<string, string>,
  ): Promise<number>;
  /** A person moves the PR's state label by hand; false when the PR is closed. */
  personSets(pr: number, to: State): Promise<boolean>;
  /** A person adds a state label, keeping the PR's others; false when the PR is closed. */
  personAdds(pr: number, to: State): Promise<boolean>;
  /** `who` reviews the PR's head as it is; false when the PR is closed. */
  personReviews(pr: number, verdict: ReviewVerdict, who: string): Promise<boolean>;
  /**
   * A writer dismisses the line's latest verdict when it is an approval, saying why; false when
   * there is none (or the PR is closed).
   */
  personDismissesApproval(pr: number): Promise<boolean>;
  /** The owner adds a ruleset with one push rule on the PR's branch; false when it is closed. */
  ownerAddsPushRule(pr: number, type: PushRule): Promise<boolean>;
  /** A person pushes a commit to main. */
  commitToMain(files: Record<string, string>): Promise<void>;
  injectFaults(rate: number): void;
  /** Turns faults off, for reading the world at rest. */
  quiet(): void;
  readPullAtRest(pr: number): Promise<PullAtRest>;
  countStatusComments(pr: number): Promise<number>;
  /** The latest `factory/ci` state on exactly `sha`. */
  ciStateOn(sha: string): Promise<string | undefined>;
  /** Approvals, change requests and dismissed reviews, oldest first. */
  verdicts(pr: number): Promise<Verdict[]>;
  faultCounts(): Record<string, number>;
  internalErrors(): readonly unknown[];
  close(): Promise<void>;
}

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const FAULT_KINDS: readonly FaultKind[] = [
  'server-error',
  'bad-gateway',
  'rate-limit',
  'secondary-rate-limit',
  'answer-lost',
];
const FAULT_NAMES: Readonly<Record<FaultKind, string>> = {
  'server-error': 'forge 500',
  'bad-gateway': 'forge 502',
  'rate-limit': 'forge 429',
  'secondary-rate-limit': 'forge 403 (secondary limit)',
  'answer-lost': 'forge 502 after serving the call (answer lost)',
};

export async function createForgeWorld(faultSeed: number): Promise<World> {
  const clock = createClock();
  const forge = await createForge({
    seed: { files: SEED_FILES },
    labels: STATE_LABELS,
    faultSeed,
    now: () => clock.now(),
  });
  const scratch = await mkdtemp(join(tmpdir(), 'chaos-work-'));
  const { token } = forge.issueJobToken(JOB_SCOPES);
  const octokit = (auth: string) =>
    createOctokit({
      token: auth,
      baseUrl: forge.apiUrl,
      log: quiet,
      retry: { msPerSecond: 2, spaceWrites: false },
    });
  const github = createGitHub({
    octokit: octokit(token),
    repository: {
      owner: forge.repository.owner,
      name: forge.repository.name,
      defaultBranch: 'main',
    },
    factoryLogins: [FACTORY_LOGIN],
  });
  const person = octokit(forge.as(PERSON));
  const repo = { owner: forge.repository.owner, repo: forge.repository.name };
  // Main protected as the operating guide asks: factory/ci green on a head up to date with main.
  // Every other world also wants one approval and dismisses stale ones, as many teams do: each
  // rebase the merge makes then sends the PR back to code review.
  await octokit(forge.as('octo-owner')).rest.repos.updateBranchProtection({
    ...repo,
    branch: 'main',
    required_status_checks: { strict: true, contexts: ['factory/ci'] },
    enforce_admins: true,
    required_pull_request_reviews:
      faultSeed % 2 === 0
        ? { required_approving_review_count: 1, dismiss_stale_reviews: true }
        : null,
    restrictions: null,
  });
  const git = async (args: readonly string[]) =>
    (await run('git', ['--git-dir', forge.gitDir, ...args])).stdout.trim();
  let faultRate = 0;
  const injectFaults = (rate: number) => {
    faultRate = rate;
    for (const kind of FAULT_KINDS) forge.faults.inject({ kind, rate, retryAfterSeconds: 1 });
  };
  const whileQuiet = async <T>(action: () => Promise<T>): Promise<T> => {
    const rate = faultRate;
    forge.faults.clear();
    try {
      return await action();
    } finally {
      if (rate > 0) injectFaults(rate);
    }
  };
  return {
    kind: 'forge',
    github,
    workbench: cloningWorkbench(forge.gitUrl, scratch, tokenAuthHeader(token)),
    clock,
    seedSha: await git(['rev-parse', 'refs/heads/main']),
    git,
    // A person opens a PR through a quiet forge: the faults are for the line to survive, and the
    // persona's calls have no retries of their own.
    openQueuedPullRequest: (branch, title, files) =>
      whileQuiet(() =>
        forge.openPullRequest(PERSON, { branch, files, title, labels: ['state:queued'] }),
      ),
    personReviews: (pr, verdict, who) =>
      whileQuiet(async () => {
        const reviewer = octokit(forge.as(who));
        const { data } = await reviewer.rest.pulls.get({ ...repo, pull_number: pr });
        if (data.state !== 'open') return false;
        await reviewer.rest.pulls.createReview({
          ...repo,
          pull_number: pr,
          commit_id: data.head.sha,
          event: verdict,
          body: verdict,
        });
        return true;
      }),
    ownerAddsPushRule: (pr, type) =>
      whileQuiet(async () => {
        const { data } = await person.rest.pulls.get({ ...repo, pull_number: pr });
        if (data.state !== 'open') return false;
        await octokit(forge.as('octo-owner')).rest.repos.createRepoRuleset({
          ...repo,
          name: `${type} on ${data.head.ref}`,
          enforcement: 'active',
          conditions: { ref_name: { include: [`refs/heads/${data.head.ref}`], exclude: [] } },
          rules: [{ type }],
        });
        return true;
      }),
    personDismissesApproval: (pr) =>
      whileQuiet(async () => {
        const { data: reviews } = await person.rest.pulls.listReviews({
          ...repo,
          pull_number: pr,
          per_page: 100,
        });
        const latest = reviews.findLast(
          (review) =>
            github.isFactoryActor(review.user?.login ?? '') && review.state !== 'COMMENTED',
        );
        if (latest?.state !== 'APPROVED') return false;
        await person.rest.pulls.dismissReview({
          ...repo,
          pull_number: pr,
          review_id: latest.id,
          message: DISMISSAL_MESSAGE,
        });
        return true;
      }),
    async personSets(pr, to) {
      const { data } = await person.rest.pulls.get({ ...repo, pull_number: pr });
      if (data.state !== 'open') return false;
      const labels = withState(
        data.labels.map((label) => label.name),
        to,
      );
      await person.rest.issues.setLabels({ ...repo, issue_number: pr, labels });
      return true;
    },
    async personAdds(pr, to) {
      const { data } = await person.rest.pulls.get({ ...repo, pull_number: pr });
      if (data.state !== 'open') return false;
      await person.rest.issues.addLabels({ ...repo, issue_number: pr, labels: [labelOf(to)] });
      return true;
    },
    async commitToMain(files) {
      const pushed = await forge.commit(PERSON, { branch: 'main', files, message: 'main moves' });
      if (!pushed.ok) throw new Error(`moving main failed: ${pushed.output}`);
    },
    injectFaults,
    quiet: () => {
      faultRate = 0;
      forge.faults.clear();
    },
    async readPullAtRest(pr) {
      const { data } = await person.rest.pulls.get({ ...repo, pull_number: pr });
      return {
        merged: data.merged,
        open: data.state === 'open',
        labels: data.labels.map((label) => label.name),
        headRef: data.head.ref,
      };
    },
    async countStatusComments(pr) {
      const comments = await person.paginate(person.rest.issues.listComments, {
        ...repo,
        issue_number: pr,
        per_page: 100,
      });
      return comments.filter(
        (comment) => comment.user?.login === FACTORY_LOGIN && isStatusComment(comment.body ?? ''),
      ).length;
    },
    async ciStateOn(sha) {
      const { data } = await person.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha });
      return data.statuses.find((status) => status.context === CI_STATUS_CONTEXT)?.state;
    },
    async verdicts(pr) {
      const reviews = await person.paginate(person.rest.pulls.listReviews, {
        ...repo,
        pull_number: pr,
        per_page: 100,
      });
      return reviews.flatMap((review) => {
        const verdict = {
          APPROVED: 'APPROVE',
          CHANGES_REQUESTED: 'REQUEST_CHANGES',
          DISMISSED: 'DISMISSED',
        }[review.state as 'APPROVED'] as string | undefined;
        const author = review.user?.login ?? '';
        return verdict === undefined
          ? []
          : [
              {
                verdict,
                sha: review.commit_id ?? '',
                author,
                counts: author === FACTORY_LOGIN || author === PERSON,
              },
            ];
      });
    },
    faultCounts() {
      const injected = forge.faults.injectedByKind();
      return Object.fromEntries(
        FAULT_KINDS.flatMap((kind) => {
          const count = injected[kind];
          return count === undefined ? [] : [[FAULT_NAMES[kind], count]];
        }),
      );
    },
    internalErrors: () => forge.internalErrors,
    async close() {
      await forge.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Apply jobs clone the repository fresh, as on a runner. */
export function cloningWorkbench(url: string, scratch: string, authHeader?: string): Workbench {
  let checkouts = 0;
  return {
    checkoutHead: (pr) =>
      clone({
        url,
        dir: join(scratch, `checkout-${String((checkouts += 1))}`),
        ref: pr.headSha,
        ...(authHeader === undefined ? {} : { authHeader }),
      }),
  };
}
