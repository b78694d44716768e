/**
 * `${{ }}` evaluation with GitHub's own expression engine (`@actions/expressions`). The engine knows
 * neither the status functions nor the contexts: the runner supplies both, to the parser (so it
 * accepts them) and to the evaluator (so they mean something).
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition, FunctionInfo } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser/templates/tokens/type-guards';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What `success()`, `failure()` and `cancelled()` mean where the expression is evaluated. */
export interface StatusFunctions {
  readonly success: () => boolean;
  readonly failure: () => boolean;
  readonly cancelled: () => boolean;
}

export interface ExpressionScope {
  /** Plain JSON per context name (`github`, `env`, `needs`, …). */
  readonly contexts: Readonly<Record<string, unknown>>;
  readonly status: StatusFunctions;
}

export const CONTEXT_NAMES = [
  'github',
  'inputs',
  'needs',
  'env',
  'steps',
  'secrets',
  'vars',
  'runner',
  'job',
  'strategy',
  'matrix',
  'jobs',
] as const;

const STATUS_FUNCTION_INFO: readonly FunctionInfo[] = [
  'success',
  'failure',
  'always',
  'cancelled',
].map((name) => ({ name, minArgs: 0, maxArgs: 0 }));

function statusFunctions(status: StatusFunctions): Map<string, FunctionDefinition> {
  const define = (name: string, call: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(call()) },
  ];
  return new Map([
    define('success', status.success),
    define('failure', status.failure),
    define('cancelled', status.cancelled),
    define('always', () => true),
  ]);
}

function toExpressionData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function toJson(value: data.ExpressionData): JsonValue {
  return JSON.parse(JSON.stringify(value, data.replacer)) as JsonValue;
}

/** Evaluates one expression (without `${{ }}`) in a scope; throws on a syntax error. */
export function evaluateExpression(
  expression: string,
  scope: ExpressionScope,
): data.ExpressionData {
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, [...CONTEXT_NAMES], [...STATUS_FUNCTION_INFO]).parse();
  const contexts = new data.Dictionary();
  for (const name of CONTEXT_NAMES)
    contexts.add(name, toExpressionData(scope.contexts[name] ?? {}));
  return new Evaluator(tree, contexts, statusFunctions(scope.status)).evaluate();
}

/** An `if:` condition, as GitHub decides it: the result's truthiness. */
export function evaluateCondition(expression: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(expression, scope));
}

/** Evaluates a template token (a mapping, a sequence, a literal or an expression) to plain JSON. */
export function evaluateToken(token: TemplateToken, scope: ExpressionScope): JsonValue {
  if (isBasicExpression(token)) return toJson(evaluateExpression(token.expression, scope));
  if (isString(token) || isNumber(token) || isBoolean(token)) return token.value;
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, scope));
  if (isMapping(token)) {
    const result: Record<string, JsonValue> = {};
    for (const pair of token)
      result[coerceToString(evaluateToken(pair.key, scope))] = evaluateToken(pair.value, scope);
    return result;
  }
  return null;
}

/** Coerces like GitHub does when an expression lands in a string field (`true`, `3`, `''` for null). */
export function coerceToString(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return Array.isArray(value) ? 'Array' : 'Object';
  return String(value);
}

/** Evaluates a token that must become a string (`run:`, an `env` value, an input). */
export function evaluateString(token: TemplateToken, scope: ExpressionScope): string {
  if (isBasicExpression(token)) return evaluateExpression(token.expression, scope).coerceString();
  return coerceToString(evaluateToken(token, scope));
}

/** Evaluates a mapping of string values (`env:`, `with:`, `outputs:`); absent gives `{}`. */
export function evaluateStringMap(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (token === undefined) return result;
  if (!isMapping(token)) {
    const value = evaluateToken(token, scope);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) result[key] = coerceToString(item);
    }
    return result;
  }
  for (const pair of token)
    result[coerceToString(evaluateToken(pair.key, scope))] = evaluateString(pair.value, scope);
  return result;
}
