/**
 * The typed shape of a spec: what the queue stage, the scheduler and the agents' context builder
 * read once a spec file has been parsed.
 */
import type { SpecFinding } from './findings.ts';

export const SPEC_PRIORITIES = ['high', 'normal', 'low'] as const;
export type SpecPriority = (typeof SPEC_PRIORITIES)[number];

/** One `##` section, its body kept as the Markdown the author wrote. */
export interface SpecSection {
  /** The heading as written, e.g. `Out of scope`. */
  readonly heading: string;
  /** The heading lowercased with spaces collapsed, e.g. `out of scope`: what code matches on. */
  readonly key: string;
  /** 1-based line of the heading. */
  readonly line: number;
  /** The section's Markdown source between its heading and the next `#`/`##` heading, trimmed. */
  readonly markdown: string;
}

export interface AcceptanceCriterion {
  /**
   * The item's first paragraph after the checkbox, as Markdown on one line (inline code keeps its
   * backticks). Nested detail under an item stays in the section's `markdown`.
   */
  readonly text: string;
  readonly checked: boolean;
  /** 1-based line of the item. */
  readonly line: number;
}

export interface Spec {
  /** Repository-relative path, e.g. `specs/0001-word-count.md`. */
  readonly path: string;
  /** The number in the file name, 1–9999. */
  readonly number: number;
  /** The kebab-case name after the number, e.g. `word-count`. */
  readonly slug: string;
  /** The text of the `#` heading. */
  readonly title: string;
  /** The Markdown of the `## Goal` section. */
  readonly goal: string;
  readonly acceptanceCriteria: readonly AcceptanceCriterion[];
  /** Spec numbers this one needs merged first: unique, ascending. */
  readonly dependsOn: readonly number[];
  readonly priority: SpecPriority;
  /** Every `##` section in file order, Goal and Acceptance criteria included. */
  readonly sections: readonly SpecSection[];
}

/**
 * A spec, or why it is not one. `findings` on success holds only warnings; on failure it holds at
 * least one error (and any warnings found alongside).
 */
export type ParseSpecResult =
  | { readonly ok: true; readonly spec: Spec; readonly findings: readonly SpecFinding[] }
  | { readonly ok: false; readonly findings: readonly SpecFinding[] };
