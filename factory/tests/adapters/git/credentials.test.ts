import { describe, expect, it } from 'vitest';
import {
  hasUrlCredentials,
  isAuthHeader,
  scrubSecrets,
  secretFormsOf,
  tokenAuthHeader,
} from '../../../src/adapters/git/credentials.ts';
import { GitError } from '../../../src/adapters/git/index.ts';

const TOKEN = 'ghs_canaryTOKEN0123456789abcdef';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

describe('git credentials', () => {
  it('builds the header GitHub accepts for a token', () => {
    expect(tokenAuthHeader(TOKEN)).toBe(`Authorization: Basic ${BASIC}`);
    expect(isAuthHeader(tokenAuthHeader(TOKEN))).toBe(true);
  });

  it.each([
    ['a second header after CRLF', `Authorization: Bearer ${TOKEN}\r\nX-Evil: 1`],
    ['a newline alone', `Authorization: Bearer ${TOKEN}\nX-Evil: 1`],
    ['another header name', `Cookie: ${TOKEN}`],
    ['no credentials', 'Authorization: Basic'],
  ])('rejects an auth header with %s', (_, header) => {
    expect(isAuthHeader(header)).toBe(false);
  });

  it('scrubs every form of a basic header: whole, encoded, decoded and the bare token', () => {
    const secrets = secretFormsOf(tokenAuthHeader(TOKEN));
    const text = [
      `header ${tokenAuthHeader(TOKEN)}`,
      `encoded ${BASIC}`,
      `decoded x-access-token:${TOKEN}`,
      `bare ${TOKEN}.`,
    ].join('\n');
    expect(scrubSecrets(text, secrets)).toBe(
      ['header ***', 'encoded ***', 'decoded ***', 'bare ***.'].join('\n'),
    );
  });

  it('scrubs a bearer token', () => {
    const secrets = secretFormsOf(`Authorization: Bearer ${TOKEN}`);
    expect(scrubSecrets(`sent ${TOKEN}`, secrets)).toBe('sent ***');
  });

  it('scrubs credentials inside any URL even when the secret is unknown', () => {
    expect(
      scrubSecrets("fatal: unable to access 'https://user:hunter2@example.com/r.git/'", []),
    ).toBe("fatal: unable to access 'https://***@example.com/r.git/'");
  });

  it('tells URLs with credentials from plain ones', () => {
    expect(hasUrlCredentials(`https://x-access-token:${TOKEN}@github.com/o/r.git`)).toBe(true);
    expect(hasUrlCredentials('https://github.com/o/r.git')).toBe(false);
    expect(hasUrlCredentials('file:///tmp/r.git')).toBe(false);
  });

  it('names the subcommand, exit code and message in a GitError', () => {
    const error = new GitError('push', 1, 'error: failed to push some refs\n');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GitError');
    expect(error.message).toBe('git push failed (exit 1): error: failed to push some refs');
    expect(new GitError('clone', undefined, '', 'stopped').message).toBe(
      'git clone failed (did not finish): stopped',
    );
  });
});
