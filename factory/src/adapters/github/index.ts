/**
 * The GitHub adapter: `GitHubPort` over Octokit. Each verb is one small function in the file of its
 * concern; this module only binds them to one repository and one client.
 */
import type { Octokit } from '@octokit/rest';
import type { GitHubPort, RepositoryRef } from '../../core/ports.ts';
import { bindPort } from './bind.ts';
import type { GitHubContext } from './context.ts';
import { defaultWorkflowFile, type WorkflowFileOf } from './dispatch.ts';
import { createNodeIds } from './node-ids.ts';

export { createOctokit, DEFAULT_RETRY_POLICY, DO_NOT_RETRY } from './octokit.ts';
export type { CreateOctokitOptions, FactoryOctokit, GitHubLog, RetryPolicy } from './octokit.ts';
export { GitHubError } from './errors.ts';
export type { WorkflowFileOf } from './dispatch.ts';
export { DISPATCH_INPUTS } from './dispatch.ts';

export interface CreateGitHubOptions {
  /** Built by `createOctokit`, so every call retries and waits out rate limits. */
  readonly octokit: Octokit;
  readonly repository: RepositoryRef;
  /** The identities the line writes as, e.g. `github-actions[bot]` and the App's `<slug>[bot]`. */
  readonly factoryLogins: readonly string[];
  /** The workflow file of a stage (default `<stage>.yml`). */
  readonly workflowFileOf?: WorkflowFileOf;
}

/** The line's view of one GitHub repository. */
export function createGitHub(options: CreateGitHubOptions): GitHubPort {
  const factory = new Set(options.factoryLogins);
  const ctx: GitHubContext = {
    octokit: options.octokit,
    repository: options.repository,
    repo: { owner: options.repository.owner, repo: options.repository.name },
    isFactoryActor: (login) => factory.has(login),
    nodeIds: createNodeIds(),
  };
  return bindPort(ctx, options.workflowFileOf ?? defaultWorkflowFile);
}
export * from './admin.ts';
