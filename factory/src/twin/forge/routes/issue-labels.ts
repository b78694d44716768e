/**
 * Labels on an issue or pull request. Every label actually added or removed leaves one
 * `labeled`/`unlabeled` issue event and, on a pull request, one `pull_request` event; labels a
 * PUT keeps leave nothing (github-mechanics §6).
 */
import * as z from 'zod';
import type { TokenGrant } from '../../contract.ts';
import {
  findIssue,
  findLabel,
  isPull,
  labelsOf,
  numberParam,
  type ForgeContext,
  type Route,
} from '../context.ts';
import { causeOf, emitPullRequest } from '../emit.ts';
import { HttpError, paginate, parseBody } from '../http.ts';
import { renderLabel } from '../render/issues.ts';
import type { IssueRecord } from '../store.ts';
import { createLabelRecord } from './labels.ts';

const READ = { access: 'read', scopes: ['issues', 'pull-requests'] } as const;
const WRITE = { access: 'write', scopes: ['issues', 'pull-requests'] } as const;

const LabelName = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1) }).transform((l) => l.name),
]);
/** GitHub accepts `{labels: [...]}` or a bare array, of names or `{name}` objects. */
const LabelList = z.union([
  z.object({ labels: z.array(LabelName) }).transform((b) => b.labels),
  z.array(LabelName),
]);

export function issueLabelRoutes(ctx: ForgeContext): Route[] {
  const docs = (anchor: string) => `issues/labels#${anchor}`;
  const path = '/repos/{owner}/{repo}/issues/{issue_number}/labels';
  const respond = (issue: IssueRecord) => ({
    status: 200,
    body: labelsOf(ctx, issue).map((label) => renderLabel(ctx.render, label)),
  });
  return [
    {
      method: 'GET',
      path,
      docs: docs('list-labels-for-an-issue'),
      need: READ,
      handle: (request) => {
        const issue = findIssue(
          ctx,
          numberParam(request, 'issue_number', docs('list-labels-for-an-issue')),
          docs('list-labels-for-an-issue'),
        );
        const page = paginate(labelsOf(ctx, issue), request.url);
        return {
          status: 200,
          body: page.body.map((l) => renderLabel(ctx.render, l)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'POST',
      path,
      docs: docs('add-labels-to-an-issue'),
      need: WRITE,
      handle: async (request) => {
        const doc = docs('add-labels-to-an-issue');
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const wanted = parseBody(LabelList, request.body, doc);
        await changeLabels(ctx, issue, [...issue.labels, ...wanted], request.grant);
        return respond(issue);
      },
    },
    {
      method: 'PUT',
      path,
      docs: docs('set-labels-for-an-issue'),
      need: WRITE,
      handle: async (request) => {
        const doc = docs('set-labels-for-an-issue');
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const wanted = parseBody(LabelList, request.body, doc);
        await changeLabels(ctx, issue, wanted, request.grant);
        return respond(issue);
      },
    },
    {
      method: 'DELETE',
      path: `${path}/{name}`,
      docs: docs('remove-a-label-from-an-issue'),
      need: WRITE,
      handle: async (request) => {
        const doc = docs('remove-a-label-from-an-issue');
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const name = (request.params.name ?? '').toLowerCase();
        const remaining = issue.labels.filter((label) => label.toLowerCase() !== name);
        if (remaining.length === issue.labels.length)
          throw new HttpError(404, 'Label does not exist', { docs: doc });
        await changeLabels(ctx, issue, remaining, request.grant);
        return respond(issue);
      },
    },
  ];
}

/** Sets the issue's labels to `wanted` (names, any case), recording one event per change. */
export async function changeLabels(
  ctx: ForgeContext,
  issue: IssueRecord,
  wanted: readonly string[],
  grant: TokenGrant,
): Promise<void> {
  const names = dedupe(wanted.map((name) => findLabel(ctx, name)?.name ?? name));
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const current = new Set(issue.labels.map((name) => name.toLowerCase()));
  const removed = issue.labels.filter((name) => !lower.has(name.toLowerCase()));
  const added = names.filter((name) => !current.has(name.toLowerCase()));
  for (const name of added) {
    if (findLabel(ctx, name) === undefined) createLabelRecord(ctx, name);
  }
  issue.labels = [...issue.labels.filter((name) => lower.has(name.toLowerCase())), ...added];
  if (removed.length + added.length > 0) issue.updatedAt = ctx.now();
  const changes = [
    ...removed.map((name) => ({ name, event: 'unlabeled' as const })),
    ...added.map((name) => ({ name, event: 'labeled' as const })),
  ];
  for (const change of changes) {
    const label = findLabel(ctx, change.name);
    const color = label?.color ?? '';
    ctx.store.issueEvents.push({
      id: ctx.store.nextId(),
      issueNumber: issue.number,
      event: change.event,
      actor: grant.actor,
      tokenKind: grant.kind,
      createdAt: ctx.now(),
      label: { name: change.name, color },
      commitId: null,
    });
    if (isPull(issue) && label !== undefined) {
      await emitPullRequest(ctx, issue, change.event, causeOf(grant), {
        label: renderLabel(ctx.render, label),
      });
    }
  }
}

function dedupe(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
