/**
 * The GitHub port as the conductor hands it to stages: every call goes to the real adapter, but
 * dispatches are also queued for the conductor (it plays Actions), every write is counted so the
 * Nth one can crash its job, and a hook may act as a person in the middle of a stage.
 */
import type { GitHubPort, StageInputs } from '../../src/core/ports.ts';
import type { StageName } from '../../src/core/line.ts';

/** Thrown in place of a write: the job dies exactly there, as a killed runner would. */
export class InjectedCrash extends Error {
  readonly point: string;
  constructor(point: string) {
    super(`injected crash before ${point}`);
    this.point = point;
  }
}

export interface Dispatch {
  readonly stage: StageName;
  readonly inputs: StageInputs;
}

export interface MergeRecord {
  readonly pr: number;
  readonly sha: string;
  readonly squashSha: string;
  /** Main's tip just before the merge call. */
  readonly mainBefore: string | undefined;
}

type WriteVerb = Extract<
  keyof GitHubPort,
  | 'setState'
  | 'removeLabel'
  | 'dispatch'
  | 'writeStatusComment'
  | 'recordTransition'
  | 'comment'
  | 'postReview'
  | 'setCommitStatus'
  | 'mergeExactly'
  | 'updateOnServer'
>;

export interface ChaosPortControl {
  readonly port: GitHubPort;
  /** Counts a write made outside the port (a git push) and crashes if its turn has come. */
  countWrite(point: string): void;
  readonly writes: () => number;
}

export interface ChaosPortOptions {
  readonly inner: GitHubPort;
  /** Write numbers (1-based, across the whole run) that crash their job instead of happening. */
  readonly crashAt: ReadonlySet<number>;
  readonly onDispatch: (dispatch: Dispatch) => void;
  readonly onMerge: (merge: MergeRecord) => void;
  /** GitHub refused a merge: why, in its words. */
  readonly onMergeRefused: (message: string) => void;
  readonly readMain: () => Promise<string | undefined>;
  /** Called before every port call; the conductor uses it to act as a person mid-stage. */
  readonly beforeCall: (verb: keyof GitHubPort) => Promise<void>;
  readonly onCrash: (point: string) => void;
}

export function createChaosPort(options: ChaosPortOptions): ChaosPortControl {
  const { inner } = options;
  let writes = 0;
  const countWrite = (point: string) => {
    writes += 1;
    if (!options.crashAt.has(writes)) return;
    options.onCrash(point);
    throw new InjectedCrash(point);
  };
  /**
   * A write, or a crash in its place. A transition is one GraphQL mutation, and GitHub runs its
   * other fields when one fails (the adapter then puts the label back and fails the job): so every
   * other crash at a transition first lands all its writes but the label move.
   */
  const write = async <T>(
    verb: WriteVerb,
    act: () => Promise<T>,
    landAllButTheLabel?: () => Promise<void>,
  ): Promise<T> => {
    await options.beforeCall(verb);
    const next = writes + 1;
    const partly = landAllButTheLabel !== undefined && options.crashAt.has(next) && next % 2 === 0;
    if (partly) await landAllButTheLabel();
    countWrite(partly ? `${verb} (all but the label landed)` : verb);
    return act();
  };
  const read = async <T>(verb: keyof GitHubPort, act: () => Promise<T>): Promise<T> => {
    await options.beforeCall(verb);
    return act();
  };

  const port: GitHubPort = {
    repository: inner.repository,
    isFactoryActor: (login) => inner.isFactoryActor(login),
    readPullRequest: (pr) => read('readPullRequest', () => inner.readPullRequest(pr)),
    listOpenPullRequests: () => read('listOpenPullRequests', () => inner.listOpenPullRequests()),
    readTimeline: (pr) => read('readTimeline', () => inner.readTimeline(pr)),
    readConversation: (pr, options) =>
      read('readConversation', () => inner.readConversation(pr, options)),
    listReviews: (pr) => read('listReviews', () => inner.listReviews(pr)),
    listChangedFiles: (pr) => read('listChangedFiles', () => inner.listChangedFiles(pr)),
    readChecks: (sha) => read('readChecks', () => inner.readChecks(sha)),
    readMergeReadiness: (pr, sha, branch) =>
      read('readMergeReadiness', () => inner.readMergeReadiness(pr, sha, branch)),
    readFile: (path, ref) => read('readFile', () => inner.readFile(path, ref)),
    permissionOf: (login) => read('permissionOf', () => inner.permissionOf(login)),
    readStatusComment: (pr) => read('readStatusComment', () => inner.readStatusComment(pr)),
    readDaySpend: (day) => read('readDaySpend', () => inner.readDaySpend(day)),
    readBranchHead: (branch) => read('readBranchHead', () => inner.readBranchHead(branch)),
    listActiveRuns: (stage) => read('listActiveRuns', () => inner.listActiveRuns(stage)),
    setState: (pr, labels, to) => write('setState', () => inner.setState(pr, labels, to)),
    removeLabel: (pr, label) => write('removeLabel', () => inner.removeLabel(pr, label)),
    dispatch: (stage, inputs) =>
      write('dispatch', async () => {
        await inner.dispatch(stage, inputs);
        options.onDispatch({ stage, inputs });
      }),
    writeStatusComment: (pr, body, existing) =>
      write('writeStatusComment', () => inner.writeStatusComment(pr, body, existing)),
    recordTransition: (pr, record) =>
      write(
        'recordTransition',
        () => inner.recordTransition(pr, record),
        () =>
          inner.recordTransition(pr, {
            ...(record.announcement === undefined ? {} : { announcement: record.announcement }),
            statusComment: record.statusComment,
            notes: record.notes,
          }),
      ),
    comment: (pr, body) => write('comment', () => inner.comment(pr, body)),
    postReview: (pr, sha, verdict, body) =>
      write('postReview', () => inner.postReview(pr, sha, verdict, body)),
    setCommitStatus: (sha, status) =>
      write('setCommitStatus', () => inner.setCommitStatus(sha, status)),
    mergeExactly: (pr, sha, title) =>
      write('mergeExactly', async () => {
        const mainBefore = await options.readMain();
        const result = await inner.mergeExactly(pr, sha, title);
        if (result.merged) options.onMerge({ pr, sha, squashSha: result.sha, mainBefore });
        else options.onMergeRefused(result.message);
        return result;
      }),
    updateOnServer: (pr, expected, method) =>
      write('updateOnServer', () => inner.updateOnServer(pr, expected, method)),
  };
  return {
    port,
    countWrite,
    writes: () => writes,
  };
}
