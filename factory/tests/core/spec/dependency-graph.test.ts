import { describe, expect, it } from 'vitest';
import { findDependencyCycles, type SpecDependencies } from '../../../src/core/spec/index.ts';

const specs = (edges: Record<number, number[]>): SpecDependencies[] =>
  Object.entries(edges).map(([spec, dependsOn]) => ({ specNumber: Number(spec), dependsOn }));

const asObject = (map: ReadonlyMap<number, readonly number[]>) => Object.fromEntries(map);

describe('findDependencyCycles', () => {
  it.each([
    ['no dependencies', { 1: [], 2: [] }, {}, {}],
    ['a chain', { 1: [2], 2: [3], 3: [] }, {}, {}],
    ['a self-dependency', { 1: [1] }, { 1: [1] }, {}],
    ['a two-spec cycle', { 1: [2], 2: [1] }, { 1: [1, 2], 2: [1, 2] }, {}],
    [
      'a spec that waits on a cycle two steps away',
      { 1: [2], 2: [3], 3: [4], 4: [3] },
      { 3: [3, 4], 4: [3, 4] },
      { 1: [3, 4], 2: [3, 4] },
    ],
    [
      'two cycles, one behind the other',
      { 1: [2], 2: [1, 3], 3: [4], 4: [3], 5: [1] },
      { 1: [1, 2], 2: [1, 2], 3: [3, 4], 4: [3, 4] },
      { 5: [1, 2, 3, 4] },
    ],
    ['an edge to a spec outside the list', { 1: [9], 9.5: [] }, {}, {}],
  ])('finds the cycles in %s', (_, edges, cycleOf, blockedBy) => {
    const found = findDependencyCycles(specs(edges));

    expect(asObject(found.cycleOf)).toEqual(cycleOf);
    expect(asObject(found.blockedBy)).toEqual(blockedBy);
  });

  it('ignores edges to settled (merged) specs', () => {
    const found = findDependencyCycles(specs({ 1: [2], 2: [1] }), new Set([2]));

    expect(found.cycleOf.size).toBe(0);
  });

  it('handles a chain of 20,000 specs without overflowing the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => ({
      specNumber: i,
      dependsOn: i === 0 ? [19_999] : [i - 1],
    }));

    const found = findDependencyCycles(chain);

    expect(found.cycleOf.get(0)).toHaveLength(20_000);
  });
});
