import { describe, expect, it } from 'vitest';
import {
  describeFindings,
  findUngreenChecks,
  isGreen,
  type CheckConclusion,
  type CheckFact,
} from '../../src/core/checks.ts';

const HEAD = 'h'.repeat(40);
const OLD = 'o'.repeat(40);
const fact = (
  name: string,
  conclusion: CheckConclusion,
  sha = HEAD,
  at = '2026-01-01T00:00:00Z',
): CheckFact => ({
  name,
  conclusion,
  sha,
  at,
});

describe('isGreen() (R-07)', () => {
  it.each<[string, CheckFact[], boolean]>([
    ['a success on the head', [fact('factory/ci', 'success')], true],
    ['a skipped check', [fact('factory/ci', 'skipped')], false],
    ['a cancelled check', [fact('factory/ci', 'cancelled')], false],
    ['a neutral check without a policy that allows it', [fact('factory/ci', 'neutral')], false],
    ['a pending check', [fact('factory/ci', 'pending')], false],
    ['a timed-out check', [fact('factory/ci', 'timed_out')], false],
    ['a check waiting for approval', [fact('factory/ci', 'action_required')], false],
    ['a stale check', [fact('factory/ci', 'stale')], false],
    ['an errored status', [fact('factory/ci', 'error')], false],
    ['a failure', [fact('factory/ci', 'failure')], false],
    ['a missing check', [fact('lint', 'success')], false],
    ['a success for an older SHA', [fact('factory/ci', 'success', OLD)], false],
    ['no checks at all', [], false],
    [
      'a failure superseded by a newer success',
      [
        fact('factory/ci', 'failure', HEAD, '2026-01-01T00:00:00Z'),
        fact('factory/ci', 'success', HEAD, '2026-01-01T00:05:00Z'),
      ],
      true,
    ],
    [
      'a success superseded by a newer failure',
      [
        fact('factory/ci', 'success', HEAD, '2026-01-01T00:00:00Z'),
        fact('factory/ci', 'failure', HEAD, '2026-01-01T00:05:00Z'),
      ],
      false,
    ],
    [
      'a success at a whole second beaten by a later failure with milliseconds',
      [
        fact('factory/ci', 'success', HEAD, '2026-01-01T00:00:00Z'),
        fact('factory/ci', 'failure', HEAD, '2026-01-01T00:00:00.500Z'),
      ],
      false,
    ],
    [
      'a success and a failure reported in the same instant, in either order',
      [fact('factory/ci', 'failure'), fact('factory/ci', 'success')],
      false,
    ],
  ])('is %s green? → %s', (_, checks, green) => {
    expect(isGreen(checks, ['factory/ci'], HEAD)).toBe(green);
  });

  it('accepts neutral only when the policy says so', () => {
    expect(
      isGreen([fact('factory/ci', 'neutral')], ['factory/ci'], HEAD, { neutralIsGreen: true }),
    ).toBe(true);
  });

  it('requires every required check, not just one', () => {
    const checks = [fact('factory/ci', 'success'), fact('lint', 'skipped')];
    expect(isGreen(checks, ['factory/ci', 'lint'], HEAD)).toBe(false);
  });

  it('is never green when nothing is required: untested code is not green by default', () => {
    expect(isGreen([fact('factory/ci', 'success')], [], HEAD)).toBe(false);
  });

  it('says what is wrong with each required check', () => {
    const checks = [fact('factory/ci', 'success', OLD), fact('lint', 'skipped')];
    const findings = findUngreenChecks(checks, ['factory/ci', 'lint', 'types'], HEAD);
    expect(describeFindings(findings)).toBe('factory/ci: stale-sha; lint: skipped; types: missing');
  });
});
