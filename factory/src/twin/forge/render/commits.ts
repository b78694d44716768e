/** GitHub's shapes for commits, refs, check runs, commit statuses, workflow runs and contents. */
import type { WorkflowRunRecord } from '../../contract.ts';
import type { CommitInfo } from '../repository.ts';
import type { CheckRunRecord, StatusRecord } from '../store.ts';
import {
  nodeId,
  renderApp,
  renderRepo,
  renderUser,
  repoApiUrl,
  repoHtmlUrl,
  type RenderContext,
} from './base.ts';

export function renderCommit(ctx: RenderContext, commit: CommitInfo): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/commits/${commit.sha}`;
  return {
    url,
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    html_url: `${repoHtmlUrl(ctx)}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${repoApiUrl(ctx)}/git/commits/${commit.sha}`,
      author: { ...commit.author },
      committer: { ...commit.committer },
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${repoApiUrl(ctx)}/git/trees/${commit.tree}` },
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApiUrl(ctx)}/commits/${sha}`,
      html_url: `${repoHtmlUrl(ctx)}/commit/${sha}`,
    })),
  };
}

export function renderRef(ctx: RenderContext, ref: string, sha: string): Record<string, unknown> {
  return {
    ref,
    node_id: nodeId('REF', ref),
    url: `${repoApiUrl(ctx)}/git/${ref}`,
    object: { type: 'commit', sha, url: `${repoApiUrl(ctx)}/git/commits/${sha}` },
  };
}

export function renderCheckRun(ctx: RenderContext, run: CheckRunRecord): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/check-runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${repoHtmlUrl(ctx)}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.id },
    app: renderApp(ctx, run.app, run.appKind),
    pull_requests: [],
  };
}

export function renderStatus(ctx: RenderContext, status: StatusRecord): Record<string, unknown> {
  const creator = renderUser(ctx, status.creator);
  return {
    url: `${repoApiUrl(ctx)}/statuses/${status.sha}`,
    avatar_url: creator.avatar_url,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator,
  };
}

/** GitHub's combined state: failure beats pending beats success; no statuses is pending. */
export function combineStates(
  states: readonly StatusRecord['state'][],
): 'failure' | 'pending' | 'success' {
  if (states.some((state) => state === 'error' || state === 'failure')) return 'failure';
  if (states.length === 0 || states.includes('pending')) return 'pending';
  return 'success';
}

export function renderCombinedStatus(
  ctx: RenderContext,
  sha: string,
  latest: readonly StatusRecord[],
): Record<string, unknown> {
  return {
    state: combineStates(latest.map((status) => status.state)),
    sha,
    total_count: latest.length,
    // The combined view lists statuses without their creator.
    statuses: latest.map((status) => {
      const rendered = renderStatus(ctx, status);
      delete rendered.creator;
      return rendered;
    }),
    repository: renderRepo(ctx, 0),
    commit_url: `${repoApiUrl(ctx)}/commits/${sha}`,
    url: `${repoApiUrl(ctx)}/commits/${sha}/status`,
  };
}

export function renderRun(
  ctx: RenderContext,
  run: WorkflowRunRecord,
  headCommit: CommitInfo | undefined,
): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/actions/runs/${run.id}`;
  const file = run.path.split('/').pop() ?? run.path;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: run.displayTitle ?? run.name,
    run_number: run.id,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflowId(run.path),
    url,
    html_url: `${repoHtmlUrl(ctx)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor: renderUser(ctx, run.actor),
    triggering_actor: renderUser(ctx, run.actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoApiUrl(ctx)}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${repoApiUrl(ctx)}/actions/workflows/${file}`,
    head_commit:
      headCommit === undefined
        ? null
        : {
            id: headCommit.sha,
            tree_id: headCommit.tree,
            message: headCommit.message,
            timestamp: headCommit.committer.date,
            author: { name: headCommit.author.name, email: headCommit.author.email },
            committer: { name: headCommit.committer.name, email: headCommit.committer.email },
          },
    repository: renderRepo(ctx, 0),
    head_repository: renderRepo(ctx, 0),
  };
}

/** A stable numeric id for a workflow file, as `workflow_id` is numeric on GitHub. */
export function workflowId(path: string): number {
  let hash = 17;
  for (const char of path) hash = (hash * 33 + char.charCodeAt(0)) % 900_000_000;
  return 100_000_000 + hash;
}

/** One entry of a directory listing (`content-directory`). */
export function renderContentEntry(
  ctx: RenderContext,
  path: string,
  ref: string,
  entry: { type: 'blob' | 'tree' | 'commit'; sha: string; size: number },
): Record<string, unknown> {
  const type = entry.type === 'blob' ? 'file' : entry.type === 'tree' ? 'dir' : 'submodule';
  const url = `${repoApiUrl(ctx)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${repoApiUrl(ctx)}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`;
  const htmlUrl = `${repoHtmlUrl(ctx)}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`;
  return {
    type,
    size: entry.size,
    name: path.split('/').pop() ?? path,
    path,
    sha: entry.sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url:
      type === 'file' ? `${ctx.apiUrl}/raw/${ctx.owner.login}/${ctx.name}/${ref}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

export function renderContentFile(
  ctx: RenderContext,
  path: string,
  ref: string,
  blob: { sha: string; content: Buffer },
): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${repoApiUrl(ctx)}/git/blobs/${blob.sha}`;
  const htmlUrl = `${repoHtmlUrl(ctx)}/blob/${ref}/${path}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: blob.content.length,
    name: path.split('/').pop() ?? path,
    path,
    // GitHub wraps the base64 text at 60 characters; clients decode it either way.
    content: (blob.content.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
    sha: blob.sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: `${ctx.apiUrl}/raw/${ctx.owner.login}/${ctx.name}/${ref}/${path}`,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}
