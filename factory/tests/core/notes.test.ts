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

  it('reads back the name of the write that posted it, when it has one', () => {
    expect(parseRerunNote(renderRerunNote('merge', 'main-moved', '0a1b2c3d4e5f'))).toEqual({
      stage: 'merge',
      reason: 'main-moved',
      write: '0a1b2c3d4e5f',
    });
    expect(
      parseRerunNote('<!-- factory:rerun stage=merge reason=main-moved write=NOT-HEX -->'),
    ).toBeUndefined();
  });

  it('recognises the status comment by its leading marker', () => {
    expect(isStatusComment(`${STATUS_MARKER}\n## Factory`)).toBe(true);
    expect(isStatusComment(`quote: ${STATUS_MARKER}`)).toBe(false);
  });
});
