/** Binds every verb of the port to one context. */
import type { GitHubPort } from '../../core/ports.ts';
import { readBranchHead } from './branches.ts';
import { setCommitStatus, readChecks } from './checks.ts';
import { comment, readDaySpend, readStatusComment, writeStatusComment } from './comments.ts';
import type { GitHubContext } from './context.ts';
import { dispatch, type WorkflowFileOf } from './dispatch.ts';
import { listChangedFiles, readFile } from './files.ts';
import { removeLabel, setState } from './labels.ts';
import { mergeExactly, updateOnServer } from './merge.ts';
import { readMergeReadiness } from './merge-readiness.ts';
import { permissionOf } from './permission.ts';
import { listOpenPullRequests, readPullRequest } from './pulls.ts';
import { listReviews, postReview } from './reviews.ts';
import { listActiveRuns } from './runs.ts';
import { readConversation, readTimeline } from './timeline.ts';
import { recordTransition } from './transition.ts';

export function bindPort(ctx: GitHubContext, workflowFileOf: WorkflowFileOf): GitHubPort {
  return {
    repository: ctx.repository,
    isFactoryActor: ctx.isFactoryActor,
    readPullRequest: (pr) => readPullRequest(ctx, pr),
    listOpenPullRequests: () => listOpenPullRequests(ctx),
    readTimeline: (pr) => readTimeline(ctx, pr),
    readConversation: (pr, options) => readConversation(ctx, pr, options),
    listReviews: (pr) => listReviews(ctx, pr),
    listChangedFiles: (pr) => listChangedFiles(ctx, pr),
    readChecks: (sha) => readChecks(ctx, sha),
    readMergeReadiness: (pr, sha, branch) => readMergeReadiness(ctx, pr, sha, branch),
    readFile: (path, ref) => readFile(ctx, path, ref),
    permissionOf: (login) => permissionOf(ctx, login),
    readStatusComment: (pr) => readStatusComment(ctx, pr),
    readDaySpend: (day) => readDaySpend(ctx, day),
    readBranchHead: (branch) => readBranchHead(ctx, branch),
    listActiveRuns: (stage) => listActiveRuns(ctx, workflowFileOf, stage),
    setState: (pr, labels, to) => setState(ctx, pr, labels, to),
    removeLabel: (pr, label) => removeLabel(ctx, pr, label),
    dispatch: (stage, inputs) => dispatch(ctx, workflowFileOf, stage, inputs),
    writeStatusComment: (pr, body, existing) => writeStatusComment(ctx, pr, body, existing),
    recordTransition: (pr, record) => recordTransition(ctx, pr, record),
    comment: (pr, body) => comment(ctx, pr, body),
    postReview: (pr, sha, verdict, body) => postReview(ctx, pr, sha, verdict, body),
    setCommitStatus: (sha, status) => setCommitStatus(ctx, sha, status),
    mergeExactly: (pr, sha, title) => mergeExactly(ctx, pr, sha, title),
    updateOnServer: (pr, sha, method) => updateOnServer(ctx, pr, sha, method),
  };
}
