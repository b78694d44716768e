/**
 * Redaction for everything the runtime writes (transcripts, outcomes, logs): the secret values it
 * was given, and anything shaped like a well-known credential. One rule for the whole factory, so
 * what the runtime hides and what the line publishes are scrubbed alike (core/secrets.ts).
 */
import { REDACTED, redactSecrets } from '../core/secrets.ts';

export { REDACTED };

/** A redactor for the given secret values plus the credential patterns of the core. */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = secrets.filter((secret): secret is string => secret !== undefined);
  return (text) => redactSecrets(text, known);
}
