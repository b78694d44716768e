import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SPEC_FINDING_RULES,
  lintSpec,
  parseSpec,
  type SpecFindingCode,
} from '../../../src/core/spec/index.ts';

const readCorpus = (name: string) =>
  readFileSync(new URL(`corpus/${name}`, import.meta.url), 'utf8');

const WELL_FORMED = readCorpus('well-formed.md');
const EXISTING = ['specs/0001-word-count.md', 'specs/0002-greeting-punctuation.md', 'README.md'];

interface MalformedSpec {
  readonly code: SpecFindingCode;
  readonly path: string;
  readonly text: string;
  readonly existing?: readonly string[];
}

const fromFile = (code: SpecFindingCode, file: string, path = 'specs/0005-trim-greetings.md') =>
  ({ code, path, text: readCorpus(file) }) satisfies MalformedSpec;

/** Each malformed spec breaks exactly one rule, so it must be refused with exactly one code. */
const CORPUS: readonly MalformedSpec[] = [
  { code: 'path-not-in-specs', path: 'docs/0005-trim-greetings.md', text: WELL_FORMED },
  { code: 'path-not-markdown', path: 'specs/0005-trim-greetings.txt', text: WELL_FORMED },
  { code: 'path-number-malformed', path: 'specs/05-trim-greetings.md', text: WELL_FORMED },
  { code: 'path-slug-malformed', path: 'specs/0005-Trim_Greetings.md', text: WELL_FORMED },
  {
    code: 'number-collision',
    path: 'specs/0001-trim-greetings.md',
    text: WELL_FORMED,
    existing: [...EXISTING, 'specs/0001-trim-greetings.md'],
  },
  // Inline, not a file: Prettier would rewrite a lone `---` line in a Markdown file as `***`.
  {
    code: 'front-matter-unclosed',
    path: 'specs/0005-a.md',
    text: `---\npriority: high\n\n${WELL_FORMED}`,
  },
  fromFile('front-matter-invalid-yaml', 'front-matter-bad-yaml.md'),
  fromFile('front-matter-not-mapping', 'front-matter-is-a-list.md'),
  fromFile('front-matter-unknown-key', 'front-matter-typo-in-key.md'),
  fromFile('front-matter-title-invalid', 'front-matter-title-not-text.md'),
  fromFile('depends-on-invalid', 'depends-on-not-a-list.md'),
  fromFile('depends-on-self', 'depends-on-itself.md'),
  fromFile('depends-on-unknown', 'depends-on-missing-spec.md'),
  fromFile('priority-invalid', 'priority-not-a-level.md'),
  fromFile('title-missing', 'no-title.md'),
  fromFile('title-empty', 'empty-title.md'),
  fromFile('title-duplicated', 'two-titles.md'),
  fromFile('section-duplicated', 'goal-twice.md'),
  fromFile('goal-missing', 'goal-missing-only-in-code-fence.md'),
  fromFile('goal-empty', 'goal-only-a-comment.md'),
  fromFile('criteria-missing', 'no-acceptance-criteria.md'),
  fromFile('criteria-empty', 'criteria-section-empty.md'),
  fromFile('criteria-not-checklist', 'criteria-as-prose.md'),
  fromFile('criterion-not-checkbox', 'criterion-plain-bullet.md'),
  fromFile('criterion-empty', 'criterion-bare-checkbox.md'),
];

/** Checks that need the other specs; `parseSpec` alone cannot see them. */
const NEEDS_OTHER_SPECS: readonly SpecFindingCode[] = ['number-collision', 'depends-on-unknown'];

const errorCodes = (findings: readonly { code: string; severity: string }[]) =>
  findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code);

describe('the malformed spec corpus (R-13)', () => {
  it.each(CORPUS)('R-13: refuses a spec with $code, and only that', (bad) => {
    const findings = lintSpec({
      path: bad.path,
      text: bad.text,
      existingSpecPaths: bad.existing ?? EXISTING,
    });

    expect(errorCodes(findings)).toEqual([bad.code]);
    const [finding] = findings.filter((f) => f.code === bad.code);
    expect(finding?.message).not.toBe('');
    expect(finding?.howToFix).toBe(SPEC_FINDING_RULES[bad.code].howToFix);
  });

  it.each(CORPUS.filter((bad) => !NEEDS_OTHER_SPECS.includes(bad.code)))(
    'R-13: parseSpec alone refuses the spec with $code',
    (bad) => {
      const result = parseSpec(bad.path, bad.text);

      expect(result.ok).toBe(false);
      expect(errorCodes(result.findings)).toEqual([bad.code]);
    },
  );

  it('R-13: gives every error the table knows its own corpus case', () => {
    const errorCodesInTable = Object.entries(SPEC_FINDING_RULES)
      .filter(([, rule]) => rule.severity === 'error')
      .map(([code]) => code)
      .sort();

    expect(CORPUS.map((bad) => bad.code).sort()).toEqual(errorCodesInTable);
    expect(CORPUS.length).toBeGreaterThanOrEqual(12);
  });

  it('accepts the well-formed spec the corpus is built from, with zero findings', () => {
    const findings = lintSpec({
      path: 'specs/0005-trim-greetings.md',
      text: WELL_FORMED,
      existingSpecPaths: EXISTING,
    });

    expect(findings).toEqual([]);
  });
});
