import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPEC_FINDING_RULES, lintSpec, parseSpec } from '../../../src/core/spec/index.ts';

/** Pieces of real specs, so random texts reach deep into the parser rather than failing early. */
const FRAGMENTS = [
  '---',
  '...',
  'depends-on: [1, "0002", x]',
  'depends-on: 3',
  'priority: high',
  'priority: [',
  'title: T',
  '&a [*a]',
  '- a',
  '# Title',
  '#',
  '## Goal',
  '## Acceptance criteria',
  '## Notes',
  '- [ ] `f()` returns `1`',
  '- [x] done',
  '- [ ]',
  '1. [ ] one',
  '  - nested',
  '```',
  '<!-- comment -->',
  '\t',
  '\r',
  '',
];

const specLikeText = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string()), { maxLength: 30 })
  .map((lines) => lines.join('\n'));

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), specLikeText);
const anyPath = fc.oneof(fc.constant('specs/0001-a.md'), fc.string());

/** Parsing Markdown costs a few milliseconds a run: room for a busy two-core machine. */
const PROPERTY_TIMEOUT_MS = 20_000;

describe(
  'spec parsing and lint on arbitrary input (R-13)',
  { timeout: PROPERTY_TIMEOUT_MS },
  () => {
    it('R-13: never throw, and only report codes from the table', () => {
      fc.assert(
        fc.property(
          anyPath,
          anyText,
          fc.array(fc.string(), { maxLength: 3 }),
          (path, text, existing) => {
            const parsed = parseSpec(path, text);
            const findings = lintSpec({ path, text, existingSpecPaths: existing });

            for (const finding of [...parsed.findings, ...findings]) {
              expect(SPEC_FINDING_RULES[finding.code].severity).toBe(finding.severity);
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    it('R-13: returns a spec exactly when there is no error, with a title and at least one criterion', () => {
      fc.assert(
        fc.property(specLikeText, (text) => {
          const result = parseSpec('specs/0001-a.md', text);
          const errors = result.findings.filter((finding) => finding.severity === 'error');

          expect(result.ok).toBe(errors.length === 0);
          if (result.ok) {
            expect(result.spec.title).not.toBe('');
            expect(result.spec.acceptanceCriteria.length).toBeGreaterThan(0);
            expect(result.spec.dependsOn).not.toContain(1);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('R-13: gives every finding with a line a line inside the file', () => {
      fc.assert(
        fc.property(specLikeText, (text) => {
          const lineCount = text.split('\n').length;
          for (const finding of parseSpec('specs/0001-a.md', text).findings) {
            if (finding.line !== undefined) expect(finding.line).toBeLessThanOrEqual(lineCount);
            if (finding.line !== undefined) expect(finding.line).toBeGreaterThanOrEqual(1);
          }
        }),
        { numRuns: 200 },
      );
    });
  },
);
