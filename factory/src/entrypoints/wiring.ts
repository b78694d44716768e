/**
 * Builds what a stage needs from the Actions environment: the GitHub port over Octokit, the
 * configuration from main's checkout, and a workbench that clones the PR branch for the jobs
 * that commit. Credentials stay in memory: git gets them as a header per command, never on disk.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, type FactoryConfig } from '../core/config.ts';
import { parseFactoryConfig } from '../core/config-file.ts';
import type { GitHubPort } from '../core/ports.ts';
import { clone, tokenAuthHeader } from '../adapters/git/index.ts';
import { createGitHub, createOctokit } from '../adapters/github/index.ts';
import { withRedaction } from '../stages/redacting-github.ts';
import type { Workbench } from '../stages/workbench.ts';
import type { ActionInputs, ActionsEnvironment } from './inputs.ts';

/** The login the default token writes as. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface StageContext {
  readonly env: ActionsEnvironment;
  readonly inputs: ActionInputs;
  readonly github: GitHubPort;
  readonly config: FactoryConfig;
  readonly workbench: Workbench;
  readonly runUrl: string;
  /** Absolute path of a directory under the job's workspace. */
  readonly inWorkspace: (relative: string) => string;
  /**
   * Settles once the job's first GitHub request has been handed to `fetch`. Octokit's queue does
   * that a few turns of the event loop after the call; a job that means to load heavy code while
   * the request is answered waits for this, or the load would fill those turns and go first. (The
   * request then still needs turns of its own to connect: handed over is not yet on the wire.)
   */
  readonly firstRequestSent: Promise<void>;
}

export async function wireStage(
  env: ActionsEnvironment,
  inputs: ActionInputs,
): Promise<StageContext> {
  const [owner = '', name = ''] = env.GITHUB_REPOSITORY.split('/');
  // A forge on loopback is the offline twin: its faults are instant, so retry without waiting.
  const twin = new URL(env.GITHUB_API_URL).hostname === '127.0.0.1';
  const outbound = watchingFirstSend();
  const octokit = createOctokit({
    token: inputs.githubToken,
    baseUrl: env.GITHUB_API_URL,
    fetch: outbound.fetch,
    ...(twin ? { retry: { msPerSecond: 2, spaceWrites: false } } : {}),
  });
  const config = await readConfig(env.GITHUB_WORKSPACE);
  // Every text the line publishes is scrubbed of this job's credentials and anything that looks
  // like one, whatever a stage or an agent put in it.
  const github = withRedaction(
    askingPermissionsOnce(
      createGitHub({
        octokit,
        repository: { owner, name, defaultBranch: config.defaultBranch },
        factoryLogins: [ACTIONS_BOT_LOGIN],
      }),
    ),
    [inputs.githubToken, ...(inputs.modelKey === undefined ? [] : [inputs.modelKey])],
  );
  const gitUrl = `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}.git`;
  const workbench: Workbench = {
    async checkoutHead(pr) {
      const dir = join(await mkdtemp(join(env.RUNNER_TEMP, 'factory-branch-')), 'repo');
      return clone({
        url: gitUrl,
        dir,
        ref: pr.headSha,
        authHeader: tokenAuthHeader(inputs.githubToken),
      });
    },
  };
  return {
    env,
    inputs,
    github,
    config,
    workbench,
    runUrl: `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`,
    inWorkspace: (relative) => join(env.GITHUB_WORKSPACE, relative),
    firstRequestSent: outbound.firstSent,
  };
}

/** The global `fetch`, noting when it is first called. */
function watchingFirstSend(): { fetch: typeof fetch; firstSent: Promise<void> } {
  let sent = (): void => undefined;
  const firstSent = new Promise<void>((resolve) => (sent = resolve));
  return {
    fetch: (input, init) => {
      const response = fetch(input, init);
      sent();
      return response;
    },
    firstSent,
  };
}

/**
 * A job asks GitHub for each person's permission once (the scheduler checks the same person as
 * the one who labelled and the one who queued): a job lasts minutes, and a change of permission
 * meanwhile is honoured by the next job.
 */
function askingPermissionsOnce(github: GitHubPort): GitHubPort {
  const asked = new Map<string, ReturnType<GitHubPort['permissionOf']>>();
  return {
    ...github,
    permissionOf: (login) => {
      const answer = asked.get(login) ?? github.permissionOf(login);
      asked.set(login, answer);
      // A failed read is not an answer: the next question asks again.
      answer.catch(() => asked.delete(login));
      return answer;
    },
  };
}

/** The floor's configuration: main's `factory.config.yaml` (the job checked out main). */
async function readConfig(workspace: string): Promise<FactoryConfig> {
  const text = await readFile(join(workspace, CONFIG_FILE), 'utf8').catch(() => '');
  return parseFactoryConfig(text, CONFIG_FILE);
}
