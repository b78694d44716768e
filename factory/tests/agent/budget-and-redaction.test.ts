import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, defaultConfig } from '../../src/core/config.ts';
import { checkBudget, costOf, NO_USAGE, projectNextCall } from '../../src/agent/budget.ts';
import { classifyModelError } from '../../src/agent/model-errors.ts';
import { createRedactor, REDACTED } from '../../src/agent/redact.ts';
import { formatRoleMarker, parseRoleMarker } from '../../src/agent/role-marker.ts';
import { truncateMiddle } from '../../src/agent/tools/visible-text.ts';

const SONNET = DEFAULT_PRICES['claude-sonnet-4-6'];
const BUDGET = defaultConfig().budgets.perSession;
const FRESH = { turns: 0, usage: NO_USAGE, dollars: 0, elapsedMs: 0 };
const SMALL_CALL = {
  usage: { input: 0, output: 100, cacheRead: 0, cacheWrite: 100 },
  dollars: 0.001,
};

describe('cost', () => {
  it('prices each kind of token at its own rate', () => {
    if (!SONNET) throw new Error('no sonnet price');
    const usage = {
      input: 1_000_000,
      output: 1_000_000,
      cacheRead: 1_000_000,
      cacheWrite: 1_000_000,
    };
    expect(costOf(usage, SONNET)).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
  });

  it('projects the next call as the last one resent from cache, its new part and the tool results written, and a full reply', () => {
    const last = { input: 10, output: 20, cacheRead: 1_000, cacheWrite: 300 };
    expect(projectNextCall(last, 0, 8_000)).toEqual({
      input: 0,
      output: 8_000,
      cacheRead: 1_300,
      cacheWrite: 30,
    });
    expect(projectNextCall(last, 0, 8_000, 25_000)).toEqual({
      input: 0,
      output: 8_000,
      cacheRead: 1_300,
      cacheWrite: 25_030,
    });
    expect(projectNextCall(undefined, 5_000, 8_000)).toEqual({
      input: 0,
      output: 8_000,
      cacheRead: 0,
      cacheWrite: 5_000,
    });
  });
});

describe('checkBudget (R-16)', () => {
  it('lets a call through that fits every ceiling', () => {
    expect(checkBudget(BUDGET, FRESH, SMALL_CALL)).toEqual({ ok: true });
  });

  it.each([
    ['turns', { ...FRESH, turns: BUDGET.maxTurns }, SMALL_CALL, {}],
    ['wall-clock', { ...FRESH, elapsedMs: BUDGET.wallClockMinutes * 60_000 }, SMALL_CALL, {}],
    [
      'tokens',
      { ...FRESH, usage: { ...NO_USAGE, cacheRead: BUDGET.maxTotalTokens } },
      SMALL_CALL,
      {},
    ],
    ['dollars', { ...FRESH, dollars: BUDGET.maxDollars - 0.0005 }, SMALL_CALL, {}],
    ['dollars', FRESH, SMALL_CALL, { dollarsLeftForPr: 0.0005 }],
    ['dollars', FRESH, SMALL_CALL, { dollarsLeftForDay: 0 }],
  ] as const)(
    'stops at the %s limit before the call that would pass it',
    (limit, spent, next, shared) => {
      expect(checkBudget(BUDGET, spent, next, shared)).toMatchObject({ ok: false, limit });
    },
  );
});

describe('redaction', () => {
  const redact = createRedactor([
    'my-github-token-123',
    'quote"and\\slash-secret',
    'short',
    undefined,
  ]);

  it('replaces known secret values, also as they appear inside JSON strings', () => {
    expect(redact('token my-github-token-123 here')).toBe(`token ${REDACTED} here`);
    expect(redact(JSON.stringify({ v: 'quote"and\\slash-secret' }))).toBe(`{"v":"${REDACTED}"}`);
  });

  it('replaces credential-shaped strings it was not told about', () => {
    expect(redact('key sk-ant-api03-abcdefghijklmnop and ghp_abcdefghijklmnopqrstuvwxyz0123')).toBe(
      `key ${REDACTED} and ${REDACTED}`,
    );
  });

  it('leaves values too short to be secrets alone, so ordinary text survives', () => {
    expect(redact('a short word')).toBe('a short word');
  });
});

describe('model errors (R-15)', () => {
  const apiError = (status: number, message: string) =>
    Anthropic.APIError.generate(
      status,
      { type: 'error', error: { type: 'invalid_request_error', message } },
      undefined,
      new Headers(),
    );

  it('reads a reached spend limit or an empty credit balance as spend-limit', () => {
    const limit = apiError(
      400,
      'You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.',
    );
    expect(classifyModelError(limit)).toMatchObject({ stopReason: 'spend-limit' });
    const credit = apiError(400, 'Your credit balance is too low to access the Anthropic API.');
    expect(classifyModelError(credit)).toMatchObject({ stopReason: 'spend-limit' });
  });

  it('reads other API failures as model-unavailable and leaves non-API errors to crash', () => {
    expect(classifyModelError(apiError(400, 'messages: field required'))).toMatchObject({
      stopReason: 'model-unavailable',
    });
    expect(classifyModelError(apiError(529, 'Overloaded'))).toMatchObject({
      stopReason: 'model-unavailable',
    });
    expect(
      classifyModelError(new Anthropic.APIConnectionError({ message: 'refused' })),
    ).toMatchObject({ stopReason: 'model-unavailable' });
    expect(classifyModelError(new TypeError('bug'))).toBeUndefined();
  });
});

describe('small helpers', () => {
  it('round-trips the role marker and ignores unknown roles', () => {
    expect(parseRoleMarker(`intro\n${formatRoleMarker('plan-reviewer')}\nrest`)).toBe(
      'plan-reviewer',
    );
    expect(parseRoleMarker('factory-role: janitor')).toBeUndefined();
  });

  it('keeps the head and the tail of long output and says how much it cut', () => {
    expect(truncateMiddle('abcdefghij', 4)).toBe('ab\n[… 6 characters omitted …]\nij');
    expect(truncateMiddle('short', 10)).toBe('short');
  });
});
