/**
 * Talking to the remote: clone, fetch and a leased push. The credentials of each command are a
 * header for that command alone (see `exec.ts`), and a push the remote refuses is a typed result
 * the stage acts on, never an exception.
 */
import { dirname, resolve } from 'node:path';
import { hasUrlCredentials } from './credentials.ts';
import { GitError } from './errors.ts';
import type { GitRunner } from './exec.ts';

export interface CloneInput {
  readonly url: string;
  readonly dir: string;
  /** Branch, tag or commit SHA to check out (detached); the remote's default branch if absent. */
  readonly ref?: string;
  /** A shallow clone; a rebase needs the full history, so the merge stage leaves this out. */
  readonly depth?: number;
  readonly authHeader?: string;
}

export interface FetchOptions {
  readonly depth?: number;
  readonly authHeader?: string;
}

export interface PushInput {
  /** A remote name (`origin`) or URL. */
  readonly remote: string;
  readonly branch: string;
  /** The SHA the remote branch must still have (`--force-with-lease`); null: it must not exist. */
  readonly expectedSha: string | null;
  /** What to push (default `HEAD`). */
  readonly source?: string;
  readonly authHeader?: string;
}

/**
 * Why the remote refused a push: the branch moved under the lease (`stale`); the token may not
 * touch workflow files; a rule the pushed commits do not meet (a ruleset, a protected branch,
 * a hook), which a retry would meet again; or anything else, such as a server error.
 */
export type PushRejection = 'stale' | 'workflow-permission' | 'rule' | 'other';

export type PushResult =
  | { readonly kind: 'pushed'; readonly sha: string }
  | { readonly kind: 'rejected'; readonly reason: PushRejection; readonly message: string };

/** GitHub's words for a token without the `workflows` permission (github-mechanics §4). */
const WORKFLOW_REFUSAL = /refusing to allow an? .+? to create or update workflow/i;
/**
 * The remote's ref moved between its advertisement and its update: someone pushed meanwhile, as
 * a lease that no longer holds says.
 */
const LOST_RACE = /\(stale info\)|cannot lock ref|incorrect old value|failed to update ref/i;
/**
 * A rule refused the push: the remote's reason for the ref says it declined it (GitHub's
 * rulesets, a protected branch, a hook), or GitHub names a rule (`GH006` protected branch, `GH013`
 * rulesets). Both are read where git prints the remote's words, never in a ref name, which may
 * hold such a word but no space or bracket.
 */
const RULE_REFUSAL = /\[remote rejected\] \([^)\n]*declined|^remote: error: GH0\d\d:/im;
/** `git push --porcelain` marks a ref the remote did not take with `!`. */
const REJECTED_REF = /^!\t/m;

/** Clones `url` into `dir` (which must not exist yet) and checks out `ref` if given. */
export async function cloneRepository(git: GitRunner, input: CloneInput): Promise<void> {
  if (hasUrlCredentials(input.url)) {
    // git would store such a URL in `.git/config`, where an agent session could read it.
    throw new GitError(
      'clone',
      undefined,
      '',
      'the URL carries credentials; pass authHeader instead',
    );
  }
  const target = resolve(input.dir);
  const args = ['clone', '--quiet', ...depthOption(input.depth)];
  if (input.ref !== undefined) args.push('--no-checkout');
  await git.output([...args, '--', input.url, target], {
    cwd: dirname(target),
    ...auth(input.authHeader),
  });
  if (input.ref === undefined) return;
  // A PR head is a branch tip the clone already holds: check it out without asking the remote.
  if (FULL_SHA.test(input.ref) && (await checksOut(git, input.ref))) return;
  const options: FetchOptions = { ...depth(input.depth), ...auth(input.authHeader) };
  const fetched = await fetchRef(git, input.ref, options);
  await git.output(['checkout', '--quiet', '--detach', fetched]);
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/** Checks out a commit the clone holds; false when it does not hold it (or it is no commit). */
async function checksOut(git: GitRunner, sha: string): Promise<boolean> {
  // `^{commit}` names the object itself, never a local branch that happens to be called `sha`.
  const commit = `${sha}^{commit}`;
  if ((await git.run(['cat-file', '-e', commit])).code !== 0) return false;
  await git.output(['checkout', '--quiet', '--detach', commit]);
  return true;
}

/** Fetches one branch, tag or SHA from `origin`; returns the commit it names. */
export async function fetchRef(
  git: GitRunner,
  ref: string,
  options: FetchOptions = {},
): Promise<string> {
  assertNotOption('fetch', ref);
  await git.output(
    ['fetch', '--quiet', ...depthOption(options.depth), 'origin', ref],
    auth(options.authHeader),
  );
  return git.output(['rev-parse', '--verify', 'FETCH_HEAD^{commit}']);
}

/** Checks out a commit with a detached head; returns its SHA. */
export async function checkoutDetached(git: GitRunner, ref: string): Promise<string> {
  const sha = await git.output(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  await git.output(['checkout', '--quiet', '--detach', sha]);
  return sha;
}

/**
 * Pushes `source` to `branch` only if the remote branch is still `expectedSha`, so a push never
 * overwrites a commit someone else added since the stage read the PR.
 */
export async function pushWithLease(git: GitRunner, input: PushInput): Promise<PushResult> {
  assertNotOption('push', input.remote);
  const ref = `refs/heads/${input.branch}`;
  await git.output(['check-ref-format', ref]);
  const sha = await git.output([
    'rev-parse',
    '--verify',
    '--end-of-options',
    `${input.source ?? 'HEAD'}^{commit}`,
  ]);
  const lease = `--force-with-lease=${ref}:${input.expectedSha ?? ''}`;
  const pushed = await git.run(
    ['push', '--porcelain', lease, input.remote, `${sha}:${ref}`],
    auth(input.authHeader),
  );
  if (pushed.code === 0) return { kind: 'pushed', sha };
  const stdout = git.scrub(pushed.stdout.toString('utf8'));
  // No refused ref in the report: git never got an answer (network, credentials, no such remote).
  if (!REJECTED_REF.test(stdout)) throw new GitError('push', pushed.code, pushed.stderr);
  const message = `${stdout}\n${pushed.stderr}`.trim();
  return { kind: 'rejected', reason: classifyPushRejection(message), message };
}

/** Why the remote refused a ref, from git's report and the remote's own messages. */
export function classifyPushRejection(output: string): PushRejection {
  if (WORKFLOW_REFUSAL.test(output)) return 'workflow-permission';
  if (LOST_RACE.test(output)) return 'stale';
  if (RULE_REFUSAL.test(output)) return 'rule';
  return 'other';
}

function depthOption(depth: number | undefined): string[] {
  if (depth === undefined) return [];
  if (!Number.isInteger(depth) || depth < 1) {
    throw new GitError(
      'clone',
      undefined,
      '',
      `depth must be a positive integer, not ${String(depth)}`,
    );
  }
  return [`--depth=${String(depth)}`];
}

function depth(value: number | undefined): { depth?: number } {
  return value === undefined ? {} : { depth: value };
}

function auth(header: string | undefined): { authHeader?: string } {
  return header === undefined ? {} : { authHeader: header };
}

/** Refs and remotes come from PR data; one starting with `-` would be read as an option. */
function assertNotOption(subcommand: string, value: string): void {
  if (value.startsWith('-') || value === '') {
    throw new GitError(subcommand, undefined, '', `refusing the argument ${JSON.stringify(value)}`);
  }
}
