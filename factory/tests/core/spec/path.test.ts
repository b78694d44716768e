import { describe, expect, it } from 'vitest';
import {
  SPEC_TEMPLATE_PATH,
  formatSpecNumber,
  isSpecPath,
  parseSpecPath,
  specNumberOfPath,
} from '../../../src/core/spec/index.ts';

describe('spec paths', () => {
  it.each([
    ['specs/0001-word-count.md', 1, 'word-count'],
    ['./specs/0042-a.md', 42, 'a'],
    ['specs/9999-v2-api.md', 9999, 'v2-api'],
  ])('reads %s as spec %i named %s', (path, specNumber, slug) => {
    expect(parseSpecPath(path)).toEqual({ number: specNumber, slug, findings: [] });
  });

  it.each([
    ['specs/0000-zero.md', ['path-number-malformed']],
    ['specs/00001-five-digits.md', ['path-number-malformed']],
    ['specs/word-count.md', ['path-number-malformed']],
    ['specs/0001.md', ['path-slug-malformed']],
    ['specs/0001-double--dash.md', ['path-slug-malformed']],
    ['specs/0001-trailing-.md', ['path-slug-malformed']],
    ['specs/0001-word count.md', ['path-slug-malformed']],
    ['specs/drafts/0001-a.md', ['path-not-in-specs']],
    ['/specs/0001-a.md', ['path-not-in-specs']],
    ['0001-a.md', ['path-not-in-specs']],
    ['specs/0001-a.MD', ['path-not-markdown']],
    ['specs/0001-a', ['path-not-markdown']],
    [
      '',
      ['path-not-in-specs', 'path-not-markdown', 'path-number-malformed', 'path-slug-malformed'],
    ],
  ])('R-13: refuses %s with %j', (path, codes) => {
    const parts = parseSpecPath(path);

    expect(parts.findings.map((finding) => finding.code)).toEqual(codes);
    expect(parts.number).toBeUndefined();
  });

  it('does not take the template for a spec', () => {
    expect(isSpecPath(SPEC_TEMPLATE_PATH)).toBe(false);
    expect(specNumberOfPath(SPEC_TEMPLATE_PATH)).toBeUndefined();
  });

  it('pads spec numbers to four digits', () => {
    expect([1, 42, 9999].map(formatSpecNumber)).toEqual(['0001', '0042', '9999']);
  });
});
