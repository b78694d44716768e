/**
 * The Markdown body as a real syntax tree (CommonMark + GFM), so a `## Goal` inside a code fence
 * is code, not a heading, and every node knows its line.
 */
import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { SpecSection } from './types.ts';

export function parseMarkdown(source: string): Root {
  return fromMarkdown(source, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export interface OutlineTitle {
  readonly text: string;
  readonly line: number;
}

/** A `##` section plus its top-level nodes, for the checks that look inside it. */
export interface OutlineSection extends SpecSection {
  readonly nodes: readonly RootContent[];
}

export interface Outline {
  /** Every top-level `#` heading, in order; a spec has exactly one. */
  readonly titles: readonly OutlineTitle[];
  readonly sections: readonly OutlineSection[];
}

/**
 * Splits the top level of the tree at `#` and `##` headings. Deeper headings stay inside their
 * section; text between the title and the first `##` is an untitled preface, not a section.
 */
export function readOutline(root: Root, source: string): Outline {
  const titles: OutlineTitle[] = [];
  const sections: { heading: string; line: number; nodes: RootContent[] }[] = [];
  let current: RootContent[] | undefined;
  for (const node of root.children) {
    if (node.type === 'heading' && node.depth <= 2) {
      const heading = { heading: plainText(node).trim(), line: lineOf(node), nodes: [] };
      if (node.depth === 1) titles.push({ text: heading.heading, line: heading.line });
      else sections.push(heading);
      current = node.depth === 2 ? heading.nodes : undefined;
    } else {
      current?.push(node);
    }
  }
  return {
    titles,
    sections: sections.map(({ heading, line, nodes }) => ({
      heading,
      key: sectionKey(heading),
      line,
      markdown: sourceOf(nodes, source),
      nodes,
    })),
  };
}

/** `Acceptance  Criteria:` → `acceptance criteria`. */
export function sectionKey(heading: string): string {
  return heading.toLowerCase().replace(/\s+/g, ' ').replace(/:$/, '').trim();
}

/** The text a reader sees, without Markdown syntax or HTML comments. */
export function plainText(node: Nodes): string {
  if (node.type === 'html') return '';
  if ('value' in node) return node.value;
  if ('children' in node) return node.children.map((child) => plainText(child)).join('');
  return '';
}

/** Whether nodes say anything: HTML comments (template guidance) and blank text do not count. */
export function hasText(nodes: readonly Nodes[]): boolean {
  return nodes.some((node) => plainText(node).trim() !== '');
}

/** The author's Markdown for a run of sibling nodes, trimmed. */
export function sourceOf(nodes: readonly Nodes[], source: string): string {
  const start = nodes[0]?.position?.start.offset;
  const end = nodes.at(-1)?.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end).trim();
}

export function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 1;
}
