/**
 * Relevance ranking of ADRs and specs for a task: BM25 (BM25+, as `minisearch` implements it) over
 * title and full text, with the title weighted highest. The query is the task's own text reduced
 * to its rarest distinct content words (see `MAX_QUERY_TERMS`).
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

/**
 * Most query terms searched. A spec has hundreds of distinct words; searching them all costs
 * seconds (minisearch merges one result list per term), while BM25 gives the frequent ones almost
 * no weight anyway. So the query keeps its rarest terms in the corpus: the ones that carry the
 * ranking.
 */
const MAX_QUERY_TERMS = 48;

/**
 * A term in more than this share of the records (and more than `MIN_COMMON_DF` of them) is left out
 * of the index and of queries: its idf is near zero, yet each such query term costs a merge over
 * most of the corpus and each occurrence costs indexing time. In effect a stop-word list derived
 * from the corpus itself.
 */
const COMMON_SHARE = 0.1;
const MIN_COMMON_DF = 5;

/** The document frequency above which a term is too common to rank by. */
export function commonThreshold(recordCount: number): number {
  return Math.max(MIN_COMMON_DF, COMMON_SHARE * recordCount);
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** Lower-cases a term and drops short words, stop words and bare numbers. */
export function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (word.length < 3 || STOP_WORDS.has(word) || /^\d+$/.test(word)) return null;
  return word;
}

/** Every content word of `text`, processed, in order (repeats kept: BM25 counts them). */
function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const token of tokenize(text)) {
    const word = processTerm(token);
    if (word !== null) words.push(word);
  }
  return words;
}

/** The distinct content words of `text`, in order of first appearance. */
export function queryTerms(text: string): string[] {
  return [...new Set(contentWords(text))];
}

/** A record's fields as processed words joined by spaces: tokenised once, reused by the index. */
interface Prepared {
  readonly title: string;
  readonly text: string;
}

function prepare(records: readonly DocRecord[]): {
  prepared: Map<number, Prepared>;
  frequencies: Map<string, number>;
} {
  const prepared = new Map<number, Prepared>();
  const frequencies = new Map<string, number>();
  for (const record of records) {
    const title = contentWords(record.title);
    const text = contentWords(record.text);
    prepared.set(record.number, { title: title.join(' '), text: text.join(' ') });
    for (const word of new Set([...title, ...text])) {
      frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
    }
  }
  return { prepared, frequencies };
}

/**
 * The `limit` terms of `terms` that are rarest in the corpus (highest BM25 idf), dropping terms no
 * record contains. Ties keep the order of first appearance.
 */
export function selectQueryTerms(
  terms: readonly string[],
  frequencies: ReadonlyMap<string, number>,
  limit: number,
): string[] {
  return terms
    .filter((term) => (frequencies.get(term) ?? 0) > 0)
    .map((term, order) => ({ term, order, df: frequencies.get(term) ?? 0 }))
    .sort((a, b) => a.df - b.df || a.order - b.order)
    .slice(0, limit)
    .map((entry) => entry.term);
}

/**
 * Tokenises `records` once (the costly step at 1,000 records) and answers queries over them.
 *
 * A job ranks once per kind, so each query indexes only its own terms (at most
 * `MAX_QUERY_TERMS`) rather than every term of the corpus, which costs a cold start milliseconds
 * and a large library a tenth of a second. The scores are BM25's all the same: minisearch counts a
 * field's length before it filters terms, and a term's document frequency is the same in either
 * index.
 */
export function createRecordSearch(records: readonly DocRecord[]): RecordSearch {
  const { prepared, frequencies: all } = prepare(records);
  const common = commonThreshold(records.length);
  // Only terms rare enough to rank by are queried (see COMMON_SHARE).
  const frequencies = new Map([...all].filter(([, df]) => df <= common));
  return {
    rank(query, limit) {
      const terms = selectQueryTerms(queryTerms(query), frequencies, MAX_QUERY_TERMS);
      if (terms.length === 0 || limit <= 0) return [];
      return indexOf(records, prepared, new Set(terms))
        .search(terms.join(' '), { combineWith: 'OR' })
        .slice(0, limit)
        .map((hit) => ({ number: Number(hit.id), score: hit.score }));
    },
  };
}

/** A minisearch index of `records` that holds only the `wanted` terms. */
function indexOf(
  records: readonly DocRecord[],
  prepared: ReadonlyMap<number, Prepared>,
  wanted: ReadonlySet<string>,
): MiniSearch<DocRecord> {
  // Fields arrive already tokenised and processed, so the index only splits on spaces.
  const index = new MiniSearch<DocRecord>({
    idField: 'number',
    fields: ['title', 'text'],
    extractField: (record, field) =>
      field === 'number' ? record.number : prepared.get(record.number)?.[field as keyof Prepared],
    tokenize: (words) => (words === '' ? [] : words.split(' ')),
    processTerm: (word) => (wanted.has(word) ? word : null),
    searchOptions: { boost: { title: 3 } },
  });
  index.addAll(records);
  return index;
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
