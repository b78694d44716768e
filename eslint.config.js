// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that perform I/O. The core of the line must stay pure (design §4). */
const IO_MODULES = [
  '@actions/*',
  '@octokit/*',
  '@anthropic-ai/*',
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:child_process',
  'child_process',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:https',
  'https',
];

/** Rooms the core must not depend on: dependencies point one way, into the core. */
const OUTER_ROOMS = ['adapters', 'agent', 'cli', 'entrypoints', 'stages', 'twin'].map(
  (room) => `**/${room}/**`,
);

/**
 * zod's `z` (or default) export is one object holding all of zod, so a module that imports it keeps
 * every part of zod in the stage bundle; a namespace import lets the bundler leave out what the
 * factory never calls (ADR 0005).
 */
const ZOD_AS_A_NAMESPACE = {
  selector: [
    'ImportDeclaration[source.value=/^zod(\\/|$)/] > ImportDefaultSpecifier',
    'ImportDeclaration[source.value=/^zod(\\/|$)/] > ImportSpecifier[imported.name=/^(z|default)$/]',
    'ExportNamedDeclaration[source.value=/^zod(\\/|$)/] > ExportSpecifier[local.name=/^(z|default)$/]',
  ].join(', '),
  message: "Import zod as a namespace, `import * as z from 'zod'`: see ADR 0005.",
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.factory/**'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': ['error', ZOD_AS_A_NAMESPACE],
    },
  },
  {
    files: ['factory/src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: IO_MODULES,
              message: 'core/ is pure: do I/O in an adapter and pass plain facts in.',
            },
            {
              group: OUTER_ROOMS,
              message: 'core/ may not depend on outer rooms; they depend on it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Vitest's asymmetric matchers (`expect.any`, `expect.stringContaining`) are typed `any`.
    files: ['**/tests/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
