/**
 * Secret-looking text: found in added lines before a merge (design §7) and scrubbed from anything
 * the factory publishes (comments, logs, transcripts, model requests — R-10). Patterns name the
 * kind of secret so a refusal can say what it saw without repeating it.
 */

interface SecretPattern {
  readonly kind: string;
  readonly pattern: RegExp;
}

const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'Anthropic API key', pattern: /sk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g },
  { kind: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'Stripe live key', pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/g },
  { kind: 'OpenAI API key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9]{32,}\b/g },
];

/**
 * Redaction casts a wider net than detection: hiding a harmless look-alike in a log costs nothing,
 * while a merge refusal must not fire on one. Private keys are scrubbed whole, not just their header.
 */
const REDACTION_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  ...SECRET_PATTERNS.map(({ pattern }) => pattern),
];

/** `password = "…"`-style assignments; only flagged when the value looks random (see below). */
const ASSIGNMENT =
  /\b(?:api[_-]?key|secret|token|passw(?:or)?d|credentials?)\w*["']?\s*[:=]\s*["']([^"'\s]{16,})["']/gi;

/** Bits per character above which a quoted value looks generated rather than written. */
const RANDOM_LOOKING_ENTROPY = 3.5;

export interface SecretFinding {
  readonly kind: string;
  /** Zero-based index in the scanned text. */
  readonly index: number;
}

/** Every secret-looking string in `text`, by kind and position (never the secret itself). */
export function findSecretLikeStrings(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { kind, pattern } of SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) findings.push({ kind, index: match.index });
  }
  for (const match of text.matchAll(ASSIGNMENT)) {
    const value = match[1] ?? '';
    if (shannonEntropy(value) >= RANDOM_LOOKING_ENTROPY) {
      findings.push({ kind: 'hard-coded credential', index: match.index });
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

export const REDACTED = '***';

/**
 * Replaces known secret values (also as they appear inside JSON strings, since transcripts are
 * JSON lines) and secret-looking strings with `***`. Known values shorter than 8 characters are
 * ignored: scrubbing every "abc" from a log would hide more than it protects.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let redacted = text;
  const known = [
    ...new Set(knownSecrets.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])),
  ].filter((value) => value.length >= 8);
  // Longest first, so a secret that contains another is scrubbed whole.
  for (const value of known.sort((a, b) => b.length - a.length)) {
    redacted = redacted.replaceAll(value, REDACTED);
  }
  for (const pattern of REDACTION_PATTERNS) redacted = redacted.replace(pattern, REDACTED);
  return redacted;
}

function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
