/**
 * A transition's writes on the PR — the status comment, re-run notes, the state label — as one
 * GraphQL mutation, whose fields GitHub runs one after another in the order written. The label
 * set is replaced by `updatePullRequest(labelIds:)`, one write like REST's `PUT …/labels` (R-04).
 *
 * A mutation names everything by node id. When this job's readings did not give every id needed
 * (the PR's, each label's, the status comment's), the same writes go out over REST, one request
 * each, in the same order.
 */
import { STATUS_MARKER, isStatusComment } from '../../core/notes.ts';
import type { TransitionRecord } from '../../core/ports.ts';
import { withState } from '../../core/states.ts';
import { comment, writeStatusComment } from './comments.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';
import { graphqlErrorsOf } from './graphql-errors.ts';
import { setState } from './labels.ts';
import { labelIdsOf } from './node-ids.ts';

interface Ids {
  readonly pullRequest: string;
  readonly statusComment: string | undefined;
  readonly labels: readonly string[] | undefined;
}

export async function recordTransition(
  ctx: GitHubContext,
  pr: number,
  record: TransitionRecord,
): Promise<void> {
  const ids = idsFor(ctx, pr, record);
  if (ids === undefined) {
    await overRest(ctx, pr, record);
    return;
  }
  const statusGone = await callGitHub('recordTransition', () => mutate(ctx, ids, record));
  // A person deleted the status comment: the rest went through; write it anew, as REST would.
  if (statusGone) await writeStatusComment(ctx, pr, record.statusComment.body, undefined);
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
  await writeStatusComment(ctx, pr, record.statusComment.body, record.statusComment.existing);
  for (const note of record.notes) await comment(ctx, pr, note);
  if (record.state !== undefined)
    await setState(ctx, pr, record.state.currentLabels, record.state.to);
}

/** Sends the mutation; true when only the status comment failed, because it no longer exists. */
async function mutate(ctx: GitHubContext, ids: Ids, record: TransitionRecord): Promise<boolean> {
  const { document, variables } = mutationFor(ids, record);
  try {
    await ctx.octokit.graphql(document, variables);
    return false;
  } catch (error) {
    const errors = graphqlErrorsOf(error);
    const onlyStatusGone =
      ids.statusComment !== undefined &&
      errors?.length === 1 &&
      errors[0]?.type === 'NOT_FOUND' &&
      errors[0].path?.[0] === 'status';
    if (onlyStatusGone) return true;
    throw error;
  }
}

/** The mutation document and its variables: one aliased field per write, in order. */
export function mutationFor(ids: Ids, record: TransitionRecord) {
  const declarations = new Map<string, string>();
  const variables: Record<string, unknown> = {};
  const use = (name: string, type: string, value: unknown) => {
    declarations.set(name, type);
    variables[name] = value;
    return `$${name}`;
  };
  const pullRequest = () => use('pullRequestId', 'ID!', ids.pullRequest);
  const status = use('status', 'String!', marked(record.statusComment.body));
  const fields = [
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

/** The status comment always carries its marker, so it is found again (as `writeStatusComment`). */
function marked(body: string): string {
  return isStatusComment(body) ? body : `${STATUS_MARKER}\n${body}`;
}
