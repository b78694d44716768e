/**
 * Token estimation for budgeting, without a tokenizer.
 *
 * Claude's tokenizer is not published as a library, and a round trip to the token-counting
 * endpoint per candidate document would cost more than the assembly itself. English prose and code
 * average about 3.5–4 characters per token; we divide by 3.5 so the estimate errs high and a prompt
 * assembled "within budget" stays within it. Characters outside ASCII (CJK, emoji, accented text)
 * often take a token each, so each counts as one.
 */
const ASCII_CHARS_PER_TOKEN = 3.5;

/** Estimated token count of `text` (errs high; see the module comment). */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN) + other;
}
