/**
 * The twin's model server: `POST /v1/messages` on loopback, non-streaming, playing a script per
 * role. It records every request body with its cache arithmetic so tests can assert on prompts,
 * tools, breakpoints and that no secret ever left the factory.
 *
 * How it knows the role: the `factory-role: <role>` line every session's system prompt starts
 * with (`agent/role-marker.ts`); failing that, the submit tool offered (`submit_plan` → planner,
 * `submit_work` → implementer). Pass `identifyRole` to use anything else.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRoleMarker } from '../../agent/role-marker.ts';
import {
  cacheableShare,
  createPromptCache,
  readPromptShape,
  type CacheUsage,
  type PromptShape,
} from './cache.ts';
import { errorReply, faultReply, messageReply, type HttpReply } from './replies.ts';
import { MessagesRequestSchema, systemText, type MessagesRequest } from './request.ts';
import { createScriptPlayer, isFault, type ModelScript } from './script.ts';

export interface ModelServerOptions {
  readonly script: ModelScript;
  readonly identifyRole?: (request: MessagesRequest) => string | undefined;
  /** Prefixes shorter than this are never cached (the API's per-model minimum); 0 by default. */
  readonly minCacheableTokens?: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly index: number;
  readonly role: string | undefined;
  /** The raw body text, for "this secret never left" assertions. */
  readonly raw: string;
  readonly body: MessagesRequest | undefined;
  readonly status: number;
  /** Estimated input tokens of the request. */
  readonly inputTokens: number;
  /** Share of the input repeating the previous request's prefix up to its last breakpoint. */
  readonly cacheableShare: number;
  readonly usage: CacheUsage | undefined;
  /** When the request arrived (ISO time), for cold-start measurements. */
  readonly receivedAt: string;
}

export interface ModelServer {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Why requests fell off the script; a passing test expects none. */
  readonly mismatches: readonly string[];
  close(): Promise<void>;
}

const SUBMIT_TOOL_ROLES: Readonly<Record<string, string>> = {
  submit_plan: 'planner',
  submit_work: 'implementer',
};

function defaultIdentifyRole(request: MessagesRequest): string | undefined {
  const marked = parseRoleMarker(systemText(request));
  if (marked) return marked;
  const submit = (request.tools ?? []).find((tool) => tool.name in SUBMIT_TOOL_ROLES);
  return submit ? SUBMIT_TOOL_ROLES[submit.name] : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: HttpReply): void {
  response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  response.end(JSON.stringify(reply.body));
}

function parseRequest(raw: string): MessagesRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return 'the request body is not valid JSON';
  }
  const parsed = MessagesRequestSchema.safeParse(json);
  if (!parsed.success)
    return parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
  return parsed.data.stream === true
    ? 'the twin model server does not stream: send stream: false'
    : parsed.data;
}

/** Starts a scripted model server on 127.0.0.1 with an OS-chosen port. */
export async function createModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const identifyRole = options.identifyRole ?? defaultIdentifyRole;
  const player = createScriptPlayer(options.script);
  const cache = createPromptCache(options.minCacheableTokens ?? 0);
  const requests: RecordedRequest[] = [];
  const mismatches: string[] = [];
  const previousShape = new Map<string, PromptShape>();
  let messageCount = 0;
  let toolUseCount = 0;

  function answer(
    raw: string,
    requestId: string,
  ): {
    reply: HttpReply;
    record: Omit<RecordedRequest, 'index' | 'raw' | 'status' | 'receivedAt'>;
  } {
    const body = parseRequest(raw);
    const empty = {
      role: undefined,
      body: undefined,
      inputTokens: 0,
      cacheableShare: 0,
      usage: undefined,
    };
    if (typeof body === 'string')
      return { reply: errorReply(400, 'invalid_request_error', body, requestId), record: empty };
    const role = identifyRole(body) ?? 'unknown';
    const shape = readPromptShape(body);
    const share = cacheableShare(previousShape.get(role), shape);
    previousShape.set(role, shape);
    const measured = { role, body, inputTokens: shape.totalTokens, cacheableShare: share };
    const choice = player.next(role, body);
    if ('mismatch' in choice) {
      mismatches.push(choice.mismatch);
      const reply = errorReply(
        400,
        'invalid_request_error',
        `twin model: ${choice.mismatch}`,
        requestId,
      );
      return { reply, record: { ...measured, usage: undefined } };
    }
    if (isFault(choice.reply)) {
      const reply = faultReply(choice.reply.fault, choice.reply.retryAfterMs ?? 1, requestId);
      return { reply, record: { ...measured, usage: undefined } };
    }
    const usage = cache.account(shape);
    const ids = {
      message: `msg_twin_${String(++messageCount)}`,
      toolUse: () => `toolu_twin_${String(++toolUseCount)}`,
    };
    return {
      reply: messageReply(choice.reply, ids, body.model, usage),
      record: { ...measured, usage },
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = `req_twin_${String(requests.length + 1)}`;
    const receivedAt = new Date().toISOString();
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/messages') {
      send(
        response,
        errorReply(
          404,
          'not_found_error',
          `twin model: no route ${request.method ?? ''} ${request.url ?? ''}`,
          requestId,
        ),
      );
      return;
    }
    const raw = await readBody(request);
    const { reply, record } = answer(raw, requestId);
    requests.push({ index: requests.length, raw, status: reply.status, ...record, receivedAt });
    send(response, { ...reply, headers: { ...reply.headers, 'request-id': requestId } });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(
        response,
        errorReply(500, 'api_error', `twin model: ${String(error)}`, 'req_twin_error'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    mismatches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
