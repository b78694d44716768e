/**
 * A tiny route table: GitHub path templates matched segment by segment. A final `{+name}` takes
 * the rest of the path, slashes included (file paths, `heads/feature/x` refs).
 */
import type { Method, Route } from './context.ts';

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Finds the route for a request path; a path that fits no template, or no method, is undefined. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): RouteMatch | undefined {
  const segments = pathname.split('/').slice(1);
  for (const route of routes) {
    if (route.method !== (method as Method)) continue;
    const params = matchTemplate(route.path, segments);
    if (params !== undefined) return { route, params };
  }
  return undefined;
}

function matchTemplate(
  template: string,
  segments: readonly string[],
): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  const greedy = parts.at(-1)?.startsWith('{+') === true;
  if (greedy ? segments.length < parts.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const isRest = greedy && index === parts.length - 1;
    const segment = isRest ? segments.slice(index).join('/') : (segments[index] ?? '');
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      try {
        params[part.slice(isRest ? 2 : 1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
