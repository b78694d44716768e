import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'product', include: ['tests/**/*.test.ts'], sequence: { groupOrder: 2 } } },
      './factory/vitest.config.ts',
      './factory/vitest.heavy.config.ts',
    ],
  },
});
