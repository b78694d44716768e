/** The Actions environment a stage job sees, for job tests: a workspace, and GitHub's own URLs. */
import { join } from 'node:path';
import type { StageContext } from '../../src/entrypoints/wiring.ts';

export function actionsEnvironment(workspace: string): StageContext['env'] {
  return {
    GITHUB_REPOSITORY: 'octo-owner/line',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: join(workspace, 'event.json'),
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: workspace,
  };
}
