/** Every request the forge served, for assertions and for "GitHub requests per spec" benchmarks. */
import type { TokenKind } from '../contract.ts';

export interface RequestLogEntry {
  readonly method: string;
  /** The route template (`GET /repos/{owner}/{repo}/pulls/{pull_number}`), `git …`, or the raw path. */
  readonly route: string;
  readonly status: number;
  readonly tokenKind: TokenKind | 'anonymous';
  readonly actor: string | null;
  /** Which job's token made the request (see `JobRecord.token.jobTokenId`). */
  readonly jobTokenId?: number;
  readonly durationMs: number;
}

/**
 * Whether a request could have changed anything: every method but GET, except a git fetch and a
 * GraphQL query (both POSTs that only read).
 */
export function isWrite(entry: Pick<RequestLogEntry, 'method' | 'route'>): boolean {
  if (entry.method === 'GET') return false;
  return entry.route !== 'git upload-pack' && !entry.route.startsWith('POST /graphql query');
}

export interface RequestLog {
  readonly record: (entry: RequestLogEntry) => void;
  readonly entries: () => readonly RequestLogEntry[];
  /** Requests per route, e.g. `{ 'GET /repos/{owner}/{repo}/pulls/{pull_number}': 3 }`. */
  readonly countsByRoute: () => Record<string, number>;
  readonly reset: () => void;
}

export function createRequestLog(): RequestLog {
  let log: RequestLogEntry[] = [];
  return {
    record: (entry) => {
      log.push(entry);
    },
    entries: () => log,
    countsByRoute() {
      const counts: Record<string, number> = {};
      for (const entry of log) counts[entry.route] = (counts[entry.route] ?? 0) + 1;
      return counts;
    },
    reset() {
      log = [];
    },
  };
}
