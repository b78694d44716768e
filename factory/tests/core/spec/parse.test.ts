import { describe, expect, it } from 'vitest';
import { parseSpec, type ParseSpecResult, type Spec } from '../../../src/core/spec/index.ts';

const BODY = [
  '# Export the report as CSV',
  '',
  'A short preface that belongs to no section.',
  '',
  '## Goal',
  '',
  'People can open the report in a spreadsheet.',
  '',
  '## Context',
  '',
  'See `src/report.ts`.',
  '',
  '### Detail',
  '',
  'Deeper headings stay inside their section.',
  '',
  '## Acceptance criteria',
  '',
  '- [ ] `toCsv([])` returns `""`.',
  '- [ ] `toCsv([{ a: 1 }])` returns `"a\\n1"`, and',
  '      quotes are escaped.',
  '',
  '## Out of scope',
  '',
  'Excel files.',
].join('\n');

function specOf(result: ParseSpecResult): Spec {
  if (!result.ok) throw new Error(`expected a spec, got ${JSON.stringify(result.findings)}`);
  return result.spec;
}

describe('parseSpec', () => {
  it('reads number, name, title, goal, criteria and every section of a well-formed spec', () => {
    const spec = specOf(parseSpec('specs/0007-export-csv.md', BODY));

    expect(spec).toMatchObject({
      path: 'specs/0007-export-csv.md',
      number: 7,
      slug: 'export-csv',
      title: 'Export the report as CSV',
      goal: 'People can open the report in a spreadsheet.',
      dependsOn: [],
      priority: 'normal',
    });
    expect(spec.acceptanceCriteria).toEqual([
      { text: '`toCsv([])` returns `""`.', checked: false, line: 19 },
      {
        text: '`toCsv([{ a: 1 }])` returns `"a\\n1"`, and quotes are escaped.',
        checked: false,
        line: 20,
      },
    ]);
    expect(spec.sections.map((section) => [section.key, section.line])).toEqual([
      ['goal', 5],
      ['context', 9],
      ['acceptance criteria', 17],
      ['out of scope', 23],
    ]);
    expect(spec.sections[1]?.markdown).toBe(
      'See `src/report.ts`.\n\n### Detail\n\nDeeper headings stay inside their section.',
    );
  });

  it('reads depends-on as numbers or zero-padded strings, sorted and without repeats', () => {
    const text = `---\ndepends-on: ["0003", 1, 3]\npriority: high\n---\n${BODY}`;

    const result = parseSpec('specs/0007-export-csv.md', text);

    expect(specOf(result)).toMatchObject({ dependsOn: [1, 3], priority: 'high' });
    expect(result.findings.map((finding) => [finding.code, finding.line])).toEqual([
      ['depends-on-duplicate', 2],
    ]);
  });

  it('counts lines in the file, front matter included', () => {
    const text = `---\npriority: low\n---\n${BODY}`;

    const spec = specOf(parseSpec('specs/0007-export-csv.md', text));

    expect(spec.sections[0]?.line).toBe(8);
    expect(spec.acceptanceCriteria[0]?.line).toBe(22);
  });

  it('accepts an empty front matter block and Windows line endings', () => {
    const text = `---\r\n---\r\n${BODY.replaceAll('\n', '\r\n')}`;

    const spec = specOf(parseSpec('specs/0007-export-csv.md', text));

    expect(spec.title).toBe('Export the report as CSV');
    expect(spec.acceptanceCriteria).toHaveLength(2);
  });

  it('ignores headings inside code fences', () => {
    const fenced = BODY.replace(
      '## Out of scope',
      '```md\n## Goal\n# Another title\n```\n\n## Out of scope',
    );

    const result = parseSpec('specs/0007-export-csv.md', fenced);

    expect(result.findings).toEqual([]);
    expect(specOf(result).sections).toHaveLength(4);
  });

  it('matches section headings regardless of case and a trailing colon', () => {
    const text = BODY.replace('## Goal', '## GOAL:').replace(
      '## Acceptance criteria',
      '## Acceptance  Criteria',
    );

    expect(parseSpec('specs/0007-export-csv.md', text).ok).toBe(true);
  });

  it('keeps a spec with only warnings, and reports them', () => {
    const text = `---\ntitle: CSV export\n---\n${BODY.replace('- [ ] `toCsv([])`', '- [x] `toCsv([])`')}`;

    const result = parseSpec('specs/0007-export-csv.md', text);

    expect(result.ok).toBe(true);
    expect(
      result.findings.map((finding) => [finding.code, finding.severity, finding.line]),
    ).toEqual([
      ['title-mismatch', 'warning', 2],
      ['criterion-checked', 'warning', 22],
    ]);
  });

  it('reports every problem of a broken spec at once, in file order', () => {
    const text = '---\npriority: soon\n---\n# \n\n## Goal\n\n## Acceptance criteria\n\n- works\n';

    const result = parseSpec('spec/7-Export.md', text);

    expect(result.ok).toBe(false);
    expect(result.findings.map((finding) => finding.code)).toEqual([
      'path-not-in-specs',
      'path-number-malformed',
      'path-slug-malformed',
      'priority-invalid',
      'title-empty',
      'goal-empty',
      'criteria-not-checklist',
    ]);
  });

  it.each([
    ['0', '[0]'],
    ['10000', '[10000]'],
    ['a word', '["one"]'],
    ['a fraction', '[1.5]'],
    ['a nested list', '[[1]]'],
  ])('R-13: refuses a depends-on entry that is %s', (_, value) => {
    const result = parseSpec('specs/0007-export-csv.md', `---\ndepends-on: ${value}\n---\n${BODY}`);

    expect(result.findings.map((finding) => finding.code)).toEqual(['depends-on-invalid']);
  });

  it.each([
    ['depends_on', 'depends-on'],
    ['dependsOn', 'depends-on'],
    ['Priority', 'priority'],
  ])('R-13: names the key meant by the unknown key %s', (typo, meant) => {
    const result = parseSpec('specs/0007-export-csv.md', `---\n${typo}: high\n---\n${BODY}`);

    expect(result.findings.map((finding) => [finding.code, finding.line])).toEqual([
      ['front-matter-unknown-key', 2],
    ]);
    expect(result.findings[0]?.message).toContain(`Did you mean \`${meant}\`?`);
  });

  it('R-13: treats a YAML alias bomb in the front matter as invalid YAML, not a crash', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    ];
    const more = [
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ];
    const text = `---\n${[...bomb, ...more].join('\n')}\n---\n${BODY}`;

    const codes = parseSpec('specs/0007-export-csv.md', text).findings.map(
      (finding) => finding.code,
    );

    expect(codes).toEqual(['front-matter-invalid-yaml']);
  });

  it('quotes spec text in messages as one short, inert code span', () => {
    const hostile = `# Second title @octocat \`rm\` [click](https://example.test) ${'x'.repeat(80)}`;

    const result = parseSpec('specs/0007-export-csv.md', `${BODY}\n\n${hostile}\n`);

    const [finding] = result.findings;
    expect(finding?.code).toBe('title-duplicated');
    expect(finding?.message).toMatch(/^A second `#` heading, `[^`]{60}`\.$/);
    expect(finding?.message).toContain('Second title @octocat rm click x');
  });
});
