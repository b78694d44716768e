/**
 * `GET /contents/{path}` at a ref (default: the default branch): a file's base64 content, or a
 * directory's entries as a list, as GitHub answers.
 */
import { type ForgeContext, type Route } from '../context.ts';
import { notFound } from '../http.ts';
import { renderContentEntry, renderContentFile } from '../render/commits.ts';

export function contentRoutes(ctx: ForgeContext): Route[] {
  const doc = 'repos/contents#get-repository-content';
  const handle = async (rawPath: string, url: URL) => {
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    const ref = url.searchParams.get('ref') ?? ctx.render.defaultBranch;
    const blob = path === '' ? undefined : await ctx.repo.readBlob(ref, path);
    if (blob !== undefined)
      return { status: 200, body: renderContentFile(ctx.render, path, ref, blob) };
    const entries = await ctx.repo.readTree(ref, path);
    if (entries === undefined) throw notFound(doc);
    const prefix = path === '' ? '' : `${path}/`;
    return {
      status: 200,
      body: entries.map((entry) =>
        renderContentEntry(ctx.render, `${prefix}${entry.name}`, ref, entry),
      ),
    };
  };
  const need = { access: 'read', scopes: ['contents'] } as const;
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/contents/{+path}',
      docs: doc,
      need,
      handle: ({ params, url }) => handle(params.path ?? '', url),
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/contents',
      docs: doc,
      need,
      handle: ({ url }) => handle('', url),
    },
  ];
}
