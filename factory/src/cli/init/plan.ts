/**
 * What `init` changes in a fork, decided from file contents alone (no I/O), so every rule can be
 * tested on plain strings. The command reads the files, asks for a plan and writes (or diffs) it.
 *
 * `init` only ever touches a fixed set of floor and documentation files. Product code (`src/`,
 * `tests/`), specs and the lockfile are never read or written: a fork may already have built
 * there, and the template's name does not appear in them.
 */
import { checkOwner, checkProjectName, type NameCheck } from './names.ts';

/** The template's own name, which a stamped fork keeps only in its attribution lines. */
export const TEMPLATE_NAME = 'software-factory';

/** The line `init` adds to the README so the fork still says where it came from. */
export const ATTRIBUTION = `Built from the ${TEMPLATE_NAME} template.`;

/** What the fork is called: its project name and, when known, its GitHub owner. */
export interface StampNames {
  readonly name: string;
  readonly owner?: string | undefined;
}

/** One file `init` would rewrite, with its text before and after. */
export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

type Rule = (text: string, names: StampNames) => string;

/** Files at fixed paths that name the project: package manifests, the router files, config. */
const STAMPED_FILES = new Set([
  'package.json',
  'factory/package.json',
  'README.md',
  'CLAUDE.md',
  'AGENTS.md',
  'factory.config.yaml',
  'pnpm-workspace.yaml',
]);

/** Folders of the floor and its documentation, whose every text file is stamped. */
const STAMPED_FOLDERS = ['docs/', '.claude/', '.github/', '.ci/'];

/** Whether `init` stamps this repository-relative path. */
export function isStampTarget(path: string): boolean {
  return STAMPED_FILES.has(path) || STAMPED_FOLDERS.some((folder) => path.startsWith(folder));
}

/** Every occurrence of the template's name, whatever its case, outside attribution lines. */
const renameProject: Rule = (text, { name }) =>
  text
    .split('\n')
    .map((line) => (line.trim() === ATTRIBUTION ? line : line.replace(TEMPLATE_PATTERN, name)))
    .join('\n');

const TEMPLATE_PATTERN = new RegExp(TEMPLATE_NAME, 'gi');

/**
 * The owner segment of GitHub links and badges that point at the project, e.g.
 * `github.com/<owner>/<name>` and `img.shields.io/github/.../<owner>/<name>/...`. Runs after
 * `renameProject`, so it matches the new name.
 */
const setOwner: Rule = (text, { name, owner }) => {
  if (owner === undefined) return text;
  const pattern = new RegExp(
    String.raw`(github\.com[/:]|githubusercontent\.com/|shields\.io/github/(?:[a-z-]+/)*)[A-Za-z0-9-]+/${escapeRegExp(name)}(?=[^A-Za-z0-9_-]|$)`,
    'g',
  );
  return text.replace(pattern, `$1${owner}/${name}`);
};

/** The README keeps one line saying which template the fork was built from. */
const keepAttribution: Rule = (text) => {
  if (text.split('\n').some((line) => line.trim() === ATTRIBUTION)) return text;
  return `${text.trimEnd()}\n\n${ATTRIBUTION}\n`;
};

const COMMON_RULES: readonly Rule[] = [renameProject, setOwner];

/** The rules each target gets, in order. */
function rulesFor(path: string): readonly Rule[] {
  return path === 'README.md' ? [...COMMON_RULES, keepAttribution] : COMMON_RULES;
}

/** The text of one file after stamping; unchanged text means there is nothing to do. */
export function stampText(path: string, text: string, names: StampNames): string {
  return rulesFor(path).reduce((current, rule) => rule(current, names), text);
}

/**
 * The changes that stamp `names` into the given files (path → text). Files outside the fixed
 * target set, and binary files, are left alone. An empty list means the fork is already stamped.
 */
export function planStamp(files: ReadonlyMap<string, string>, names: StampNames): FileChange[] {
  const changes: FileChange[] = [];
  for (const [path, before] of files) {
    if (!isStampTarget(path) || before.includes('\0')) continue;
    const after = stampText(path, before, names);
    if (after !== before) changes.push({ path, before, after });
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Whether `init --name` may run on a checkout whose root package is called `current`: on a fresh
 * fork, or again with the same name (which restamps anything a template update brought in). A
 * fork stamped with another name is refused: its name is now ordinary text that a blind
 * replacement could mangle.
 */
export function checkStampRequest(current: string | undefined, names: StampNames): NameCheck {
  const name = checkProjectName(names.name);
  if (!name.ok) return name;
  if (names.owner !== undefined) {
    const owner = checkOwner(names.owner);
    if (!owner.ok) return owner;
  }
  if (names.name === TEMPLATE_NAME) {
    return { ok: false, reason: `"${TEMPLATE_NAME}" is the template's name: choose your own` };
  }
  if (current === TEMPLATE_NAME || current === names.name) return { ok: true };
  return {
    ok: false,
    reason: `this checkout is already stamped as "${current ?? '(no name)'}"; init stamps a fresh fork once (re-running with the same name is fine). Rename it by hand instead.`,
  };
}

/** The `name` of a package.json text, or undefined when it has none. */
export function readPackageName(packageJson: string): string | undefined {
  const parsed: unknown = JSON.parse(packageJson);
  if (typeof parsed !== 'object' || parsed === null || !('name' in parsed)) return undefined;
  return typeof parsed.name === 'string' ? parsed.name : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
