/**
 * Reads workflow files the way Actions does: from the repository at the event's commit, never from
 * a working tree. Keeps a bare mirror of the host's repository and fetches it before each read.
 */
import { existsSync } from 'node:fs';
import { git } from './git.ts';

export interface WorkflowFile {
  /** `.github/workflows/<file>.yml` */
  readonly path: string;
  readonly content: string;
}

export interface WorkflowSource {
  /** Fetches the mirror so commits pushed since the last call can be read. */
  readonly refresh: () => Promise<void>;
  /** Every `.github/workflows/*.yml|yaml` at `sha`, sorted by path. */
  readonly readWorkflows: (sha: string) => Promise<readonly WorkflowFile[]>;
  /** One file at `sha`, or undefined when it does not exist there. */
  readonly readFile: (sha: string, path: string) => Promise<string | undefined>;
}

const WORKFLOW_DIR = '.github/workflows/';

/** Creates a source backed by a mirror in `mirrorDir` of `gitUrl`. */
export function createWorkflowSource(
  gitUrl: string,
  mirrorDir: string,
  home: string,
): WorkflowSource {
  const options = { cwd: mirrorDir, home };
  const refresh = async (): Promise<void> => {
    if (existsSync(mirrorDir)) await git(['fetch', '--quiet', '--prune', 'origin'], options);
    else await git(['clone', '--quiet', '--mirror', gitUrl, mirrorDir], { cwd: home, home });
  };
  const readFile = async (sha: string, path: string): Promise<string | undefined> => {
    try {
      return await git(['show', `${sha}:${path}`], options);
    } catch {
      return undefined;
    }
  };
  const readWorkflows = async (sha: string): Promise<readonly WorkflowFile[]> => {
    const listing = await git(['ls-tree', '--name-only', sha, WORKFLOW_DIR], options);
    const paths = listing
      .split('\n')
      .filter((path) => /\.ya?ml$/.test(path) && path.startsWith(WORKFLOW_DIR))
      .sort();
    const files: WorkflowFile[] = [];
    for (const path of paths) {
      const content = await readFile(sha, path);
      if (content !== undefined) files.push({ path, content });
    }
    return files;
  };
  return { refresh, readWorkflows, readFile };
}
