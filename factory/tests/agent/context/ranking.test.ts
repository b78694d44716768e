import { describe, expect, it } from 'vitest';
import type { DocRecord } from '../../../src/agent/context/records.ts';
import { parseRecord } from '../../../src/agent/context/records.ts';
import {
  commonThreshold,
  createRecordSearch,
  queryTerms,
  resolveSuccessor,
  selectQueryTerms,
} from '../../../src/agent/context/ranking.ts';
import {
  chooseAdrsInFull,
  FULL_TEXT_OVERHEAD_TOKENS,
  orderCandidates,
  splitIndexBudget,
} from '../../../src/agent/context/selection.ts';
import { indexLine, renderIndex } from '../../../src/agent/context/index-lines.ts';
import { estimateTokens } from '../../../src/agent/context/tokens.ts';

function adr(number: number, title: string, body: string, status = 'accepted'): DocRecord {
  const file = `docs/adr/${String(number).padStart(4, '0')}-x.md`;
  const record = parseRecord('adr', file, `# ${title}\n\nStatus: ${status}\n\n${body}\n`);
  if (record === undefined) throw new Error('unparsable fixture');
  return record;
}

const SUPERSEDED = adr(
  3,
  'Cache prompts',
  'The stable prefix carries a cache breakpoint.',
  'superseded by 0005',
);
const ADRS = [
  adr(1, 'Store state in labels', 'Labels are the state of a pull request on the line.'),
  adr(2, 'Retry model calls with backoff', 'Overloaded and rate limited responses are retried.'),
  SUPERSEDED,
  adr(4, 'Sandbox commands with bubblewrap', 'Agent-written code runs without network or secrets.'),
  adr(5, 'Cache prompts per role', 'Role prompt and constitution first, then the breakpoint.'),
  adr(6, 'Write transcripts as JSONL', 'Every request and response is recorded, secrets redacted.'),
];
const BY_NUMBER = new Map(ADRS.map((r) => [r.number, r]));

describe('ranking with BM25', () => {
  const search = createRecordSearch(ADRS);

  it('ranks the ADR that shares the distinctive vocabulary of the task first', () => {
    const ranked = search.rank('Run the sandbox with bubblewrap so commands have no network', 3);
    expect(ranked[0]?.number).toBe(4);
  });

  it('weights titles: a title match outranks the same word in a body', () => {
    const titled = adr(10, 'Redaction', 'Applies to every published text.');
    const mentioned = adr(11, 'Logging', 'Log lines pass through redaction before upload.');
    const ranked = createRecordSearch([mentioned, titled]).rank('redaction', 2);
    expect(ranked.map((r) => r.number)).toEqual([10, 11]);
  });

  it('scores a term the same whatever else the query asks: each query indexes its own terms', () => {
    const sandbox = adr(20, 'Sandbox', 'Bubblewrap keeps the network out of agent commands.');
    const others = [
      adr(21, 'Network policy', 'The network policy of the runners.'),
      adr(22, 'Release notes', 'Written for every tagged version.'),
    ];
    const corpus = createRecordSearch([sandbox, ...others]);
    const score = (query: string) => corpus.rank(query, 3).find((hit) => hit.number === 20)?.score;
    const [bubblewrap = 0, network = 0] = [score('bubblewrap'), score('network')];
    expect(bubblewrap > 0 && network > 0).toBe(true);
    // minisearch adds the terms' scores and multiplies the sum by how many terms matched.
    expect(score('bubblewrap network')).toBeCloseTo(2 * (bubblewrap + network), 9);
  });

  it('returns nothing for a query of stop words and numbers only', () => {
    expect(search.rank('the and of 2026 with', 5)).toEqual([]);
    expect(queryTerms('The the THE cache, cache! 42')).toEqual(['cache']);
  });
});

describe('resolveSuccessor', () => {
  it('follows superseded-by links to the ADR that holds now', () => {
    expect(resolveSuccessor(BY_NUMBER, 3)).toBe(5);
    expect(resolveSuccessor(BY_NUMBER, 1)).toBe(1);
  });

  it('stops on a cycle or a successor that does not exist', () => {
    const cycle = new Map([
      [1, adr(1, 'A', 'a', 'superseded by 0002')],
      [2, adr(2, 'B', 'b', 'superseded by 0001')],
      [3, adr(3, 'C', 'c', 'superseded by 0099')],
    ]);
    expect([1, 2]).toContain(resolveSuccessor(cycle, 1));
    expect(resolveSuccessor(cycle, 3)).toBe(3);
  });
});

describe('choosing ADRs in full', () => {
  const choice = {
    linked: [6],
    ranked: [
      { number: 3, score: 10 },
      { number: 2, score: 6 },
      { number: 1, score: 1 },
    ],
    byNumber: BY_NUMBER,
    budget: 10_000,
    minRelativeScore: 0.3,
    maxCount: 10,
  };

  it('puts linked ADRs first, then ranked ones above the relevance floor', () => {
    expect(orderCandidates(choice)).toEqual([6, 5, 2]);
  });

  it('never chooses a superseded ADR over its successor', () => {
    const chosen = chooseAdrsInFull(choice).map((r) => r.number);
    expect(chosen).toContain(5);
    expect(chosen).not.toContain(3);
  });

  it('respects the token budget, skipping one that does not fit for a smaller one that does', () => {
    const big = adr(7, 'Big', 'word '.repeat(2_000));
    const small = adr(8, 'Small', 'short');
    const byNumber = new Map([...BY_NUMBER, [7, big], [8, small]]);
    const budget = small.tokens + FULL_TEXT_OVERHEAD_TOKENS + 10;
    const chosen = chooseAdrsInFull({ ...choice, linked: [7, 8], ranked: [], byNumber, budget });
    expect(chosen.map((r) => r.number)).toEqual([8]);
  });

  it('takes nothing when the budget is spent, and stops at the count limit', () => {
    expect(chooseAdrsInFull({ ...choice, budget: 0 })).toEqual([]);
    expect(chooseAdrsInFull({ ...choice, maxCount: 1 }).map((r) => r.number)).toEqual([6]);
  });
});

describe('the compact index', () => {
  it('marks superseded ADRs with their successor', () => {
    expect(indexLine(SUPERSEDED)).toBe(
      '- 0003 [superseded by 0005] Cache prompts: The stable prefix carries a cache breakpoint.',
    );
  });

  it('lists every record in number order when they fit', () => {
    const index = renderIndex({ kind: 'adr', records: ADRS, priority: [], budget: 10_000 });
    expect(index.shown).toBe(6);
    expect(index.text.split('\n').map((l) => l.slice(2, 6))).toEqual([
      '0001',
      '0002',
      '0003',
      '0004',
      '0005',
      '0006',
    ]);
  });

  it('within a tight budget keeps priority lines first, then the newest, and says what it left out', () => {
    const many = Array.from({ length: 1_000 }, (_, i) => adr(i + 1, `Decision ${i + 1}`, 'x'));
    const index = renderIndex({ kind: 'adr', records: many, priority: [17, 3], budget: 300 });
    expect(index.tokens).toBeLessThanOrEqual(300);
    expect(index.text).toContain('- 0017 ');
    expect(index.text).toContain('- 0003 ');
    expect(index.text).toContain('- 1000 ');
    expect(index.text).not.toContain('- 0500 ');
    expect(index.text).toMatch(/… \d+ more ADRs not listed here\. Use list_files on docs\/adr/);
    expect(index.shown + Number(/… (\d+) more/.exec(index.text)?.[1])).toBe(1_000);
  });

  it('leaves out excluded records, such as the spec under work', () => {
    const index = renderIndex({
      kind: 'spec',
      records: ADRS,
      priority: [],
      exclude: new Set([2]),
      budget: 10_000,
    });
    expect(index.total).toBe(5);
    expect(index.text).not.toContain('- 0002 ');
  });
});

describe('budgets', () => {
  it('caps the index shares, so at scale full text gets most of the room', () => {
    expect(splitIndexBudget(20_000)).toEqual({ adrIndex: 3_000, specIndex: 1_500 });
    expect(splitIndexBudget(1_000)).toEqual({ adrIndex: 200, specIndex: 100 });
    expect(splitIndexBudget(-5)).toEqual({ adrIndex: 0, specIndex: 0 });
  });

  it('estimates tokens on the high side of four characters per token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a'.repeat(350))).toBe(100);
    expect(estimateTokens('東京')).toBe(2);
  });
});

describe('query terms', () => {
  it('keeps the rarest terms of a long query, dropping terms no record contains', () => {
    const frequencies = new Map([
      ['cache', 40],
      ['bubblewrap', 1],
      ['sandbox', 3],
      ['prompt', 40],
    ]);
    const terms = ['cache', 'unknown', 'prompt', 'sandbox', 'bubblewrap'];
    expect(selectQueryTerms(terms, frequencies, 2)).toEqual(['bubblewrap', 'sandbox']);
    expect(selectQueryTerms(terms, frequencies, 10)).toEqual([
      'bubblewrap',
      'sandbox',
      'cache',
      'prompt',
    ]);
  });

  it('treats terms in more than a tenth of a large corpus as too common to rank by', () => {
    expect(commonThreshold(1_000)).toBe(100);
    expect(commonThreshold(6)).toBe(5);
  });

  it('still finds the one record that shares rare words with a long, noisy query', () => {
    const noise = Array.from({ length: 60 }, (_, i) =>
      adr(100 + i, `Decision ${i}`, 'state label queue worker retry budget token cache'),
    );
    const target = adr(
      200,
      'Webhook redelivery',
      'Deduplicate redelivered webhooks by delivery id.',
    );
    const search = createRecordSearch([...noise, target]);
    const query = `${'state label queue worker retry budget token cache '.repeat(20)} redelivered`;
    expect(search.rank(query, 3)[0]?.number).toBe(200);
  });
});
