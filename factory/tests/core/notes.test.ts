import { describe, expect, it } from 'vitest';
import {
  isStatusComment,
  parseRerunNote,
  renderRerunNote,
  STATUS_MARKER,
} from '../../src/core/notes.ts';

describe('re-run notes (ADR 0002)', () => {
  it('reads back the stage and reason it was written with', () => {
    const body = renderRerunNote('plan', 'invalid-output');
    expect(body).toContain('Running **plan** again');
    expect(parseRerunNote(body)).toEqual({ stage: 'plan', reason: 'invalid-output' });
  });

  it.each([
    'no marker here',
    '<!-- factory:rerun stage=queued reason=invalid-output -->',
    '<!-- factory:rerun stage=plan reason=felt-like-it -->',
    '<!-- factory:rerun stage=deploy reason=conflict -->',
    'quoted: <!-- factory:rerun stage=plan reason=invalid-output -->',
  ])('ignores a comment without a valid marker: %s', (body) => {
    expect(parseRerunNote(body)).toBeUndefined();
  });

  it('recognises the status comment by its leading marker', () => {
    expect(isStatusComment(`${STATUS_MARKER}\n## Factory`)).toBe(true);
    expect(isStatusComment(`quote: ${STATUS_MARKER}`)).toBe(false);
  });
});
