/**
 * `lintSpec`: everything `parseSpec` checks, plus the checks that need to know the other specs
 * (number collisions, unknown dependencies). The queue stage parks a spec with any error.
 */
import { createFinding, quote, sortFindings, type SpecFinding } from './findings.ts';
import { readSpec, type SpecReading } from './parse.ts';
import { formatSpecNumber, normalizeSpecPath, specNumberOfPath } from './path.ts';

export interface LintSpecInput {
  /** Repository-relative path of the spec, e.g. `specs/0007-export-csv.md`. */
  readonly path: string;
  readonly text: string;
  /**
   * Paths of every spec file the repository knows (on the default branch and in open spec PRs).
   * This spec's own path may be among them; other paths that are not spec files are ignored.
   */
  readonly existingSpecPaths: readonly string[];
  /** Further spec numbers that count as existing for `depends-on`, beyond `existingSpecPaths`. */
  readonly knownSpecNumbers?: readonly number[];
}

/**
 * All findings for one spec, errors and warnings, in file order. Never throws. A spec may be
 * queued when no finding has severity `error`.
 */
export function lintSpec(input: LintSpecInput): SpecFinding[] {
  const reading = readSpec(input.path, input.text);
  const others = input.existingSpecPaths
    .map(normalizeSpecPath)
    .filter((path) => path !== normalizeSpecPath(input.path));
  return sortFindings([
    ...reading.findings,
    ...checkCollisions(reading.number, others),
    ...checkDependenciesExist(reading, others, input.knownSpecNumbers ?? []),
  ]);
}

/** Same number, different file: two specs would claim one identity (and one plan file). */
function checkCollisions(specNumber: number | undefined, others: readonly string[]): SpecFinding[] {
  if (specNumber === undefined) return [];
  const clashes = others.filter((path) => specNumberOfPath(path) === specNumber);
  if (clashes.length === 0) return [];
  const list = clashes.map(quote).join(', ');
  const message = `Spec number ${formatSpecNumber(specNumber)} is already used by ${list}.`;
  return [createFinding('number-collision', message)];
}

/** A dependency on a spec nobody wrote would keep this one waiting forever. */
function checkDependenciesExist(
  reading: SpecReading,
  others: readonly string[],
  knownSpecNumbers: readonly number[],
): SpecFinding[] {
  const known = new Set([...others.map(specNumberOfPath), ...knownSpecNumbers]);
  const unknown = [...new Set(reading.dependsOn)].filter(
    // Depending on itself is already its own finding.
    (dep) => dep !== reading.number && !known.has(dep),
  );
  return unknown.map((dep) => {
    const message = `\`depends-on\` names spec ${formatSpecNumber(dep)}, which does not exist.`;
    return createFinding('depends-on-unknown', message, reading.dependsOnLine);
  });
}
