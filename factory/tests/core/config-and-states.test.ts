import { describe, expect, it } from 'vitest';
import {
  budgetFor,
  defaultConfig,
  FactoryConfigSchema,
  maxAttempts,
} from '../../src/core/config.ts';
import {
  STATE_LABELS,
  STATES,
  labelOf,
  stateOfLabel,
  statesIn,
  withState,
} from '../../src/core/states.ts';

describe('state labels', () => {
  it('has one label per state, each with a colour and a description', () => {
    expect(STATE_LABELS.map((label) => label.name)).toEqual(STATES.map(labelOf));
    for (const label of STATE_LABELS) {
      expect(label.color).toMatch(/^[0-9a-f]{6}$/);
      expect(label.description.length).toBeGreaterThan(0);
      expect(label.description.length).toBeLessThanOrEqual(100); // GitHub's limit
    }
  });

  it('reads a state back from its label and ignores other labels', () => {
    expect(stateOfLabel('state:code-review')).toBe('code-review');
    expect(stateOfLabel('state:unknown')).toBeUndefined();
    expect(stateOfLabel('bug')).toBeUndefined();
  });

  it('swaps the state label and keeps every other label (R-04)', () => {
    const labels = ['bug', 'state:plan', 'priority', 'state:plan-review'];
    const next = withState(labels, 'implementation');
    expect(next).toEqual(['bug', 'priority', 'state:implementation']);
    expect(statesIn(next)).toEqual(['implementation']);
  });
});

describe('configuration', () => {
  it('accepts an empty file and fills every default', () => {
    const config = defaultConfig();
    expect(config.retries.plan).toBe(2);
    expect(maxAttempts(config, 'implementation')).toBe(3);
    expect(config.requiredChecks).toEqual(['factory/ci']);
    expect(config.identity.mode).toBe('default-token');
    expect(config.maxInFlight).toBe(1);
    expect(config.protectedPaths).toContain('.github/**');
  });

  it('narrows a role budget by its overrides only', () => {
    const config = FactoryConfigSchema.parse({
      budgets: { perSession: { maxDollars: 10 }, perRole: { implementer: { maxTurns: 80 } } },
    });
    expect(budgetFor(config, 'implementer')).toMatchObject({ maxTurns: 80, maxDollars: 10 });
    expect(budgetFor(config, 'planner')).toMatchObject({ maxTurns: 40, maxDollars: 10 });
  });

  it.each([
    [{ retries: { plan: -1 } }, 'retries.plan'],
    [{ retries: { plna: 1 } }, 'retries'],
    [{ models: { planner: 'claude-unknown-9' } }, 'models.planner'],
    [{ requiredChecks: [] }, 'requiredChecks'],
    [{ identity: { mode: 'pat' } }, 'identity.mode'],
    // No workflow mints an App's token: a config that asked for one is refused, not ignored.
    [{ identity: { mode: 'app' } }, 'identity.mode'],
    [{ budgets: { perRole: { janitor: {} } } }, 'budgets.perRole'],
    [{ unknownKey: true }, ''],
  ])('refuses %j with an error at %s', (input, path) => {
    const result = FactoryConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('accepts a model once it has a price', () => {
    const result = FactoryConfigSchema.safeParse({
      models: { planner: 'claude-custom' },
      prices: {
        'claude-custom': {
          inputPerMTok: 1,
          outputPerMTok: 2,
          cacheReadPerMTok: 0.1,
          cacheWritePerMTok: 1.25,
        },
        'claude-sonnet-4-6': {
          inputPerMTok: 3,
          outputPerMTok: 15,
          cacheReadPerMTok: 0.3,
          cacheWritePerMTok: 3.75,
        },
      },
    });
    expect(result.success).toBe(true);
  });
});
