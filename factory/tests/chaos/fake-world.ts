/**
 * The fast world: the in-memory fake GitHub (labels, comments, reviews, statuses, timeline) over a
 * real bare repository for everything git — branches, heads, changed files, file contents and the
 * squash merge — so apply jobs clone, commit, rebase and push for real. The twin forge renders
 * every PR with git and costs ~50 s a run here; this world runs the same line in a few seconds.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addedLinesPerFile } from '../../src/adapters/git/patch.ts';
import { isStatusComment } from '../../src/core/notes.ts';
import type { ChangedFile } from '../../src/core/guardrails.ts';
import type { FileAtRef, GitHubPort, MergeResult } from '../../src/core/ports.ts';
import { writeRulesetsForHook } from '../../src/twin/forge/routes/rulesets.ts';
import type { RulesetRecord } from '../../src/twin/forge/routes/repo-settings.ts';
import { createBareRepository } from '../../src/twin/forge/seed.ts';
import { labelOf } from '../../src/core/states.ts';
import { CI_STATUS_CONTEXT } from '../../src/stages/gate.ts';
import { createFakeGitHub } from '../fakes/fake-github.ts';
import {
  cloningWorkbench,
  createClock,
  DISMISSAL_MESSAGE,
  FACTORY_LOGIN,
  PERSON,
  READER,
  SEED_FILES,
  type World,
} from './world.ts';

const run = promisify(execFile);

/** GitHub's refusal (a 409) of a head behind a base that must be up to date. */
const BEHIND = 'Head branch is out of date. Review and try the merge again.';

/**
 * `dismissStaleApprovals`: main's rule dismisses approvals as heads move, as in half the forge
 * worlds (`world.ts`). This world's merge does not itself require an approval; the line's
 * guardrail does.
 */
export async function createFakeWorld(options: {
  readonly dismissStaleApprovals: boolean;
}): Promise<World> {
  const clock = createClock();
  const root = await mkdtemp(join(tmpdir(), 'chaos-fake-'));
  const gitDir = await createBareRepository(root, 'octo-owner', 'software-factory', {
    files: SEED_FILES,
  });
  const git = async (args: readonly string[], env?: NodeJS.ProcessEnv) =>
    (
      await run('git', ['--git-dir', gitDir, ...args], {
        env: {
          ...process.env,
          ...env,
          GIT_AUTHOR_NAME: PERSON,
          GIT_AUTHOR_EMAIL: 'p@example.com',
          GIT_COMMITTER_NAME: PERSON,
          GIT_COMMITTER_EMAIL: 'p@example.com',
        },
      })
    ).stdout.trim();
  const fake = createFakeGitHub({
    permissions: { [PERSON]: 'write', [READER]: 'read' },
    now: () => clock.now(),
    dismissStaleApprovals: options.dismissStaleApprovals,
  });
  const refOf = (branch: string) => readRef(gitDir, branch);
  const rulesets: RulesetRecord[] = [];
  let prs = 0;
  const fileCache = new Map<string, Promise<FileAtRef | undefined>>();
  const readFileAt = async (path: string, ref: string): Promise<FileAtRef | undefined> => {
    const blobSha = await git(['rev-parse', `${ref}:${path}`]).catch(() => undefined);
    if (blobSha === undefined) return undefined;
    return { blobSha, text: await git(['cat-file', 'blob', blobSha]) };
  };

  const changeCache = new Map<string, Promise<ChangedFile[]>>();
  const changedFiles = async (range: string): Promise<ChangedFile[]> => {
    const [mainSha = '', headSha = ''] = range.split(' ');
    const base = await git(['merge-base', mainSha, headSha]);
    const numstat = await git(['diff', '--numstat', '-z', '--no-renames', base, headSha]);
    const added = addedLinesPerFile(await git(['diff', '--no-renames', base, headSha]));
    return parseNumstat(numstat).map((count, index) => ({
      ...count,
      addedLines: added[index] ?? [],
    }));
  };

  /** Heads live in git: bring the fake's snapshots up to date before it answers. */
  const syncHeads = async () => {
    for (const pr of await fake.port.listOpenPullRequests()) {
      const head = await refOf(pr.headRef);
      if (head !== undefined && head !== pr.headSha) fake.pushTo(pr.number, head);
    }
  };
  const commitFiles = async (branch: string, from: string, files: Record<string, string>) => {
    const scratch = await mkdtemp(join(root, 'index-'));
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await git(['read-tree', from], env);
    for (const [path, text] of Object.entries(files)) {
      await writeFile(join(scratch, 'blob'), text);
      const blob = await git(['hash-object', '-w', join(scratch, 'blob')]);
      await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], env);
    }
    const tree = await git(['write-tree'], env);
    const commit = await git([
      'commit-tree',
      tree,
      '-p',
      from,
      '-m',
      `Add ${Object.keys(files).join(', ')}`,
    ]);
    await git(['update-ref', `refs/heads/${branch}`, commit]);
    await rm(scratch, { recursive: true, force: true });
    return commit;
  };

  const port: GitHubPort = {
    ...fake.port,
    readPullRequest: async (pr) => {
      await syncHeads();
      return fake.port.readPullRequest(pr);
    },
    listOpenPullRequests: async () => {
      await syncHeads();
      return fake.port.listOpenPullRequests();
    },
    readConversation: async (pr, options) => {
      await syncHeads();
      const conversation = await fake.port.readConversation(pr);
      if (options?.withChangedPaths !== true) return conversation;
      const changed = await port.listChangedFiles(pr);
      return { ...conversation, changedPaths: changed.map((file) => file.path) };
    },
    readBranchHead: (branch) => refOf(branch),
    readMergeReadiness: async (pr, sha, branch) => ({
      branchHead: await refOf(branch),
      checks: await fake.port.readChecks(sha),
      reviews: await fake.port.listReviews(pr),
    }),
    readFile: (path, ref) => {
      // A file at a commit never changes: read it once (heads are full SHAs here).
      const key = `${ref}:${path}`;
      const cached = fileCache.get(key) ?? readFileAt(path, ref);
      fileCache.set(key, cached);
      return cached;
    },
    listChangedFiles: async (pr) => {
      // Main's tip and the head name the answer: work it out once (git processes are slow here).
      const range = `${(await refOf('main')) ?? ''} ${fake.pull(pr).headSha}`;
      const cached = changeCache.get(range) ?? changedFiles(range);
      changeCache.set(range, cached);
      cached.catch(() => changeCache.delete(range)); // a failed reading is no answer
      return cached;
    },
    mergeExactly: async (pr, sha, title): Promise<MergeResult> => {
      await syncHeads();
      if (fake.pull(pr).headSha !== sha) return fake.port.mergeExactly(pr, sha, title);
      const main = await refOf('main');
      // Main requires branches to be up to date, as the operating guide asks: GitHub refuses a head
      // that does not contain main's tip.
      const upToDate =
        main !== undefined &&
        (await git(['merge-base', '--is-ancestor', main, sha]).then(
          () => true,
          () => false,
        ));
      if (!upToDate) return { merged: false, reason: 'head-moved', message: BEHIND };
      const merged = await git(['merge-tree', '--write-tree', main, sha]).catch(() => undefined);
      const tree = merged?.split('\n')[0];
      if (tree === undefined)
        return { merged: false, reason: 'not-mergeable', message: 'Pull Request is not mergeable' };
      const squash = await git(['commit-tree', tree, '-p', main, '-m', title]);
      await git(['update-ref', 'refs/heads/main', squash, main]);
      await fake.port.mergeExactly(pr, sha, title);
      return { merged: true, sha: squash };
    },
  };

  return {
    kind: 'fake',
    github: port,
    workbench: cloningWorkbench(gitDir, await mkdtemp(join(root, 'work-'))),
    clock,
    seedSha: (await refOf('main')) ?? '',
    git: (args) => git(args),
    async openQueuedPullRequest(branch, title, files) {
      const headSha = await commitFiles(branch, 'refs/heads/main', files);
      prs += 1;
      fake.openPullRequest(prs, {
        title,
        headSha,
        headRef: branch,
        author: PERSON,
        state: 'queued',
      });
      return prs;
    },
    async personReviews(pr, verdict, who) {
      await syncHeads();
      const { open, headSha } = fake.pull(pr);
      if (open) fake.personReviews(pr, headSha, verdict, who);
      return open;
    },
    async ownerAddsPushRule(pr, type) {
      const { open, headRef } = fake.pull(pr);
      if (!open) return false;
      // As the forge's rulesets route records one; the repository here has no REST surface.
      rulesets.push({
        id: rulesets.length + 1,
        name: `${type} on ${headRef}`,
        enforcement: 'active',
        include: [`refs/heads/${headRef}`],
        exclude: [],
        rules: [type],
        createdAt: clock.now().toISOString(),
      });
      await writeRulesetsForHook(gitDir, rulesets);
      return true;
    },
    personDismissesApproval(pr) {
      return Promise.resolve(
        fake.pull(pr).open && fake.personDismissesApproval(pr, PERSON, DISMISSAL_MESSAGE),
      );
    },
    personSets(pr, to) {
      if (!fake.pull(pr).open) return Promise.resolve(false);
      fake.personSets(pr, to, PERSON);
      return Promise.resolve(true);
    },
    personAdds(pr, to) {
      if (!fake.pull(pr).open) return Promise.resolve(false);
      fake.personAdds(pr, labelOf(to), PERSON);
      return Promise.resolve(true);
    },
    async commitToMain(files) {
      await commitFiles('main', 'refs/heads/main', files);
    },
    injectFaults: () => undefined,
    quiet: () => undefined,
    async readPullAtRest(pr) {
      await syncHeads();
      const { merged, open, labels, headRef } = fake.pull(pr);
      return { merged, open, labels, headRef };
    },
    countStatusComments: (pr) =>
      Promise.resolve(
        fake.commentsOn(pr).filter((c) => c.author === FACTORY_LOGIN && isStatusComment(c.body))
          .length,
      ),
    async ciStateOn(sha) {
      const checks = await fake.port.readChecks(sha);
      return checks.findLast((check) => check.name === CI_STATUS_CONTEXT)?.conclusion;
    },
    async verdicts(pr) {
      const reviews = await fake.port.listReviews(pr);
      return reviews
        .filter((review) => review.verdict !== 'COMMENT')
        .map(({ verdict, sha, author }) => ({
          verdict,
          sha,
          author,
          counts: author === FACTORY_LOGIN || author === PERSON,
        }));
    },
    faultCounts: () => ({}),
    internalErrors: () => [],
    close: () => rm(root, { recursive: true, force: true }),
  };
}

/** A branch's tip, read from the ref file (no git process: heads are read on every PR read). */
async function readRef(gitDir: string, branch: string): Promise<string | undefined> {
  const loose = await readFile(join(gitDir, 'refs', 'heads', branch), 'utf8').catch(
    () => undefined,
  );
  if (loose !== undefined) return loose.trim();
  const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((entry) => entry.endsWith(` refs/heads/${branch}`));
  return line?.split(' ')[0];
}

/**
 * Parses `git diff --numstat -z` without renames (`added TAB deleted TAB path NUL` per file) as
 * GitHub lists a PR's files: a binary file changes no lines.
 */
function parseNumstat(text: string): { path: string; additions: number; deletions: number }[] {
  const count = (field: string) => (field === '-' ? 0 : Number.parseInt(field, 10));
  return text
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [additions = '', deletions = '', ...path] = entry.split('\t');
      return { path: path.join('\t'), additions: count(additions), deletions: count(deletions) };
    });
}
