/**
 * GitHub's object shapes for users, apps and the repository. Field sets follow the schemas in
 * `@octokit/openapi` (the contract tests validate every response against them).
 */
import type { Actor, TokenKind } from '../../contract.ts';

export interface RenderContext {
  /** Origin of the forge; stands in for both `https://api.github.com` and `https://github.com`. */
  readonly apiUrl: string;
  readonly owner: Actor;
  readonly name: string;
  readonly repoId: number;
  readonly defaultBranch: string;
  readonly createdAt: string;
  /** `OWNER`, `COLLABORATOR` or `NONE`, as GitHub shows beside comments and reviews. */
  associationOf(login: string): string;
  /** Whether issue `number` is a pull request: its pages live under `/pull/`, not `/issues/`. */
  isPull(number: number): boolean;
}

/** The repository's API URL, e.g. `http://127.0.0.1:PORT/repos/o/r`. */
export function repoApiUrl(ctx: RenderContext): string {
  return `${ctx.apiUrl}/repos/${ctx.owner.login}/${ctx.name}`;
}

export function repoHtmlUrl(ctx: RenderContext): string {
  return `${ctx.apiUrl}/${ctx.owner.login}/${ctx.name}`;
}

/** GitHub's well-known id for `github-actions[bot]`; other ids are a stable hash of the login. */
export function actorId(login: string): number {
  if (login === 'github-actions[bot]') return 41898282;
  let hash = 7;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 90_000_000;
  return 1_000_000 + hash;
}

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(`forge:${String(id)}`).toString('base64url')}`;
}

/** A `simple-user`. */
export function renderUser(ctx: RenderContext, actor: Actor): Record<string, unknown> {
  const url = `${ctx.apiUrl}/users/${encodeURIComponent(actor.login)}`;
  const id = actorId(actor.login);
  return {
    login: actor.login,
    id,
    node_id: nodeId(actor.type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `${ctx.apiUrl}/avatars/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `${ctx.apiUrl}/${encodeURIComponent(actor.login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: actor.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

/** The app behind a bot's action (`performed_via_github_app`), or null for a person. */
export function renderApp(
  ctx: RenderContext,
  actor: Actor,
  kind: TokenKind,
): Record<string, unknown> | null {
  if (kind === 'user') return null;
  const slug = actor.login.replace(/\[bot\]$/, '');
  const id = kind === 'default-token' ? 15368 : actorId(slug);
  return {
    id,
    slug,
    node_id: nodeId('A', id),
    owner: renderUser(ctx, {
      login: kind === 'default-token' ? 'github' : ctx.owner.login,
      type: 'User',
    }),
    name: kind === 'default-token' ? 'GitHub Actions' : slug,
    description: null,
    external_url: `${ctx.apiUrl}/apps/${slug}`,
    html_url: `${ctx.apiUrl}/apps/${slug}`,
    created_at: ctx.createdAt,
    updated_at: ctx.createdAt,
    permissions: {},
    events: [],
  };
}

/** `login`'s fork of the repository: the `head.repo` of a pull request opened from it. */
export function renderForkRepo(ctx: RenderContext, login: string): Record<string, unknown> {
  const fork = {
    ...ctx,
    owner: { login, type: 'User' as const },
    repoId: actorId(`${login}/${ctx.name}`),
  };
  return { ...renderRepo(fork, 0), fork: true };
}

/** A `repository` (also valid as `minimal-repository` and `full-repository`). */
export function renderRepo(ctx: RenderContext, openIssues: number): Record<string, unknown> {
  const url = repoApiUrl(ctx);
  const html = repoHtmlUrl(ctx);
  const template = (path: string) => `${url}/${path}`;
  return {
    id: ctx.repoId,
    node_id: nodeId('R', ctx.repoId),
    name: ctx.name,
    full_name: `${ctx.owner.login}/${ctx.name}`,
    owner: renderUser(ctx, ctx.owner),
    private: true,
    visibility: 'private',
    html_url: html,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries(URL_TEMPLATES.map(([key, path]) => [key, template(path)])),
    git_url: `${html}.git`,
    ssh_url: `${html}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: ctx.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: ctx.createdAt,
    created_at: ctx.createdAt,
    updated_at: ctx.createdAt,
    allow_squash_merge: true,
    allow_merge_commit: false,
    allow_rebase_merge: false,
    network_count: 0,
    subscribers_count: 0,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

const URL_TEMPLATES: readonly (readonly [string, string])[] = [
  ['archive_url', '{archive_format}{/ref}'],
  ['assignees_url', 'assignees{/user}'],
  ['blobs_url', 'git/blobs{/sha}'],
  ['branches_url', 'branches{/branch}'],
  ['collaborators_url', 'collaborators{/collaborator}'],
  ['comments_url', 'comments{/number}'],
  ['commits_url', 'commits{/sha}'],
  ['compare_url', 'compare/{base}...{head}'],
  ['contents_url', 'contents/{+path}'],
  ['contributors_url', 'contributors'],
  ['deployments_url', 'deployments'],
  ['downloads_url', 'downloads'],
  ['events_url', 'events'],
  ['forks_url', 'forks'],
  ['git_commits_url', 'git/commits{/sha}'],
  ['git_refs_url', 'git/refs{/sha}'],
  ['git_tags_url', 'git/tags{/sha}'],
  ['hooks_url', 'hooks'],
  ['issue_comment_url', 'issues/comments{/number}'],
  ['issue_events_url', 'issues/events{/number}'],
  ['issues_url', 'issues{/number}'],
  ['keys_url', 'keys{/key_id}'],
  ['labels_url', 'labels{/name}'],
  ['languages_url', 'languages'],
  ['merges_url', 'merges'],
  ['milestones_url', 'milestones{/number}'],
  ['notifications_url', 'notifications{?since,all,participating}'],
  ['pulls_url', 'pulls{/number}'],
  ['releases_url', 'releases{/id}'],
  ['stargazers_url', 'stargazers'],
  ['statuses_url', 'statuses/{sha}'],
  ['subscribers_url', 'subscribers'],
  ['subscription_url', 'subscription'],
  ['tags_url', 'tags'],
  ['teams_url', 'teams'],
  ['trees_url', 'git/trees{/sha}'],
];
