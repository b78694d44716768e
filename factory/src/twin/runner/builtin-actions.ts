/**
 * Built-in equivalents of the few marketplace actions the factory's workflows use. They are matched
 * by `owner/repo`, whatever `@ref` pins them, and run inside the runner instead of being downloaded.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { git } from './git.ts';
import type { JobContext } from './job-context.ts';
import { runProcess } from './process.ts';

export interface BuiltinRequest {
  readonly job: JobContext;
  readonly inputs: Readonly<Record<string, string>>;
  /** The step's process environment (for tools the action checks for). */
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** Returns the step's outputs; throws to fail the step. */
export type Builtin = (request: BuiltinRequest) => Promise<Record<string, string>>;

/** Resolves a user-given path inside the workspace; anything that would leave it is refused. */
export function resolveInWorkspace(workspace: string, path: string): string {
  const target = resolve(workspace, path);
  const rel = relative(workspace, target);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new Error(`Path '${path}' is outside the workspace`);
  return target;
}

/** The header git sends to authenticate as GitHub's `x-access-token` user. */
export function basicAuthHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

function fetchRefspec(ref: string): { refspec: string; checkout: string[] } {
  if (/^[0-9a-f]{40}$/i.test(ref))
    return { refspec: ref, checkout: ['checkout', '--quiet', '--detach', ref] };
  if (ref.startsWith('refs/tags/'))
    return { refspec: `+${ref}:${ref}`, checkout: ['checkout', '--quiet', '--detach', ref] };
  if (ref.startsWith('refs/') && !ref.startsWith('refs/heads/')) {
    return {
      refspec: `+${ref}:refs/remotes/origin/pr`,
      checkout: ['checkout', '--quiet', '--detach', 'refs/remotes/origin/pr'],
    };
  }
  const branch = ref.replace(/^refs\/heads\//, '');
  return {
    refspec: `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    checkout: ['checkout', '--quiet', '-B', branch, `refs/remotes/origin/${branch}`],
  };
}

const checkout: Builtin = async ({ job, inputs, log }) => {
  const { host, event } = job.run;
  const ownRepository = `${host.repository.owner}/${host.repository.name}`;
  const repository = inputs.repository ?? ownRepository;
  if (repository.toLowerCase() !== ownRepository.toLowerCase()) {
    throw new Error(
      `actions/checkout: only ${ownRepository} can be checked out in the twin, not ${repository}`,
    );
  }
  const dir = resolveInWorkspace(job.dirs.workspace, inputs.path ?? '');
  const ref = inputs.ref !== undefined && inputs.ref !== '' ? inputs.ref : event.sha;
  const depth = Number(inputs['fetch-depth'] ?? '1');
  const header = basicAuthHeader(
    inputs.token !== undefined && inputs.token !== '' ? inputs.token : job.token,
  );
  const base = { cwd: dir, home: job.dirs.home, signal: job.signal };
  if (existsSync(dir))
    for (const entry of readdirSync(dir))
      rmSync(resolve(dir, entry), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await git(['init', '--quiet', dir], base);
  await git(['remote', 'add', 'origin', host.gitUrl], base);
  const { refspec, checkout: checkoutArgs } = fetchRefspec(ref);
  const specs =
    depth === 0
      ? ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*', refspec]
      : [refspec];
  const depthArgs = depth > 0 ? [`--depth=${depth}`] : [];
  log(`Fetching ${ref} from ${host.gitUrl}${depth > 0 ? ` (depth ${depth})` : ''}`);
  // The header travels through the environment for this fetch only; it is written to the clone's
  // config only when the workflow lets credentials persist.
  await git(['fetch', '--quiet', '--no-tags', ...depthArgs, 'origin', ...specs], {
    ...base,
    config: { 'http.extraheader': header },
  });
  await git(checkoutArgs, base);
  if (inputs['persist-credentials'] !== 'false')
    await git(['config', '--local', 'http.extraheader', header], base);
  const commit = (await git(['rev-parse', 'HEAD'], base)).trim();
  log(`Checked out ${commit}`);
  return { ref, commit };
};

async function checkTool(
  request: BuiltinRequest,
  command: string,
  name: string,
): Promise<Record<string, string>> {
  const result = await runProcess({
    command,
    args: ['--version'],
    cwd: request.job.dirs.workspace,
    env: request.env,
    signal: request.job.signal,
  });
  if (result.exitCode !== 0)
    throw new Error(`${name}: '${command}' is not available on this machine`);
  const version = result.output.trim();
  request.log(`${command} ${version} is available`);
  return { version };
}

const setupNode: Builtin = async (request) => {
  const { version } = await checkTool(request, 'node', 'actions/setup-node');
  return { 'node-version': version ?? '' };
};

/**
 * On GitHub, `setup-node` with `cache: pnpm` restores the pnpm store between runs. The twin stands
 * in for that cache with this machine's own store and metadata cache, and makes pnpm offline, so
 * a job's `pnpm install --frozen-lockfile` links what is already here and never reaches the network.
 */
const pnpmSetup: Builtin = async (request) => {
  const found = await checkTool(request, 'pnpm', 'pnpm/action-setup');
  Object.assign(request.job.exportedEnv, {
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'),
    npm_config_offline: 'true',
  });
  return found;
};

function pathList(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('!'));
}

const uploadArtifact: Builtin = ({ job, inputs, log }) => {
  const name = inputs.name ?? 'artifact';
  const paths = pathList(inputs.path)
    .map((path) => resolveInWorkspace(job.dirs.workspace, path))
    .filter((path) => existsSync(path));
  const policy = inputs['if-no-files-found'] ?? 'warn';
  if (paths.length === 0) {
    if (policy === 'error')
      throw new Error(
        `No files were found with the provided path: ${inputs.path ?? ''}. No artifacts will be uploaded.`,
      );
    log(
      `No files were found with the provided path: ${inputs.path ?? ''}. No artifacts will be uploaded.`,
    );
    return Promise.resolve({});
  }
  const count = job.run.artifacts.upload(name, paths, inputs.overwrite === 'true');
  log(`Uploaded artifact '${name}' (${count} files)`);
  return Promise.resolve({ 'artifact-id': name });
};

const downloadArtifact: Builtin = ({ job, inputs, log }) => {
  const target = resolveInWorkspace(job.dirs.workspace, inputs.path ?? '');
  const names =
    inputs.name !== undefined && inputs.name !== '' ? [inputs.name] : job.run.artifacts.names();
  for (const name of names) {
    job.run.artifacts.download(
      name,
      inputs.name === undefined || inputs.name === '' ? resolve(target, name) : target,
    );
    log(`Downloaded artifact '${name}'`);
  }
  return Promise.resolve({ 'download-path': target });
};

const BUILTINS: Readonly<Record<string, Builtin>> = {
  'actions/checkout': checkout,
  'actions/setup-node': setupNode,
  'pnpm/action-setup': pnpmSetup,
  'actions/upload-artifact': uploadArtifact,
  'actions/download-artifact': downloadArtifact,
};

export const SUPPORTED_ACTIONS = Object.keys(BUILTINS);

/** The built-in for `owner/repo@ref` (or `owner/repo/path@ref`), if there is one. */
export function findBuiltin(uses: string): Builtin | undefined {
  const [repo = ''] = uses.split('@');
  const ownerAndName = repo.split('/').slice(0, 2).join('/').toLowerCase();
  return BUILTINS[ownerAndName];
}
