/**
 * The operating guide names reason codes, labels, config keys and files that live in code. These
 * tests fail when the guide and the code part ways, so the guide cannot quietly rot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES, defaultConfig } from '../../src/core/config.ts';
import { PARK_REASONS } from '../../src/core/reasons.ts';
import { STATE_LABELS } from '../../src/core/states.ts';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
const GUIDE_PATH = 'docs/operating-guide.md';
const guide = readFileSync(join(REPO_ROOT, GUIDE_PATH), 'utf8');

/** The first cell of every table row that starts with an inline code span. */
function codesInTableRows(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([^`]+)` +\|/gm)].map((match) => match[1] ?? '');
}

/** The text of the section whose heading starts with `title`, up to the next `##` heading. */
function section(title: string): string {
  const start = guide.indexOf(`\n## ${title}`);
  expect(start, `no section "${title}" in ${GUIDE_PATH}`).toBeGreaterThan(-1);
  const end = guide.indexOf('\n## ', start + 1);
  return guide.slice(start, end === -1 ? undefined : end);
}

function resolvesInConfig(path: string): boolean {
  let node: unknown = defaultConfig();
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

describe(GUIDE_PATH, () => {
  it('lists every park reason code, and only real ones, in its parked pull requests table', () => {
    const listed = codesInTableRows(section('5. Review parked pull requests'));
    expect([...listed].sort()).toEqual(Object.keys(PARK_REASONS).sort());
  });

  it('shows every state label in its table of stages, in line order', () => {
    const listed = codesInTableRows(section('4. What happens after queuing'));
    const working = STATE_LABELS.map((label) => label.name).filter(
      (name) => name !== 'state:needs-attention',
    );
    expect(listed).toEqual(working);
  });

  it('names only state labels that exist', () => {
    const named = new Set(guide.match(/state:[a-z-]+/g));
    const known = new Set(STATE_LABELS.map((label) => label.name));
    expect([...named].filter((name) => !known.has(name as never))).toEqual([]);
  });

  it('names only configuration keys that exist', () => {
    const topLevel = Object.keys(defaultConfig()).join('|');
    const keyPattern = new RegExp(String.raw`\`((?:${topLevel})(?:\.[\w-]+)*)(?::[^\`]*)?\``, 'g');
    const named = [...guide.matchAll(keyPattern)].map((match) => match[1] ?? '');
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((path) => !resolvesInConfig(path))).toEqual([]);
  });

  it('links only to files that exist, and points at every role prompt', () => {
    const links = [...guide.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '');
    expect(links.length).toBeGreaterThan(0);
    const base = join(REPO_ROOT, dirname(GUIDE_PATH));
    expect(links.filter((link) => !existsSync(join(base, link)))).toEqual([]);
    for (const role of ROLES) {
      expect(existsSync(join(REPO_ROOT, '.claude/agents', `${role}.md`)), role).toBe(true);
      expect(guide).toContain(role);
    }
  });

  it('has a working table of contents', () => {
    const anchors = [...guide.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1] ?? '');
    const headings = [...guide.matchAll(/^## (.+)$/gm)].map((match) =>
      (match[1] ?? '')
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .replace(/\s/g, '-'),
    );
    expect(anchors).toEqual(headings);
  });
});
