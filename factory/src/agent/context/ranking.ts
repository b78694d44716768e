/**
 * Relevance ranking of ADRs and specs for a task: BM25 (BM25+, as `minisearch` implements it) over
 * title, summary and full text, with the title weighted highest. The query is the task's own text
 * reduced to its distinct content words, so a long spec costs one lookup per distinct term.
 */
import MiniSearch from 'minisearch';
import type { DocRecord } from './records.ts';

export interface Ranked {
  readonly number: number;
  readonly score: number;
}

export interface RecordSearch {
  /** Records most relevant to `query`, best first, at most `limit`. */
  rank(query: string, limit: number): Ranked[];
}

/** Words too common in specs and ADRs to say anything about relevance. */
const STOP_WORDS = new Set(
  (
    'the and for that this with from are was were will would should must can could not but have ' +
    'has had its into when then than them they their there these those which what who how all any ' +
    'each other some such only also more most very our your you use used using make made may might ' +
    'shall does done been being one two out off per via about over under after before between'
  ).split(' '),
);

/** Most distinct query terms considered; a spec rarely has more content words than this. */
const MAX_QUERY_TERMS = 400;

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** Lower-cases a term and drops short words, stop words and bare numbers. */
export function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (word.length < 3 || STOP_WORDS.has(word) || /^\d+$/.test(word)) return null;
  return word;
}

/** The distinct content words of `text`, in order of first appearance, capped. */
export function queryTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term !== null) terms.add(term);
    if (terms.size >= MAX_QUERY_TERMS) break;
  }
  return [...terms];
}

/** Builds the search index over `records` (the one-time cost; reuse the result). */
export function createRecordSearch(records: readonly DocRecord[]): RecordSearch {
  const index = new MiniSearch<DocRecord>({
    idField: 'number',
    fields: ['title', 'summary', 'text'],
    processTerm,
    searchOptions: { boost: { title: 3, summary: 2 }, combineWith: 'OR' },
  });
  index.addAll(records);
  return {
    rank(query, limit) {
      const terms = queryTerms(query);
      if (terms.length === 0 || limit <= 0) return [];
      return index
        .search({ queries: terms, combineWith: 'OR' })
        .slice(0, limit)
        .map((hit) => ({ number: Number(hit.id), score: hit.score }));
    },
  };
}

/**
 * The record that finally replaces `number`, following `superseded by` links (cycle-safe). A
 * superseded ADR is never chosen over its successor: callers rank and include the successor.
 */
export function resolveSuccessor(byNumber: ReadonlyMap<number, DocRecord>, number: number): number {
  const seen = new Set<number>();
  let current = number;
  for (;;) {
    seen.add(current);
    const next = byNumber.get(current)?.supersededBy;
    if (next === undefined || seen.has(next) || !byNumber.has(next)) return current;
    current = next;
  }
}
