import { describe, expect, it } from 'vitest';
import type { WorkflowDispatchConfig } from '@actions/workflow-parser/model/workflow-template';
import { resolveDispatchInputs } from '../../../src/twin/runner/index.ts';

const config = {
  inputs: {
    pr: { type: 'string', required: true },
    dry: { type: 'boolean', default: false },
    mode: { type: 'choice', options: ['fast', 'slow'], default: 'fast' },
    note: { type: 'string' },
  },
} as unknown as WorkflowDispatchConfig;

describe('resolveDispatchInputs', () => {
  it('fills defaults and types booleans', () => {
    expect(resolveDispatchInputs(config, { pr: '7', dry: 'true' })).toEqual({
      ok: true,
      inputs: { pr: '7', dry: true, mode: 'fast', note: '' },
    });
  });

  it.each([
    [{}, "Required input 'pr' not provided"],
    [{ pr: '1', other: 'x' }, 'Unexpected inputs provided: ["other"]'],
    [{ pr: '1', dry: 'maybe' }, "Provided value for input 'dry' is not a boolean"],
    [
      { pr: '1', mode: 'medium' },
      "Provided value 'medium' for input 'mode' not in the list of allowed values",
    ],
  ])('refuses %j: %s', (given, reason) => {
    expect(resolveDispatchInputs(config, given)).toEqual({ ok: false, reason });
  });

  it('accepts no inputs for a workflow that declares none, and refuses any given', () => {
    expect(resolveDispatchInputs(undefined, {})).toEqual({ ok: true, inputs: {} });
    expect(resolveDispatchInputs(undefined, { x: '1' })).toMatchObject({ ok: false });
  });
});
