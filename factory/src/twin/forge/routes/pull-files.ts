/** `GET /pulls/{n}/files`: the files a pull request changes against its base, paginated. */
import { findPull, numberParam, type ForgeContext, type Route } from '../context.ts';
import { paginate } from '../http.ts';
import { baseTip } from '../pull-model.ts';
import { repoApiUrl, repoHtmlUrl } from '../render/base.ts';
import type { FileChange } from '../repository.ts';
import { PULLS_READ } from './pulls.ts';

const STATUS: Readonly<Record<string, string>> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  T: 'changed',
  R: 'renamed',
};

export function pullFileRoutes(ctx: ForgeContext): Route[] {
  const doc = 'pulls/pulls#list-pull-requests-files';
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
      docs: doc,
      need: PULLS_READ,
      handle: async (request) => {
        const pull = findPull(ctx, numberParam(request, 'pull_number', doc), doc);
        const files = await ctx.repo.diffFiles(await baseTip(ctx, pull), pull.pull.headSha);
        const page = paginate(files, request.url);
        const ref = pull.pull.headSha;
        return {
          status: 200,
          body: page.body.map((file) => renderDiffEntry(ctx, ref, file)),
          headers: page.headers,
        };
      },
    },
  ];
}

function renderDiffEntry(
  ctx: ForgeContext,
  ref: string,
  file: FileChange,
): Record<string, unknown> {
  return {
    sha: file.sha,
    filename: file.path,
    status: STATUS[file.status] ?? 'modified',
    ...(file.previousPath === undefined ? {} : { previous_filename: file.previousPath }),
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${repoHtmlUrl(ctx.render)}/blob/${ref}/${file.path}`,
    raw_url: `${repoHtmlUrl(ctx.render)}/raw/${ref}/${file.path}`,
    contents_url: `${repoApiUrl(ctx.render)}/contents/${file.path}?ref=${ref}`,
    ...(file.patch === undefined ? {} : { patch: file.patch }),
  };
}
