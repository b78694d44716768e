/**
 * Git's smart HTTP protocol, served by spawning `git http-backend` as a CGI program. Credentials
 * arrive as HTTP basic (`x-access-token:<token>`, as GitHub accepts) or a bearer header; the
 * pusher's token kind reaches the pre-receive hook through the CGI environment.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenGrant } from '../contract.ts';
import { canWriteWorkflows } from './auth.ts';
import { gitEnvironment } from './git.ts';
import { WORKFLOWS_REFUSED_ENV } from './seed.ts';

/** Whether a smart-HTTP request writes (receive-pack) or only reads (upload-pack). */
export function isGitWrite(url: URL): boolean {
  return (
    url.pathname.endsWith('/git-receive-pack') ||
    url.searchParams.get('service') === 'git-receive-pack'
  );
}

export function sendGitText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/** Runs `git http-backend` for one request and streams its answer back; resolves when done. */
export function runHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  projectRoot: string,
  grant: TokenGrant,
): Promise<void> {
  const env = gitEnvironment(undefined, {
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: grant.actor.login,
    REMOTE_ADDR: '127.0.0.1',
    [WORKFLOWS_REFUSED_ENV]: canWriteWorkflows(grant) ? '0' : '1',
    ...optional('CONTENT_LENGTH', req.headers['content-length']),
    ...optional('HTTP_CONTENT_ENCODING', req.headers['content-encoding']),
    ...optional('GIT_PROTOCOL', header(req, 'git-protocol')),
  });
  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    child.stderr.resume();
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      writeCgiHead(res, head.subarray(0, end).toString('latin1'));
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    child.on('close', (code) => {
      if (!headersSent) sendGitText(res, 500, `git http-backend failed (${String(code)})`);
      else res.end();
      resolve();
    });
  });
}

function writeCgiHead(res: ServerResponse, text: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  res.writeHead(status, headers);
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
