/**
 * Specs: the public surface. `parseSpec` turns a spec file into a typed `Spec` (or findings);
 * `lintSpec` adds the checks that need the other specs. Both are pure and never throw.
 */
export { describeVagueness } from './criteria.ts';
export {
  findDependencyCycles,
  type DependencyCycles,
  type SpecDependencies,
} from './dependency-graph.ts';
export {
  SPEC_FINDING_CODES,
  SPEC_FINDING_RULES,
  hasErrors,
  type SpecFinding,
  type SpecFindingCode,
  type SpecSeverity,
} from './findings.ts';
export { lintSpec, type LintSpecInput } from './lint.ts';
export { CRITERIA_SECTION, GOAL_SECTION, parseSpec } from './parse.ts';
export {
  SPECS_DIR,
  SPEC_TEMPLATE_PATH,
  formatSpecNumber,
  isSpecPath,
  parseSpecPath,
  specNumberOfPath,
} from './path.ts';
export {
  SPEC_PRIORITIES,
  type AcceptanceCriterion,
  type ParseSpecResult,
  type Spec,
  type SpecPriority,
  type SpecSection,
} from './types.ts';
