/** `GET /contents/{path}`: a file's base64 content at a ref (default: the default branch). */
import { type ForgeContext, type Route } from '../context.ts';
import { notFound } from '../http.ts';
import { renderContentFile } from '../render/commits.ts';

export function contentRoutes(ctx: ForgeContext): Route[] {
  const doc = 'repos/contents#get-repository-content';
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/contents/{+path}',
      docs: doc,
      need: { access: 'read', scopes: ['contents'] },
      handle: async ({ params, url }) => {
        const path = (params.path ?? '').replace(/^\/+|\/+$/g, '');
        const ref = url.searchParams.get('ref') ?? ctx.render.defaultBranch;
        const blob = await ctx.repo.readBlob(ref, path);
        if (blob === undefined) throw notFound(doc);
        return { status: 200, body: renderContentFile(ctx.render, path, ref, blob) };
      },
    },
  ];
}
