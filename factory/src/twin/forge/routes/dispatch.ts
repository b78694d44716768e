/**
 * `POST /actions/workflows/{id}/dispatches`. As on GitHub: the workflow file must exist on the
 * default branch (else 404), `ref` must name a branch or tag (a SHA is 422), the workflow at that
 * ref must declare `workflow_dispatch` and every input given; omitted inputs take their defaults.
 */
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { type ForgeContext, type Route } from '../context.ts';
import { causeOf, emitDispatch } from '../emit.ts';
import { HttpError, notFound, parseBody } from '../http.ts';
import { workflowId } from '../render/commits.ts';

const DOCS = 'actions/workflows#create-a-workflow-dispatch-event';
const WORKFLOWS_DIR = '.github/workflows';

const DispatchBody = z.object({
  ref: z.string().min(1),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

interface DispatchInput {
  readonly required: boolean;
  readonly default?: unknown;
}

export function dispatchRoutes(ctx: ForgeContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      docs: DOCS,
      need: { access: 'write', scopes: ['actions'] },
      handle: async ({ params, body, grant }) => {
        const input = parseBody(DispatchBody, body, DOCS);
        const path = await findWorkflow(ctx, params.workflow_id ?? '');
        const target = await resolveBranchOrTag(ctx, input.ref);
        const declared = await readDispatchInputs(ctx, target.ref, path);
        const inputs = fillInputs(declared, input.inputs ?? {});
        emitDispatch(ctx, path, target.ref, target.sha, inputs, causeOf(grant));
        return { status: 204 };
      },
    },
  ];
}

/** The workflow's path on the default branch, by file name or numeric id. */
async function findWorkflow(ctx: ForgeContext, id: string): Promise<string> {
  const files = await ctx.repo.listFiles(ctx.render.defaultBranch, WORKFLOWS_DIR);
  const path = files.find(
    (file) => file === `${WORKFLOWS_DIR}/${id}` || String(workflowId(file)) === id,
  );
  if (path === undefined) throw notFound(DOCS);
  return path;
}

async function resolveBranchOrTag(
  ctx: ForgeContext,
  ref: string,
): Promise<{ ref: string; sha: string }> {
  const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  const refs = await ctx.repo.listRefs();
  for (const candidate of candidates) {
    const sha = refs.get(candidate);
    if (sha !== undefined && /^refs\/(heads|tags)\//.test(candidate))
      return { ref: candidate, sha };
  }
  throw new HttpError(422, `No ref found for: ${ref}`, { docs: DOCS });
}

async function readDispatchInputs(
  ctx: ForgeContext,
  ref: string,
  path: string,
): Promise<Map<string, DispatchInput>> {
  const blob = await ctx.repo.readBlob(ref, path);
  if (blob === undefined) throw notFound(DOCS);
  let document: unknown;
  try {
    document = parseYaml(blob.content.toString('utf8'));
  } catch {
    throw new HttpError(422, `Invalid workflow file: ${path}`, { docs: DOCS });
  }
  const on = (document as { on?: unknown } | null)?.on;
  const trigger = triggerOf(on);
  if (trigger === undefined)
    throw new HttpError(422, "Workflow does not have 'workflow_dispatch' trigger", { docs: DOCS });
  const declared = new Map<string, DispatchInput>();
  const inputs = trigger?.inputs;
  if (inputs !== null && typeof inputs === 'object') {
    for (const [name, spec] of Object.entries(inputs)) {
      const fields = (spec ?? {}) as { required?: unknown; default?: unknown };
      declared.set(name, { required: fields.required === true, default: fields.default });
    }
  }
  return declared;
}

/** The `workflow_dispatch` entry of `on:` (null when declared without settings). */
function triggerOf(on: unknown): { inputs?: unknown } | null | undefined {
  if (on === 'workflow_dispatch') return null;
  if (Array.isArray(on)) return on.includes('workflow_dispatch') ? null : undefined;
  if (on !== null && typeof on === 'object' && 'workflow_dispatch' in on) {
    return (on as Record<string, unknown>).workflow_dispatch ?? null;
  }
  return undefined;
}

function fillInputs(
  declared: ReadonlyMap<string, DispatchInput>,
  given: Readonly<Record<string, string | number | boolean>>,
): Record<string, unknown> {
  const unexpected = Object.keys(given).filter((name) => !declared.has(name));
  if (unexpected.length > 0) {
    throw new HttpError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, {
      docs: DOCS,
    });
  }
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of declared) {
    const value = given[name] ?? spec.default;
    if (value === undefined && spec.required) {
      throw new HttpError(422, `Required input '${name}' not provided`, { docs: DOCS });
    }
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}
