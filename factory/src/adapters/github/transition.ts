/**
 * A transition's writes on the PR — the stage's announcement (a verdict comment or review), the
 * status comment, re-run notes, the state label — as one GraphQL mutation, whose fields GitHub
 * runs one after another in the order written. A commit status has no mutation: it goes first,
 * over REST. The label set is replaced by `updatePullRequest(labelIds:)`, one write like REST's
 * `PUT …/labels` (R-04).
 *
 * A mutation names everything by node id. When this job's readings did not give every id needed
 * (the PR's, each label's, the status comment's), the same writes go out over REST, one request
 * each, in the same order (and the client retries each after a 5xx, as it does every request).
 * The mutation is not retried blindly: after an unknown outcome it is read back (ADR 0008).
 */
import { STATUS_MARKER, isStatusComment } from '../../core/notes.ts';
import type { Announcement, TransitionRecord } from '../../core/ports.ts';
import { statesIn, withState, type State } from '../../core/states.ts';
import { setCommitStatus } from './checks.ts';
import { comment, writeStatusComment } from './comments.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub, GitHubError, outcomeUnknown } from './errors.ts';
import { graphqlErrorsOf } from './graphql-errors.ts';
import { putLabels, setState } from './labels.ts';
import { labelIdsOf } from './node-ids.ts';
import { listReviews, postReview } from './reviews.ts';
import { readConversationBack } from './timeline.ts';

interface Ids {
  readonly pullRequest: string;
  readonly statusComment: string | undefined;
  readonly labels: readonly string[] | undefined;
}

/** How many times a transition whose outcome is unknown is read back and its rest sent again. */
const READ_BACKS = 3;

export async function recordTransition(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
): Promise<void> {
  // GraphQL has no mutation for a commit status: it goes first, over REST.
  const { announcement } = record;
  if (announcement?.kind === 'commit-status')
    await setCommitStatus(ctx, announcement.sha, announcement.status);
  const ids = idsFor(ctx, pr, record);
  if (ids === undefined) {
    await overRest(ctx, pr, record);
    return;
  }
  // A copy of the comments the job saw on the PR, so that a read-back tells this transition's
  // own apart; none when the job never read them.
  const known = ctx.nodeIds.comments.get(pr);
  const seen = known === undefined ? undefined : new Set(known);
  await callGitHub('recordTransition', () => mutateReadingBack(ctx, pr, { record, ids }, seen));
}

/** A transition, or what is left of it, and the node ids to send it by (REST without them). */
interface Sending {
  readonly record: TransitionRecord;
  readonly ids: Ids | undefined;
}

/** Sends the mutation; after an unknown outcome, reads the PR back and sends what is missing. */
async function mutateReadingBack(
  ctx: GitHubContext,
  pr: number,
  first: Sending,
  seen: ReadonlySet<string> | undefined,
): Promise<void> {
  let sending: Sending | undefined = first;
  for (let readBacks = 0; sending !== undefined; readBacks++) {
    if (sending.ids === undefined) {
      await overRest(ctx, pr, sending.record);
      return;
    }
    let failed: Awaited<ReturnType<typeof mutate>>;
    try {
      failed = await mutate(ctx, sending.ids, sending.record);
    } catch (error) {
      if (!outcomeUnknown(error) || readBacks === READ_BACKS) throw error;
      sending = await notLandedOf(ctx, pr, first.record, seen).catch(() => {
        throw error; // unreadable as well: the transition's own failure is the one to report
      });
      continue;
    }
    await afterMutation(ctx, pr, sending.record, failed);
    return;
  }
}

/**
 * A person deleted the status comment: the rest went through; write it anew, as REST would.
 * Anything else refused stops the transition where it stands.
 */
async function afterMutation(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
  failed: Awaited<ReturnType<typeof mutate>>,
): Promise<void> {
  if (failed === 'status-gone')
    await writeStatusComment(ctx, pr, record.statusComment.body, undefined);
  else if (failed !== undefined) await standStill(ctx, pr, record, failed);
}

/**
 * What of `record` is not on the PR, read back after an unknown outcome, with the ids to send it
 * by; `undefined` when all of it is there. Each write is looked for on its own, since GitHub runs
 * every field of a mutation even after one is refused: the announcement and the notes among the
 * factory's comments that are not in `seen` (none counts when the job never saw the PR's
 * comments: a duplicate is better than a lost verdict), a review among the reviews, the label by
 * the PR's state. The status comment and the label go again whenever anything does, so the label
 * still comes after what it announces and is put back if that is refused (`standStill`). The
 * label set is rebuilt from the PR's labels now, keeping what a person added meanwhile; a state
 * label someone else moved stays where they put it.
 */
async function notLandedOf(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
  seen: ReadonlySet<string> | undefined,
): Promise<Sending | undefined> {
  const { conversation, factoryComments } = await readConversationBack(ctx, pr);
  const posted = new Set(
    seen === undefined
      ? []
      : factoryComments.filter(({ nodeId }) => !seen.has(nodeId)).map(({ body }) => body),
  );
  const announced = await announcementLanded(ctx, pr, record.announcement, posted);
  const notes = record.notes.filter((note) => !posted.has(note));
  const status = conversation.statusComment;
  const statusLanded = status?.body === marked(record.statusComment.body);
  const labels = conversation.pullRequest?.labels ?? [];
  const state = record.state && stateAgain(record.state, labels);
  const labelLanded = record.state === undefined || sameStates(statesIn(labels), [record.state.to]);
  if (announced && notes.length === 0 && statusLanded && labelLanded) return undefined;
  const rest: TransitionRecord = {
    ...(announced || record.announcement === undefined
      ? {}
      : { announcement: record.announcement }),
    statusComment: { body: record.statusComment.body, existing: status },
    notes,
    ...(state === undefined ? {} : { state }),
  };
  return { record: rest, ids: idsFor(ctx, pr, rest) };
}

/**
 * The label write to send again: the PR's labels now with the state the job found put back, so
 * that a refusal restores them; none when someone else moved the state label meanwhile.
 */
function stateAgain(
  state: NonNullable<TransitionRecord['state']>,
  labels: readonly string[],
): TransitionRecord['state'] {
  const found = statesIn(state.currentLabels);
  const now = statesIn(labels);
  const [was] = found;
  if (was === undefined || found.length !== 1) return state;
  if (!sameStates(now, found) && !sameStates(now, [state.to])) return undefined;
  return { currentLabels: withState(labels, was), to: state.to };
}

/** Whether the transition's announcement is on the PR (a commit status went out before). */
async function announcementLanded(
  ctx: GitHubContext,
  pr: number,
  announcement: Announcement | undefined,
  posted: ReadonlySet<string>,
): Promise<boolean> {
  switch (announcement?.kind) {
    case undefined:
    case 'commit-status':
      return true;
    case 'comment':
      return posted.has(announcement.body);
    case 'review': {
      const reviews = await listReviews(ctx, pr);
      return reviews.some(
        (review) =>
          ctx.isFactoryActor(review.author) &&
          review.sha === announcement.sha &&
          // Dismissed since (its head moved at once): it landed all the same.
          (review.verdict === announcement.verdict || review.verdict === 'DISMISSED') &&
          review.body === announcement.body,
      );
    }
  }
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
    // Not retried by the client (`request` is an option, never a variable): after an unknown
    // outcome, `recordTransition` reads back what landed.
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
