/**
 * HTTP plumbing shared by every route: GitHub-shaped errors, JSON bodies, pagination.
 * GitHub's error bodies carry `message`, `documentation_url` and (since 2023) `status` as a string.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';

export const DOCS_ROOT = 'https://docs.github.com/rest';

/** An error that becomes a GitHub-style JSON response instead of a crash. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: {
      docs?: string;
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.headers = options.headers ?? {};
    this.body = {
      message,
      documentation_url: docsUrl(options.docs),
      status: String(status),
      ...options.extra,
    };
  }
}

/** A GitHub documentation URL for a docs path like `pulls/pulls#merge-a-pull-request`. */
export function docsUrl(path?: string): string {
  return path === undefined ? DOCS_ROOT : `${DOCS_ROOT}/${path}`;
}

export function notFound(docs?: string): HttpError {
  return new HttpError(404, 'Not Found', docs === undefined ? {} : { docs });
}

/** One entry of a 422 `Validation Failed` body's `errors` list, as GitHub words them. */
export interface ValidationIssue {
  readonly resource: string;
  readonly field?: string;
  readonly code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'custom';
  readonly message?: string;
}

export function validationFailed(docs: string, errors: readonly ValidationIssue[]): HttpError {
  return new HttpError(422, 'Validation Failed', { docs, extra: { errors } });
}

/**
 * Parses a request body with a zod schema. GitHub answers a body that does not fit the
 * endpoint's schema with 422 `Invalid request.` and a sentence per problem.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, docs: string): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const sentences = result.error.issues.map((issue) => {
    const field = issue.path.join('.');
    return issue.code === 'invalid_type' && issue.input === undefined
      ? `"${field}" wasn't supplied.`
      : `For '${field === '' ? 'body' : field}': ${issue.message}.`;
  });
  throw new HttpError(422, `Invalid request.\n\n${sentences.join('\n')}`, { docs });
}

const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Reads and parses a JSON request body; an empty body is `undefined`. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Payload too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(text),
    'x-github-media-type': 'github.v3; format=json',
    ...headers,
  });
  res.end(text);
}

/** A page of a list with GitHub's `Link` header (`per_page` ≤ 100, default 30, `page` from 1). */
export function paginate<T>(
  items: readonly T[],
  url: URL,
): { body: T[]; headers: Record<string, string> } {
  const perPage = clampInt(url.searchParams.get('per_page'), 30, 1, 100);
  const page = clampInt(url.searchParams.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string): string => {
    const target = new URL(url);
    target.searchParams.set('per_page', String(perPage));
    target.searchParams.set('page', String(n));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { body, headers: links.length === 0 ? {} : { link: links.join(', ') } };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const value = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
