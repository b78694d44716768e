/** What every verb of the adapter works with: the client, the repository and who the factory is. */
import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from '../../core/ports.ts';

export interface GitHubContext {
  readonly octokit: Octokit;
  readonly repository: RepositoryRef;
  /** `{ owner, repo }`, the parameters every repository route takes. */
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly isFactoryActor: (login: string) => boolean;
}
