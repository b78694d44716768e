/** What every verb of the adapter works with: the client, the repository and who the factory is. */
import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from '../../core/ports.ts';
import type { NodeIds } from './node-ids.ts';

export interface GitHubContext {
  readonly octokit: Octokit;
  readonly repository: RepositoryRef;
  /** `{ owner, repo }`, the parameters every repository route takes. */
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly isFactoryActor: (login: string) => boolean;
  /** Node ids seen by this job's readings, for its GraphQL writes. */
  readonly nodeIds: NodeIds;
}
