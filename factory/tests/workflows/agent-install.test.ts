/**
 * the implementer's agent job installs the PR's dependencies before its session, outside the
 * sandbox and in a job whose later step holds the model key. Whatever the PR's head holds, that
 * install must run none of it: the step from the real workflow file is run on a head that carries
 * a pnpmfile hook and an install script, each of which would leave a mark.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const execFileAsync = promisify(execFile);

const Workflow = z.object({
  jobs: z.record(
    z.string(),
    z.object({
      steps: z
        .array(z.object({ name: z.string().optional(), run: z.string().optional() }))
        .optional(),
    }),
  ),
});

/** The `run:` of the agent job's install step, as the workflow file holds it. */
async function installCommand(): Promise<string> {
  const text = await readFile(join(REPO_ROOT, '.github/workflows/agent-stage.yml'), 'utf8');
  const steps = Object.values(Workflow.parse(parse(text)).jobs).flatMap((job) => job.steps ?? []);
  const installs = steps.filter((step) => step.run?.includes('pnpm install') === true);
  expect(installs).toHaveLength(1);
  return installs[0]?.run ?? '';
}

/** A head of this repository whose PR added a pnpmfile and a root install script. */
async function hostileHead(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hostile-head-'));
  for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml'])
    await copyFile(join(REPO_ROOT, file), join(dir, file));
  await mkdir(join(dir, 'factory'));
  await copyFile(join(REPO_ROOT, 'factory/package.json'), join(dir, 'factory/package.json'));
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  manifest.scripts.preinstall = "node -e \"require('fs').writeFileSync('script-ran', '')\"";
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(
    join(dir, '.pnpmfile.cjs'),
    "require('fs').writeFileSync(__dirname + '/pnpmfile-ran', '');\nmodule.exports = {};\n",
  );
  return dir;
}

describe('the agent job’s install of a PR’s dependencies (R-10)', { timeout: 60_000 }, () => {
  let head = '';
  afterEach(async () => {
    await rm(head, { recursive: true, force: true });
  });

  it('installs them, and runs neither the pnpmfile nor the install script the PR added', async () => {
    head = await hostileHead();
    // Offline, as in the twin: the lockfile's packages come from this checkout's store, named
    // outright since a temporary folder on another filesystem would get a store of its own.
    const { stdout: store } = await execFileAsync('pnpm', ['store', 'path'], { cwd: REPO_ROOT });
    await execFileAsync('bash', ['-c', await installCommand()], {
      cwd: head,
      env: { ...process.env, npm_config_offline: 'true', npm_config_store_dir: store.trim() },
    });
    expect(existsSync(join(head, 'node_modules/.bin/vitest'))).toBe(true);
    expect(existsSync(join(head, 'pnpmfile-ran'))).toBe(false);
    expect(existsSync(join(head, 'script-ran'))).toBe(false);
  });
});
