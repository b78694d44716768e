import { describe, expect, it } from 'vitest';
import { runDemoCommand } from '../../src/cli/commands/demo.ts';
import type { DemoOptions, DemoResult } from '../../src/demo/run-demo.ts';

const merged: DemoResult = {
  outcome: 'merged',
  pr: 1,
  stages: [
    {
      stage: 'plan',
      attempt: 1,
      conclusion: 'success: PR #1 → `state:plan-review`',
      ms: 4_200,
      dollars: 0.02,
    },
  ],
  githubRequests: 83,
  gitRequests: 103,
  modelRequests: 6,
  tokens: 43_608,
  ms: 55_100,
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), color: false },
    out,
    err,
  };
}

/** Plays the line's result back, reporting each stage as the real run does. */
function playing(result: DemoResult) {
  return (options: DemoOptions) => {
    for (const stage of result.stages) options.onStage?.(stage);
    return Promise.resolve(result);
  };
}

describe('factory demo', () => {
  it('says the model is scripted, shows each stage, and exits 0 when the spec merged', async () => {
    const { io, out, err } = capture();
    expect(await runDemoCommand('/repo', {}, io, playing(merged))).toBe(0);
    expect(err.join('\n')).toContain('The model is scripted');
    expect(err.join('\n')).toMatch(/✔ plan\s+4\.2 s {2}PR #1 → `state:plan-review`/);
    expect(out.join('\n')).toContain('PR #1 merged.');
  });

  it('--json prints exactly one JSON object with the outcome, stages and counts', async () => {
    const { io, out, err } = capture();
    await runDemoCommand('/repo', { json: true }, io, playing(merged));
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toEqual(merged);
  });

  it('exits 1 and names the reason when the spec parked instead', async () => {
    const parked: DemoResult = {
      ...merged,
      outcome: 'needs-attention',
      reason: 'protected-path: .github/workflows/x.yml',
    };
    const { io, out } = capture();
    expect(await runDemoCommand('/repo', {}, io, playing(parked))).toBe(1);
    expect(out.join('\n')).toContain(
      'PR #1 needs-attention: protected-path: .github/workflows/x.yml',
    );
  });
});
