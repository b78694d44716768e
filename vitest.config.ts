import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'product', include: ['tests/**/*.test.ts'] } },
      './factory/vitest.config.ts',
    ],
  },
});
