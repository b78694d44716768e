/**
 * The optional YAML front matter of a spec, between `---` fences on the first lines. Unknown keys
 * are errors, not ignored: a typo such as `depends_on` must not silently drop a dependency.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import * as z from 'zod';
import { createFinding, quote, type SpecFinding, type SpecFindingCode } from './findings.ts';
import { SPEC_PRIORITIES, type SpecPriority } from './types.ts';

const OPENING_FENCE = /^\uFEFF?---[ \t]*$/;
const CLOSING_FENCE = /^(?:---|\.\.\.)[ \t]*$/;

export interface FrontMatterSplit {
  /** The YAML between the fences, or `undefined` when the file has no front matter. */
  readonly yaml?: string;
  /**
   * The whole text with the front matter blanked out (newlines kept), so Markdown positions are
   * still the file's own lines and offsets.
   */
  readonly body: string;
  readonly findings: readonly SpecFinding[];
}

/** Separates the front matter from the Markdown body. */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const lines = text.split('\n');
  if (!OPENING_FENCE.test(stripCarriageReturn(lines[0] ?? ''))) return { body: text, findings: [] };
  const closing = lines.findIndex(
    (line, index) => index > 0 && CLOSING_FENCE.test(stripCarriageReturn(line)),
  );
  if (closing === -1) {
    const message = 'The front matter opened on line 1 is never closed.';
    return { body: text, findings: [createFinding('front-matter-unclosed', message, 1)] };
  }
  const yaml = lines.slice(1, closing).join('\n');
  const blanked = lines.slice(0, closing + 1).map((line) => line.replace(/[^\r]/g, ' '));
  return { yaml, body: [...blanked, ...lines.slice(closing + 1)].join('\n'), findings: [] };
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

const KNOWN_KEYS = ['depends-on', 'priority', 'title'] as const;

/** A spec number as `3`, `"3"` or `"0003"`. */
const SpecNumberSchema = z
  .union([
    z.int(),
    z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number),
  ])
  .pipe(z.int().min(1).max(9999));

const FrontMatterSchema = z
  .object({
    'depends-on': z.array(SpecNumberSchema).default([]),
    priority: z.enum(SPEC_PRIORITIES).default('normal'),
    title: z.string().trim().min(1).optional(),
  })
  .strict();

export interface FrontMatter {
  /** As written (duplicates kept, so lint can point them out). */
  readonly dependsOn: readonly number[];
  readonly priority: SpecPriority;
  readonly title?: string;
  readonly findings: readonly SpecFinding[];
  /** 1-based line of each key present, for findings that point at one. */
  readonly keyLines: Readonly<Record<string, number>>;
}

const DEFAULTS = { dependsOn: [], priority: 'normal', keyLines: {} } as const;

/**
 * Parses the YAML between the fences into typed fields. Never throws: bad YAML, a non-mapping or
 * wrong types come back as findings (with defaults for the fields).
 */
export function parseFrontMatter(yaml: string): FrontMatter {
  const lineCounter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter });
  const [error] = document.errors;
  if (error !== undefined) {
    const line = (error.linePos?.[0].line ?? 0) + 1;
    const message = `The front matter is not valid YAML: ${firstLine(error.message)}`;
    return { ...DEFAULTS, findings: [createFinding('front-matter-invalid-yaml', message, line)] };
  }
  const value = toPlainValue(document);
  if (value instanceof Error) {
    const message = `The front matter is not valid YAML: ${firstLine(value.message)}`;
    return { ...DEFAULTS, findings: [createFinding('front-matter-invalid-yaml', message, 2)] };
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    const message = 'The front matter is a single value or a list, not `key: value` lines.';
    return { ...DEFAULTS, findings: [createFinding('front-matter-not-mapping', message, 2)] };
  }
  const keyLines = readKeyLines(document, lineCounter);
  return { ...readFields(value ?? {}, keyLines), keyLines };
}

/** `toJS` throws on alias bombs and similar resource limits; those are bad YAML here. */
function toPlainValue(document: Document): unknown {
  try {
    return document.toJS({ maxAliasCount: 50 }) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The parser's first line, minus its position: that counts YAML lines, not the file's. */
function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Lines are counted in the file, whose line 1 is the opening fence. */
function readKeyLines(document: Document, lineCounter: LineCounter): Record<string, number> {
  const lines: Record<string, number> = {};
  if (!isMap(document.contents)) return lines;
  for (const pair of document.contents.items) {
    if (isScalar(pair.key) && pair.key.range) {
      lines[String(pair.key.value)] = lineCounter.linePos(pair.key.range[0]).line + 1;
    }
  }
  return lines;
}

function readFields(
  value: object,
  keyLines: Readonly<Record<string, number>>,
): Omit<FrontMatter, 'keyLines'> {
  const parsed = FrontMatterSchema.safeParse(value);
  if (parsed.success) {
    const { 'depends-on': dependsOn, priority, title } = parsed.data;
    const findings: SpecFinding[] = [];
    return title === undefined
      ? { dependsOn, priority, findings }
      : { dependsOn, priority, title, findings };
  }
  const findings = parsed.error.issues.flatMap((issue) => describeIssue(issue, keyLines));
  return { dependsOn: [], priority: 'normal', findings };
}

const CODE_OF_KEY: Record<(typeof KNOWN_KEYS)[number], SpecFindingCode> = {
  'depends-on': 'depends-on-invalid',
  priority: 'priority-invalid',
  title: 'front-matter-title-invalid',
};

function describeIssue(
  issue: z.core.$ZodIssue,
  keyLines: Readonly<Record<string, number>>,
): SpecFinding[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      createFinding('front-matter-unknown-key', describeUnknownKey(key), keyLines[key]),
    );
  }
  const key = String(issue.path[0]);
  // A root-level issue (e.g. a YAML timestamp in place of a mapping) has no key to blame.
  const code = isKnownKey(key) ? CODE_OF_KEY[key] : 'front-matter-not-mapping';
  const where = issue.path.length > 1 ? ` (item ${String(Number(issue.path[1]) + 1)})` : '';
  return [createFinding(code, `${quote(key)}${where}: ${issue.message}.`, keyLines[key])];
}

function isKnownKey(key: string): key is (typeof KNOWN_KEYS)[number] {
  return (KNOWN_KEYS as readonly string[]).includes(key);
}

/** Names the key the author probably meant, e.g. `depends_on` or `dependsOn` → `depends-on`. */
function describeUnknownKey(key: string): string {
  const squash = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');
  const meant = KNOWN_KEYS.find((known) => squash(known) === squash(key));
  const hint = meant === undefined ? '' : ` Did you mean \`${meant}\`?`;
  return `Unknown front matter key ${quote(key)}.${hint}`;
}
