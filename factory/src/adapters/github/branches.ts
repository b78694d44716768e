/** Where a branch points now (the merge checks that main is still what it rebased onto). */
import type { GitHubContext } from './context.ts';
import { callGitHub, whenStatus } from './errors.ts';

export function readBranchHead(ctx: GitHubContext, branch: string): Promise<string | undefined> {
  return callGitHub('readBranchHead', async () => {
    const found = await ctx.octokit.rest.git
      .getRef({ ...ctx.repo, ref: `heads/${branch}` })
      .catch(whenStatus(404, undefined));
    return found?.data.object.sha;
  });
}
