/**
 * Artifacts of one run (upload-artifact / download-artifact v4 semantics, github-mechanics §11):
 * immutable once uploaded, a second upload under the same name fails unless `overwrite`, and any
 * later job of the same run can download them.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface ArtifactStore {
  readonly names: () => readonly string[];
  /** Copies `paths` (files, or directories' contents) into the artifact `name`; returns the file count. */
  readonly upload: (name: string, paths: readonly string[], overwrite: boolean) => number;
  /** Copies the artifact's files into `target`; throws when there is no such artifact. */
  readonly download: (name: string, target: string) => void;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) => total + (entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1),
    0,
  );
}

/** Artifact names are single path segments on GitHub; refusing others keeps the store confined. */
function assertValidName(name: string): void {
  if (name === '' || /[\\/:*?"<>|\r\n]/.test(name) || name === '.' || name === '..') {
    throw new Error(`Artifact name is not valid: '${name}'`);
  }
}

/** Creates an empty store under `root`. */
export function createArtifactStore(root: string): ArtifactStore {
  const names = new Set<string>();
  const upload = (name: string, paths: readonly string[], overwrite: boolean): number => {
    assertValidName(name);
    if (names.has(name) && !overwrite) {
      throw new Error(
        `Failed to CreateArtifact: an artifact with this name already exists on the workflow run: ${name}`,
      );
    }
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const path of paths) {
      if (statSync(path).isDirectory()) cpSync(path, dir, { recursive: true });
      else cpSync(path, join(dir, basename(path)));
    }
    names.add(name);
    return countFiles(dir);
  };
  const download = (name: string, target: string): void => {
    const dir = join(root, name);
    if (!names.has(name) || !existsSync(dir))
      throw new Error(`Unable to download artifact(s): Artifact not found for name: ${name}`);
    mkdirSync(target, { recursive: true });
    cpSync(dir, target, { recursive: true });
  };
  return { names: () => [...names].sort(), upload, download };
}
