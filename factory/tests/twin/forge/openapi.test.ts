import { describe, expect, it } from 'vitest';
import { createResponseValidator } from './support/openapi.ts';

describe("the OpenAPI check used by the forge's contract tests", () => {
  it('rejects a label that lacks a field GitHub documents as required', () => {
    const validator = createResponseValidator();
    const label = {
      id: 1,
      node_id: 'x',
      url: 'http://127.0.0.1/l',
      name: 'a',
      color: 'ededed',
      description: null,
      default: false,
    };
    expect(validator.assertResponse('GET', '/repos/{owner}/{repo}/labels/{name}', 200, label)).toBe(
      true,
    );
    const broken: Partial<typeof label> = { ...label };
    delete broken.node_id;
    expect(() =>
      validator.assertResponse('GET', '/repos/{owner}/{repo}/labels/{name}', 200, broken),
    ).toThrow(/node_id/);
  });

  it('accepts null where the description says nullable, and reports an undocumented status as unchecked', () => {
    const validator = createResponseValidator();
    expect(validator.assertResponse('GET', '/repos/{owner}/{repo}/labels/{name}', 599, {})).toBe(
      false,
    );
  });
});
