/**
 * `parseSpec(path, text)`: a spec file in, a typed `Spec` or the findings that stop it out.
 * Never throws, whatever the text: a malformed spec is an expected input at queue time.
 */
import { readCriteria } from './criteria.ts';
import { createFinding, hasErrors, quote, sortFindings, type SpecFinding } from './findings.ts';
import { parseFrontMatter, splitFrontMatter, type FrontMatter } from './front-matter.ts';
import {
  hasText,
  parseMarkdown,
  readOutline,
  type Outline,
  type OutlineSection,
} from './markdown.ts';
import { formatSpecNumber, normalizeSpecPath, parseSpecPath } from './path.ts';
import type { AcceptanceCriterion, ParseSpecResult, Spec, SpecSection } from './types.ts';

export const GOAL_SECTION = 'goal';
export const CRITERIA_SECTION = 'acceptance criteria';

/** What could be read from a spec, complete or not: lint needs the parts even of a broken spec. */
export interface SpecReading {
  readonly number?: number;
  readonly slug?: string;
  readonly dependsOn: readonly number[];
  /** Line of the `depends-on` key, when present. */
  readonly dependsOnLine?: number;
  readonly spec?: Spec;
  readonly findings: readonly SpecFinding[];
}

/**
 * Parses `specs/NNNN-kebab-name.md`: optional front matter (`depends-on`, `priority`, `title`),
 * then a `#` title, a `## Goal` with text and an `## Acceptance criteria` task list.
 *
 * @param path repository-relative path (it carries the spec's number and name)
 * @param text the file's contents
 */
export function parseSpec(path: string, text: string): ParseSpecResult {
  const reading = readSpec(path, text);
  return reading.spec === undefined
    ? { ok: false, findings: reading.findings }
    : { ok: true, spec: reading.spec, findings: reading.findings };
}

/** The engine behind `parseSpec`, exposing partial facts for lint. */
export function readSpec(path: string, text: string): SpecReading {
  const where = parseSpecPath(path);
  const split = splitFrontMatter(text);
  const front: FrontMatter =
    split.yaml === undefined
      ? { dependsOn: [], priority: 'normal', findings: [], keyLines: {} }
      : parseFrontMatter(split.yaml);
  const outline = readOutline(parseMarkdown(split.body), split.body);
  const body = readBody(outline, split.body);
  const findings = sortFindings([
    ...where.findings,
    ...split.findings,
    ...front.findings,
    ...checkDependsOn(front, where.number),
    ...checkTitleAgreement(front, body.title),
    ...body.findings,
  ]);
  const dependsOnLine = front.keyLines['depends-on'];
  const facts = {
    ...pathParts(where),
    ...(dependsOnLine === undefined ? {} : { dependsOnLine }),
    dependsOn: front.dependsOn,
    findings,
  };
  if (hasErrors(findings) || where.number === undefined || where.slug === undefined) return facts;
  const spec: Spec = {
    path: normalizeSpecPath(path),
    number: where.number,
    slug: where.slug,
    title: body.title ?? '',
    goal: body.goal,
    acceptanceCriteria: body.criteria,
    dependsOn: [...new Set(front.dependsOn)].sort((a, b) => a - b),
    priority: front.priority,
    sections: body.sections,
  };
  return { ...facts, spec };
}

function pathParts(where: { number?: number; slug?: string }): { number?: number; slug?: string } {
  const parts: { number?: number; slug?: string } = {};
  if (where.number !== undefined) parts.number = where.number;
  if (where.slug !== undefined) parts.slug = where.slug;
  return parts;
}

interface BodyReading {
  readonly title?: string;
  readonly goal: string;
  readonly criteria: readonly AcceptanceCriterion[];
  readonly sections: readonly SpecSection[];
  readonly findings: readonly SpecFinding[];
}

function readBody(outline: Outline, source: string): BodyReading {
  const findings: SpecFinding[] = [...checkTitles(outline), ...checkDuplicateSections(outline)];
  const goal = findSection(outline, GOAL_SECTION);
  if (goal === undefined) {
    findings.push(createFinding('goal-missing', 'There is no `## Goal` section.'));
  } else if (!hasText(goal.nodes)) {
    findings.push(createFinding('goal-empty', 'The `## Goal` section says nothing.', goal.line));
  }
  const criteriaSection = findSection(outline, CRITERIA_SECTION);
  let criteria: readonly AcceptanceCriterion[] = [];
  if (criteriaSection === undefined) {
    findings.push(
      createFinding('criteria-missing', 'There is no `## Acceptance criteria` section.'),
    );
  } else {
    const reading = readCriteria(criteriaSection.nodes, source, criteriaSection.line);
    criteria = reading.criteria;
    findings.push(...reading.findings);
  }
  const sections = outline.sections.map(({ heading, key, line, markdown }) => ({
    heading,
    key,
    line,
    markdown,
  }));
  const title = outline.titles[0]?.text;
  const base = { goal: goal?.markdown ?? '', criteria, sections, findings };
  return title === undefined ? base : { ...base, title };
}

function findSection(outline: Outline, key: string): OutlineSection | undefined {
  return outline.sections.find((section) => section.key === key);
}

function checkTitles({ titles }: Outline): SpecFinding[] {
  const [first, ...others] = titles;
  if (first === undefined)
    return [createFinding('title-missing', 'There is no `# Title` heading.')];
  const findings = others.map((extra) =>
    createFinding('title-duplicated', `A second \`#\` heading, ${quote(extra.text)}.`, extra.line),
  );
  if (first.text === '')
    findings.unshift(createFinding('title-empty', 'The `#` heading is empty.', first.line));
  return findings;
}

function checkDuplicateSections({ sections }: Outline): SpecFinding[] {
  return sections
    .filter((section, index) => sections.findIndex((other) => other.key === section.key) !== index)
    .map((section) =>
      createFinding(
        'section-duplicated',
        `\`## ${section.heading}\` appears more than once.`,
        section.line,
      ),
    );
}

function checkDependsOn(front: FrontMatter, specNumber: number | undefined): SpecFinding[] {
  const line = front.keyLines['depends-on'];
  const findings: SpecFinding[] = [];
  if (specNumber !== undefined && front.dependsOn.includes(specNumber)) {
    const message = `Spec ${formatSpecNumber(specNumber)} depends on itself.`;
    findings.push(createFinding('depends-on-self', message, line));
  }
  const repeated = front.dependsOn.filter(
    (value, index) => front.dependsOn.indexOf(value) !== index,
  );
  for (const value of new Set(repeated)) {
    const message = `Spec ${formatSpecNumber(value)} is listed more than once in \`depends-on\`.`;
    findings.push(createFinding('depends-on-duplicate', message, line));
  }
  return findings;
}

function checkTitleAgreement(front: FrontMatter, title: string | undefined): SpecFinding[] {
  if (front.title === undefined || title === undefined || title === '' || front.title === title)
    return [];
  const message = `The front matter title ${quote(front.title)} differs from the heading ${quote(title)}.`;
  return [createFinding('title-mismatch', message, front.keyLines.title)];
}
