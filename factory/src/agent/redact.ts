/**
 * Redaction for everything the runtime writes (transcripts, outcomes, logs): the secret values it
 * was given, and anything shaped like a well-known credential, become `[REDACTED]`.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /xox[abpr]-[A-Za-z0-9-]{10,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export const REDACTED = '[REDACTED]';

/** Values shorter than this are not treated as secrets: redacting them would shred ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** A redactor for the given secret values plus the credential patterns above. */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const given = secrets.filter(
    (s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH,
  );
  // Each secret also as it appears inside a JSON string: transcripts are JSON lines.
  const known = [...new Set(given.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of known) out = out.replaceAll(secret, REDACTED);
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  };
}
