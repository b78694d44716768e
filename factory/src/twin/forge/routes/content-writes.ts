/**
 * `PUT /contents/{path}`: creates or updates one file with a commit on a branch, as GitHub's
 * contents API does. The commit is made like any server-side commit (same workflow-file rule,
 * same `push` events); updating an existing file needs its current blob SHA, as on GitHub.
 */
import * as z from 'zod';
import { type ForgeContext, type Route } from '../context.ts';
import { commitAs } from '../direct-commit.ts';
import { HttpError, parseBody } from '../http.ts';
import { nodeId, repoApiUrl, repoHtmlUrl, type RenderContext } from '../render/base.ts';
import { renderContentEntry } from '../render/commits.ts';
import type { CommitInfo } from '../repository.ts';

const PutContent = z.object({
  message: z.string().min(1),
  content: z.string().regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'must be base64'),
  branch: z.string().min(1).optional(),
  sha: z.string().optional(),
});

export function contentWriteRoutes(ctx: ForgeContext): Route[] {
  const docs = 'repos/contents#create-or-update-file-contents';
  return [
    {
      method: 'PUT',
      path: '/repos/{owner}/{repo}/contents/{+path}',
      docs,
      need: { access: 'write', scopes: ['contents'] },
      handle: async ({ params, body, grant }) => {
        const path = (params.path ?? '').replace(/^\/+|\/+$/g, '');
        const input = parseBody(PutContent, body, docs);
        const branch = input.branch ?? ctx.render.defaultBranch;
        if ((await ctx.repo.resolve(`refs/heads/${branch}`)) === undefined) {
          throw new HttpError(404, `Branch ${branch} not found`, { docs });
        }
        const existing = await ctx.repo.readBlob(branch, path);
        if (existing !== undefined && input.sha === undefined) {
          throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.', { docs });
        }
        if (existing !== undefined && input.sha !== existing.sha) {
          throw new HttpError(409, `${path} does not match ${input.sha ?? ''}`, { docs });
        }
        const text = Buffer.from(input.content, 'base64').toString('utf8');
        const files = { [path]: text };
        const pushed = await commitAs(ctx, grant, {
          branch,
          from: branch,
          files,
          message: input.message,
        });
        if (!pushed.ok) throw new HttpError(422, pushed.output, { docs });
        const [commit, blob] = await Promise.all([
          ctx.repo.readCommit(pushed.sha),
          ctx.repo.readBlob(pushed.sha, path),
        ]);
        if (commit === undefined || blob === undefined) throw new Error('commit vanished');
        const entry = { type: 'blob' as const, sha: blob.sha, size: blob.content.length };
        return {
          status: existing === undefined ? 201 : 200,
          body: {
            content: renderContentEntry(ctx.render, path, branch, entry),
            commit: renderFileCommit(ctx.render, commit),
          },
        };
      },
    },
  ];
}

function renderFileCommit(render: RenderContext, commit: CommitInfo): Record<string, unknown> {
  const api = repoApiUrl(render);
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoHtmlUrl(render)}/commit/${commit.sha}`,
    author: { ...commit.author },
    committer: { ...commit.committer },
    message: commit.message,
    tree: { url: `${api}/git/trees/${commit.tree}`, sha: commit.tree },
    parents: commit.parents.map((sha) => ({
      url: `${api}/git/commits/${sha}`,
      html_url: `${repoHtmlUrl(render)}/commit/${sha}`,
      sha,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}
