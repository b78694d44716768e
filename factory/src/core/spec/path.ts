/**
 * Spec file names: `specs/NNNN-kebab-name.md`. The number orders and identifies a spec; the name is
 * for people.
 */
import { createFinding, quote, type SpecFinding } from './findings.ts';

export const SPECS_DIR = 'specs';

/** The template people copy; it lives beside the specs but is not one. */
export const SPEC_TEMPLATE_PATH = `${SPECS_DIR}/TEMPLATE.md`;

const NUMBER_PATTERN = /^\d{4}$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface SpecPathParts {
  readonly number?: number;
  readonly slug?: string;
  readonly findings: readonly SpecFinding[];
}

/** `3` → `0003`: how spec numbers appear in file names and messages. */
export function formatSpecNumber(specNumber: number): string {
  return String(specNumber).padStart(4, '0');
}

/** Strips a leading `./`, so `./specs/0001-a.md` and `specs/0001-a.md` name the same file. */
export function normalizeSpecPath(path: string): string {
  return path.replace(/^(?:\.\/)+/, '');
}

/**
 * Checks a repository-relative path against `specs/NNNN-kebab-name.md`, reporting each way it
 * misses (folder, extension, number, name) separately so the author can fix them all at once.
 */
export function parseSpecPath(path: string): SpecPathParts {
  const normalized = normalizeSpecPath(path);
  const findings: SpecFinding[] = [];
  const inFolder = normalized.startsWith(`${SPECS_DIR}/`);
  const fileName = inFolder ? normalized.slice(SPECS_DIR.length + 1) : normalized;
  if (!inFolder || fileName.includes('/')) {
    findings.push(
      createFinding('path-not-in-specs', `${quote(path)} is not directly in \`specs/\`.`),
    );
  }
  const baseName = fileName.slice(fileName.lastIndexOf('/') + 1);
  const isMarkdown = baseName.endsWith('.md');
  if (!isMarkdown) {
    findings.push(
      createFinding('path-not-markdown', `${quote(baseName)} does not end in \`.md\`.`),
    );
  }
  const stem = isMarkdown ? baseName.slice(0, -'.md'.length) : baseName.replace(/\.[^.]*$/, '');
  const dash = stem.indexOf('-');
  const head = dash === -1 ? stem : stem.slice(0, dash);
  const slug = dash === -1 ? '' : stem.slice(dash + 1);
  const specNumber = NUMBER_PATTERN.test(head) ? Number(head) : 0;
  if (specNumber < 1) {
    findings.push(
      createFinding('path-number-malformed', `${quote(baseName)} does not start with 0001–9999.`),
    );
  }
  if (!SLUG_PATTERN.test(slug)) {
    findings.push(
      createFinding('path-slug-malformed', `${quote(baseName)} has no lowercase kebab-case name.`),
    );
  }
  return findings.length === 0 ? { number: specNumber, slug, findings } : { findings };
}

/** The spec number of a well-formed spec path, or `undefined` for any other path. */
export function specNumberOfPath(path: string): number | undefined {
  return parseSpecPath(path).number;
}

export function isSpecPath(path: string): boolean {
  return parseSpecPath(path).findings.length === 0;
}
