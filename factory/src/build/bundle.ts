/**
 * Bundles the stage action (`.github/actions/stage/dist/`) with esbuild: a small entry that loads
 * each job's chunk on demand, so a stage starts with no dependency install and loads only what its
 * job needs (ADR 0005). The bundle is committed; a test rebuilds it and fails when it is stale.
 */
import { build } from 'esbuild';
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
    banner: {
      js: "import { createRequire as __factoryRequire } from 'node:module'; const require = __factoryRequire(import.meta.url);",
    },
  });
}
