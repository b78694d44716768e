import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { ConfigError, parseFactoryConfig } from '../../src/core/config-file.ts';
import { TEMPLATE_NAME } from '../../src/cli/init/plan.ts';

const SHIPPED = readFileSync(new URL('../../../factory.config.yaml', import.meta.url), 'utf8');
/** `factory init` renames the project; until then this is the template itself. */
const IN_THE_TEMPLATE =
  (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      name?: string;
    }
  ).name === TEMPLATE_NAME;

describe('parseFactoryConfig()', () => {
  it('gives every default for an empty file', () => {
    expect(parseFactoryConfig('')).toEqual(defaultConfig());
  });

  it('reads the shipped factory.config.yaml: every key it sets is one the line knows', () => {
    expect(() => parseFactoryConfig(SHIPPED)).not.toThrow();
  });

  // A fork sets its own values; the template ships the defaults, spelled out.
  it.runIf(IN_THE_TEMPLATE)('ships the defaults in the template’s factory.config.yaml', () => {
    expect(parseFactoryConfig(SHIPPED)).toEqual(defaultConfig());
  });

  it('names the file and every bad key in one error', () => {
    const attempt = () =>
      parseFactoryConfig('retries:\n  plan: -1\nmaxInFlight: zero\n', 'custom.yaml');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/custom\.yaml[\s\S]*retries\.plan[\s\S]*maxInFlight/);
  });

  it('refuses a session longer than the job that runs it may last', () => {
    expect(() =>
      parseFactoryConfig('budgets:\n  perRole:\n    implementer:\n      wallClockMinutes: 90\n'),
    ).toThrow(/budgets\.perRole\.implementer\.wallClockMinutes/);
  });

  it('refuses YAML that does not parse, with the YAML error', () => {
    expect(() => parseFactoryConfig('models: [unclosed')).toThrow(/YAML:/);
  });

  it('refuses a file that is a list, not a mapping', () => {
    expect(() => parseFactoryConfig('- a\n- b\n')).toThrow(/\(top level\)/);
  });
});
