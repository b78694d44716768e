import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SPEC_TEMPLATE_PATH,
  isSpecPath,
  lintSpec,
  parseSpec,
} from '../../../src/core/spec/index.ts';

const REPOSITORY_ROOT = new URL('../../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, REPOSITORY_ROOT), 'utf8');
const SPEC_PATHS = readdirSync(new URL('specs/', REPOSITORY_ROOT))
  .map((name) => `specs/${name}`)
  .filter(isSpecPath);

describe('the specs shipped in specs/', () => {
  it('the example spec 0001-word-count lints with zero errors and zero warnings', () => {
    const path = 'specs/0001-word-count.md';

    expect(lintSpec({ path, text: read(path), existingSpecPaths: SPEC_PATHS })).toEqual([]);
  });

  it('describes countWords precisely enough to implement', () => {
    const result = parseSpec('specs/0001-word-count.md', read('specs/0001-word-count.md'));

    expect(result.ok && result.spec.title).toBe('Count the words in a text');
    expect(result.ok && result.spec.acceptanceCriteria.length).toBeGreaterThanOrEqual(5);
    expect(result.ok && result.spec.goal).toContain('`countWords(text: string): number`');
  });

  it('a copy of the template at a spec path lints with zero errors and zero warnings', () => {
    const findings = lintSpec({
      path: 'specs/0002-copied-template.md',
      text: read(SPEC_TEMPLATE_PATH),
      existingSpecPaths: SPEC_PATHS,
    });

    expect(findings).toEqual([]);
  });

  it('the template shows each front matter key and section a spec can have', () => {
    const result = parseSpec('specs/0002-copied-template.md', read(SPEC_TEMPLATE_PATH));
    const template = read(SPEC_TEMPLATE_PATH);

    expect(template).toMatch(/^depends-on:/m);
    expect(template).toMatch(/^priority:/m);
    expect(result.ok && result.spec.sections.map((section) => section.key)).toEqual([
      'goal',
      'context',
      'acceptance criteria',
      'out of scope',
      'notes',
    ]);
  });
});
