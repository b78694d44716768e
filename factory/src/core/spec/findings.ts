/**
 * Everything a spec can get wrong, each with its own code, a severity and how to fix it.
 * The table is the single source of truth: parsing and lint only pick a code and say what they saw.
 */

export type SpecSeverity = 'error' | 'warning';

interface FindingRule {
  readonly severity: SpecSeverity;
  readonly howToFix: string;
}

const NAME_EXAMPLE = 'e.g. `specs/0007-export-csv.md`';

export const SPEC_FINDING_RULES = {
  'path-not-in-specs': {
    severity: 'error',
    howToFix: `Move the file into the \`specs/\` folder at the repository root, ${NAME_EXAMPLE}.`,
  },
  'path-not-markdown': {
    severity: 'error',
    howToFix: `Give the file a \`.md\` extension, ${NAME_EXAMPLE}.`,
  },
  'path-number-malformed': {
    severity: 'error',
    howToFix: `Start the file name with exactly four digits from 0001 to 9999 and a dash, ${NAME_EXAMPLE}.`,
  },
  'path-slug-malformed': {
    severity: 'error',
    howToFix: `After the number, use lowercase words of a-z and 0-9 joined by single dashes, ${NAME_EXAMPLE}.`,
  },
  'number-collision': {
    severity: 'error',
    howToFix: 'Renumber this spec to the next free number; every spec needs its own number.',
  },
  'front-matter-unclosed': {
    severity: 'error',
    howToFix: 'Close the front matter with a line containing only `---`.',
  },
  'front-matter-invalid-yaml': {
    severity: 'error',
    howToFix: 'Fix the YAML between the `---` fences (a YAML linter shows the exact spot).',
  },
  'front-matter-not-mapping': {
    severity: 'error',
    howToFix: 'Write the front matter as `key: value` lines, e.g. `priority: high`.',
  },
  'front-matter-unknown-key': {
    severity: 'error',
    howToFix: 'Use only the keys `depends-on`, `priority` and `title`; check the spelling.',
  },
  'front-matter-title-invalid': {
    severity: 'error',
    howToFix:
      'Make `title` a non-empty line of text, or remove it and rely on the `# Title` heading.',
  },
  'depends-on-invalid': {
    severity: 'error',
    howToFix:
      'Write `depends-on` as a list of spec numbers, e.g. `depends-on: [1, 3]` or `["0001"]`.',
  },
  'depends-on-self': {
    severity: 'error',
    howToFix: 'Remove this spec’s own number from `depends-on`.',
  },
  'depends-on-duplicate': {
    severity: 'warning',
    howToFix: 'List each spec number in `depends-on` once.',
  },
  'depends-on-unknown': {
    severity: 'error',
    howToFix:
      'Depend only on specs that exist (merged or queued); fix the number or queue that spec first.',
  },
  'priority-invalid': {
    severity: 'error',
    howToFix: 'Set `priority` to `high`, `normal` or `low` (or leave it out for `normal`).',
  },
  'title-missing': {
    severity: 'error',
    howToFix: 'Start the body with a level-one heading naming the change, e.g. `# Export to CSV`.',
  },
  'title-empty': {
    severity: 'error',
    howToFix: 'Write the title after the `#`, e.g. `# Export to CSV`.',
  },
  'title-duplicated': {
    severity: 'error',
    howToFix: 'Keep one `#` title; make the other headings `##` sections.',
  },
  'title-mismatch': {
    severity: 'warning',
    howToFix:
      'Make the front matter `title` and the `#` heading say the same, or drop one of them.',
  },
  'section-duplicated': {
    severity: 'error',
    howToFix: 'Merge the two sections with the same heading into one.',
  },
  'goal-missing': {
    severity: 'error',
    howToFix: 'Add a `## Goal` section saying what will be true when this spec is done, and why.',
  },
  'goal-empty': {
    severity: 'error',
    howToFix: 'Write one to three sentences under `## Goal` (comments do not count).',
  },
  'criteria-missing': {
    severity: 'error',
    howToFix:
      'Add an `## Acceptance criteria` section with a task list: `- [ ] one checkable behaviour`.',
  },
  'criteria-empty': {
    severity: 'error',
    howToFix: 'List at least one criterion under `## Acceptance criteria` as `- [ ] …`.',
  },
  'criteria-not-checklist': {
    severity: 'error',
    howToFix: 'Write each criterion as a task list item, `- [ ] …`, so review can tick it off.',
  },
  'criterion-not-checkbox': {
    severity: 'error',
    howToFix: 'Turn this item into a task list item by starting it with `- [ ] `.',
  },
  'criterion-empty': {
    severity: 'error',
    howToFix: 'Write the behaviour after the checkbox, or delete the item.',
  },
  'criterion-checked': {
    severity: 'warning',
    howToFix: 'Leave criteria unchecked (`- [ ]`) in a new spec; review ticks them off.',
  },
  'criterion-vague': {
    severity: 'warning',
    howToFix:
      'Say what a test can observe: an input and its exact output, a number, a message or a name in backticks.',
  },
} as const satisfies Record<string, FindingRule>;

export type SpecFindingCode = keyof typeof SPEC_FINDING_RULES;

export const SPEC_FINDING_CODES = Object.keys(SPEC_FINDING_RULES) as SpecFindingCode[];

/** One problem found in a spec. `line` is 1-based in the spec file, when the problem has a place. */
export interface SpecFinding {
  readonly code: SpecFindingCode;
  readonly severity: SpecSeverity;
  readonly message: string;
  readonly line?: number;
  readonly howToFix: string;
}

/** Builds a finding, taking its severity and advice from the table. */
export function createFinding(code: SpecFindingCode, message: string, line?: number): SpecFinding {
  const { severity, howToFix } = SPEC_FINDING_RULES[code];
  return line === undefined
    ? { code, severity, message, howToFix }
    : { code, severity, message, line, howToFix };
}

const MAX_QUOTED_CHARS = 60;

/**
 * Spec text quoted in a message, as one short code span. Spec text is untrusted: inside a code
 * span, Markdown, mentions and links render inert when the message is posted as a comment.
 */
export function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  const short = flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS - 1)}…` : flat;
  return `\`${short}\``;
}

export function hasErrors(findings: readonly SpecFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** Findings in file order; findings without a line (about the path) come first. */
export function sortFindings(findings: readonly SpecFinding[]): SpecFinding[] {
  return [...findings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
