/**
 * How a command reaches a repository: `--repo owner/name` (default: the checkout's `origin`),
 * `--api-url` (default `GITHUB_API_URL` or https://api.github.com) and a token from `GITHUB_TOKEN`
 * or `GH_TOKEN`. The token is only ever handed to the client: never printed, never logged.
 */
import { execFileSync } from 'node:child_process';
import { Option } from '@commander-js/extra-typings';
import {
  createGitHub,
  createOctokit,
  createRepositoryAdmin,
  GitHubError,
  type RepositoryAdmin,
  type RetryPolicy,
} from '../adapters/github/index.ts';
import { parseFactoryConfig } from '../core/config-file.ts';
import { CONFIG_FILE, type FactoryConfig } from '../core/config.ts';
import type { GitHubPort, RepositoryRef } from '../core/ports.ts';
import type { CliIo } from './io.ts';

export const DEFAULT_API_URL = 'https://api.github.com';

/** The identity a default-token line writes as; its labels and comments are the factory's. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** A refusal to run, with a message that says what to do; the command prints it and exits 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface ConnectionFlags {
  readonly repo?: string;
  readonly apiUrl?: string;
}

/** What every command gets from its caller: output, environment, working folder. */
export interface CliDeps {
  readonly io: CliIo;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Tests shorten GitHub's back-off; people get the real one. */
  readonly retry?: Partial<RetryPolicy>;
  /** The clock `status` measures ages with. */
  readonly now?: () => Date;
}

export interface Connection {
  readonly repository: RepositoryRef;
  readonly apiUrl: string;
  readonly github: GitHubPort;
  readonly admin: RepositoryAdmin;
  readonly config: FactoryConfig;
  /** Where the configuration came from, for people to read. */
  readonly configSource: string;
}

export function repoOption() {
  return new Option(
    '-R, --repo <owner/name>',
    'repository to work on (default: the checkout’s origin remote)',
  );
}

export function apiUrlOption() {
  return new Option(
    '--api-url <url>',
    `GitHub API base URL (default: $GITHUB_API_URL or ${DEFAULT_API_URL})`,
  );
}

export function jsonOption() {
  return new Option('--json', 'print machine-readable JSON instead of text');
}

/**
 * `owner/name` from `owner/name`, an https URL or an ssh remote (`git@host:owner/name.git`).
 * Anything else is a `CliError` naming the accepted forms.
 */
export function parseRepoSlug(text: string): { owner: string; name: string } {
  const trimmed = text
    .trim()
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const match =
    /^(?:[a-z+]+:\/\/[^/]+\/|[^@\s]+@[^:\s]+:)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(trimmed);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new CliError(
      `"${text}" is not a repository: use owner/name, an https URL or an ssh remote.`,
    );
  }
  return { owner: match[1], name: match[2] };
}

/** The repository of the checkout's `origin` remote, when `cwd` is in a checkout that has one. */
export function readOriginSlug(cwd: string): { owner: string; name: string } | undefined {
  let url: string;
  try {
    url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
  return parseRepoSlug(url);
}

/**
 * The token for GitHub, or a `CliError` that says how to provide one. `GH_TOKEN` comes first, as
 * for `gh`: a Codespace or a CI job sets `GITHUB_TOKEN` itself, and the one you exported wins.
 * An empty variable counts as unset.
 */
export function readToken(env: CliDeps['env']): string {
  const token = [env.GH_TOKEN, env.GITHUB_TOKEN].map((value) => value?.trim()).find(Boolean);
  if (token === undefined) {
    throw new CliError(
      'No GitHub token: set GH_TOKEN or GITHUB_TOKEN (for example `export GH_TOKEN=$(gh auth token)`).',
    );
  }
  return token;
}

/** Resolves the flags and environment into a connection: repository, clients and config. */
export async function connect(flags: ConnectionFlags, deps: CliDeps): Promise<Connection> {
  const slug = flags.repo === undefined ? readOriginSlug(deps.cwd) : parseRepoSlug(flags.repo);
  if (slug === undefined) {
    throw new CliError(
      'No repository: pass --repo owner/name, or run inside a checkout with an origin remote.',
    );
  }
  const apiUrl = flags.apiUrl ?? deps.env.GITHUB_API_URL ?? DEFAULT_API_URL;
  const octokit = createOctokit({
    token: readToken(deps.env),
    baseUrl: apiUrl.replace(/\/+$/, ''),
    log: quietLog(deps.io),
    ...(deps.retry === undefined ? {} : { retry: deps.retry }),
  });
  const defaultBranch = await readDefaultBranch(octokit, slug);
  const repository: RepositoryRef = { ...slug, defaultBranch };
  const github = createGitHub({ octokit, repository, factoryLogins: [ACTIONS_BOT_LOGIN] });
  const admin = createRepositoryAdmin({ octokit, repository });
  const file = await github.readFile(CONFIG_FILE, defaultBranch);
  const configSource =
    file === undefined
      ? `defaults (no ${CONFIG_FILE} on ${defaultBranch})`
      : `${CONFIG_FILE} on ${defaultBranch}`;
  const config = parseFactoryConfig(file?.text ?? '', `${CONFIG_FILE} on ${defaultBranch}`);
  return { repository, apiUrl, github, admin, config, configSource };
}

async function readDefaultBranch(
  octokit: ReturnType<typeof createOctokit>,
  slug: { owner: string; name: string },
): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.get({ owner: slug.owner, repo: slug.name });
    return data.default_branch;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 404) {
      throw new CliError(
        `Repository ${slug.owner}/${slug.name} not found, or the token cannot see it.`,
      );
    }
    if (status === 401) throw new CliError('GitHub refused the token (401 Bad credentials).');
    const message = error instanceof Error ? error.message : String(error);
    throw new GitHubError(
      'readRepository',
      typeof status === 'number' ? status : undefined,
      message,
    );
  }
}

/**
 * The client's warnings (rate-limit waits) go to stderr. Its request log is dropped: it reports
 * every expected 404 as an error, and each command words real failures itself.
 */
function quietLog(io: CliIo) {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => {
      io.err(message);
    },
    error: () => undefined,
  };
}
