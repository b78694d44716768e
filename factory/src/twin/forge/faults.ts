/**
 * Fault injection for chaos tests. A fault is decided before the route runs. Most answer in its
 * place, so the failed call changed nothing, like a request GitHub dropped at its front door; an
 * `answer-lost` fault lets the call run and then answers 502, like GitHub's front end timing out
 * on a request its back end finished: whatever the call wrote stays written.
 * Random faults draw from a seeded generator so a failing run replays.
 */
import { HttpError } from './http.ts';

export type FaultKind =
  'server-error' | 'bad-gateway' | 'rate-limit' | 'secondary-rate-limit' | 'answer-lost';

export interface FaultRule {
  /** `METHOD /path/{template}` or just the template; omitted: every REST route. */
  readonly route?: string;
  /** Fail the next `times` matching calls. */
  readonly times?: number;
  /** Fail this fraction (0..1) of matching calls, drawn from the seeded generator. */
  readonly rate?: number;
  /** Omitted: the call is only delayed by `latencyMs`. */
  readonly kind?: FaultKind;
  readonly retryAfterSeconds?: number;
  readonly latencyMs?: number;
}

export interface FaultDecision {
  /** The answer instead of running the call: nothing it would write is written. */
  readonly error?: HttpError;
  /** The answer after running the call: everything it wrote stays written. */
  readonly errorAfterServing?: HttpError;
  readonly latencyMs: number;
}

export interface Faults {
  inject(rule: FaultRule): void;
  clear(): void;
  /** How many calls the rules have failed, for reports. */
  readonly injected: () => number;
  /** The same, by kind of fault. */
  readonly injectedByKind: () => Readonly<Partial<Record<FaultKind, number>>>;
  decide(method: string, template: string): FaultDecision;
}

/** A small, well-known seeded generator (mulberry32); plenty for choosing which calls fail. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createFaults(seed: number): Faults {
  const random = seededRandom(seed);
  let rules: { rule: FaultRule; remaining: number }[] = [];
  const byKind: Partial<Record<FaultKind, number>> = {};
  const matches = (rule: FaultRule, method: string, template: string) =>
    rule.route === undefined || rule.route === template || rule.route === `${method} ${template}`;
  return {
    inject(rule) {
      rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules = [];
    },
    injected: () => Object.values(byKind).reduce((sum, count) => sum + count, 0),
    injectedByKind: () => ({ ...byKind }),
    decide(method, template) {
      let latencyMs = 0;
      for (const entry of rules) {
        if (!matches(entry.rule, method, template) || entry.remaining <= 0) continue;
        latencyMs += entry.rule.latencyMs ?? 0;
        if (entry.rule.kind === undefined) continue;
        if (entry.rule.rate !== undefined && random() >= entry.rule.rate) continue;
        entry.remaining -= 1;
        byKind[entry.rule.kind] = (byKind[entry.rule.kind] ?? 0) + 1;
        const error = faultError(entry.rule.kind, entry.rule.retryAfterSeconds ?? 1);
        return entry.rule.kind === 'answer-lost'
          ? { errorAfterServing: error, latencyMs }
          : { error, latencyMs };
      }
      return { latencyMs };
    },
  };
}

function faultError(kind: FaultKind, retryAfter: number): HttpError {
  const retry = { 'retry-after': String(retryAfter) };
  switch (kind) {
    case 'server-error':
      return new HttpError(500, 'Server Error');
    case 'bad-gateway':
    case 'answer-lost':
      return new HttpError(502, 'Server Error');
    case 'rate-limit': {
      const reset = String(Math.ceil(Date.now() / 1000) + retryAfter);
      return new HttpError(429, 'API rate limit exceeded for installation.', {
        docs: 'overview/rate-limits-for-the-rest-api',
        headers: { ...retry, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      });
    }
    case 'secondary-rate-limit':
      return new HttpError(
        403,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        {
          docs: 'overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          headers: retry,
        },
      );
  }
}
