/** Repository labels: list, get, create, update. */
import * as z from 'zod';
import { findLabel, READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { notFound, paginate, parseBody, validationFailed } from '../http.ts';
import { renderLabel } from '../render/issues.ts';
import type { LabelRecord } from '../store.ts';

const WRITE = { access: 'write', scopes: ['issues', 'pull-requests'] } as const;
const COLOR = z.string().regex(/^#?[0-9a-fA-F]{6}$/, 'must be a 6-digit hex color');

const CreateLabel = z.object({
  name: z.string().min(1),
  color: COLOR.optional(),
  description: z.string().max(100).nullable().optional(),
});

const UpdateLabel = z.object({
  new_name: z.string().min(1).optional(),
  color: COLOR.optional(),
  description: z.string().max(100).nullable().optional(),
});

/** GitHub's default colour for a label created without one, or created implicitly. */
export const DEFAULT_LABEL_COLOR = 'ededed';

export function createLabelRecord(
  ctx: ForgeContext,
  name: string,
  color?: string,
  description?: string | null,
): LabelRecord {
  const label = {
    id: ctx.store.nextId(),
    name,
    color: (color ?? DEFAULT_LABEL_COLOR).replace(/^#/, '').toLowerCase(),
    description: description ?? null,
  };
  ctx.store.labels.push(label);
  return label;
}

export function labelRoutes(ctx: ForgeContext): Route[] {
  const docs = (anchor: string) => `issues/labels#${anchor}`;
  const getLabel = (name: string, anchor: string) => findLabel(ctx, name) ?? fail(docs(anchor));
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/labels',
      docs: docs('list-labels-for-a-repository'),
      need: READ_ANY,
      handle: ({ url }) => {
        const page = paginate(ctx.store.labels, url);
        return {
          status: 200,
          body: page.body.map((l) => renderLabel(ctx.render, l)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/labels/{name}',
      docs: docs('get-a-label'),
      need: READ_ANY,
      handle: ({ params }) => ({
        status: 200,
        body: renderLabel(ctx.render, getLabel(params.name ?? '', 'get-a-label')),
      }),
    },
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/labels',
      docs: docs('create-a-label'),
      need: WRITE,
      handle: ({ body }) => {
        const input = parseBody(CreateLabel, body, docs('create-a-label'));
        if (findLabel(ctx, input.name) !== undefined) {
          throw validationFailed(docs('create-a-label'), [
            { resource: 'Label', code: 'already_exists', field: 'name' },
          ]);
        }
        const label = createLabelRecord(ctx, input.name, input.color, input.description);
        return { status: 201, body: renderLabel(ctx.render, label) };
      },
    },
    {
      method: 'PATCH',
      path: '/repos/{owner}/{repo}/labels/{name}',
      docs: docs('update-a-label'),
      need: WRITE,
      handle: ({ params, body }) => {
        const label = getLabel(params.name ?? '', 'update-a-label');
        const input = parseBody(UpdateLabel, body, docs('update-a-label'));
        const renamed = input.new_name;
        if (
          renamed !== undefined &&
          findLabel(ctx, renamed) !== undefined &&
          findLabel(ctx, renamed) !== label
        ) {
          throw validationFailed(docs('update-a-label'), [
            { resource: 'Label', code: 'already_exists', field: 'name' },
          ]);
        }
        if (renamed !== undefined) renameOnIssues(ctx, label.name, renamed);
        if (renamed !== undefined) label.name = renamed;
        if (input.color !== undefined) label.color = input.color.replace(/^#/, '').toLowerCase();
        if (input.description !== undefined) label.description = input.description;
        return { status: 200, body: renderLabel(ctx.render, label) };
      },
    },
  ];
}

function renameOnIssues(ctx: ForgeContext, from: string, to: string): void {
  for (const issue of ctx.store.issues.values()) {
    issue.labels = issue.labels.map((name) => (name === from ? to : name));
  }
}

function fail(docs: string): never {
  throw notFound(docs);
}
