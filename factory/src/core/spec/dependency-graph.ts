/**
 * The `depends-on` graph between specs, and the cycles in it. A spec on a cycle can never start,
 * and neither can a spec that waits on one: both need a person, not more waiting.
 */

export interface SpecDependencies {
  readonly specNumber: number;
  readonly dependsOn: readonly number[];
}

export interface DependencyCycles {
  /** Each spec on a cycle → every member of its cycle, ascending. A self-dependency counts. */
  readonly cycleOf: ReadonlyMap<number, readonly number[]>;
  /** Each spec off any cycle that waits on one, directly or not → those cycles' members. */
  readonly blockedBy: ReadonlyMap<number, readonly number[]>;
}

type Graph = ReadonlyMap<number, readonly number[]>;

/**
 * Finds the cycles among `specs`. Only edges to specs in the list count, minus the `settled`
 * ones (already merged: they hold nothing up). Linear in specs plus edges (Tarjan's algorithm,
 * iterative so a long chain cannot overflow the stack); the result does not depend on input order.
 */
export function findDependencyCycles(
  specs: readonly SpecDependencies[],
  settled: ReadonlySet<number> = new Set(),
): DependencyCycles {
  const graph = buildGraph(specs, settled);
  const components = findComponents(graph);
  const componentOf = new Map<number, number>();
  components.forEach((members, index) => {
    for (const spec of members) componentOf.set(spec, index);
  });
  const isCycle = components.map(
    (members) => members.length > 1 || members.some((spec) => graph.get(spec)?.includes(spec)),
  );
  const cycleOf = new Map<number, readonly number[]>();
  const blockedBy = new Map<number, readonly number[]>();
  // Tarjan emits a component only after every component it reaches: one pass settles them all.
  const reachedCycles: Set<number>[] = [];
  components.forEach((members, index) => {
    const reached = new Set<number>();
    for (const target of members.flatMap((spec) => graph.get(spec) ?? [])) {
      const other = componentOf.get(target);
      if (other === undefined || other === index) continue;
      if (isCycle[other] === true) for (const spec of components[other] ?? []) reached.add(spec);
      for (const spec of reachedCycles[other] ?? []) reached.add(spec);
    }
    reachedCycles.push(reached);
    for (const spec of members) {
      if (isCycle[index] === true) cycleOf.set(spec, members);
      else if (reached.size > 0) blockedBy.set(spec, ascending([...reached]));
    }
  });
  return { cycleOf, blockedBy };
}

function buildGraph(specs: readonly SpecDependencies[], settled: ReadonlySet<number>): Graph {
  const known = new Set(specs.map((spec) => spec.specNumber));
  const graph = new Map<number, number[]>();
  for (const { specNumber, dependsOn } of specs) {
    const edges = dependsOn.filter((target) => known.has(target) && !settled.has(target));
    graph.set(specNumber, ascending([...new Set([...(graph.get(specNumber) ?? []), ...edges])]));
  }
  return graph;
}

interface Frame {
  readonly spec: number;
  next: number;
}

/** Strongly connected components, each ascending, successors before predecessors. */
function findComponents(graph: Graph): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const components: number[][] = [];
  const enter = (spec: number): Frame => {
    const order = index.size;
    index.set(spec, order);
    low.set(spec, order);
    stack.push(spec);
    onStack.add(spec);
    return { spec, next: 0 };
  };
  const lower = (spec: number, value: number) => {
    low.set(spec, Math.min(low.get(spec) ?? value, value));
  };
  for (const root of ascending([...graph.keys()])) {
    if (index.has(root)) continue;
    const work = [enter(root)];
    for (let frame = work.at(-1); frame !== undefined; frame = work.at(-1)) {
      const target = graph.get(frame.spec)?.[frame.next];
      frame.next += 1;
      if (target !== undefined && !index.has(target)) work.push(enter(target));
      else if (target !== undefined && onStack.has(target))
        lower(frame.spec, index.get(target) ?? 0);
      else if (target === undefined) {
        work.pop();
        const parent = work.at(-1);
        if (parent !== undefined) lower(parent.spec, low.get(frame.spec) ?? 0);
        if (low.get(frame.spec) === index.get(frame.spec))
          components.push(popComponent(frame.spec));
      }
    }
  }
  return components;

  function popComponent(root: number): number[] {
    const members: number[] = [];
    for (let spec = stack.pop(); spec !== undefined; spec = stack.pop()) {
      onStack.delete(spec);
      members.push(spec);
      if (spec === root) break;
    }
    return ascending(members);
  }
}

function ascending(numbers: number[]): number[] {
  return numbers.sort((a, b) => a - b);
}
