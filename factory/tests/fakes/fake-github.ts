/**
 * An in-memory GitHub for stage tests: it keeps pull requests, labels, comments, reviews and
 * statuses, answers the port's reads from them and records every write, so a test can assert
 * exactly what a stage wrote — or that it wrote nothing.
 */
import type { TimelineEntry } from '../../src/core/attempts.ts';
import type { CheckFact } from '../../src/core/checks.ts';
import type { ChangedFile, Permission } from '../../src/core/guardrails.ts';
import type { ActiveRun } from '../../src/core/watchdog.ts';
import type { StageName } from '../../src/core/line.ts';
import { isStatusComment, parseRerunNote } from '../../src/core/notes.ts';
import type {
  CommitStatus,
  FileAtRef,
  GitHubPort,
  MergeResult,
  PullRequestSnapshot,
  ReviewRecord,
  ReviewVerdict,
  ServerUpdateResult,
  StageInputs,
  StatusComment,
} from '../../src/core/ports.ts';
import { stateOfLabel, withState, type State } from '../../src/core/states.ts';
import { parseLedger, spentOn } from '../../src/core/status.ts';

export const FACTORY_LOGIN = 'github-actions[bot]';

export type Write =
  | { readonly verb: 'setState'; readonly pr: number; readonly to: State }
  | { readonly verb: 'removeLabel'; readonly pr: number; readonly label: string }
  | { readonly verb: 'dispatch'; readonly stage: StageName; readonly inputs: StageInputs }
  | { readonly verb: 'writeStatusComment'; readonly pr: number; readonly body: string }
  | { readonly verb: 'comment'; readonly pr: number; readonly body: string }
  | {
      readonly verb: 'postReview';
      readonly pr: number;
      readonly sha: string;
      readonly verdict: ReviewVerdict;
    }
  | { readonly verb: 'setCommitStatus'; readonly sha: string; readonly status: CommitStatus }
  | { readonly verb: 'mergeExactly'; readonly pr: number; readonly sha: string }
  | { readonly verb: 'updateOnServer'; readonly pr: number };

interface Comment {
  id: number;
  author: string;
  body: string;
  at: string;
}

export function createFakeGitHub(
  options: {
    permissions?: Record<string, Permission>;
    /** The clock events are stamped with (default: from 2026-01-01, a second per event). */
    now?: () => Date;
    /** Main's rule dismisses approvals of other commits when a head moves, as GitHub's can. */
    dismissStaleApprovals?: boolean;
  } = {},
) {
  const pulls = new Map<number, PullRequestSnapshot>();
  const timelines = new Map<number, TimelineEntry[]>();
  const comments = new Map<number, Comment[]>();
  const reviews = new Map<number, ReviewRecord[]>();
  const files = new Map<string, FileAtRef>();
  const changedFiles = new Map<number, ChangedFile[]>();
  const checks: CheckFact[] = [];
  const activeRuns: { stage: StageName; run: ActiveRun }[] = [];
  const writes: Write[] = [];
  let beforeTimelineRead: (() => void) | undefined;
  let beforeStatusRead: (() => void) | undefined;
  let clock = 0;
  let nextId = 1;
  const now = () =>
    (options.now?.() ?? new Date(Date.UTC(2026, 0, 1) + ++clock * 1000)).toISOString();

  const pull = (pr: number): PullRequestSnapshot => {
    const found = pulls.get(pr);
    if (found === undefined) throw new Error(`fake GitHub: no PR #${pr}`);
    return found;
  };
  const update = (pr: number, patch: Partial<PullRequestSnapshot>) =>
    pulls.set(pr, { ...pull(pr), ...patch });
  const relabel = (pr: number, labels: readonly string[], actor: string) => {
    const before = pull(pr).labels;
    const timeline = timelines.get(pr) ?? [];
    for (const label of before.filter((l) => !labels.includes(l)))
      timeline.push({ kind: 'unlabeled', label, actor, at: now() });
    for (const label of labels.filter((l) => !before.includes(l)))
      timeline.push({ kind: 'labeled', label, actor, at: now() });
    timelines.set(pr, timeline);
    update(pr, { labels });
  };

  const branches = new Map<string, string>([['main', 'main-1']]);

  const port: GitHubPort = {
    repository: { owner: 'octo-owner', name: 'software-factory', defaultBranch: 'main' },
    isFactoryActor: (login) => login === FACTORY_LOGIN,
    readPullRequest: (pr) => Promise.resolve(pulls.get(pr)),
    listOpenPullRequests: () => Promise.resolve([...pulls.values()].filter((p) => p.open)),
    readTimeline: (pr) => {
      beforeTimelineRead?.();
      beforeTimelineRead = undefined;
      const notes = (comments.get(pr) ?? []).flatMap((c): TimelineEntry[] => {
        const note = parseRerunNote(c.body);
        return note === undefined ? [] : [{ kind: 'rerun', ...note, actor: c.author, at: c.at }];
      });
      return Promise.resolve(
        [...(timelines.get(pr) ?? []), ...notes].sort((a, b) => a.at.localeCompare(b.at)),
      );
    },
    readConversation: async (pr, options) => {
      const timeline = await port.readTimeline(pr);
      const statusComment = await port.readStatusComment(pr);
      const changedPaths =
        options?.withChangedPaths === true
          ? (await port.listChangedFiles(pr)).map((file) => file.path)
          : undefined;
      return { pullRequest: await port.readPullRequest(pr), timeline, statusComment, changedPaths };
    },
    listReviews: (pr) => Promise.resolve(reviews.get(pr) ?? []),
    readBranchHead: (branch) => Promise.resolve(branches.get(branch)),
    listChangedFiles: (pr) => Promise.resolve(changedFiles.get(pr) ?? []),
    readChecks: (sha) => Promise.resolve(checks.filter((c) => c.sha === sha)),
    readMergeReadiness: async (pr, sha, branch) => ({
      branchHead: await port.readBranchHead(branch),
      checks: await port.readChecks(sha),
      reviews: await port.listReviews(pr),
    }),
    readFile: (path, ref) => Promise.resolve(files.get(`${ref}:${path}`)),
    permissionOf: (login) => Promise.resolve(options.permissions?.[login] ?? 'none'),
    readDaySpend: (day) =>
      Promise.resolve(
        new Map(
          [...comments].flatMap(([pr, list]) => {
            const status = list.find((c) => c.author === FACTORY_LOGIN && isStatusComment(c.body));
            return status === undefined ? [] : [[pr, spentOn(parseLedger(status.body), day)]];
          }),
        ),
      ),
    readStatusComment: (pr) => {
      beforeStatusRead?.();
      beforeStatusRead = undefined;
      const found = (comments.get(pr) ?? []).find(
        (c) => c.author === FACTORY_LOGIN && isStatusComment(c.body),
      );
      return Promise.resolve(found === undefined ? undefined : { id: found.id, body: found.body });
    },
    listActiveRuns: (stage) =>
      Promise.resolve(activeRuns.filter((entry) => entry.stage === stage).map(({ run }) => run)),
    setState: (pr, currentLabels, to) => {
      writes.push({ verb: 'setState', pr, to });
      relabel(pr, withState(currentLabels, to), FACTORY_LOGIN);
      return Promise.resolve();
    },
    removeLabel: (pr, label) => {
      writes.push({ verb: 'removeLabel', pr, label });
      relabel(
        pr,
        pull(pr).labels.filter((l) => l !== label),
        FACTORY_LOGIN,
      );
      return Promise.resolve();
    },
    dispatch: (stage, inputs) => {
      writes.push({ verb: 'dispatch', stage, inputs });
      return Promise.resolve();
    },
    writeStatusComment: (pr, body, existing: StatusComment | undefined) => {
      writes.push({ verb: 'writeStatusComment', pr, body });
      const list = comments.get(pr) ?? [];
      const found = list.find((c) => c.id === existing?.id);
      if (found === undefined) list.push({ id: nextId++, author: FACTORY_LOGIN, body, at: now() });
      else found.body = body;
      comments.set(pr, list);
      return Promise.resolve();
    },
    // The writes a transition records, one after another as GitHub runs a mutation's fields.
    recordTransition: async (pr, record) => {
      const { announcement } = record;
      if (announcement?.kind === 'commit-status')
        await port.setCommitStatus(announcement.sha, announcement.status);
      if (announcement?.kind === 'comment') await port.comment(pr, announcement.body);
      if (announcement?.kind === 'review')
        await port.postReview(pr, announcement.sha, announcement.verdict, announcement.body);
      await port.writeStatusComment(pr, record.statusComment.body, record.statusComment.existing);
      for (const note of record.notes) await port.comment(pr, note);
      if (record.state !== undefined)
        await port.setState(pr, record.state.currentLabels, record.state.to);
    },
    comment: (pr, body) => {
      writes.push({ verb: 'comment', pr, body });
      comments.set(pr, [
        ...(comments.get(pr) ?? []),
        { id: nextId++, author: FACTORY_LOGIN, body, at: now() },
      ]);
      return Promise.resolve();
    },
    postReview: (pr, sha, verdict, body) => {
      writes.push({ verb: 'postReview', pr, sha, verdict });
      reviews.set(pr, [
        ...(reviews.get(pr) ?? []),
        { verdict, sha, body, author: FACTORY_LOGIN, at: now() },
      ]);
      return Promise.resolve();
    },
    setCommitStatus: (sha, status) => {
      writes.push({ verb: 'setCommitStatus', sha, status });
      checks.push({ name: status.context, sha, conclusion: status.state, at: now() });
      return Promise.resolve();
    },
    mergeExactly: (pr, sha): Promise<MergeResult> => {
      writes.push({ verb: 'mergeExactly', pr, sha });
      if (pull(pr).headSha !== sha) {
        return Promise.resolve({
          merged: false,
          reason: 'head-moved',
          message: 'Head branch was modified. Review and try the merge again.',
        });
      }
      update(pr, { open: false, merged: true });
      return Promise.resolve({ merged: true, sha: `merge-of-${sha}` });
    },
    updateOnServer: (pr): Promise<ServerUpdateResult> => {
      writes.push({ verb: 'updateOnServer', pr });
      return Promise.resolve({
        updated: false,
        reason: 'refused',
        message: 'not scripted in the fake',
      });
    },
  };

  return {
    port,
    writes,
    /** Opens a PR as `author`, labelled by them (a person's move). */
    openPullRequest(pr: number, init: Partial<PullRequestSnapshot> & { state?: State } = {}) {
      pulls.set(pr, {
        number: pr,
        title: `Spec ${pr}`,
        body: '',
        open: true,
        merged: false,
        draft: false,
        headSha: `head-${pr}-1`,
        headRef: `spec/${pr}`,
        baseRef: 'main',
        author: 'alice',
        isFork: false,
        labels: [],
        ...init,
      });
      if (init.state !== undefined)
        relabel(pr, withState(init.labels ?? [], init.state), init.author ?? 'alice');
    },
    /** A person's review of `sha`, as GitHub records it for them. */
    personReviews(pr: number, sha: string, verdict: ReviewVerdict, author: string) {
      reviews.set(pr, [
        ...(reviews.get(pr) ?? []),
        { verdict, sha, body: verdict, author, at: now() },
      ]);
    },
    /**
     * A person dismisses the line's latest verdict when it is a standing approval, as GitHub
     * records it: the review reads dismissed, and the timeline keeps who and why. False when
     * there is none to dismiss.
     */
    personDismissesApproval(pr: number, actor: string, message: string): boolean {
      const list = reviews.get(pr) ?? [];
      const index = list.findLastIndex(
        (review) => review.author === FACTORY_LOGIN && review.verdict !== 'COMMENT',
      );
      const approval = list[index];
      if (approval?.verdict !== 'APPROVE') return false;
      reviews.set(
        pr,
        list.with(index, { ...approval, verdict: 'DISMISSED', dismissedAsStale: false }),
      );
      const timeline = timelines.get(pr) ?? [];
      timeline.push({ kind: 'approval-withdrawn', sha: approval.sha, message, actor, at: now() });
      timelines.set(pr, timeline);
      return true;
    },
    /** A person (or anyone) relabels the PR: used to race a running stage. */
    personSets(pr: number, state: State, actor = 'alice') {
      relabel(pr, withState(pull(pr).labels, state), actor);
    },
    /** The factory adds a label to the PR, keeping the ones it has. */
    factoryAdds(pr: number, label: string) {
      relabel(pr, [...pull(pr).labels, label], FACTORY_LOGIN);
    },
    /** A person adds a label to the PR, keeping the ones it has. */
    personAdds(pr: number, label: string, actor = 'alice') {
      relabel(pr, [...pull(pr).labels, label], actor);
    },
    /** A person takes a label off the PR. */
    personRemoves(pr: number, label: string, actor = 'alice') {
      relabel(
        pr,
        pull(pr).labels.filter((l) => l !== label),
        actor,
      );
    },
    /** Runs `act` when a stage next reads the timeline: a race in the middle of a stage. */
    duringNextTimelineRead(act: () => void) {
      beforeTimelineRead = act;
    },
    /** Runs `act` when a stage next reads the status comment: a race in the middle of a stage. */
    duringNextStatusRead(act: () => void) {
      beforeStatusRead = act;
    },
    /** The factory's own label move, as an earlier stage would have made it. */
    factorySets(pr: number, state: State) {
      relabel(pr, withState(pull(pr).labels, state), FACTORY_LOGIN);
    },
    /** Someone pushes to a branch of the repository (main moving under the merge, R-06). */
    moveBranch: (branch: string, sha: string) => branches.set(branch, sha),
    pushTo(pr: number, headSha: string) {
      update(pr, { headSha });
      if (options.dismissStaleApprovals !== true) return;
      reviews.set(
        pr,
        (reviews.get(pr) ?? []).map((review) =>
          review.verdict === 'APPROVE' && review.sha !== headSha
            ? { ...review, verdict: 'DISMISSED', dismissedAsStale: true }
            : review,
        ),
      );
    },
    pull,
    stateOf: (pr: number) =>
      pull(pr)
        .labels.map(stateOfLabel)
        .filter((s) => s !== undefined),
    commentsOn: (pr: number): readonly Comment[] => comments.get(pr) ?? [],
    addCheck: (check: CheckFact) => checks.push(check),
    setFile: (ref: string, path: string, file: FileAtRef) => files.set(`${ref}:${path}`, file),
    setChangedFiles: (pr: number, list: ChangedFile[]) => changedFiles.set(pr, list),
    /** A run of `stage`'s workflow that is queued or in progress (for the PR its title names). */
    addActiveRun: (stage: StageName, run: Partial<ActiveRun> = {}) =>
      activeRuns.push({
        stage,
        run: { pr: undefined, status: 'in_progress', createdAt: now(), ...run },
      }),
  };
}

export type FakeGitHub = ReturnType<typeof createFakeGitHub>;
