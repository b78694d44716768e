/**
 * Reads workflow files the way Actions does: from the repository at the event's commit, never from
 * a working tree. Keeps a bare mirror of the host's repository, fetching only when a commit is not
 * there yet, and reads every file of a commit with one `cat-file --batch` (git processes are the
 * slow part of handling an event).
 */
import { existsSync } from 'node:fs';
import { git, gitWithInput } from './git.ts';
import type { GitOptions } from './git.ts';
import type { ChangedFilesQuery } from './path-filters.ts';

export interface WorkflowFile {
  /** `.github/workflows/<file>.yml` */
  readonly path: string;
  /** The blob's id: equal ids mean equal content, so parses can be cached by it. */
  readonly blob: string;
  readonly content: string;
}

export interface WorkflowSource {
  /** Every `.github/workflows/*.yml|yaml` at `sha`, sorted by path. */
  readonly readWorkflows: (sha: string) => Promise<readonly WorkflowFile[]>;
  /** The files `query`'s diff changes, in git's order (for `paths:` filters). */
  readonly changedFiles: (query: ChangedFilesQuery) => Promise<readonly string[]>;
}

/** Git's id of the empty tree: what a root commit's "parent" holds. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const WORKFLOW_DIR = '.github/workflows/';

interface TreeEntry {
  readonly path: string;
  readonly blob: string;
}

function parseTree(listing: string): TreeEntry[] {
  return listing
    .split('\n')
    .map((line) => /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, blob = '', path = '']) => ({ path, blob }))
    .filter(
      (entry) =>
        /\.ya?ml$/.test(entry.path) && !entry.path.slice(WORKFLOW_DIR.length).includes('/'),
    )
    .sort((left, right) => left.path.localeCompare(right.path));
}

/** Splits `cat-file --batch` output (`<oid> blob <size>\n<bytes>\n` per object) by the sizes it states. */
function parseBatch(output: Buffer): Map<string, string> {
  const blobs = new Map<string, string>();
  let offset = 0;
  while (offset < output.length) {
    const headerEnd = output.indexOf(10, offset);
    const [oid = '', , size = '0'] = output.subarray(offset, headerEnd).toString('utf8').split(' ');
    const start = headerEnd + 1;
    blobs.set(oid, output.subarray(start, start + Number(size)).toString('utf8'));
    offset = start + Number(size) + 1;
  }
  return blobs;
}

/**
 * Creates a source backed by a mirror in `mirrorDir` of `gitUrl`. `readHeader` supplies an
 * `Authorization` header for fetching over HTTP; it travels in git's environment, never its argv.
 */
export function createWorkflowSource(
  gitUrl: string,
  mirrorDir: string,
  home: string,
  readHeader: () => string | undefined,
): WorkflowSource {
  const options = { cwd: mirrorDir, home };
  const withAuth = (cwd: string): GitOptions => {
    const header = readHeader();
    return {
      cwd,
      home,
      ...(header === undefined ? {} : { config: { 'http.extraheader': header } }),
    };
  };
  const contents = new Map<string, string>();
  const fetch = async (): Promise<void> => {
    if (existsSync(mirrorDir))
      await git(['fetch', '--quiet', '--prune', 'origin'], withAuth(mirrorDir));
    else await git(['clone', '--quiet', '--mirror', gitUrl, mirrorDir], withAuth(home));
  };
  const listTree = (sha: string): Promise<string> => git(['ls-tree', sha, WORKFLOW_DIR], options);
  const readWorkflows = async (sha: string): Promise<readonly WorkflowFile[]> => {
    let listing: string;
    try {
      if (!existsSync(mirrorDir)) throw new Error('no mirror yet');
      listing = await listTree(sha);
    } catch {
      await fetch();
      listing = await listTree(sha);
    }
    const entries = parseTree(listing);
    const missing = entries.filter((entry) => !contents.has(entry.blob)).map((entry) => entry.blob);
    if (missing.length > 0) {
      const batch = parseBatch(
        await gitWithInput(['cat-file', '--batch'], `${missing.join('\n')}\n`, options),
      );
      batch.forEach((content, blob) => contents.set(blob, content));
    }
    return entries.map((entry) => ({ ...entry, content: contents.get(entry.blob) ?? '' }));
  };
  const hasCommit = (sha: string): Promise<boolean> =>
    git(['cat-file', '-e', `${sha}^{commit}`], options).then(
      () => true,
      () => false,
    );
  const diffRange = async (query: ChangedFilesQuery): Promise<readonly string[]> => {
    switch (query.kind) {
      case 'three-dot':
        return [`${query.base}...${query.head}`];
      case 'two-dot':
        return [query.base, query.head];
      case 'new-branch': {
        const others = ['--not', `--exclude=${query.branch}`, '--branches'];
        const listing = await git(['rev-list', '--reverse', query.head, ...others], options);
        const oldest = listing.split('\n')[0] ?? '';
        if (oldest === '') return [query.head, query.head];
        return [(await hasCommit(`${oldest}^`)) ? `${oldest}^` : EMPTY_TREE, query.head];
      }
    }
  };
  const changedFiles = async (query: ChangedFilesQuery): Promise<readonly string[]> => {
    // A new branch is judged against every other branch, so the mirror must know them all.
    const held =
      query.kind !== 'new-branch' &&
      existsSync(mirrorDir) &&
      (await Promise.all([query.base, query.head].map(hasCommit))).every(Boolean);
    if (!held) await fetch();
    const listing = await git(
      ['diff', '--name-only', '--no-renames', ...(await diffRange(query)), '--'],
      options,
    );
    return listing.split('\n').filter((line) => line !== '');
  };
  return { readWorkflows, changedFiles };
}
