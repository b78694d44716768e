import { describe, expect, it } from 'vitest';
import {
  extractMasks,
  maskSecrets,
  parseKeyValueFile,
} from '../../../src/twin/runner/file-commands.ts';

describe('parseKeyValueFile ($GITHUB_OUTPUT, $GITHUB_ENV)', () => {
  it('reads name=value lines, keeping = signs in values, later names winning', () => {
    expect(parseKeyValueFile('a=1\nb=x=y\na=2\n')).toEqual({ a: '2', b: 'x=y' });
  });

  it('reads multi-line values between a delimiter pair', () => {
    expect(parseKeyValueFile('notes<<EOF\none\ntwo\nEOF\nafter=yes\n')).toEqual({
      notes: 'one\ntwo',
      after: 'yes',
    });
  });

  it('refuses an unterminated block and a line without =', () => {
    expect(() => parseKeyValueFile('x<<END\nnever closed\n')).toThrow(
      /Matching delimiter not found 'END'/,
    );
    expect(() => parseKeyValueFile('just words\n')).toThrow(/Invalid format 'just words'/);
  });
});

describe('masking', () => {
  it('takes ::add-mask:: commands out of the log and returns their values', () => {
    expect(extractMasks('before\n::add-mask::s3cr3t\nafter s3cr3t\n')).toEqual({
      masks: ['s3cr3t'],
      log: 'before\nafter s3cr3t\n',
    });
  });

  it('masks every occurrence, each line of a multi-line secret, and the longest secret first', () => {
    const text = 'key=abc123 again abc123\nline-one and line-two\nabc123456';
    expect(maskSecrets(text, ['abc123', 'line-one\nline-two', 'abc123456'])).toBe(
      'key=*** again ***\n*** and ***\n***',
    );
  });

  it('ignores empty and blank secrets instead of masking everything', () => {
    expect(maskSecrets('plain text', ['', '  '])).toBe('plain text');
  });
});
