import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The factory's tests, except the two end-to-end files that keep every core busy on their own
 * (`vitest.heavy.config.ts`). These mostly wait on git and loopback HTTP, so two of them run at
 * once even on a 2-core machine; the heavy files run after them, one at a time.
 */
export const HEAVY = ['tests/line/**', 'tests/chaos/**'];

export default defineConfig({
  test: {
    name: 'factory',
    include: ['tests/**/*.test.ts'],
    exclude: HEAVY,
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { groupOrder: 0 },
  },
});
