/** `pnpm --filter ./factory run bundle`: rebuilds the committed stage action bundle. */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleStageAction, STAGE_ACTION_DIST } from './bundle.ts';

const factoryDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = join(factoryDir, '..', STAGE_ACTION_DIST);
await rm(outdir, { recursive: true, force: true });
await bundleStageAction(factoryDir, outdir);
process.stdout.write(`bundled the stage action into ${STAGE_ACTION_DIST}\n`);
