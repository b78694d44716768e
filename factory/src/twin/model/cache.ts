/**
 * Prompt-cache accounting for the twin's model server. The API caches the request as one prefix in
 * a fixed order — tools, then system blocks, then message content blocks — up to each
 * `cache_control` breakpoint; a later request that repeats a stored prefix reads it instead of
 * paying full price. The twin reproduces that arithmetic from the request alone, with a token
 * estimate of four characters per token, so tests and benchmarks can see whether a prompt is built
 * to be cached.
 */
import { createHash } from 'node:crypto';

const CHARS_PER_TOKEN = 4;

/** The parts of a Messages request that make up its cached prefix; any request body fits. */
export interface PromptInput {
  readonly tools?: readonly object[] | undefined;
  readonly system?: string | readonly { readonly text: string }[] | undefined;
  readonly messages: readonly {
    readonly role: string;
    readonly content: string | readonly object[];
  }[];
  readonly cache_control?: object | null | undefined;
}

/** One cacheable unit of a request, in the order the API hashes them. */
interface Unit {
  readonly text: string;
  readonly breakpoint: boolean;
}

/** A request seen as cacheable units: each prefix ending at a breakpoint is a cache entry. */
export interface PromptShape {
  /** Estimated input tokens of the whole request. */
  readonly totalTokens: number;
  /** The prefix ending after each unit, shortest first: its identity and its size in tokens. */
  readonly prefixes: readonly CachePrefix[];
}

export interface CachePrefix {
  readonly hash: string;
  readonly tokens: number;
  /** Whether a `cache_control` breakpoint ends this prefix (only those are written). */
  readonly breakpoint: boolean;
}

export interface CacheUsage {
  readonly input_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation_input_tokens: number;
}

/** Estimated tokens for a piece of text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function withoutCacheControl(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  delete copy.cache_control;
  return copy;
}

function hasBreakpoint(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'cache_control' in value;
}

function unitsOf(request: PromptInput): Unit[] {
  const units: Unit[] = [];
  const push = (value: unknown, prefix = ''): void => {
    // The breakpoint marker is not part of the cached content: moving it must not change a hash.
    units.push({
      text: prefix + JSON.stringify(withoutCacheControl(value)),
      breakpoint: hasBreakpoint(value),
    });
  };
  for (const tool of request.tools ?? []) push(tool);
  const system =
    typeof request.system === 'string'
      ? [{ type: 'text', text: request.system }]
      : (request.system ?? []);
  for (const block of system) push(block);
  for (const message of request.messages) {
    const content =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : message.content;
    for (const block of content) push(block, `${message.role}:`);
  }
  // Top-level `cache_control` is the API's automatic breakpoint on the last cacheable block.
  const last = units.at(-1);
  if (request.cache_control && last) units[units.length - 1] = { ...last, breakpoint: true };
  return units;
}

/** Reads a request's cache shape: its size and the prefixes its breakpoints would store. */
export function readPromptShape(request: PromptInput): PromptShape {
  const hash = createHash('sha256');
  const prefixes: CachePrefix[] = [];
  let chars = 0;
  for (const unit of unitsOf(request)) {
    hash.update(unit.text);
    chars += unit.text.length;
    prefixes.push({
      hash: hash.copy().digest('hex'),
      tokens: Math.ceil(chars / CHARS_PER_TOKEN),
      breakpoint: unit.breakpoint,
    });
  }
  return { totalTokens: Math.ceil(chars / CHARS_PER_TOKEN), prefixes };
}

function lastBreakpoint(shape: PromptShape | undefined): CachePrefix | undefined {
  return shape?.prefixes.findLast((prefix) => prefix.breakpoint);
}

/**
 * A cache shared by all requests to one server, like an organisation's cache: reads come from the
 * longest stored prefix that ends at or before the last breakpoint (the API looks back from each
 * breakpoint for an earlier entry; the twin does not cap how far), writes are the rest up to that
 * breakpoint. Prefixes shorter than `minCacheableTokens` are never stored, as with the API's
 * per-model minimum.
 */
export function createPromptCache(minCacheableTokens = 0): {
  account(shape: PromptShape): CacheUsage;
} {
  const stored = new Set<string>();
  return {
    account(shape) {
      const last = lastBreakpoint(shape);
      const reachable = last ? shape.prefixes.filter((prefix) => prefix.tokens <= last.tokens) : [];
      const hit = reachable.findLast((prefix) => stored.has(prefix.hash));
      const read = hit?.tokens ?? 0;
      const written = last && last.tokens >= minCacheableTokens ? last.tokens - read : 0;
      for (const prefix of reachable) {
        if (prefix.breakpoint && prefix.tokens >= minCacheableTokens) stored.add(prefix.hash);
      }
      return {
        input_tokens: shape.totalTokens - read - written,
        cache_read_input_tokens: read,
        cache_creation_input_tokens: written,
      };
    },
  };
}

/**
 * The share of this request's input that repeats the previous request's prefix up to its last
 * breakpoint: what a well-built prompt lets the cache serve on every turn after the first.
 */
export function cacheableShare(previous: PromptShape | undefined, current: PromptShape): number {
  const target = lastBreakpoint(previous);
  if (!target || current.totalTokens === 0) return 0;
  const repeated = current.prefixes.some((prefix) => prefix.hash === target.hash);
  return repeated ? target.tokens / current.totalTokens : 0;
}
