/**
 * Runs every benchmark in this folder: each `*.ts` file here (but this one) exports `bench()`.
 * `pnpm --filter ./factory bench [name…]` runs all of them, or only the named ones.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface BenchModule {
  bench?: () => Promise<void>;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = (await readdir(HERE))
    .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
    .filter((name) => wanted.length === 0 || wanted.includes(path.basename(name, '.ts')))
    .sort();
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(HERE, file)).href)) as BenchModule;
    if (typeof module.bench !== 'function') throw new Error(`bench/${file} exports no bench()`);
    console.log(`\n== bench/${file} ==`);
    await module.bench();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
