/** A commit, its check runs and its commit statuses (create, list, combined). */
import * as z from 'zod';
import { READ_ANY, type ForgeContext, type Route, type RouteRequest } from '../context.ts';
import { HttpError, paginate, parseBody } from '../http.ts';
import {
  renderCheckRun,
  renderCombinedStatus,
  renderCommit,
  renderStatus,
} from '../render/commits.ts';
import type { StatusRecord } from '../store.ts';

const CreateCheckRun = z.object({
  name: z.string().min(1),
  head_sha: z.string().min(1),
  status: z.enum(['queued', 'in_progress', 'completed']).optional(),
  conclusion: z
    .enum(['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required'])
    .optional(),
  details_url: z.string().optional(),
  external_id: z.string().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  output: z
    .object({ title: z.string(), summary: z.string(), text: z.string().optional() })
    .optional(),
});

const CreateStatus = z.object({
  state: z.enum(['error', 'failure', 'pending', 'success']),
  target_url: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  context: z.string().optional(),
});

export function commitRoutes(ctx: ForgeContext): Route[] {
  const commitSha = async (request: RouteRequest, docs: string): Promise<string> => {
    const ref = request.params.ref ?? request.params.sha ?? '';
    const sha = await ctx.repo.resolve(ref);
    if (sha === undefined) throw new HttpError(422, `No commit found for SHA: ${ref}`, { docs });
    return sha;
  };
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/commits/{ref}',
      docs: 'commits/commits#get-a-commit',
      need: { access: 'read', scopes: ['contents'] },
      handle: async (request) => {
        const commit = await ctx.repo.readCommit(
          await commitSha(request, 'commits/commits#get-a-commit'),
        );
        if (commit === undefined)
          throw new HttpError(422, 'No commit found', { docs: 'commits/commits#get-a-commit' });
        return { status: 200, body: renderCommit(ctx.render, commit) };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/check-runs',
      docs: 'checks/runs#create-a-check-run',
      need: { access: 'write', scopes: ['checks'] },
      handle: async ({ body, grant }) => {
        const doc = 'checks/runs#create-a-check-run';
        const input = parseBody(CreateCheckRun, body, doc);
        // Check runs belong to Apps; GitHub refuses people's tokens here.
        if (grant.kind === 'user')
          throw new HttpError(403, 'You must authenticate via a GitHub App.', { docs: doc });
        const sha = await ctx.repo.resolve(input.head_sha);
        if (sha === undefined)
          throw new HttpError(422, `No commit found for SHA: ${input.head_sha}`, { docs: doc });
        const completed = input.conclusion !== undefined || input.status === 'completed';
        const now = ctx.now();
        const run = {
          id: ctx.store.nextId(),
          name: input.name,
          headSha: sha,
          status: completed ? ('completed' as const) : (input.status ?? 'queued'),
          conclusion: input.conclusion ?? null,
          startedAt: input.started_at ?? now,
          completedAt: completed ? (input.completed_at ?? now) : null,
          detailsUrl: input.details_url ?? null,
          externalId: input.external_id ?? null,
          output: {
            title: input.output?.title ?? null,
            summary: input.output?.summary ?? null,
            text: input.output?.text ?? null,
          },
          app: grant.actor,
          appKind: grant.kind,
        };
        ctx.store.checkRuns.push(run);
        return { status: 201, body: renderCheckRun(ctx.render, run) };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
      docs: 'checks/runs#list-check-runs-for-a-git-reference',
      need: { access: 'read', scopes: ['checks'] },
      handle: async (request) => {
        const sha = await commitSha(request, 'checks/runs#list-check-runs-for-a-git-reference');
        const name = request.url.searchParams.get('check_name');
        const all = request.url.searchParams.get('filter') === 'all';
        const runs = ctx.store.checkRuns
          .filter((run) => run.headSha === sha && (name === null || run.name === name))
          .filter(
            (run, _, list) => all || list.findLast((other) => other.name === run.name) === run,
          )
          .reverse();
        const page = paginate(runs, request.url);
        return {
          status: 200,
          body: {
            total_count: runs.length,
            check_runs: page.body.map((run) => renderCheckRun(ctx.render, run)),
          },
          headers: page.headers,
        };
      },
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/statuses/{sha}',
      docs: 'commits/statuses#create-a-commit-status',
      need: { access: 'write', scopes: ['statuses'] },
      handle: async (request) => {
        const doc = 'commits/statuses#create-a-commit-status';
        const input = parseBody(CreateStatus, request.body, doc);
        const sha = await commitSha(request, doc);
        const status: StatusRecord = {
          id: ctx.store.nextId(),
          sha,
          state: input.state,
          context: input.context ?? 'default',
          description: input.description ?? null,
          targetUrl: input.target_url ?? null,
          creator: request.grant.actor,
          createdAt: ctx.now(),
        };
        ctx.store.statuses.push(status);
        return { status: 201, body: renderStatus(ctx.render, status) };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/commits/{ref}/status',
      docs: 'commits/statuses#get-the-combined-status-for-a-specific-reference',
      need: READ_ANY,
      handle: async (request) => {
        const sha = await commitSha(
          request,
          'commits/statuses#get-the-combined-status-for-a-specific-reference',
        );
        const forSha = ctx.store.statuses.filter((status) => status.sha === sha);
        const latest = forSha.filter(
          (status) => forSha.findLast((other) => other.context === status.context) === status,
        );
        return { status: 200, body: renderCombinedStatus(ctx.render, sha, latest.reverse()) };
      },
    },
  ];
}
