/**
 * The compact index of ADRs or specs: one line per record (number, status, title, one line), so the
 * agent knows what exists and can `read_file` what it needs. When every line does not fit its
 * budget, the lines that matter most for the task come first, then the most recent records, and a
 * closing line says how many were left out and how to find them.
 */
import type { DocRecord, RecordKind } from './records.ts';
import { estimateTokens } from './tokens.ts';

export interface RenderedIndex {
  readonly text: string;
  readonly shown: number;
  readonly total: number;
  readonly tokens: number;
}

export interface IndexInput {
  readonly kind: RecordKind;
  /** Every record of the kind. */
  readonly records: readonly DocRecord[];
  /** Numbers to show before any others (task-relevant ones), best first. */
  readonly priority: readonly number[];
  /** Numbers to leave out entirely (e.g. the spec under work). */
  readonly exclude?: ReadonlySet<number>;
  readonly budget: number;
}

const FOLDER: Record<RecordKind, string> = { adr: 'docs/adr', spec: 'specs' };
const NOUN: Record<RecordKind, string> = { adr: 'ADRs', spec: 'specs' };

const pad = (n: number): string => String(n).padStart(4, '0');

/** One index line: `- 0007 [superseded by 0012] Title: summary`. */
export function indexLine(record: DocRecord): string {
  const status =
    record.supersededBy !== undefined
      ? `superseded by ${pad(record.supersededBy)}`
      : record.status || 'no status';
  const summary = record.summary && record.summary !== record.title ? `: ${record.summary}` : '';
  return `- ${pad(record.number)} [${status}] ${record.title}${summary}`;
}

function footer(kind: RecordKind, omitted: number): string {
  return (
    `- … ${omitted} more ${NOUN[kind]} not listed here. Use list_files on ${FOLDER[kind]} and ` +
    `search to find them, and read_file to read one.`
  );
}

/** Records in display priority: `priority` first, then newest first. */
function byPriority(input: IndexInput): DocRecord[] {
  const exclude = input.exclude ?? new Set<number>();
  const eligible = input.records.filter((r) => !exclude.has(r.number));
  const rank = new Map(input.priority.map((n, i) => [n, i] as const));
  return eligible.sort(
    (a, b) =>
      (rank.get(a.number) ?? Infinity) - (rank.get(b.number) ?? Infinity) || b.number - a.number,
  );
}

/** Renders the index within `budget` tokens (the footer's tokens included). */
export function renderIndex(input: IndexInput): RenderedIndex {
  const entries = byPriority(input).map((record) => {
    const line = indexLine(record);
    return { number: record.number, line, cost: estimateTokens(line) + 1 };
  });
  const everything = entries.reduce((sum, e) => sum + e.cost, 0);
  let left =
    everything <= input.budget
      ? input.budget
      : input.budget - estimateTokens(footer(input.kind, entries.length)) - 1;
  const picked: typeof entries = [];
  for (const entry of entries) {
    if (entry.cost > left) continue;
    picked.push(entry);
    left -= entry.cost;
  }
  picked.sort((a, b) => a.number - b.number);
  const lines = picked.map((p) => p.line);
  const omitted = entries.length - picked.length;
  if (omitted > 0) lines.push(footer(input.kind, omitted));
  const text = lines.join('\n');
  return { text, shown: picked.length, total: entries.length, tokens: estimateTokens(text) };
}
