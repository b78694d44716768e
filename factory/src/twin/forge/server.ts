/**
 * The forge's HTTP front door: git smart HTTP under `/<owner>/<repo>.git`, everything else the
 * REST route table. Requests that write run one at a time (GitHub serialises writes to a
 * repository too), so every route can validate first and write last without races.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenGrant } from '../contract.ts';
import { assertAllowed, readToken } from './auth.ts';
import type { ForgeContext, Route } from './context.ts';
import { causeOf } from './emit.ts';
import type { Faults } from './faults.ts';
import { isGitWrite, runHttpBackend, sendGitText } from './git-http.ts';
import { HttpError, notFound, readJsonBody, sendJson } from './http.ts';
import type { RequestLog } from './request-log.ts';
import { matchRoute } from './router.ts';
import { applyUpdates, describeUpdates } from './sync.ts';

export interface ServerDeps {
  readonly ctx: ForgeContext;
  readonly routes: readonly Route[];
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly projectRoot: string;
  /** Errors the forge itself hit (a bug, not a refusal); tests assert this stays empty. */
  readonly internalErrors: unknown[];
  /** Serialises everything that reads then writes the forge's state. */
  readonly lock: Lock;
}

export type Lock = <T>(work: () => Promise<T>) => Promise<T>;

/** A one-at-a-time queue for work that reads then writes the forge's state. */
export function createLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

export function createForgeServer(deps: ServerDeps): Server {
  const { lock } = deps;
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://forge.invalid');
    const gitPrefix = `/${deps.ctx.render.owner.login}/${deps.ctx.render.name}.git/`;
    const handled = url.pathname.startsWith(gitPrefix)
      ? serveGit(deps, lock, req, res, url)
      : serveRest(deps, lock, req, res, url);
    handled.catch((error: unknown) => {
      deps.internalErrors.push(error);
      if (!res.headersSent)
        sendJson(res, 500, {
          message: 'Server Error',
          documentation_url: 'https://docs.github.com/rest',
        });
      else res.end();
    });
  });
}

async function serveRest(
  deps: ServerDeps,
  lock: Lock,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  let route = `${method} ${url.pathname}`;
  let grant: TokenGrant | undefined;
  let status = 500;
  try {
    grant = authenticate(deps, req.headers.authorization);
    const match = matchRoute(deps.routes, method, url.pathname);
    if (match === undefined) throw notFound();
    route = `${method} ${match.route.path}`;
    const { owner, repo } = match.params;
    if (
      (owner !== undefined && owner !== deps.ctx.render.owner.login) ||
      (repo !== undefined && repo !== deps.ctx.render.name)
    ) {
      throw notFound(match.route.docs);
    }
    const fault = deps.faults.decide(method, match.route.path);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.error !== undefined) throw fault.error;
    const body = await readJsonBody(req);
    const signedIn = grant;
    const response = await lock(async () => {
      assertAllowed(signedIn, match.route.need, deps.ctx.auth.permissionOf, match.route.docs);
      return match.route.handle({
        params: match.params,
        url: publicUrl(deps, url),
        body,
        grant: signedIn,
      });
    });
    status = response.status;
    if (response.logAs !== undefined) route = response.logAs;
    if (fault.errorAfterServing !== undefined) throw fault.errorAfterServing;
    sendJson(res, response.status, response.body, response.headers);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    status = error.status;
    sendJson(res, error.status, error.body, error.headers);
  } finally {
    deps.log.record({
      method,
      route,
      status,
      tokenKind: grant?.kind ?? 'anonymous',
      actor: grant?.actor.login ?? null,
      ...(grant?.jobTokenId === undefined ? {} : { jobTokenId: grant.jobTokenId }),
      durationMs: performance.now() - started,
    });
  }
}

function authenticate(deps: ServerDeps, header: string | undefined): TokenGrant {
  const token = readToken(header);
  if (token === undefined) throw new HttpError(401, 'Requires authentication');
  const grant = deps.ctx.auth.grantFor(token);
  if (grant === undefined) throw new HttpError(401, 'Bad credentials');
  return grant;
}

/** Page links must point at the forge's own origin, whatever Host header the client sent. */
function publicUrl(deps: ServerDeps, url: URL): URL {
  return new URL(`${url.pathname}${url.search}`, deps.ctx.render.apiUrl);
}

async function serveGit(
  deps: ServerDeps,
  lock: Lock,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const started = performance.now();
  const write = isGitWrite(url);
  const token = readToken(req.headers.authorization);
  const grant = token === undefined ? undefined : deps.ctx.auth.grantFor(token);
  const record = (status: number) => {
    deps.log.record({
      method: req.method ?? 'GET',
      route: `git ${write ? 'receive-pack' : 'upload-pack'}`,
      status,
      tokenKind: grant?.kind ?? 'anonymous',
      actor: grant?.actor.login ?? null,
      ...(grant?.jobTokenId === undefined ? {} : { jobTokenId: grant.jobTokenId }),
      durationMs: performance.now() - started,
    });
  };
  if (grant === undefined) {
    sendGitText(res, 401, 'Invalid username or token.', {
      'www-authenticate': 'Basic realm="GitHub"',
    });
    record(401);
    return;
  }
  try {
    assertAllowed(
      grant,
      { access: write ? 'write' : 'read', scopes: ['contents'] },
      deps.ctx.auth.permissionOf,
      'git',
    );
  } catch {
    sendGitText(
      res,
      403,
      `Permission to ${deps.ctx.render.owner.login}/${deps.ctx.render.name}.git denied to ${grant.actor.login}.`,
    );
    record(403);
    return;
  }
  if (!write || req.method !== 'POST') {
    await runHttpBackend(req, res, url, deps.projectRoot, grant);
    record(res.statusCode);
    return;
  }
  await lock(async () => {
    const before = await deps.ctx.repo.listRefs();
    await runHttpBackend(req, res, url, deps.projectRoot, grant);
    const updates = await describeUpdates(deps.ctx, before, await deps.ctx.repo.listRefs());
    await applyUpdates(deps.ctx, updates, causeOf(grant));
  });
  record(res.statusCode);
}
