/**
 * Bundles the stage action (`.github/actions/stage/dist/`) with esbuild: a small entry that loads
 * each job's chunk on demand, so a stage starts with no dependency install and loads only what its
 * job needs (ADR 0005). The bundle is committed; a test rebuilds it and fails when it is stale.
 */
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';

export const STAGE_ACTION_DIST = '.github/actions/stage/dist';

/** Builds the bundle into `outdir` (absolute) from the factory package at `factoryDir`. */
export async function bundleStageAction(factoryDir: string, outdir: string): Promise<void> {
  await build({
    // Paths in the output are relative to this, so the bundle is the same from any directory.
    absWorkingDir: factoryDir,
    entryPoints: { main: join(factoryDir, 'src/entrypoints/main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require(); ESM output has no require of its own.
    plugins: [unusedHttpClientDropped, zodInEnglishOnly, zodWithoutJit],
    banner: {
      js: "import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);",
    },
  });
}

/**
 * `@actions/core` imports its HTTP client (and undici, half a megabyte) only to fetch OIDC tokens,
 * which no stage asks for. The client's modules do nothing when imported, so they are declared
 * free of side effects: esbuild then leaves them out, and every job starts ~0.1 s sooner.
 */
const unusedHttpClientDropped: Plugin = {
  name: 'unused-http-client-dropped',
  setup(plugin) {
    plugin.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, async (args) => {
      if (args.pluginData === SELF) return undefined;
      const resolved = await plugin.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: SELF,
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

const SELF = Symbol('unused-http-client-dropped');

/**
 * zod carries its error messages in some fifty languages, half of its size, and every job imports
 * zod. The line reports in English, so the bundle keeps only the English messages (`z.locales.en`,
 * which zod configures on import): each job parses ~0.3 MB less and starts ~20 ms sooner.
 */
const zodInEnglishOnly: Plugin = {
  name: 'zod-in-english-only',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'zod-in-english-only', pluginData: args.resolveDir }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'zod-in-english-only' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};

/**
 * zod compiles a fast parser for each object schema it builds, which pays only over many parses;
 * a stage job parses each schema a few times, so the compiling only delays its start (15–40 ms,
 * ADR 0005). zod reads the setting as it builds a schema, and the factory builds many as its
 * modules load, so every `import … from 'zod'` in the bundle reaches zod through a module that
 * sets it first. The factory imports zod as a namespace and never through its `z` object, which
 * holds all of zod (a lint rule keeps it so), so esbuild leaves out the half of zod no job calls.
 */
const zodWithoutJit: Plugin = {
  name: 'zod-without-jit',
  setup(plugin) {
    // Inside the stand-in, `zod` is zod itself.
    plugin.onResolve({ filter: /^zod$/ }, (args) =>
      args.namespace === 'zod-without-jit'
        ? undefined
        : { path: 'zod', namespace: 'zod-without-jit', pluginData: args.resolveDir },
    );
    plugin.onLoad({ filter: /.*/, namespace: 'zod-without-jit' }, (args) => ({
      contents: [
        "import * as zod from 'zod';",
        'zod.config({ jitless: true });',
        "export * from 'zod';",
      ].join('\n'),
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};
