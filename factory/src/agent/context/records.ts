/**
 * ADRs (`docs/adr/NNNN-*.md`) and specs (`specs/NNNN-*.md`) as records: number, title, status and
 * a one-line summary, parsed from MADR-ish Markdown without a full Markdown parse (at 2,000 files
 * the line scan is what keeps assembly fast). Accepted shapes:
 *
 *     # 0007. Rank ADRs with BM25          (also "# ADR-0007: …", or a plain title)
 *     Status: superseded by ADR-0012       (also "* Status: …", "**Status:** …", a "## Status"
 *                                           section, or `status:` in YAML front matter)
 */
import { parse as parseYaml } from 'yaml';
import { estimateTokens } from './tokens.ts';
import { sanitizeUntrusted } from './untrusted.ts';

export type RecordKind = 'adr' | 'spec';

export interface DocRecord {
  readonly kind: RecordKind;
  /** Workspace-relative path, with forward slashes. */
  readonly path: string;
  readonly number: number;
  readonly title: string;
  /** Lower-case status word(s) as written, e.g. `accepted`, `superseded by adr-0012`; '' if none. */
  readonly status: string;
  /** The number of the record that supersedes this one, when the status says so. */
  readonly supersededBy: number | undefined;
  /** One line that says what the record is about, at most `SUMMARY_CHARS` characters. */
  readonly summary: string;
  /** The sanitised full text. */
  readonly text: string;
  /** Estimated tokens of `text`, computed once so budgeting per session stays cheap. */
  readonly tokens: number;
}

const SUMMARY_CHARS = 140;
const FILE_NUMBER = /(?:^|\/)(\d{1,5})-[^/]*\.md$/;
const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;
const STATUS_LINE = /^\s*(?:[-*]\s*)?(?:\*\*|__)?status(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$/i;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const TITLE_NUMBER = /^(?:adr|spec)?[\s#-]*\d{1,5}\s*[.:\-–—]\s*/i;
const SUPERSEDED_BY = /superseded\s+by\b[^\d]*(\d{1,5})/i;

/** The record number in a file name such as `docs/adr/0007-use-bm25.md`, if any. */
export function recordNumber(filePath: string): number | undefined {
  const match = FILE_NUMBER.exec(filePath);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function readFrontMatter(text: string): { fields: Record<string, unknown>; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (match === null) return { fields: {}, body: text };
  try {
    const data: unknown = parseYaml(match[1] ?? '');
    const fields =
      typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    return { fields, body: text.slice(match[0].length) };
  } catch {
    // A record with broken front matter is still worth indexing by its body.
    return { fields: {}, body: text.slice(match[0].length) };
  }
}

const stripMarkup = (line: string): string =>
  line
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`>#]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function oneLine(text: string): string {
  const line = stripMarkup(text);
  return line.length <= SUMMARY_CHARS ? line : `${line.slice(0, SUMMARY_CHARS - 1).trimEnd()}…`;
}

interface Scanned {
  title: string | undefined;
  status: string | undefined;
  summary: string | undefined;
}

/** One pass over the lines: first heading, status line or section, first prose paragraph line. */
function scanLines(body: string): Scanned {
  const found: Scanned = { title: undefined, status: undefined, summary: undefined };
  let inStatusSection = false;
  for (const line of body.split('\n')) {
    const heading = HEADING.exec(line);
    if (heading !== null) {
      found.title ??= heading[2];
      inStatusSection = /^status$/i.test(stripMarkup(heading[2] ?? ''));
      continue;
    }
    if (line.trim() === '') continue;
    const status = STATUS_LINE.exec(line);
    if (status !== null || inStatusSection) {
      found.status ??= stripMarkup(status?.[1] ?? line);
      inStatusSection = false;
      continue;
    }
    if (/^\s*(?:[-*]\s*)?(?:date|deciders|authors?|depends-on)\s*:/i.test(line)) continue;
    found.summary ??= line;
    if (found.title !== undefined && found.status !== undefined) break;
  }
  return found;
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/**
 * Parses one ADR or spec. Returns undefined when the path carries no record number (a README or a
 * template), since such files have no place in the numbered index.
 */
export function parseRecord(
  kind: RecordKind,
  filePath: string,
  raw: string,
): DocRecord | undefined {
  const number = recordNumber(filePath);
  if (number === undefined) return undefined;
  const text = sanitizeUntrusted(raw);
  const { fields, body } = readFrontMatter(text);
  const scanned = scanLines(body);
  const title = asText(fields.title) ?? scanned.title ?? filePath;
  const status = (asText(fields.status) ?? scanned.status ?? '').toLowerCase();
  const superseded = SUPERSEDED_BY.exec(status);
  return {
    kind,
    path: filePath,
    number,
    title: oneLine(title.replace(TITLE_NUMBER, '')),
    status: oneLine(status),
    supersededBy: superseded?.[1] === undefined ? undefined : Number(superseded[1]),
    summary: oneLine(asText(fields.description) ?? scanned.summary ?? ''),
    text,
    tokens: estimateTokens(text),
  };
}

const ADR_MENTION = /\badr[\s_#-]{0,2}0*(\d{1,5})\b/gi;
const ADR_PATH = /\badr\/0*(\d{1,5})-[\w.-]*\.md\b/gi;

/**
 * ADR numbers a text links, by path (`docs/adr/0007-x.md`) or by name (`ADR-0007`, `ADR 7`), in
 * order of first mention.
 */
export function linkedAdrNumbers(text: string): number[] {
  const found: { index: number; number: number }[] = [];
  for (const pattern of [ADR_PATH, ADR_MENTION]) {
    for (const match of text.matchAll(pattern)) {
      found.push({ index: match.index, number: Number(match[1]) });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return [...new Set(found.map((f) => f.number))];
}
