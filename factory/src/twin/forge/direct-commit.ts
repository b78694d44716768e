/**
 * A commit made on the server, the way GitHub's web editor or contents API makes one: real git
 * plumbing on the bare repository, no clone and no HTTP round trips. Everything that follows a
 * push still happens (the workflow-file refusal, `push` and `synchronize` events), so tests and
 * the demo can stage branches cheaply without skipping GitHub's rules.
 */
import type { TokenGrant } from '../contract.ts';
import { assertAllowed, canWriteWorkflows } from './auth.ts';
import type { ForgeContext } from './context.ts';
import { causeOf } from './emit.ts';
import { HttpError } from './http.ts';
import type { PushFilesInput, PushResult } from './persona.ts';
import { workflowRefusal } from './routes/refs.ts';
import { DEFAULT_BRANCH } from './seed.ts';
import { applyUpdates, describeUpdate } from './sync.ts';

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Commits `input.files` onto `input.branch` as `grant`; refusals come back as `ok: false`. */
export async function commitAs(
  ctx: ForgeContext,
  grant: TokenGrant,
  input: PushFilesInput,
): Promise<PushResult> {
  try {
    assertAllowed(grant, { access: 'write', scopes: ['contents'] }, ctx.auth.permissionOf, 'git');
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, sha: '', output: error.message };
    throw error;
  }
  const refs = await ctx.repo.listRefs();
  const ref = `refs/heads/${input.branch}`;
  const current = refs.get(ref);
  const start = refs.get(
    `refs/heads/${input.from ?? (current === undefined ? DEFAULT_BRANCH : input.branch)}`,
  );
  if (start === undefined)
    return { ok: false, sha: '', output: `no branch to start ${input.branch} from` };
  const identity = {
    name: grant.actor.login,
    email: `${grant.actor.login}@users.noreply.github.com`,
  };
  const sha = await ctx.repo.commitFiles(
    start,
    input.files,
    input.message ?? `Update ${input.branch}`,
    identity,
  );
  if (current !== undefined && input.force !== true && !(await ctx.repo.isAncestor(current, sha))) {
    return { ok: false, sha, output: `! [rejected] ${input.branch} (non-fast-forward)` };
  }
  if (!canWriteWorkflows(grant)) {
    const [file] = await ctx.repo.changedFiles(current ?? start, sha, '.github/workflows/');
    if (file !== undefined) return { ok: false, sha, output: workflowRefusal(file) };
  }
  await ctx.repo.updateRef(ref, sha, current ?? ZERO_SHA);
  await applyUpdates(
    ctx,
    [await describeUpdate(ctx, ref, current ?? ZERO_SHA, sha)],
    causeOf(grant),
  );
  return { ok: true, sha, output: '' };
}
