/** A forge per test with clients for each identity, cleaned up after the test. */
import { afterEach } from 'vitest';
import { createForge, type Forge, type ForgeOptions } from '../../../../src/twin/forge/index.ts';
import { createTestOctokit, type TestOctokit } from './octokit.ts';
import { createResponseValidator, type ResponseValidator } from './openapi.ts';

export const SEED_FILES = {
  'README.md': '# Widgets\n',
  'src/index.ts': 'export const answer = 42;\n',
  '.github/workflows/stage.yml': [
    'name: stage',
    'on:',
    '  workflow_dispatch:',
    '    inputs:',
    '      pr_number: { required: true }',
    '      head_sha: { required: false, default: "none" }',
    'jobs:',
    '  run:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo hi',
    '',
  ].join('\n'),
} as const;

export interface ForgeFixture {
  readonly forge: Forge;
  readonly validator: ResponseValidator;
  readonly owner: string;
  readonly repo: string;
  readonly client: (tokenOrLogin: string) => TestOctokit;
}

const open: Forge[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((forge) => forge.close()));
});

export async function startForge(options: Partial<ForgeOptions> = {}): Promise<ForgeFixture> {
  const forge = await createForge({ seed: { files: SEED_FILES }, ...options });
  open.push(forge);
  const validator = createResponseValidator();
  return {
    forge,
    validator,
    owner: forge.repository.owner,
    repo: forge.repository.name,
    client: (tokenOrLogin) => {
      const token = /^gh[ps]_/.test(tokenOrLogin) ? tokenOrLogin : forge.as(tokenOrLogin);
      return createTestOctokit(forge.apiUrl, token, validator);
    },
  };
}
