import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleStageAction, STAGE_ACTION_DIST } from '../../src/build/bundle.ts';

const FACTORY_DIR = fileURLToPath(new URL('../../', import.meta.url));
const COMMITTED = join(FACTORY_DIR, '..', STAGE_ACTION_DIST);

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('the committed stage action bundle', () => {
  const scratch = mkdtemp(join(tmpdir(), 'stage-bundle-'));
  afterAll(async () => {
    await rm(await scratch, { recursive: true, force: true });
  });

  it('is exactly what the factory source builds today (run `pnpm --filter ./factory run bundle`)', async () => {
    const fresh = await scratch;
    await bundleStageAction(FACTORY_DIR, fresh);
    const [built, committed] = await Promise.all([listFiles(fresh), listFiles(COMMITTED)]);
    expect(committed, 'files in .github/actions/stage/dist').toEqual(built);
    for (const file of built) {
      const [want, have] = await Promise.all([
        readFile(join(fresh, file), 'utf8'),
        readFile(join(COMMITTED, file), 'utf8'),
      ]);
      expect(have === want, `${file} is stale: run \`pnpm --filter ./factory run bundle\``).toBe(
        true,
      );
    }
  }, 60_000);
});
