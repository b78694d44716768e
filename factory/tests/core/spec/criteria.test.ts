import { describe, expect, it } from 'vitest';
import { describeVagueness, parseSpec } from '../../../src/core/spec/index.ts';

describe('describeVagueness', () => {
  it.each([
    'It works correctly.',
    'Errors are handled gracefully and the output looks nice',
    'The page loads fast',
    'Export',
    'Fast enough',
  ])('flags "%s" as vague', (text) => {
    expect(describeVagueness(text)).toBeDefined();
  });

  it.each([
    '`countWords("")` returns `0`.',
    'The page loads in under 200 ms on the fixture in `bench/page.ts`',
    'Saving an empty name shows "Name is required"',
    'A hyphenated word counts once',
    'The works-cited list keeps its order',
  ])('accepts "%s" as checkable', (text) => {
    expect(describeVagueness(text)).toBeUndefined();
  });

  it('explains which word made a criterion vague', () => {
    expect(describeVagueness('Dates are parsed properly')).toBe(
      'says "properly" without a number, code or quoted text that a test could check.',
    );
  });
});

describe('acceptance criteria', () => {
  const withCriteria = (items: string) =>
    `# T\n\n## Goal\n\nG.\n\n## Acceptance criteria\n\nSome prose first is fine.\n\n${items}\n`;

  it('warns about a vague criterion without refusing the spec', () => {
    const result = parseSpec('specs/0001-a.md', withCriteria('- [ ] It works properly'));

    expect(result.ok).toBe(true);
    expect(result.findings).toMatchObject([
      { code: 'criterion-vague', severity: 'warning', line: 11 },
    ]);
  });

  it('reads ordered task lists and several lists in one section', () => {
    const result = parseSpec(
      'specs/0001-a.md',
      withCriteria('1. [ ] `a()` is `1`\n2. [ ] `b()` is `2`\n\nThen:\n\n- [ ] `c()` is `3`'),
    );

    expect(result.ok && result.spec.acceptanceCriteria.map((item) => item.text)).toEqual([
      '`a()` is `1`',
      '`b()` is `2`',
      '`c()` is `3`',
    ]);
  });

  it('keeps a nested detail list out of the criterion text', () => {
    const result = parseSpec(
      'specs/0001-a.md',
      withCriteria('- [ ] `a()` returns `1`\n  - even when called twice'),
    );

    expect(result.ok && result.spec.acceptanceCriteria).toEqual([
      { text: '`a()` returns `1`', checked: false, line: 11 },
    ]);
  });

  it('keeps text that itself starts like a checkbox', () => {
    const result = parseSpec('specs/0001-a.md', withCriteria('- [ ] [x] marks `a` spot'));

    expect(result.ok && result.spec.acceptanceCriteria[0]?.text).toBe('[x] marks `a` spot');
  });
});
