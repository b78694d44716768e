/**
 * Git refs: get, create, update. An update must fast-forward unless `force`; a token without the
 * `workflows` permission may not move a branch onto a tree whose workflow files differ.
 */
import * as z from 'zod';
import type { TokenGrant } from '../../contract.ts';
import { canWriteWorkflows } from '../auth.ts';
import { type ForgeContext, type Route } from '../context.ts';
import { causeOf } from '../emit.ts';
import { HttpError, notFound, parseBody } from '../http.ts';
import { renderRef } from '../render/commits.ts';
import { applyUpdates, describeUpdate } from '../sync.ts';

const READ = { access: 'read', scopes: ['contents'] } as const;
const WRITE = { access: 'write', scopes: ['contents'] } as const;
const ZERO_SHA = '0000000000000000000000000000000000000000';
const SHA = z.string().regex(/^[0-9a-f]{40}$/, 'must be a full commit SHA');
const UpdateRef = z.object({ sha: SHA, force: z.boolean().optional() });
const CreateRef = z.object({
  ref: z
    .string()
    .regex(/^refs\/(heads|tags)\/[^\s~^:?*[\\]+$/, 'must be refs/heads/… or refs/tags/…'),
  sha: SHA,
});

/** The text GitHub gives when a token without the `workflows` permission touches a workflow. */
export function workflowRefusal(file: string): string {
  return `refusing to allow a GitHub App to create or update workflow \`${file}\` without \`workflows\` permission`;
}

export function refRoutes(ctx: ForgeContext): Route[] {
  const docs = (anchor: string) => `git/refs#${anchor}`;
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/git/ref/{+ref}',
      docs: docs('get-a-reference'),
      need: READ,
      handle: async ({ params }) => {
        const ref = `refs/${params.ref ?? ''}`;
        const sha = (await ctx.repo.listRefs()).get(ref);
        if (sha === undefined) throw notFound(docs('get-a-reference'));
        return { status: 200, body: renderRef(ctx.render, ref, sha) };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/git/refs',
      docs: docs('create-a-reference'),
      need: WRITE,
      handle: async ({ body, grant }) => {
        const doc = docs('create-a-reference');
        const input = parseBody(CreateRef, body, doc);
        if ((await ctx.repo.listRefs()).has(input.ref))
          throw new HttpError(422, 'Reference already exists', { docs: doc });
        await moveRef(ctx, input.ref, ZERO_SHA, input.sha, grant, doc);
        return { status: 201, body: renderRef(ctx.render, input.ref, input.sha) };
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/git/refs/{+ref}',
      docs: docs('update-a-reference'),
      need: WRITE,
      handle: async ({ params, body, grant }) => {
        const doc = docs('update-a-reference');
        const ref = `refs/${params.ref ?? ''}`;
        const input = parseBody(UpdateRef, body, doc);
        const current = (await ctx.repo.listRefs()).get(ref);
        if (current === undefined)
          throw new HttpError(422, 'Reference does not exist', { docs: doc });
        await moveRef(ctx, ref, current, input.sha, grant, doc, input.force ?? false);
        return { status: 200, body: renderRef(ctx.render, ref, input.sha) };
      },
    },
  ];
}

async function moveRef(
  ctx: ForgeContext,
  ref: string,
  current: string,
  sha: string,
  grant: TokenGrant,
  doc: string,
  force = false,
): Promise<void> {
  if ((await ctx.repo.readCommit(sha)) === undefined)
    throw new HttpError(422, 'Object does not exist', { docs: doc });
  if (current !== ZERO_SHA && !force && !(await ctx.repo.isAncestor(current, sha))) {
    throw new HttpError(422, 'Update is not a fast forward', { docs: doc });
  }
  if (!canWriteWorkflows(grant)) {
    const from =
      current === ZERO_SHA ? ((await ctx.repo.resolve('refs/heads/main')) ?? sha) : current;
    const [file] = await ctx.repo.changedFiles(from, sha, '.github/workflows/');
    if (file !== undefined) throw new HttpError(422, workflowRefusal(file), { docs: doc });
  }
  await ctx.repo.updateRef(ref, sha, current);
  await applyUpdates(ctx, [await describeUpdate(ctx, ref, current, sha)], causeOf(grant));
}
