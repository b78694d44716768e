import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'factory',
    include: ['tests/**/*.test.ts'],
  },
});
