/**
 * A transition's writes on the PR — the stage's announcement (a verdict comment or review), the
 * status comment, re-run notes, the state label — as one GraphQL mutation, whose fields GitHub
 * runs one after another in the order written. A commit status has no mutation: it goes first,
 * over REST. The label
 * set is replaced by `updatePullRequest(labelIds:)`, one write like REST's `PUT …/labels` (R-04).
 *
 * A mutation names everything by node id. When this job's readings did not give every id needed
 * (the PR's, each label's, the status comment's), the same writes go out over REST, one request
 * each, in the same order.
 */
import { STATUS_MARKER, isStatusComment } from '../../core/notes.ts';
import type { Announcement, TransitionRecord } from '../../core/ports.ts';
import { statesIn, withState, type State } from '../../core/states.ts';
import { setCommitStatus } from './checks.ts';
import { comment, writeStatusComment } from './comments.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, GitHubError, statusOf } from './errors.ts';
import { graphqlErrorsOf } from './graphql-errors.ts';
import { putLabels, setState } from './labels.ts';
import { labelIdsOf } from './node-ids.ts';
import { postReview } from './reviews.ts';
import { readConversation } from './timeline.ts';

interface Ids {
  readonly pullRequest: string;
  readonly statusComment: string | undefined;
  readonly labels: readonly string[] | undefined;
}

/** How many times a transition whose answer was lost is read back and its rest sent again. */
const LOST_ANSWER_ROUNDS = 3;

export async function recordTransition(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
): Promise<void> {
  // GraphQL has no mutation for a commit status: it goes first, over REST.
  const { announcement } = record;
  if (announcement?.kind === 'commit-status')
    await setCommitStatus(ctx, announcement.sha, announcement.status);
  await callGitHub('recordTransition', () => sendTransition(ctx, pr, record, LOST_ANSWER_ROUNDS));
}

async function sendTransition(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
  roundsLeft: number,
): Promise<void> {
  const ids = idsFor(ctx, pr, record);
  if (ids === undefined) {
    await overRest(ctx, pr, record);
    return;
  }
  let failed: Awaited<ReturnType<typeof mutate>>;
  try {
    failed = await mutate(ctx, ids, record);
  } catch (error) {
    if (!isLostAnswer(error) || roundsLeft === 0) throw error;
    const rest = await readBack(ctx, pr, record, error);
    if (rest !== undefined) await sendTransition(ctx, pr, rest, roundsLeft - 1);
    return;
  }
  // A person deleted the status comment: the rest went through; write it anew, as REST would.
  if (failed === 'status-gone')
    await writeStatusComment(ctx, pr, record.statusComment.body, undefined);
  else if (failed !== undefined) await standStill(ctx, pr, record, failed);
}

/**
 * A 5xx (or a dropped connection, which Octokit reports as a 500) says nothing of whether GitHub
 * ran the mutation: its front end may time out on a request its back end finished. Sending it
 * again blindly would post the verdict twice.
 */
function isLostAnswer(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 500;
}

/** `notLandedOf`, failing with the transition's own lost answer when the PR cannot be read. */
async function readBack(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
  lostAnswer: unknown,
): Promise<TransitionRecord | undefined> {
  try {
    return await notLandedOf(ctx, pr, record);
  } catch {
    throw lostAnswer;
  }
}

/**
 * What of `record` is not on the PR, read back after a lost answer; `undefined` when all of it
 * is. GitHub runs a mutation's fields in the order written (announcement, status comment, notes,
 * label), so the label says the whole mutation ran, and the status comment that the announcement
 * before it did. The rest is sent against what the PR holds now: the status comment as it exists,
 * and a state label someone else moved meanwhile stays where they put it.
 */
async function notLandedOf(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
): Promise<TransitionRecord | undefined> {
  const { pullRequest, statusComment } = await readConversation(ctx, pr);
  const labels = pullRequest?.labels ?? [];
  const { state } = record;
  const before = statesIn(state?.currentLabels ?? labels);
  const now = statesIn(labels);
  const labelMoves = state !== undefined && !sameStates(before, [state.to]);
  if (labelMoves && sameStates(now, [state.to])) return undefined;
  const body = marked(record.statusComment.body);
  const statusLanded = record.statusComment.existing?.body !== body && statusComment?.body === body;
  // Without a label to move, a status comment that landed is the best witness there is.
  if (statusLanded && !labelMoves) return undefined;
  const announcement = statusLanded ? undefined : record.announcement;
  const labelMovedMeanwhile = !sameStates(now, before);
  return {
    ...(announcement === undefined ? {} : { announcement }),
    statusComment: { body: record.statusComment.body, existing: statusComment },
    notes: record.notes,
    ...(state === undefined || labelMovedMeanwhile
      ? {}
      : { state: { currentLabels: labels, to: state.to } }),
  };
}

function sameStates(a: readonly State[], b: readonly State[]): boolean {
  return a.length === b.length && a.every((state) => b.includes(state));
}

/**
 * GitHub runs every field of a mutation even after one fails, so a refused review or a failed
 * status comment does not stop the label swap. A label never moves past a write it comes after:
 * it is put back (one write, as ever), and the job fails like a failed REST call would.
 */
async function standStill(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
  failed: Refused,
): Promise<never> {
  if (record.state !== undefined && failed.labelMoved)
    await putLabels(ctx, pr, record.state.currentLabels);
  throw new GitHubError('recordTransition', undefined, failed.message);
}

function idsFor(ctx: GitHubContext, pr: number, record: TransitionRecord): Ids | undefined {
  const pullRequest = ctx.nodeIds.pullRequests.get(pr);
  const { existing } = record.statusComment;
  const labels =
    record.state && labelIdsOf(ctx.nodeIds, withState(record.state.currentLabels, record.state.to));
  if (pullRequest === undefined) return undefined;
  if (existing !== undefined && existing.nodeId === undefined) return undefined;
  if (record.state !== undefined && labels === undefined) return undefined;
  return { pullRequest, statusComment: existing?.nodeId, labels };
}

async function overRest(ctx: GitHubContext, pr: number, record: TransitionRecord): Promise<void> {
  const { announcement } = record;
  if (announcement?.kind === 'comment') await comment(ctx, pr, announcement.body);
  if (announcement?.kind === 'review')
    await postReview(ctx, pr, announcement.sha, announcement.verdict, announcement.body);
  await writeStatusComment(ctx, pr, record.statusComment.body, record.statusComment.existing);
  for (const note of record.notes) await comment(ctx, pr, note);
  if (record.state !== undefined)
    await setState(ctx, pr, record.state.currentLabels, record.state.to);
}

interface Refused {
  readonly message: string;
  /** The label swap went through although a write before it failed. */
  readonly labelMoved: boolean;
}

/**
 * Sends the mutation. Nothing when every field went through; `status-gone` when only the status
 * comment failed because it no longer exists; otherwise what was refused.
 */
async function mutate(
  ctx: GitHubContext,
  ids: Ids,
  record: TransitionRecord,
): Promise<'status-gone' | Refused | undefined> {
  const { document, variables } = mutationFor(ids, record);
  try {
    // Not retried by the client: after a lost answer, `sendTransition` reads what landed.
    await ctx.octokit.graphql(document, { ...variables, request: { retries: 0 } });
    return undefined;
  } catch (error) {
    const errors = graphqlErrorsOf(error);
    if (errors === undefined) throw error;
    const onlyStatusGone =
      ids.statusComment !== undefined &&
      errors.length === 1 &&
      errors[0]?.type === 'NOT_FOUND' &&
      errors[0].path?.[0] === 'status';
    if (onlyStatusGone) return 'status-gone';
    const { data } = error as { data?: { state?: unknown } | null };
    return {
      message: errors.map((entry) => entry.message).join('; '),
      labelMoved: data?.state != null,
    };
  }
}

/** The mutation document and its variables: one aliased field per write, in order. */
export function mutationFor(ids: Ids, record: TransitionRecord) {
  const declarations = new Map<string, string>();
  const variables: Record<string, unknown> = {};
  const use: Use = (name, type, value) => {
    declarations.set(name, type);
    variables[name] = value;
    return `$${name}`;
  };
  const pullRequest = () => use('pullRequestId', 'ID!', ids.pullRequest);
  const status = use('status', 'String!', marked(record.statusComment.body));
  const fields = [
    ...announcementField(record.announcement, pullRequest, use),
    ids.statusComment === undefined
      ? `status: addComment(input: {subjectId: ${pullRequest()}, body: ${status}})`
      : `status: updateIssueComment(input: {id: ${use('statusId', 'ID!', ids.statusComment)}, body: ${status}})`,
    ...record.notes.map(
      (note, index) =>
        `note${String(index)}: addComment(input: {subjectId: ${pullRequest()}, body: ${use(`note${String(index)}`, 'String!', note)}})`,
    ),
    ...(ids.labels === undefined
      ? []
      : [
          `state: updatePullRequest(input: {pullRequestId: ${pullRequest()}, labelIds: ${use('labelIds', '[ID!]!', ids.labels)}})`,
        ]),
  ];
  const declared = [...declarations].map(([name, type]) => `$${name}: ${type}`).join(', ');
  const selections = fields.map((field) => `  ${field} { clientMutationId }`).join('\n');
  return { document: `mutation recordTransition(${declared}) {\n${selections}\n}`, variables };
}

type Use = (name: string, type: string, value: unknown) => string;

function announcementField(
  announcement: Announcement | undefined,
  pullRequest: () => string,
  use: Use,
): string[] {
  switch (announcement?.kind) {
    case 'comment':
      return [
        `announcement: addComment(input: {subjectId: ${pullRequest()}, body: ${use('announcement', 'String!', announcement.body)}})`,
      ];
    case 'review': {
      const commit = use('reviewCommit', 'GitObjectID!', announcement.sha);
      const event = use('reviewEvent', 'PullRequestReviewEvent!', announcement.verdict);
      const body = use('reviewBody', 'String!', announcement.body);
      return [
        `announcement: addPullRequestReview(input: {pullRequestId: ${pullRequest()}, commitOID: ${commit}, event: ${event}, body: ${body}})`,
      ];
    }
    case 'commit-status': // written first, over REST
    case undefined:
      return [];
  }
}

/** The status comment always carries its marker, so it is found again (as `writeStatusComment`). */
function marked(body: string): string {
  return isStatusComment(body) ? body : `${STATUS_MARKER}\n${body}`;
}
