/** Pull requests: list, get, create, update (title, body, state, base). */
import * as z from 'zod';
import type { TokenGrant } from '../../contract.ts';
import { findPull, isPull, numberParam, type ForgeContext, type Route } from '../context.ts';
import { causeOf, emitPullRequest } from '../emit.ts';
import { openPullRecord } from '../open-pull.ts';
import { HttpError, paginate, parseBody, validationFailed } from '../http.ts';
import { readFullPull, readSimplePull } from '../pull-model.ts';
import type { PullIssue } from '../render/pulls.ts';

export const PULLS_READ = { access: 'read', scopes: ['pull-requests'] } as const;
export const PULLS_WRITE = { access: 'write', scopes: ['pull-requests'] } as const;

const CreatePull = z.object({
  title: z.string().min(1),
  head: z.string().min(1),
  base: z.string().min(1),
  body: z.string().nullable().optional(),
  draft: z.boolean().optional(),
});

const UpdatePull = z.object({
  title: z.string().min(1).optional(),
  body: z.string().nullable().optional(),
  state: z.enum(['open', 'closed']).optional(),
  base: z.string().min(1).optional(),
});

export interface PullOptions {
  /** GitHub's "Allow GitHub Actions to create and approve pull requests" setting. */
  readonly actionsMayCreateAndApprove: boolean;
}

export const ACTIONS_NOT_PERMITTED =
  'GitHub Actions is not permitted to create or approve pull requests.';

export function pullRoutes(ctx: ForgeContext, options: PullOptions): Route[] {
  const docs = (anchor: string) => `pulls/pulls#${anchor}`;
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls',
      docs: docs('list-pull-requests'),
      need: PULLS_READ,
      handle: async ({ url }) => {
        const wanted = url.searchParams.get('state') ?? 'open';
        const head = headFilter(ctx, url.searchParams.get('head'));
        const base = url.searchParams.get('base');
        const pulls = [...ctx.store.issues.values()]
          .filter(isPull)
          .filter((p) => wanted === 'all' || p.state === wanted)
          .filter((p) => head === undefined || isHead(ctx, p, head))
          .filter((p) => base === null || p.pull.baseRef === base)
          .sort((a, b) =>
            url.searchParams.get('direction') === 'asc' ? a.number - b.number : b.number - a.number,
          );
        const page = paginate(pulls, url);
        return {
          status: 200,
          body: await Promise.all(page.body.map((p) => readSimplePull(ctx, p))),
          headers: page.headers,
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}',
      docs: docs('get-a-pull-request'),
      need: PULLS_READ,
      handle: async (request) => {
        const pull = findPull(
          ctx,
          numberParam(request, 'pull_number', docs('get-a-pull-request')),
          docs('get-a-pull-request'),
        );
        return { status: 200, body: await readFullPull(ctx, pull) };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/pulls',
      docs: docs('create-a-pull-request'),
      need: PULLS_WRITE,
      handle: async ({ body, grant }) => {
        const doc = docs('create-a-pull-request');
        const input = parseBody(CreatePull, body, doc);
        if (grant.kind === 'default-token' && !options.actionsMayCreateAndApprove) {
          throw new HttpError(403, ACTIONS_NOT_PERMITTED, { docs: doc });
        }
        // `owner:branch` names a fork's branch unless the owner is this repository's, and the
        // twin's forks are opened with `openForkPullRequest`, never through this route.
        const head = headFilter(ctx, input.head);
        if (head?.owner !== ctx.render.owner.login)
          throw validationFailed(doc, [
            { resource: 'PullRequest', field: 'head', code: 'invalid' },
          ]);
        const pull = await openPull(ctx, { ...input, head: head.branch }, grant, doc);
        return { status: 201, body: await readFullPull(ctx, pull) };
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}',
      docs: docs('update-a-pull-request'),
      need: PULLS_WRITE,
      handle: async (request) => {
        const doc = docs('update-a-pull-request');
        const pull = findPull(ctx, numberParam(request, 'pull_number', doc), doc);
        const input = parseBody(UpdatePull, request.body, doc);
        await updatePull(ctx, pull, input, request.grant, doc);
        return { status: 200, body: await readFullPull(ctx, pull) };
      },
    },
  ];
}

interface HeadBranch {
  readonly owner: string;
  readonly branch: string;
}

/** A `head` as GitHub takes it, `owner:branch`; the twin reads a bare branch as this repository's. */
function headFilter(ctx: ForgeContext, head: string | null): HeadBranch | undefined {
  if (head === null) return undefined;
  const colon = head.indexOf(':');
  return colon < 0
    ? { owner: ctx.render.owner.login, branch: head }
    : { owner: head.slice(0, colon), branch: head.slice(colon + 1) };
}

/** Whether the PR's head is `wanted`: the same branch name in a fork is another branch. */
function isHead(ctx: ForgeContext, issue: PullIssue, wanted: HeadBranch): boolean {
  const owner = issue.pull.headOwner ?? ctx.render.owner.login;
  return owner === wanted.owner && issue.pull.headRef === wanted.branch;
}

async function openPull(
  ctx: ForgeContext,
  input: z.infer<typeof CreatePull>,
  grant: TokenGrant,
  doc: string,
): Promise<PullIssue> {
  const headSha = await ctx.repo.resolve(`refs/heads/${input.head}`);
  const baseSha = await ctx.repo.resolve(`refs/heads/${input.base}`);
  if (headSha === undefined)
    throw validationFailed(doc, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (baseSha === undefined)
    throw validationFailed(doc, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  const duplicate = [...ctx.store.issues.values()].find(
    (issue) =>
      isPull(issue) &&
      issue.state === 'open' &&
      isHead(ctx, issue, { owner: ctx.render.owner.login, branch: input.head }) &&
      issue.pull.baseRef === input.base,
  );
  if (duplicate !== undefined) {
    const message = `A pull request already exists for ${ctx.render.owner.login}:${input.head}.`;
    throw validationFailed(doc, [{ resource: 'PullRequest', code: 'custom', message }]);
  }
  if ((await ctx.repo.countCommits(baseSha, headSha)) === 0) {
    const message = `No commits between ${input.base} and ${input.head}`;
    throw validationFailed(doc, [{ resource: 'PullRequest', code: 'custom', message }]);
  }
  return openPullRecord(
    ctx,
    {
      title: input.title,
      body: input.body ?? null,
      headRef: input.head,
      headSha,
      baseRef: input.base,
      draft: input.draft ?? false,
    },
    grant.actor,
    causeOf(grant),
  );
}

async function updatePull(
  ctx: ForgeContext,
  pull: PullIssue,
  input: z.infer<typeof UpdatePull>,
  grant: TokenGrant,
  doc: string,
): Promise<void> {
  if (
    input.base !== undefined &&
    (await ctx.repo.resolve(`refs/heads/${input.base}`)) === undefined
  ) {
    throw validationFailed(doc, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  }
  if (input.state === 'open' && pull.pull.merged) {
    throw validationFailed(doc, [
      { resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' },
    ]);
  }
  const stateChange =
    input.state !== undefined && input.state !== pull.state ? input.state : undefined;
  if (input.title !== undefined) pull.title = input.title;
  if (input.body !== undefined) pull.body = input.body;
  if (input.base !== undefined) pull.pull.baseRef = input.base;
  pull.updatedAt = ctx.now();
  const action =
    input.title !== undefined || input.body !== undefined || input.base !== undefined
      ? 'edited'
      : undefined;
  if (action !== undefined) await emitPullRequest(ctx, pull, action, causeOf(grant));
  if (stateChange === undefined) return;
  pull.state = stateChange;
  pull.closedAt = stateChange === 'closed' ? ctx.now() : null;
  ctx.store.issueEvents.push({
    id: ctx.store.nextId(),
    issueNumber: pull.number,
    event: stateChange === 'closed' ? 'closed' : 'reopened',
    actor: grant.actor,
    tokenKind: grant.kind,
    createdAt: ctx.now(),
    commitId: null,
  });
  await emitPullRequest(
    ctx,
    pull,
    stateChange === 'closed' ? 'closed' : 'reopened',
    causeOf(grant),
  );
}
