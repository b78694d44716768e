import { describe, expect, it } from 'vitest';
import { PARK_REASONS, resumeStageOf, type ParkReason } from '../../src/core/reasons.ts';
import { labelOf } from '../../src/core/states.ts';

describe('park reasons', () => {
  it('send a PR back, in their advice, to the stage `factory resume` restarts by default', () => {
    for (const reason of Object.keys(PARK_REASONS) as ParkReason[]) {
      const stage = resumeStageOf(reason);
      if (stage !== undefined) expect(PARK_REASONS[reason].howToProceed).toContain(labelOf(stage));
    }
  });
});
