/**
 * The thin reading layer: ADRs and past specs from disk into records, tokenised for ranking. Build
 * it once per process and pass it to `buildSessionPrompt` when assembling more than one prompt.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocRecord, RecordKind } from './records.ts';
import { parseRecord } from './records.ts';
import type { RecordSearch } from './ranking.ts';
import { createRecordSearch } from './ranking.ts';

export const ADR_DIR = 'docs/adr';
export const SPEC_DIR = 'specs';
const READ_CONCURRENCY = 64;

/** Every ADR and past spec of a repository, parsed and tokenised for ranking. */
export interface ContextLibrary {
  readonly adrs: readonly DocRecord[];
  readonly specs: readonly DocRecord[];
  readonly adrByNumber: ReadonlyMap<number, DocRecord>;
  readonly adrSearch: RecordSearch;
  readonly specSearch: RecordSearch;
}

/** Builds a library from records already in memory (the pure half of `readContextLibrary`). */
export function createContextLibrary(
  adrs: readonly DocRecord[],
  specs: readonly DocRecord[],
): ContextLibrary {
  return {
    adrs,
    specs,
    adrByNumber: new Map(adrs.map((r) => [r.number, r])),
    adrSearch: createRecordSearch(adrs),
    specSearch: createRecordSearch(specs),
  };
}

async function readRecords(root: string, kind: RecordKind, dir: string): Promise<DocRecord[]> {
  const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
  const files = names.filter((name) => /^\d{1,5}-.*\.md$/.test(name)).sort();
  const records: (DocRecord | undefined)[] = [];
  // In slices, so a thousand files never hold a thousand descriptors open at once.
  for (let start = 0; start < files.length; start += READ_CONCURRENCY) {
    const slice = files.slice(start, start + READ_CONCURRENCY);
    const texts = await Promise.all(
      slice.map((name) => readFile(path.join(root, dir, name), 'utf8')),
    );
    slice.forEach((name, i) => records.push(parseRecord(kind, `${dir}/${name}`, texts[i] ?? '')));
  }
  // Two files with one number would make the index ambiguous: keep the first by name.
  const byNumber = new Map<number, DocRecord>();
  for (const record of records) {
    if (record !== undefined && !byNumber.has(record.number)) byNumber.set(record.number, record);
  }
  return [...byNumber.values()];
}

/** Reads `docs/adr/NNNN-*.md` and `specs/NNNN-*.md` under `root`, ready to rank. */
export async function readContextLibrary(root: string): Promise<ContextLibrary> {
  const [adrs, specs] = await Promise.all([
    readRecords(root, 'adr', ADR_DIR),
    readRecords(root, 'spec', SPEC_DIR),
  ]);
  return createContextLibrary(adrs, specs);
}
