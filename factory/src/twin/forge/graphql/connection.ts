/**
 * GitHub's cursor connections (`first`/`after`, `pageInfo`, `nodes`, `edges`, `totalCount`) over a
 * list the twin already holds. GitHub refuses a connection asked for without `first` or `last`,
 * and more than 100 at once.
 */
import { GraphqlRefusal } from './errors.ts';

export interface ConnectionArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

export function connection<T>(items: readonly T[], args: ConnectionArgs) {
  const first = args.first;
  if (first == null) {
    throw new GraphqlRefusal({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      message: 'You must provide a `first` or `last` value to properly paginate this connection.',
    });
  }
  if (first < 0 || first > 100) {
    throw new GraphqlRefusal({
      type: 'EXCESSIVE_PAGINATION',
      message: `Requesting ${String(first)} records on this connection exceeds the \`first\` limit of 100 records.`,
    });
  }
  const start = args.after == null ? 0 : offsetOf(args.after) + 1;
  const page = items.slice(start, start + first);
  const cursor = (index: number) =>
    Buffer.from(`cursor:v2:${String(start + index)}`).toString('base64');
  return {
    totalCount: items.length,
    nodes: page,
    edges: page.map((node, index) => ({ node, cursor: cursor(index) })),
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: page.length === 0 ? null : cursor(0),
      endCursor: page.length === 0 ? null : cursor(page.length - 1),
    },
  };
}

function offsetOf(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (match?.[1] === undefined) {
    throw new GraphqlRefusal({
      type: 'INVALID_CURSOR_ARGUMENTS',
      message: `\`${cursor}\` does not appear to be a valid cursor.`,
    });
  }
  return Number(match[1]);
}
