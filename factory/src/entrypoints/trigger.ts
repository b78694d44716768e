/**
 * The event that started the workflow, turned into the line's `Trigger` (core/routing.ts). Only
 * the payload fields the line uses are read, each checked with zod.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { StageName } from '../core/line.ts';
import type { GitHubPort } from '../core/ports.ts';
import type { Trigger } from '../core/routing.ts';
import type { ActionInputs, ActionsEnvironment } from './inputs.ts';

const LabelEventSchema = z.object({
  action: z.enum(['labeled', 'unlabeled']),
  label: z.object({ name: z.string() }),
  sender: z.object({ login: z.string() }),
  pull_request: z.object({
    number: z.int().positive(),
    state: z.string(),
    head: z.object({ repo: z.object({ full_name: z.string() }).nullable() }),
    base: z.object({ repo: z.object({ full_name: z.string() }) }),
    labels: z.array(z.object({ name: z.string() })),
  }),
});

export async function readTrigger(
  env: ActionsEnvironment,
  inputs: ActionInputs,
  github: GitHubPort,
): Promise<Trigger | undefined> {
  const stage: StageName = inputs.stage;
  switch (env.GITHUB_EVENT_NAME) {
    case 'workflow_dispatch':
      return {
        kind: 'dispatch',
        stage,
        ...(inputs.pr === undefined ? {} : { pr: inputs.pr }),
        ...(inputs.expectedHeadSha === undefined
          ? {}
          : { expectedHeadSha: inputs.expectedHeadSha }),
      };
    case 'schedule':
      return stage === 'scheduler' || stage === 'watchdog'
        ? { kind: 'schedule', stage }
        : undefined;
    case 'pull_request':
    case 'pull_request_target':
      return labelTrigger(JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')), github);
    default:
      return undefined;
  }
}

async function labelTrigger(payload: unknown, github: GitHubPort): Promise<Trigger | undefined> {
  const parsed = LabelEventSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const pull = event.pull_request;
  return {
    kind: 'label',
    action: event.action,
    label: event.label.name,
    pr: {
      number: pull.number,
      open: pull.state === 'open',
      // A deleted fork has no head repository: treat it as a fork.
      isFork: pull.head.repo?.full_name !== pull.base.repo.full_name,
      labels: pull.labels.map((label) => label.name),
    },
    sender: event.sender.login,
    senderPermission: await github.permissionOf(event.sender.login),
  };
}
