/** The repository's label set: what `factory labels sync` reads and writes. */
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';

export interface RepositoryLabel {
  readonly name: string;
  /** Six hex digits, lowercase, no `#`. */
  readonly color: string;
  readonly description: string;
}

/** Every label of the repository, all pages. */
export function listLabels(ctx: GitHubContext): Promise<RepositoryLabel[]> {
  return callGitHub('listLabels', async () => {
    const labels = await ctx.octokit.paginate(ctx.octokit.rest.issues.listLabelsForRepo, {
      ...ctx.repo,
      per_page: 100,
    });
    return labels.map((label) => ({
      name: label.name,
      color: label.color.toLowerCase(),
      description: label.description ?? '',
    }));
  });
}

export async function createLabel(ctx: GitHubContext, label: RepositoryLabel): Promise<void> {
  await callGitHub('createLabel', () =>
    ctx.octokit.rest.issues.createLabel({ ...ctx.repo, ...label }),
  );
}

/** Sets colour and description of the label called `label.name` (matched without case). */
export async function updateLabel(ctx: GitHubContext, label: RepositoryLabel): Promise<void> {
  await callGitHub('updateLabel', () =>
    ctx.octokit.rest.issues.updateLabel({
      ...ctx.repo,
      name: label.name,
      new_name: label.name,
      color: label.color,
      description: label.description,
    }),
  );
}
