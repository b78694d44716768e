/**
 * Reading the configuration file's text into a `FactoryConfig`. The caller reads the file; this
 * parses YAML and validates it, and fails with one error that names the file and every bad key.
 */
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { CONFIG_FILE, FactoryConfigSchema, type FactoryConfig } from './config.ts';

/** The configuration file is not valid; `problems` lists each key and what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(
      `${file} is not a valid factory configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.file = file;
    this.problems = problems;
  }
}

/** Parses the text of `factory.config.yaml`; an empty file gives every default. */
export function parseFactoryConfig(text: string, file: string = CONFIG_FILE): FactoryConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(file, [
      `YAML: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  const result = FactoryConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, describeIssues(result.error));
  return result.data;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length === 0 ? '(top level)' : issue.path.join('.');
    return `${where}: ${issue.message}`;
  });
}
