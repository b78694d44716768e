import { defineConfig } from 'vitest/config';
import { HEAVY } from './vitest.config.ts';

/**
 * The end-to-end files: the line through the real workflows (three twins at once) and the chaos
 * runs. Each fills the machine by itself, so they run alone, after the other tests
 * (`pnpm exec vitest run --project factory-heavy` runs just these).
 */
export default defineConfig({
  test: {
    name: 'factory-heavy',
    include: HEAVY.map((glob) => `${glob}/*.test.ts`),
    maxWorkers: 1,
    sequence: { groupOrder: 1 },
  },
});
