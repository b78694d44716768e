/**
 * Branches and commits as GraphQL reads them: `Repository.ref` (a branch's tip), and a commit's
 * `statusCheckRollup`, whose contexts are the latest check run of each name and the latest status
 * of each context (what REST's check-run list and combined status give between them).
 */
import type { ForgeContext } from '../context.ts';
import type { CheckRunRecord, StatusRecord } from '../store.ts';
import { connection, type ConnectionArgs } from './connection.ts';
import { require, type GraphqlContext } from './context.ts';

/** `refs/heads/main` or `main`: the branch's tip, or `null` when there is no such branch. */
export async function refNode(ctx: GraphqlContext, qualifiedName: string) {
  require(ctx, { access: 'read', scopes: ['contents'] });
  const full = qualifiedName.startsWith('refs/') ? qualifiedName : `refs/heads/${qualifiedName}`;
  const oid = await ctx.forge.repo.resolve(full);
  if (oid === undefined) return null;
  return {
    id: `REF_${Buffer.from(full).toString('base64url')}`,
    name: full.replace(/^refs\/(heads|tags)\//, ''),
    prefix: full.slice(0, full.length - full.replace(/^refs\/(heads|tags)\//, '').length),
    target: commitNode(ctx, oid),
  };
}

/** The commit `oid`, or `null` when the repository has no such object. */
export async function objectNode(ctx: GraphqlContext, oid: string) {
  require(ctx, { access: 'read', scopes: ['contents'] });
  const found = await ctx.forge.repo.resolve(oid);
  return found === undefined ? null : commitNode(ctx, found);
}

function commitNode(ctx: GraphqlContext, oid: string) {
  return {
    __typename: 'Commit',
    id: `C_${oid}`,
    oid,
    statusCheckRollup: () => {
      require(ctx, { access: 'read', scopes: ['checks', 'statuses'] });
      const contexts = rollupOf(ctx.forge, oid);
      if (contexts.length === 0) return null;
      return {
        id: `SCR_${oid}`,
        state: rollupState(contexts),
        contexts: (args: ConnectionArgs) => connection(contexts, args),
      };
    },
  };
}

type Context = ReturnType<typeof checkRunNode> | ReturnType<typeof statusNode>;

function rollupOf(forge: ForgeContext, oid: string): Context[] {
  // The latest run of each check name, as REST lists them by default (`filter=latest`).
  const runs = forge.store.checkRuns
    .filter((run) => run.headSha === oid)
    .filter((run, _, list) => list.findLast((other) => other.name === run.name) === run)
    .map(checkRunNode);
  const latest = new Map<string, StatusRecord>();
  for (const status of forge.store.statuses)
    if (status.sha === oid) latest.set(status.context, status);
  return [...runs, ...[...latest.values()].map(statusNode)];
}

function checkRunNode(run: CheckRunRecord) {
  return {
    __typename: 'CheckRun' as const,
    id: `CR_${String(run.id)}`,
    name: run.name,
    status: run.status.toUpperCase(),
    conclusion: run.conclusion?.toUpperCase() ?? null,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
  };
}

function statusNode(status: StatusRecord) {
  return {
    __typename: 'StatusContext' as const,
    id: `SC_${String(status.id)}`,
    context: status.context,
    state: status.state.toUpperCase(),
    description: status.description,
    targetUrl: status.targetUrl,
    createdAt: status.createdAt,
  };
}

/** GitHub's roll-up: failure if any failed, pending if any is unfinished, else success. */
function rollupState(contexts: readonly Context[]): string {
  const states = contexts.map((context) =>
    context.__typename === 'StatusContext'
      ? context.state
      : context.status !== 'COMPLETED'
        ? 'PENDING'
        : ['SUCCESS', 'NEUTRAL', 'SKIPPED'].includes(context.conclusion ?? '')
          ? 'SUCCESS'
          : 'FAILURE',
  );
  if (states.some((state) => state === 'FAILURE' || state === 'ERROR')) return 'FAILURE';
  if (states.some((state) => state === 'PENDING' || state === 'EXPECTED')) return 'PENDING';
  return 'SUCCESS';
}
