/** What every route group shares: the records, the repository, identities, events and the clock. */
import type { Actor, TokenGrant } from '../contract.ts';
import type { Auth, Need } from './auth.ts';
import type { EventBus } from './events.ts';
import { notFound } from './http.ts';
import type { RenderContext } from './render/base.ts';
import type { PullIssue } from './render/pulls.ts';
import type { Repository } from './repository.ts';
import type { IssueRecord, LabelRecord, Store } from './store.ts';

export interface ForgeContext {
  readonly render: RenderContext;
  readonly store: Store;
  readonly repo: Repository;
  readonly auth: Auth;
  readonly events: EventBus;
  /** Current time as GitHub prints it (`2026-01-01T00:00:00Z`). */
  now(): string;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  readonly body: unknown;
  readonly grant: TokenGrant;
}

export interface RouteResponse {
  readonly status: number;
  /** How the request log names the request, when the route template alone says too little. */
  readonly logAs?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: Method;
  /** GitHub's path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  readonly path: string;
  /** Docs path for error bodies, e.g. `pulls/pulls#get-a-pull-request`. */
  readonly docs: string;
  readonly need: Need;
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

export const READ_ANY: Need = { access: 'read', scopes: [] };

export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads a numeric path parameter; anything that is not a positive integer is simply not found. */
export function numberParam(request: RouteRequest, name: string, docs: string): number {
  const raw = request.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw notFound(docs);
  return Number(raw);
}

export function findIssue(ctx: ForgeContext, number: number, docs: string): IssueRecord {
  const issue = ctx.store.issues.get(number);
  if (issue === undefined) throw notFound(docs);
  return issue;
}

export function isPull(issue: IssueRecord): issue is PullIssue {
  return issue.pull !== undefined;
}

export function findPull(ctx: ForgeContext, number: number, docs: string): PullIssue {
  const issue = ctx.store.issues.get(number);
  if (issue === undefined || !isPull(issue)) throw notFound(docs);
  return issue;
}

export function findLabel(ctx: ForgeContext, name: string): LabelRecord | undefined {
  const wanted = name.toLowerCase();
  return ctx.store.labels.find((label) => label.name.toLowerCase() === wanted);
}

/** The label records on an issue, in the order they were added. */
export function labelsOf(ctx: ForgeContext, issue: IssueRecord): LabelRecord[] {
  return issue.labels.flatMap((name) => findLabel(ctx, name) ?? []);
}

export function commentCount(ctx: ForgeContext, issueNumber: number): number {
  return ctx.store.comments.filter((comment) => comment.issueNumber === issueNumber).length;
}

export function isSameActor(a: Actor, b: Actor): boolean {
  return a.login === b.login;
}
