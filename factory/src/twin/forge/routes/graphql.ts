/**
 * `POST /graphql`, for the one mutation the factory needs: `updatePullRequestBranch`, GitHub's
 * server-side update of a pull request branch (REBASE or MERGE) that needs no git on the caller's
 * side. GraphQL answers 200 with an `errors` list, never an HTTP error, for anything it refuses.
 */
import { z } from 'zod';
import type { TokenGrant } from '../../contract.ts';
import { assertAllowed } from '../auth.ts';
import { isPull, READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { causeOf } from '../emit.ts';
import { HttpError, parseBody } from '../http.ts';
import { baseTip } from '../pull-model.ts';
import { pullNodeId, type PullIssue } from '../render/pulls.ts';
import { applyUpdates, describeUpdate } from '../sync.ts';

const DOCS = 'graphql';
const Request = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
});
const UpdateInput = z.object({
  pullRequestId: z.string(),
  expectedHeadOid: z.string().optional(),
  updateMethod: z.enum(['MERGE', 'REBASE']).optional(),
});

interface GraphqlError {
  readonly type?: string;
  readonly message: string;
  readonly path?: readonly string[];
}

class GraphqlRefusal extends Error {
  readonly error: GraphqlError;
  constructor(error: GraphqlError) {
    super(error.message);
    this.error = error;
  }
}

export function graphqlRoutes(ctx: ForgeContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/graphql',
      docs: DOCS,
      need: READ_ANY,
      handle: async ({ body, grant }) => {
        const request = parseBody(Request, body, DOCS);
        try {
          const input = readUpdateInput(request.query, request.variables ?? {});
          return {
            status: 200,
            body: { data: { updatePullRequestBranch: await updateBranch(ctx, input, grant) } },
          };
        } catch (error) {
          if (!(error instanceof GraphqlRefusal)) throw error;
          return { status: 200, body: { data: null, errors: [error.error] } };
        }
      },
    },
  ];
}

/** Reads the mutation's input, given as `input: $var` or as an inline object literal. */
function readUpdateInput(
  query: string,
  variables: Record<string, unknown>,
): z.infer<typeof UpdateInput> {
  const match = /updatePullRequestBranch\s*\(\s*input\s*:\s*(\$\w+|\{[^}]*\})/.exec(query);
  if (match?.[1] === undefined) {
    throw new GraphqlRefusal({
      message: 'The twin forge implements only the updatePullRequestBranch mutation.',
    });
  }
  const raw = match[1].startsWith('$')
    ? variables[match[1].slice(1)]
    : readInlineObject(match[1], variables);
  const parsed = UpdateInput.safeParse(raw);
  if (!parsed.success) {
    throw new GraphqlRefusal({
      type: 'INVALID_INPUT',
      message: `Invalid input for updatePullRequestBranch: ${parsed.error.message}`,
    });
  }
  return parsed.data;
}

function readInlineObject(
  text: string,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [, key = '', value = ''] of text.matchAll(
    /(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|\$\w+|\w+)/g,
  )) {
    if (value.startsWith('"')) fields[key] = JSON.parse(value) as unknown;
    else if (value.startsWith('$')) fields[key] = variables[value.slice(1)];
    else fields[key] = value;
  }
  return fields;
}

async function updateBranch(
  ctx: ForgeContext,
  input: z.infer<typeof UpdateInput>,
  grant: TokenGrant,
) {
  const path = ['updatePullRequestBranch'];
  try {
    assertAllowed(grant, { access: 'write', scopes: ['contents'] }, ctx.auth.permissionOf, DOCS);
  } catch (error) {
    if (error instanceof HttpError)
      throw new GraphqlRefusal({ type: 'FORBIDDEN', path, message: error.message });
    throw error;
  }
  const pull = [...ctx.store.issues.values()].find(
    (issue): issue is PullIssue =>
      isPull(issue) && pullNodeId(issue.number) === input.pullRequestId,
  );
  if (pull === undefined) {
    throw new GraphqlRefusal({
      type: 'NOT_FOUND',
      path,
      message: `Could not resolve to a node with the global id of '${input.pullRequestId}'`,
    });
  }
  if (pull.state !== 'open')
    throw new GraphqlRefusal({ type: 'UNPROCESSABLE', path, message: 'Pull request is closed.' });
  const head = pull.pull.headSha;
  if (input.expectedHeadOid !== undefined && input.expectedHeadOid !== head) {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      path,
      message: "expected head sha didn't match current head ref.",
    });
  }
  const base = await baseTip(ctx, pull);
  const updated = await rewrite(ctx, pull, base, input.updateMethod ?? 'MERGE');
  if (updated === undefined) {
    throw new GraphqlRefusal({
      type: 'UNPROCESSABLE',
      path,
      message: 'Could not update the pull request branch: merge conflict.',
    });
  }
  const ref = `refs/heads/${pull.pull.headRef}`;
  if (updated !== head) {
    await ctx.repo.updateRef(ref, updated, head);
    await applyUpdates(ctx, [await describeUpdate(ctx, ref, head, updated)], causeOf(grant));
  }
  return {
    clientMutationId: null,
    pullRequest: {
      id: pullNodeId(pull.number),
      number: pull.number,
      headRefName: pull.pull.headRef,
      headRefOid: updated,
    },
  };
}

async function rewrite(
  ctx: ForgeContext,
  pull: PullIssue,
  base: string,
  method: 'MERGE' | 'REBASE',
): Promise<string | undefined> {
  const head = pull.pull.headSha;
  if (await ctx.repo.isAncestor(base, head)) return head;
  if (method === 'REBASE') return ctx.repo.rebase(base, head);
  const message = `Merge branch '${pull.pull.baseRef}' into ${pull.pull.headRef}`;
  return ctx.repo.mergeCommit(head, base, message);
}
