/**
 * File contents shown to the model are untrusted data: they travel in `tool_result` blocks,
 * never as instructions, and characters a person reviewing the transcript could not see are shown
 * as `⟦U+XXXX⟧`. Unlike command output (fenced and sanitised by `fenceUntrusted`), file contents
 * are revealed rather than stripped: the implementer edits files by exact match and rewrites them
 * whole, so a view with HTML comments or characters silently removed would make edits fail without
 * saying why, or drop those parts from a rewritten file.
 */
const INVISIBLE = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/gu;

/** The text with every invisible or control character spelled out. */
export function revealInvisible(text: string): string {
  return text.replace(
    INVISIBLE,
    (char) => `⟦U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`,
  );
}

/**
 * Keeps the first and last part of a long text and says how much was cut: a failing test's
 * summary is at the end, the command's first error at the start.
 */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${String(omitted)} characters omitted …]\n${text.slice(text.length - half)}`;
}
