import { describe, expect, it } from 'vitest';
import { lintSpec, type LintSpecInput } from '../../../src/core/spec/index.ts';

const spec = (frontMatter = '') =>
  `${frontMatter}# Title\n\n## Goal\n\nA goal.\n\n## Acceptance criteria\n\n- [ ] \`f()\` returns \`1\`.\n`;

const codesOf = (input: LintSpecInput) => lintSpec(input).map((finding) => finding.code);

describe('lintSpec', () => {
  it('R-13: does not count a spec as colliding with its own path, with or without ./', () => {
    const codes = codesOf({
      path: './specs/0003-a.md',
      text: spec(),
      existingSpecPaths: ['specs/0003-a.md', 'specs/0004-b.md'],
    });

    expect(codes).toEqual([]);
  });

  it('R-13: names every other file that already uses the number', () => {
    const findings = lintSpec({
      path: 'specs/0003-a.md',
      text: spec(),
      existingSpecPaths: ['specs/0003-b.md', './specs/0003-c.md', 'specs/0030-d.md'],
    });

    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toBe(
      'Spec number 0003 is already used by `specs/0003-b.md`, `specs/0003-c.md`.',
    );
  });

  it('ignores existing paths that are not spec files, such as the template', () => {
    const codes = codesOf({
      path: 'specs/0003-a.md',
      text: spec('---\ndepends-on: [1]\n---\n'),
      existingSpecPaths: ['specs/TEMPLATE.md', 'specs/0001-one.md', 'specs/0003.md'],
    });

    expect(codes).toEqual([]);
  });

  it('R-13: reports each unknown dependency once, on the depends-on line', () => {
    const findings = lintSpec({
      path: 'specs/0003-a.md',
      text: spec('---\npriority: low\ndepends-on: [1, 9, 9, 12]\n---\n'),
      existingSpecPaths: ['specs/0001-one.md'],
    });

    expect(findings.map((finding) => [finding.code, finding.line, finding.severity])).toEqual([
      ['depends-on-duplicate', 3, 'warning'],
      ['depends-on-unknown', 3, 'error'],
      ['depends-on-unknown', 3, 'error'],
    ]);
    expect(findings.slice(1).map((finding) => finding.message)).toEqual([
      '`depends-on` names spec 0009, which does not exist.',
      '`depends-on` names spec 0012, which does not exist.',
    ]);
  });

  it('counts specs known elsewhere (e.g. in other open PRs) as existing', () => {
    const codes = codesOf({
      path: 'specs/0003-a.md',
      text: spec('---\ndepends-on: [2]\n---\n'),
      existingSpecPaths: [],
      knownSpecNumbers: [2],
    });

    expect(codes).toEqual([]);
  });

  it('reports a self-dependency once, not also as unknown', () => {
    const codes = codesOf({
      path: 'specs/0003-a.md',
      text: spec('---\ndepends-on: [3]\n---\n'),
      existingSpecPaths: [],
    });

    expect(codes).toEqual(['depends-on-self']);
  });

  it('still checks dependencies and collisions when the body is broken', () => {
    const codes = codesOf({
      path: 'specs/0003-a.md',
      text: '---\ndepends-on: [8]\n---\nno headings at all\n',
      existingSpecPaths: ['specs/0003-b.md'],
    });

    expect(codes).toEqual([
      'title-missing',
      'goal-missing',
      'criteria-missing',
      'number-collision',
      'depends-on-unknown',
    ]);
  });
});
