/**
 * Routing: which stage an incoming event starts, or why it starts none. Events are parsed at the
 * edge into a `Trigger`; this function only decides. "Not my event" is a skip with a reason, a
 * successful outcome; an event the line must turn away is a refusal the stage explains on
 * the PR before any agent runs.
 */
import type { IsFactoryActor } from './attempts.ts';
import { isWriter, type Permission } from './guardrails.ts';
import type { StageName } from './line.ts';
import { isWorkingState, labelOf, stateOfLabel } from './states.ts';

export interface PullRequestFacts {
  readonly number: number;
  readonly open: boolean;
  /** The head branch lives in another repository. */
  readonly isFork: boolean;
  /** Its labels once the event's own change was made. */
  readonly labels: readonly string[];
}

export type Trigger =
  | {
      /** An explicit hand-off from the previous stage (or `factory resume`), always on main. */
      readonly kind: 'dispatch';
      readonly stage: StageName;
      readonly pr?: number;
      readonly expectedHeadSha?: string;
    }
  | {
      readonly kind: 'label';
      readonly action: 'labeled' | 'unlabeled';
      readonly label: string;
      readonly pr: PullRequestFacts;
      readonly sender: string;
      readonly senderPermission: Permission;
    }
  | { readonly kind: 'schedule'; readonly stage: 'scheduler' | 'watchdog' };

export type Route =
  | {
      readonly action: 'run';
      readonly stage: StageName;
      readonly pr?: number;
      readonly expectedHeadSha?: string;
    }
  /** A writer set a stage's `label` on a parked PR: take the park off, then run the stage. */
  | {
      readonly action: 'resume';
      readonly stage: StageName;
      readonly pr: number;
      readonly label: string;
    }
  | { readonly action: 'skip'; readonly reason: string }
  | {
      readonly action: 'refuse';
      readonly code: 'fork-pr' | 'not-a-writer';
      readonly pr: number;
      readonly label: string;
      readonly reason: string;
    };

/** Decides what an event means for the line. Pure: every fact it needs is in the trigger. */
export function route(trigger: Trigger, isFactory: IsFactoryActor): Route {
  switch (trigger.kind) {
    case 'dispatch': {
      const { stage, pr, expectedHeadSha } = trigger;
      return {
        action: 'run',
        stage,
        ...(pr === undefined ? {} : { pr }),
        ...(expectedHeadSha === undefined ? {} : { expectedHeadSha }),
      };
    }
    case 'schedule':
      return { action: 'run', stage: trigger.stage };
    case 'label':
      return routeLabel(trigger, isFactory);
  }
}

function routeLabel(
  trigger: Extract<Trigger, { kind: 'label' }>,
  isFactory: IsFactoryActor,
): Route {
  const { action, label, pr, sender, senderPermission } = trigger;
  const state = stateOfLabel(label);
  if (state === undefined) return skip(`"${label}" is not a state label.`);
  // The factory's own label writes are bookkeeping; it dispatches the next stage itself.
  if (isFactory(sender)) return skip(`${label} was set by the factory itself.`);
  if (action === 'unlabeled') return skip(`Removing ${label} starts nothing.`);
  if (!pr.open) return skip(`PR #${pr.number} is closed.`);
  if (pr.isFork) {
    return refuse(
      'fork-pr',
      trigger,
      'The line only runs on branches of this repository, never on forks.',
    );
  }
  if (!isWriter(senderPermission)) {
    return refuse(
      'not-a-writer',
      trigger,
      `@${sender} has ${senderPermission} permission; only writers may move a PR on the line.`,
    );
  }
  const stage = state === 'queued' ? 'scheduler' : isWorkingState(state) ? state : undefined;
  if (stage === undefined) return skip(`A person parked PR #${pr.number}; it waits for them.`);
  // Setting the stage's label before taking the park off is a resume all the same: the line
  // takes it off, rather than leave a PR with two state labels that no stage runs.
  if (pr.labels.includes(labelOf('needs-attention')))
    return { action: 'resume', stage, pr: pr.number, label };
  return { action: 'run', stage, pr: pr.number };
}

function skip(reason: string): Route {
  return { action: 'skip', reason };
}

function refuse(
  code: 'fork-pr' | 'not-a-writer',
  trigger: Extract<Trigger, { kind: 'label' }>,
  reason: string,
): Route {
  return { action: 'refuse', code, pr: trigger.pr.number, label: trigger.label, reason };
}
