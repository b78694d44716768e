/**
 * Acting as a person (or a bot) against the forge, for tests and the demo: pushing files through
 * real git over smart HTTP and opening pull requests through the REST API, so every shortcut
 * still passes the hook, the events and the request log exactly as real traffic does.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git, runGit } from './git.ts';
import { DEFAULT_BRANCH } from './seed.ts';

export interface PushFilesInput {
  readonly branch: string;
  /** Branch to start from; by default the branch itself when it exists, else `main`. */
  readonly from?: string;
  /** Path → content; `null` deletes the file. */
  readonly files: Readonly<Record<string, string | null>>;
  readonly message?: string;
  /** Replace the branch instead of fast-forwarding it. */
  readonly force?: boolean;
}

export interface PushResult {
  readonly ok: boolean;
  readonly sha: string;
  /** git's output, where a refusal (`! [remote rejected] …`) and the hook's message appear. */
  readonly output: string;
}

/** The `http.extraHeader` value that authenticates git as `token`, as actions/checkout does. */
export function gitAuthHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/** Commits `files` onto `branch` in a scratch clone and pushes with `token`. */
export async function pushFiles(
  gitUrl: string,
  token: string,
  login: string,
  input: PushFilesInput,
): Promise<PushResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'forge-push-'));
  const auth = ['-c', `http.extraHeader=${gitAuthHeader(token)}`];
  const identity = { name: login, email: `${login}@users.noreply.github.com` };
  try {
    await git([...auth, 'clone', '--quiet', '--no-checkout', gitUrl, scratch], { identity });
    const exists =
      (await runGit(['rev-parse', '--verify', '-q', `origin/${input.branch}`], { cwd: scratch }))
        .code === 0;
    const start = `origin/${input.from ?? (exists ? input.branch : DEFAULT_BRANCH)}`;
    await git(['checkout', '--quiet', '-B', input.branch, start], { cwd: scratch });
    for (const [path, content] of Object.entries(input.files)) {
      const target = join(scratch, path);
      if (content === null) {
        await git(['rm', '--quiet', '--', path], { cwd: scratch });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      await git(['add', '--', path], { cwd: scratch });
    }
    await git(
      ['commit', '--quiet', '--allow-empty', '-m', input.message ?? `Update ${input.branch}`],
      { cwd: scratch, identity },
    );
    const sha = await git(['rev-parse', 'HEAD'], { cwd: scratch });
    const refspec = `${input.force === true ? '+' : ''}HEAD:refs/heads/${input.branch}`;
    const pushed = await runGit([...auth, 'push', '--porcelain', 'origin', refspec], {
      cwd: scratch,
      identity,
    });
    return {
      ok: pushed.code === 0,
      sha,
      output: `${pushed.stdout.toString('utf8')}${pushed.stderr}`,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Calls the forge's REST API as `token`; throws with GitHub's message on a non-2xx answer. */
export async function callApi(
  apiUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      'content-type': 'application/json',
      accept: 'application/vnd.github+json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const message = (data as { message?: string } | undefined)?.message ?? response.statusText;
    throw new Error(`${method} ${path} → ${String(response.status)} ${message}`);
  }
  return data;
}
