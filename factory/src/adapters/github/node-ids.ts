/**
 * The GraphQL node ids a job has seen, by what the line calls things: a PR by number, a label by
 * name. GraphQL mutations name objects only by node id, while the line's port speaks of label
 * names and PR numbers; every reading that carries ids (the conversation query, a REST pull
 * request) notes them here, so a later write of the same job can go out as one mutation without
 * a lookup of its own. An adapter lives for one job, and so does what it notes.
 */
export interface NodeIds {
  readonly pullRequests: Map<number, string>;
  /** By lower-cased name: GitHub's label names are case-insensitive. */
  readonly labels: Map<string, string>;
  /**
   * By PR number, the comments the conversation query showed the job (REST readings note none):
   * a transition whose outcome is unknown tells its own comments apart from these.
   */
  readonly comments: Map<number, Set<string>>;
}

export function createNodeIds(): NodeIds {
  return { pullRequests: new Map(), labels: new Map(), comments: new Map() };
}

export function noteLabels(ids: NodeIds, labels: readonly { name: string; id: string }[]): void {
  for (const label of labels) ids.labels.set(label.name.toLowerCase(), label.id);
}

/** The ids of `names`, or `undefined` when any of them has not been seen. */
export function labelIdsOf(ids: NodeIds, names: readonly string[]): string[] | undefined {
  const found = names.map((name) => ids.labels.get(name.toLowerCase()));
  return found.every((id) => id !== undefined) ? found : undefined;
}
