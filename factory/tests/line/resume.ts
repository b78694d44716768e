/**
 * A person resumes a parked PR in one step, through the real workflows: a writer sets the label of
 * the stage to restart at on top of `state:needs-attention`, as the status comment tells them to.
 * The line takes the park off and runs the stage, whose attempts count again from the person's
 * move (ADR 0002, R-05). Sent on the line parked by a plan rejected every time.
 */
import { describe, expect, it } from 'vitest';
import { parseLedger } from '../../src/core/status.ts';
import type { Twin } from '../../src/twin/index.ts';
import { watchFromNow, writerLabels } from './watch.ts';

export interface Resume {
  /** State-label events from the writer's label on, oldest first. */
  readonly labelEvents: readonly {
    readonly event: string;
    readonly label: string;
    readonly actor: string;
  }[];
  /** The roles the model was asked for since, in order. */
  readonly rolesAsked: readonly string[];
  readonly labels: readonly string[];
  readonly status: string;
}

interface LabelEvent {
  readonly event: string;
  readonly label?: { readonly name: string };
  readonly actor?: { readonly login: string };
}

/** `writer` sets `label` on the parked `pr`, keeping its labels, and the line runs to rest. */
export async function resumeByHand(twin: Twin, pr: number, label: string): Promise<Resume> {
  const watch = watchFromNow(twin);
  const asked = twin.model.requests.length;
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}/issues/${String(pr)}`;
  const headers = { authorization: `token ${twin.forge.as('writer')}` };
  const timelineBefore = (await readTimeline(api, headers)).length;
  await writerLabels(twin, pr, label);
  await twin.settle();
  const comments = (await (await fetch(`${api}/comments?per_page=100`, { headers })).json()) as {
    body: string;
  }[];
  return {
    labelEvents: (await readTimeline(api, headers))
      .slice(timelineBefore)
      .filter((entry) => entry.label?.name.startsWith('state:') === true)
      .map((entry) => ({
        event: entry.event,
        label: entry.label?.name ?? '',
        actor: entry.actor?.login ?? '',
      })),
    rolesAsked: twin.model.requests.slice(asked).map((request) => request.role ?? '?'),
    labels: await watch.labelsOf(pr),
    status: comments.find((comment) => comment.body.includes('Factory status'))?.body ?? '',
  };
}

async function readTimeline(api: string, headers: Record<string, string>): Promise<LabelEvent[]> {
  return (await (await fetch(`${api}/timeline?per_page=100`, { headers })).json()) as LabelEvent[];
}

export function describeResume(resume: () => Resume): void {
  describe('a parked PR a writer resumes in one step', () => {
    it('has the park taken off by the line when the writer sets state:plan on top of it', () => {
      expect(resume().labelEvents.slice(0, 2)).toEqual([
        { event: 'labeled', label: 'state:plan', actor: 'writer' },
        { event: 'unlabeled', label: 'state:needs-attention', actor: 'github-actions[bot]' },
      ]);
    });

    it('runs the plan stage again, its attempts counted from the writer’s move: three more rounds, then parks (R-05)', () => {
      expect(resume().rolesAsked).toEqual([
        'planner',
        'plan-reviewer',
        'planner',
        'plan-reviewer',
        'planner',
        'plan-reviewer',
      ]);
      expect(resume().labels.filter((label) => label.startsWith('state:'))).toEqual([
        'state:needs-attention',
      ]);
      expect(parseLedger(resume().status).park).toMatchObject({
        reason: 'retries-exhausted',
        stage: 'plan',
      });
    });
  });
}
