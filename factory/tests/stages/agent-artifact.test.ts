import { describe, expect, it } from 'vitest';
import {
  parseAgentArtifact,
  readSubmission,
  type AgentArtifact,
} from '../../src/stages/agent-artifact.ts';

const stopped: AgentArtifact = {
  role: 'planner',
  stopReason: 'spend-limit',
  detail: 'the model API refused for spend',
  headSha: 'a'.repeat(40),
  submission: undefined,
  model: 'claude-sonnet-4-6',
  usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  dollars: 0,
  turns: 0,
};

describe('the agent artifact between the agent job and the apply job', () => {
  it('R-15: a session stopped by a spend limit survives the trip as JSON and parks at once', () => {
    const parsed = parseAgentArtifact(JSON.stringify(stopped));
    expect(parsed?.stopReason).toBe('spend-limit');
    expect(readSubmission(parsed, 'planner')).toEqual({
      kind: 'event',
      event: { type: 'blocked', reason: 'spend-limit', detail: 'the model API refused for spend' },
    });
  });

  it('R-17: text that is not an artifact reads as an invalid output, never a write', () => {
    expect(parseAgentArtifact('{"role":"planner"}')).toBeUndefined();
    expect(readSubmission(undefined, 'planner')).toEqual({
      kind: 'event',
      event: { type: 'attempt-failed', reason: 'invalid-output' },
    });
  });

  it('R-17: a submission that fails the role’s own schema is an invalid output', () => {
    const artifact = { ...stopped, stopReason: 'submitted' as const, submission: { summary: '' } };
    const parsed = parseAgentArtifact(JSON.stringify(artifact));
    expect(readSubmission(parsed, 'planner')).toEqual({
      kind: 'event',
      event: { type: 'attempt-failed', reason: 'invalid-output' },
    });
  });
});
