/**
 * Acceptance criteria: a GFM task list, one checkable behaviour per item. Review ticks items off,
 * so each must be something a test or a reader can decide.
 */
import type { ListItem, RootContent } from 'mdast';
import { createFinding, quote, type SpecFinding } from './findings.ts';
import { hasText, lineOf, plainText } from './markdown.ts';
import type { AcceptanceCriterion } from './types.ts';

export interface CriteriaReading {
  readonly criteria: readonly AcceptanceCriterion[];
  readonly findings: readonly SpecFinding[];
}

/** GFM needs text after a checkbox; a bare `- [ ]` parses as a plain item reading `[ ]`. */
const BARE_CHECKBOX = /^\[[ xX]?\]$/;

/** Reads the task list items of the `## Acceptance criteria` section whose heading is on `line`. */
export function readCriteria(
  nodes: readonly RootContent[],
  source: string,
  line: number,
): CriteriaReading {
  if (!hasText(nodes)) {
    return {
      criteria: [],
      findings: [createFinding('criteria-empty', 'No acceptance criteria are listed.', line)],
    };
  }
  const items = nodes.flatMap((node) => (node.type === 'list' ? node.children : []));
  const tasks = items.filter((item) => item.checked !== null && item.checked !== undefined);
  const bare = items.filter((item) => isBareCheckbox(item));
  if (tasks.length === 0 && bare.length === 0) {
    const message = 'The acceptance criteria are not a task list (`- [ ] …`).';
    return { criteria: [], findings: [createFinding('criteria-not-checklist', message, line)] };
  }
  const findings: SpecFinding[] = [];
  const criteria: AcceptanceCriterion[] = [];
  for (const item of items) {
    if (isBareCheckbox(item)) {
      findings.push(createFinding('criterion-empty', 'This criterion has no text.', lineOf(item)));
    } else if (item.checked === null || item.checked === undefined) {
      const message = `${quote(plainText(item))} is a plain bullet, not a task list item.`;
      findings.push(createFinding('criterion-not-checkbox', message, lineOf(item)));
    } else {
      const criterion = {
        text: readItemText(item, source),
        checked: item.checked,
        line: lineOf(item),
      };
      criteria.push(criterion);
      findings.push(...checkCriterion(criterion, plainText(item)));
    }
  }
  return { criteria, findings };
}

/** A list marker and a checkbox, as they open a task list item. */
const TASK_OPENING = /^(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]*/;

/**
 * The item's first block as one line of Markdown. Depending on what follows the checkbox, the
 * parser's position for that block may or may not include the checkbox, so the text starts at
 * whichever comes later.
 */
function readItemText(item: ListItem, source: string): string {
  const itemStart = item.position?.start.offset ?? 0;
  const first = item.children[0]?.position;
  if (first?.end.offset === undefined) return '';
  const opening = TASK_OPENING.exec(source.slice(itemStart, first.end.offset))?.[0] ?? '';
  const start = Math.max(itemStart + opening.length, first.start.offset ?? 0);
  return source
    .slice(start, first.end.offset)
    .trim()
    .replace(/\s*\n\s*/g, ' ');
}

function isBareCheckbox(item: ListItem): boolean {
  return (
    (item.checked === null || item.checked === undefined) &&
    BARE_CHECKBOX.test(plainText(item).trim())
  );
}

function checkCriterion(criterion: AcceptanceCriterion, text: string): SpecFinding[] {
  if (text.trim() === '') {
    return [createFinding('criterion-empty', 'This criterion has no text.', criterion.line)];
  }
  const findings: SpecFinding[] = [];
  if (criterion.checked) {
    const message = `${quote(text)} is already checked off.`;
    findings.push(createFinding('criterion-checked', message, criterion.line));
  }
  const vagueness = describeVagueness(criterion.text);
  if (vagueness !== undefined) {
    findings.push(createFinding('criterion-vague', `${quote(text)} ${vagueness}`, criterion.line));
  }
  return findings;
}

/** Words that promise quality without saying how to observe it. */
const VAGUE_TERMS = [
  'appropriate',
  'appropriately',
  'as expected',
  'better',
  'clean',
  'correctly',
  'easy',
  'efficient',
  'efficiently',
  'etc',
  'fast',
  'good',
  'gracefully',
  'intuitive',
  'nice',
  'properly',
  'quickly',
  'reasonable',
  'robust',
  'seamless',
  'seamlessly',
  'simple',
  'user-friendly',
  'works',
];

const VAGUE_PATTERN = new RegExp(`(?<![\\w-])(${VAGUE_TERMS.join('|')})(?![\\w-])`, 'i');

/** A number, something in backticks or in quotes pins the claim to an observable fact. */
const CONCRETE_PATTERN = /\d|`[^`]+`|"[^"]+"|“[^”]+”/;

const MIN_WORDS = 3;

/**
 * A deliberately modest heuristic (a warning, never an error): a criterion is vague when it is
 * under three words, or leans on a word like "properly" with no number, code or quote to pin it.
 * Returns why, or `undefined` when it reads as checkable.
 */
export function describeVagueness(markdown: string): string | undefined {
  const words = markdown.split(/\s+/).filter((word) => word !== '');
  if (words.length < MIN_WORDS) return `is too short to check (under ${MIN_WORDS} words).`;
  const vague = VAGUE_PATTERN.exec(markdown);
  if (vague?.[1] !== undefined && !CONCRETE_PATTERN.test(markdown)) {
    return `says "${vague[1]}" without a number, code or quoted text that a test could check.`;
  }
  return undefined;
}
