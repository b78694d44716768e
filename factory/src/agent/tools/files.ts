/**
 * The file tools: read, list and search for every role; write and exact-match edit for the
 * implementer. Each takes a model-supplied path, confines it first, and throws a `ToolRefusal`
 * with a message the model can act on.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertWritable, confinePath, ToolRefusal } from '../workspace-paths.ts';
import { revealInvisible, truncateMiddle } from './visible-text.ts';

export interface FileToolContext {
  /** The workspace's real path (symlinks resolved). */
  readonly root: string;
  readonly isProtected: (relative: string) => boolean;
}

const MAX_READ_CHARS = 100_000;
const MAX_LISTED = 2_000;
const MAX_MATCHES = 200;
const MAX_SEARCHED_FILE_BYTES = 1_000_000;
/** Not workspace content: the repository's machinery and installed packages. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

function notFound(relative: string): ToolRefusal {
  return new ToolRefusal(`"${relative}" does not exist`);
}

/** A pipe, socket or device: reading or writing one could wait forever. */
function notRegular(relative: string): ToolRefusal {
  return new ToolRefusal(`"${relative}" is not a regular file`);
}

async function readText(absolute: string, relative: string): Promise<string> {
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw notFound(relative);
  if (info.isDirectory()) throw new ToolRefusal(`"${relative}" is a directory; use list_files`);
  if (!info.isFile()) throw notRegular(relative);
  const buffer = await readFile(absolute);
  if (buffer.includes(0)) throw new ToolRefusal(`"${relative}" is a binary file`);
  return buffer.toString('utf8');
}

/** `read_file`: a text file, optionally a range of lines (1-based). */
export async function readFileTool(
  context: FileToolContext,
  input: { path: string; startLine?: number | undefined; endLine?: number | undefined },
): Promise<string> {
  const target = await confinePath(context.root, input.path);
  const text = await readText(target.absolute, target.relative);
  const lines = text.split('\n');
  const start = Math.max(1, input.startLine ?? 1);
  const end = Math.min(lines.length, input.endLine ?? lines.length);
  const slice =
    input.startLine === undefined && input.endLine === undefined
      ? text
      : lines.slice(start - 1, end).join('\n');
  return revealInvisible(truncateMiddle(slice, MAX_READ_CHARS));
}

type EntryKind = 'folder' | 'file' | 'link';

async function walk(
  root: string,
  dir: string,
  visit: (relative: string, kind: EntryKind) => boolean,
): Promise<void> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const relative = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    // Symlinks are listed but never followed or read: one could lead out of the workspace.
    const kind = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'link';
    if (!visit(relative, kind)) return;
    if (kind === 'folder') await walk(root, relative, visit);
  }
}

/** `list_files`: the files under a folder, recursively, skipping `.git` and `node_modules`. */
export async function listFilesTool(
  context: FileToolContext,
  input: { path?: string | undefined },
): Promise<string> {
  const target = await confinePath(context.root, input.path ?? '.');
  const info = await stat(target.absolute).catch(() => undefined);
  if (!info?.isDirectory()) throw new ToolRefusal(`"${target.relative}" is not a folder`);
  const listed: string[] = [];
  await walk(context.root, target.relative, (relative, kind) => {
    listed.push(
      kind === 'folder' ? `${relative}/` : kind === 'link' ? `${relative} (symlink)` : relative,
    );
    return listed.length < MAX_LISTED;
  });
  const more =
    listed.length >= MAX_LISTED
      ? `\n[listing stopped at ${String(MAX_LISTED)} entries; list a subfolder]`
      : '';
  return revealInvisible(listed.join('\n') + more) || '(empty folder)';
}

/** `search`: lines containing a literal text (case-sensitive), as `path:line: text`. */
export async function searchTool(
  context: FileToolContext,
  input: { text: string; path?: string | undefined },
): Promise<string> {
  if (input.text === '') throw new ToolRefusal('search text must not be empty');
  const target = await confinePath(context.root, input.path ?? '.');
  const files: string[] = [];
  const info = await stat(target.absolute).catch(() => undefined);
  if (!info) throw notFound(target.relative);
  if (info.isDirectory()) {
    await walk(context.root, target.relative, (relative, kind) => {
      if (kind === 'file') files.push(relative);
      return true;
    });
  } else files.push(target.relative);
  const matches: string[] = [];
  for (const file of files) {
    const absolute = path.join(context.root, file);
    const found = await stat(absolute).catch(() => undefined);
    if (found?.isFile() !== true || found.size > MAX_SEARCHED_FILE_BYTES) continue;
    const buffer = await readFile(absolute).catch(() => undefined);
    if (!buffer || buffer.includes(0)) continue;
    buffer
      .toString('utf8')
      .split('\n')
      .forEach((line, index) => {
        if (matches.length < MAX_MATCHES && line.includes(input.text))
          matches.push(`${file}:${String(index + 1)}: ${line.slice(0, 300)}`);
      });
    if (matches.length >= MAX_MATCHES) break;
  }
  const more =
    matches.length >= MAX_MATCHES
      ? `\n[stopped at ${String(MAX_MATCHES)} matches; narrow the search]`
      : '';
  return revealInvisible(matches.join('\n') + more) || `no line contains "${input.text}"`;
}

/** `write_file`: creates or replaces a file (and its folders), never on a protected path. */
export async function writeFileTool(
  context: FileToolContext,
  input: { path: string; content: string },
): Promise<string> {
  const target = await confinePath(context.root, input.path);
  assertWritable(target, context.isProtected);
  const info = await stat(target.absolute).catch(() => undefined);
  if (info?.isDirectory()) throw new ToolRefusal(`"${target.relative}" is a folder`);
  if (info !== undefined && !info.isFile()) throw notRegular(target.relative);
  await mkdir(path.dirname(target.absolute), { recursive: true });
  await writeFile(target.absolute, input.content, 'utf8');
  return `wrote ${target.relative} (${String(Buffer.byteLength(input.content))} bytes)`;
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length))
    count++;
  return count;
}

/** `edit_file`: replaces exactly one occurrence of `oldText`; missing or ambiguous is refused. */
export async function editFileTool(
  context: FileToolContext,
  input: { path: string; oldText: string; newText: string },
): Promise<string> {
  const target = await confinePath(context.root, input.path);
  assertWritable(target, context.isProtected);
  if (input.oldText === '')
    throw new ToolRefusal('oldText must not be empty; use write_file to create a file');
  const text = await readText(target.absolute, target.relative);
  const count = countOccurrences(text, input.oldText);
  if (count === 0) {
    throw new ToolRefusal(
      `oldText was not found in ${target.relative}; read the file and copy the text exactly, whitespace included`,
    );
  }
  if (count > 1) {
    throw new ToolRefusal(
      `oldText occurs ${String(count)} times in ${target.relative}; include more surrounding lines so it matches once`,
    );
  }
  const at = text.indexOf(input.oldText);
  await writeFile(
    target.absolute,
    text.slice(0, at) + input.newText + text.slice(at + input.oldText.length),
    'utf8',
  );
  return `edited ${target.relative}`;
}
