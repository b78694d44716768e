/**
 * The repository's workflows at any commit, parsed: files come from the mirror, parses are cached
 * process-wide by path and blob id (the same file parses the same for every event and every runner,
 * and parsing is the second-slowest part of handling an event, after git).
 */
import { join } from 'node:path';
import type { RunnerHost } from '../contract.ts';
import type { ChangedFilesQuery } from './path-filters.ts';
import { basicAuthHeader } from './builtin-actions.ts';
import { parseWorkflowFile } from './workflow-model.ts';
import type { Parsed, WorkflowSpec } from './workflow-model.ts';
import { createWorkflowSource } from './workflow-source.ts';
import type { WorkflowFile } from './workflow-source.ts';

export interface CatalogEntry {
  readonly path: string;
  readonly parsed: Parsed<WorkflowSpec>;
}

export interface WorkflowCatalog {
  /** Every `.github/workflows/*.yml` at `sha`, parsed; a file GitHub would reject carries its errors. */
  readonly at: (sha: string) => Promise<readonly CatalogEntry[]>;
  /** One workflow at `sha` (for `workflow_call`). */
  readonly read: (sha: string, path: string) => Promise<Parsed<WorkflowSpec>>;
  /** The files an event changed, asked of git once per diff. */
  readonly changedFiles: (query: ChangedFilesQuery) => Promise<readonly string[]>;
}

const parses = new Map<string, Promise<Parsed<WorkflowSpec>>>();

function parse(file: WorkflowFile): Promise<Parsed<WorkflowSpec>> {
  const key = `${file.path}@${file.blob}`;
  const cached = parses.get(key);
  if (cached !== undefined) return cached;
  const parsed = parseWorkflowFile(file.path, file.content);
  parses.set(key, parsed);
  return parsed;
}

/**
 * Actions reads workflow files with its own access to the repository. Over HTTP the twin's forge
 * wants a token for that too: one read-only job token, minted on first use and kept.
 */
function mirrorHeader(host: RunnerHost): () => string | undefined {
  if (!/^https?:/.test(host.gitUrl)) return () => undefined;
  let header: string | undefined;
  return () => {
    header ??= basicAuthHeader(host.issueJobToken({ contents: 'read' }).token);
    return header;
  };
}

/** Creates the catalogue of `host`'s repository, mirrored under `workDir`. */
export function createWorkflowCatalog(
  host: RunnerHost,
  workDir: string,
  home: string,
): WorkflowCatalog {
  const source = createWorkflowSource(
    host.gitUrl,
    join(workDir, 'mirror.git'),
    home,
    mirrorHeader(host),
  );
  const at = async (sha: string): Promise<readonly CatalogEntry[]> => {
    const files = await source.readWorkflows(sha);
    return Promise.all(files.map(async (file) => ({ path: file.path, parsed: await parse(file) })));
  };
  const read = async (sha: string, path: string): Promise<Parsed<WorkflowSpec>> => {
    const file = (await source.readWorkflows(sha)).find((candidate) => candidate.path === path);
    return file === undefined
      ? { ok: false, errors: [`${path} does not exist at ${sha}`] }
      : parse(file);
  };
  const diffs = new Map<string, Promise<readonly string[]>>();
  const changedFiles = (query: ChangedFilesQuery): Promise<readonly string[]> => {
    const key = JSON.stringify(query);
    let files = diffs.get(key);
    if (files === undefined) {
      files = source.changedFiles(query);
      // A failed diff is not an answer: the next event asks again.
      files.catch(() => diffs.delete(key));
      diffs.set(key, files);
    }
    return files;
  };
  return { at, read, changedFiles };
}
