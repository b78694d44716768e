/**
 * Credentials for git over HTTPS. They travel as an `Authorization` header given to one git
 * process at a time (as actions/checkout does), never in a remote URL or `.git/config`, where a
 * later agent session could read them, and every text that leaves this adapter is scrubbed.
 */

const HEADER = /^Authorization:\s*(\S+)\s+(\S+)$/i;
/** `scheme://user:secret@host`: git echoes remote URLs in its messages. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
const HAS_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i;
const REDACTED = '***';

/** The header that authenticates git with a GitHub token (HTTP basic, `x-access-token`). */
export function tokenAuthHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Whether a header is one `Authorization: <scheme> <credentials>` line. A CR or LF would let the
 * caller smuggle a second header into every request git makes.
 */
export function isAuthHeader(header: string): boolean {
  return !/[\r\n\0]/.test(header) && HEADER.test(header);
}

/**
 * Every form in which a header's secret could be echoed: the whole header, its credentials and,
 * for HTTP basic, the decoded `user:password` and the password alone.
 */
export function secretFormsOf(header: string): string[] {
  const match = HEADER.exec(header);
  if (match === null) return [header];
  const [, scheme = '', credentials = ''] = match;
  const forms = [header, credentials];
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    forms.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
  }
  // Short fragments would redact ordinary words; a real token is never this short.
  return forms.filter((form) => form.length >= 8);
}

/** Replaces every known secret and any credentials embedded in a URL with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const secret of longestFirst) scrubbed = scrubbed.replaceAll(secret, REDACTED);
  return scrubbed.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** Whether a remote URL carries credentials, which git would then store in `.git/config`. */
export function hasUrlCredentials(url: string): boolean {
  return HAS_USERINFO.test(url.trim());
}
