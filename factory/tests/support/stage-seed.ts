/**
 * What test forges are seeded with to stand in for the line: a dispatchable workflow per stage
 * (taking the inputs every stage takes, which the forge checks on dispatch) and the scopes a stage
 * job's token holds.
 */
import type { TokenScopes } from '../../src/twin/contract.ts';

export const FACTORY_LOGIN = 'github-actions[bot]';

/** What a stage job's `permissions:` grant: everything the apply and merge jobs write. */
export const JOB_SCOPES: TokenScopes = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  'pull-requests': 'write',
  statuses: 'write',
};

/**
 * A dispatchable stage workflow that does nothing but echo; `labelled` also starts it on label
 * events, as the line's own do.
 */
export function stageWorkflow(name: string, labelled = false): string {
  return [
    `name: ${name}`,
    'on:',
    ...(labelled ? ['  pull_request_target:', '    types: [labeled]'] : []),
    '  workflow_dispatch:',
    '    inputs:',
    '      pr: { required: false }',
    '      expected_head_sha: { required: false }',
    '      dispatch_id: { required: false }',
    'permissions: {}',
    'jobs:',
    '  run:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo stage',
    '',
  ].join('\n');
}

/** `.github/workflows/<stage>.yml` for each stage named. */
export function stageWorkflowFiles(
  stages: readonly string[],
  labelled = false,
): Record<string, string> {
  return Object.fromEntries(
    stages.map((stage) => [`.github/workflows/${stage}.yml`, stageWorkflow(stage, labelled)]),
  );
}
