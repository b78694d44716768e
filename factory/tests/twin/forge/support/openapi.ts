/**
 * Validates the forge's JSON responses against GitHub's published OpenAPI description. Only the
 * component schemas reachable from the operations actually checked are compiled (lazily, once per
 * process), because compiling the whole 13 MB description would take many seconds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface OpenApiSpec {
  readonly paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  readonly components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

const BASE = 'https://openapi.forge.test/schemas/';
const require = createRequire(import.meta.url);
let spec: OpenApiSpec | undefined;

function loadSpec(): OpenApiSpec {
  spec ??= JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as OpenApiSpec;
  return spec;
}

/**
 * OpenAPI 3.0's `nullable` is not JSON Schema; Ajv rejects it without `type`, so every nullable
 * schema becomes `anyOf [schema, null]`. Local `$ref`s point at lazily added component schemas.
 */
function normalize(node: unknown, reached: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => normalize(item, reached));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'discriminator')
      continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/components/schemas/', '');
      reached.add(name);
      out.$ref = `${BASE}${name}`;
      continue;
    }
    out[key] = normalize(value, reached);
  }
  return (node as { nullable?: unknown }).nullable === true
    ? { anyOf: [out, { type: 'null' }] }
    : out;
}

export interface ResponseValidator {
  /** Throws with Ajv's errors when `body` does not fit the documented response; returns whether a schema existed. */
  assertResponse(method: string, template: string, status: number, body: unknown): boolean;
  readonly checked: Set<string>;
}

const ajv = new Ajv({ strict: false, logger: false, allErrors: true });
addFormats.default(ajv);
const added = new Set<string>();
const validators = new Map<string, ValidateFunction | null>();

function ensureSchema(name: string): void {
  if (added.has(name)) return;
  added.add(name);
  const reached = new Set<string>();
  const schema = normalize(loadSpec().components.schemas[name], reached) as Record<string, unknown>;
  ajv.addSchema({ ...schema, $id: `${BASE}${name}` });
  for (const next of reached) ensureSchema(next);
}

function responseSchema(method: string, template: string, status: number): unknown {
  const openApiPath = template.replace(/\{\+(\w+)\}/g, '{$1}');
  const operation = loadSpec().paths[openApiPath]?.[method.toLowerCase()];
  let response = operation?.responses?.[String(status)] as
    { $ref?: string; content?: Record<string, { schema?: unknown }> } | undefined;
  if (response?.$ref !== undefined) {
    response = loadSpec().components.responses[
      response.$ref.replace('#/components/responses/', '')
    ] as typeof response;
  }
  return response?.content?.['application/json']?.schema;
}

function validatorFor(method: string, template: string, status: number): ValidateFunction | null {
  const key = `${method} ${template} ${String(status)}`;
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  const raw = responseSchema(method, template, status);
  let validate: ValidateFunction | null = null;
  if (raw !== undefined) {
    const reached = new Set<string>();
    const schema = normalize(raw, reached);
    for (const name of reached) ensureSchema(name);
    validate = ajv.compile(schema as object);
  }
  validators.set(key, validate);
  return validate;
}

export function createResponseValidator(): ResponseValidator {
  const checked = new Set<string>();
  return {
    checked,
    assertResponse(method, template, status, body) {
      const validate = validatorFor(method.toUpperCase(), template, status);
      if (validate === null) return false;
      checked.add(`${method.toUpperCase()} ${template} ${String(status)}`);
      if (!validate(body)) {
        const problems = (validate.errors ?? [])
          .slice(0, 8)
          .map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
        throw new Error(
          `${method} ${template} → ${String(status)} does not match GitHub's OpenAPI schema:\n${problems.join('\n')}`,
        );
      }
      return true;
    },
  };
}
