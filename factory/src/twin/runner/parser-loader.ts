/**
 * Loads `@actions/workflow-parser`'s parsers. The package imports its JSON schemas without
 * `with { type: 'json' }`, which Node refuses outright (tsx and bundlers accept it), so before the
 * first load a module hook adds that attribute to attribute-less `.json` imports. The hook changes
 * nothing else: every other module loads as before.
 */
import { register } from 'node:module';
import type * as ActionParser from '@actions/workflow-parser/actions/index';
import type * as WorkflowParser from '@actions/workflow-parser';

const JSON_ATTRIBUTE_HOOK = `export async function load(url, context, nextLoad) {
  if (url.endsWith('.json') && context.importAttributes?.type !== 'json') {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}`;

export interface Parsers {
  readonly workflow: typeof WorkflowParser;
  readonly action: typeof ActionParser;
}

let parsers: Promise<Parsers> | undefined;

/** The parser modules, loaded once per process. */
export function loadParsers(): Promise<Parsers> {
  parsers ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(JSON_ATTRIBUTE_HOOK)}`);
    const [workflow, action] = await Promise.all([
      import('@actions/workflow-parser'),
      import('@actions/workflow-parser/actions/index'),
    ]);
    return { workflow, action };
  })();
  return parsers;
}
