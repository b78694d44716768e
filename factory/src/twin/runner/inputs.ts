/**
 * `workflow_dispatch` inputs as GitHub resolves them: declared inputs only, required ones present,
 * defaults filled in, booleans typed in the `inputs` context. Pure; the forge can call it to answer
 * the dispatch API with 422 exactly where GitHub would.
 */
import type { WorkflowDispatchConfig } from '@actions/workflow-parser/model/workflow-template';

export type InputValue = string | boolean | number;

export type InputsResult =
  | { readonly ok: true; readonly inputs: Readonly<Record<string, InputValue>> }
  | { readonly ok: false; readonly reason: string };

function coerceInput(
  type: string,
  name: string,
  value: unknown,
  options: readonly string[] | undefined,
): InputValue | Error {
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return new Error(`Provided value for input '${name}' is not a boolean`);
  }
  if (type === 'number') {
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    return Number.isNaN(number)
      ? new Error(`Provided value for input '${name}' is not a number`)
      : number;
  }
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) return new Error(`Provided value for input '${name}' is not a string`);
  if (type === 'choice' && options !== undefined && !options.includes(text)) {
    return new Error(
      `Provided value '${text}' for input '${name}' not in the list of allowed values`,
    );
  }
  return text;
}

/**
 * Resolves the inputs a dispatch (or a `workflow_call`'s `with:`) provides against the workflow's
 * declared `inputs`.
 */
export function resolveDispatchInputs(
  config: Pick<WorkflowDispatchConfig, 'inputs'> | undefined,
  given: Readonly<Record<string, unknown>>,
): InputsResult {
  const declared = config?.inputs ?? {};
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length > 0)
    return { ok: false, reason: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` };
  const inputs: Record<string, InputValue> = {};
  for (const [name, input] of Object.entries(declared)) {
    const type: string = input.type;
    const value = given[name] ?? input.default;
    if (value === undefined) {
      if (input.required === true)
        return { ok: false, reason: `Required input '${name}' not provided` };
      inputs[name] = type === 'boolean' ? false : '';
      continue;
    }
    const coerced = coerceInput(type, name, value, input.options);
    if (coerced instanceof Error) return { ok: false, reason: coerced.message };
    inputs[name] = coerced;
  }
  return { ok: true, inputs };
}
