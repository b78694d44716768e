/** Workflow runs as the runner filed them: list (with GitHub's filters) and get. */
import type { WorkflowRunRecord } from '../../contract.ts';
import { numberParam, type ForgeContext, type Route } from '../context.ts';
import { notFound, paginate } from '../http.ts';
import { renderRun, workflowId } from '../render/commits.ts';

const READ = { access: 'read', scopes: ['actions'] } as const;

export function runRoutes(ctx: ForgeContext): Route[] {
  const render = async (run: WorkflowRunRecord) =>
    renderRun(ctx.render, run, await ctx.repo.readCommit(run.headSha));
  const list = async (runs: WorkflowRunRecord[], url: URL) => {
    const query = url.searchParams;
    const filtered = runs
      .filter((run) => matches(query.get('event'), run.event))
      .filter((run) => matches(query.get('branch'), run.headBranch))
      .filter((run) => matches(query.get('head_sha'), run.headSha))
      .filter((run) => matches(query.get('actor'), run.actor.login))
      .filter((run) => {
        const s = query.get('status');
        return s === null || run.status === s || run.conclusion === s;
      })
      .reverse();
    const page = paginate(filtered, url);
    return {
      status: 200,
      body: {
        total_count: filtered.length,
        workflow_runs: await Promise.all(page.body.map(render)),
      },
      headers: page.headers,
    };
  };
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/runs',
      docs: 'actions/workflow-runs#list-workflow-runs-for-a-repository',
      need: READ,
      handle: ({ url }) => list(ctx.store.runs, url),
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      docs: 'actions/workflow-runs#list-workflow-runs-for-a-workflow',
      need: READ,
      handle: ({ params, url }) => {
        const id = params.workflow_id ?? '';
        const runs = ctx.store.runs.filter(
          (run) => run.path.endsWith(`/${id}`) || String(workflowId(run.path)) === id,
        );
        return list(runs, url);
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/actions/runs/{run_id}',
      docs: 'actions/workflow-runs#get-a-workflow-run',
      need: READ,
      handle: async (request) => {
        const doc = 'actions/workflow-runs#get-a-workflow-run';
        const id = numberParam(request, 'run_id', doc);
        const run = ctx.store.runs.find((candidate) => candidate.id === id);
        if (run === undefined) throw notFound(doc);
        return { status: 200, body: await render(run) };
      },
    },
  ];
}

function matches(wanted: string | null, actual: string): boolean {
  return wanted === null || wanted === actual;
}
