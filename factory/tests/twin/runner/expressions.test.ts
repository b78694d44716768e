import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateExpression } from '../../../src/twin/runner/expressions.ts';
import type { ExpressionScope } from '../../../src/twin/runner/expressions.ts';

function scope(
  status: { success: boolean; failure: boolean; cancelled: boolean },
  contexts: Record<string, unknown> = {},
): ExpressionScope {
  return {
    contexts,
    status: {
      success: () => status.success,
      failure: () => status.failure,
      cancelled: () => status.cancelled,
    },
  };
}

const FAILED = { success: false, failure: true, cancelled: false };
const PASSED = { success: true, failure: false, cancelled: false };

describe('expressions with the status functions the runner supplies', () => {
  it.each([
    ['success()', PASSED, true],
    ['success()', FAILED, false],
    ['failure()', FAILED, true],
    ['always()', FAILED, true],
    ['cancelled()', FAILED, false],
    ["success() && (github.event_name == 'push')", PASSED, false],
  ])('%s', (expression, status, expected) => {
    expect(
      evaluateCondition(expression, scope(status, { github: { event_name: 'workflow_dispatch' } })),
    ).toBe(expected);
  });

  it('reads contexts case-insensitively, with truthiness as GitHub defines it', () => {
    const contexts = {
      needs: { build: { result: 'success', outputs: { count: '0' } } },
      inputs: { dry: false },
    };
    expect(evaluateCondition("needs.build.result == 'SUCCESS'", scope(PASSED, contexts))).toBe(
      true,
    );
    expect(evaluateCondition('inputs.dry', scope(PASSED, contexts))).toBe(false);
    expect(evaluateCondition('needs.build.outputs.count', scope(PASSED, contexts))).toBe(true);
    expect(
      evaluateExpression(
        "format('{0}-{1}', needs.build.result, inputs.missing)",
        scope(PASSED, contexts),
      ).coerceString(),
    ).toBe('success-');
  });

  it('refuses unknown functions', () => {
    expect(() => evaluateCondition('hashFiles()', scope(PASSED))).toThrow();
  });
});
