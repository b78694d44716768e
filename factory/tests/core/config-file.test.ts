import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.ts';
import { ConfigError, parseFactoryConfig } from '../../src/core/config-file.ts';

describe('parseFactoryConfig()', () => {
  it('gives every default for an empty file', () => {
    expect(parseFactoryConfig('')).toEqual(defaultConfig());
  });

  it('reads the shipped factory.config.yaml, which spells out the defaults', () => {
    const text = readFileSync(new URL('../../../factory.config.yaml', import.meta.url), 'utf8');
    expect(parseFactoryConfig(text)).toEqual(defaultConfig());
  });

  it('names the file and every bad key in one error', () => {
    const attempt = () =>
      parseFactoryConfig('retries:\n  plan: -1\nmaxInFlight: zero\n', 'custom.yaml');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/custom\.yaml[\s\S]*retries\.plan[\s\S]*maxInFlight/);
  });

  it('refuses YAML that does not parse, with the YAML error', () => {
    expect(() => parseFactoryConfig('models: [unclosed')).toThrow(/YAML:/);
  });

  it('refuses a file that is a list, not a mapping', () => {
    expect(() => parseFactoryConfig('- a\n- b\n')).toThrow(/\(top level\)/);
  });
});
