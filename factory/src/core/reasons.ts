/**
 * Why a PR was parked at `state:needs-attention`. Every park names one of these codes, so a person
 * (and `factory status`) can tell at a glance what happened and what to do about it. `resumeFrom`
 * is the stage the advice sends it back to, where that does not depend on the stage that parked
 * it; `factory resume` starts there unless told otherwise.
 */
import type { State } from './states.ts';

interface ParkReasonText {
  readonly title: string;
  readonly howToProceed: string;
  readonly resumeFrom?: State;
}

export const PARK_REASONS = {
  'retries-exhausted': {
    title: 'Retries spent',
    howToProceed:
      'Read the latest objections or CI failure in this comment, fix the spec or the floor, then set the label of the stage to restart from (attempts count again from your move).',
  },
  'budget-spent': {
    title: 'Budget spent',
    howToProceed:
      'The session hit a turn, token, time or dollar ceiling. Narrow the spec or raise the budget in factory.config.yaml, then relabel the stage to retry.',
  },
  'spend-limit': {
    title: 'Model spend limit reached',
    howToProceed:
      'The model API refused for a spend or credit limit. Raise the limit with your provider, then relabel the stage to retry.',
  },
  'model-unavailable': {
    title: 'Model API unavailable',
    howToProceed:
      'The model API kept failing (429/529/5xx) through every retry, or refused the request outright (401: the key; 403: its permissions; 400: the request); the detail gives its answer. Fix the key or check the provider status page, then relabel the stage to retry.',
  },
  'protected-path': {
    title: 'Protected path touched',
    howToProceed:
      'An agent tried to change the floor (workflows, prompts, constitution, config or factory code). Change the spec so the work stays in product code, or make the floor change yourself in a separate PR.',
  },
  'diff-too-large': {
    title: 'Diff too large',
    howToProceed:
      'Split the spec into smaller specs, or raise diffLimits in factory.config.yaml, then relabel the stage it parked in.',
  },
  'secret-detected': {
    title: 'Secret-looking text added',
    howToProceed:
      'Inspect the flagged lines. If they are real secrets, rotate them. If they are harmless, rephrase them, then relabel the stage.',
  },
  'spec-invalid': {
    resumeFrom: 'queued',
    title: 'Spec does not pass lint',
    howToProceed:
      'Fix the findings listed here (run `pnpm factory lint <spec>` locally), push the fix, then set state:queued again.',
  },
  'spec-changed': {
    resumeFrom: 'plan',
    title: 'Spec changed after queuing',
    howToProceed:
      'The spec must not change while the line works on it. Revert the change, or accept it and set state:plan to plan again from the new spec.',
  },
  conflict: {
    resumeFrom: 'implementation-ci',
    title: 'Conflict with main',
    howToProceed:
      'Merge main into the branch by hand and resolve every conflict, leaving no <<<<<<< or >>>>>>> marker, push, then set state:implementation-ci.',
  },
  'workflow-change-needs-app': {
    resumeFrom: 'merge',
    title: 'Update carries workflow changes',
    howToProceed:
      'main changed files under .github/workflows/, which the default token may not push. Bring the branch up to date with main yourself (GitHub\'s "Update branch", or a rebase you push), then set state:merge.',
  },
  'merge-refused': {
    resumeFrom: 'merge',
    title: 'GitHub refused the merge',
    howToProceed:
      'GitHub would not merge although main had not moved: usually a branch protection rule the line cannot meet (a required review, a required check it does not publish). Fix the rule or meet it, then set state:merge.',
  },
  'push-refused': {
    title: 'GitHub refused the line’s push',
    howToProceed:
      'GitHub refused to take the line’s commit on the PR branch for a reason other than the branch having moved: usually a ruleset or branch rule its commits cannot meet (signed commits, restricted pushes, a file path or size rule). The detail quotes GitHub. Exempt the line’s pushes from the rule or meet it, then relabel the stage to retry.',
  },
  'stage-crashed': {
    title: 'Stage crashed',
    howToProceed:
      'A stage stopped without finishing, either twice in a row or on the last run it was allowed. Check the linked run logs, then relabel the stage to retry.',
  },
  'head-untested': {
    resumeFrom: 'implementation-ci',
    title: 'Head not tested',
    howToProceed:
      'The head commit is not the one CI passed on after the rebase. Set state:implementation-ci to test this head.',
  },
  'checks-not-green': {
    resumeFrom: 'implementation-ci',
    title: 'Required checks not green',
    howToProceed:
      'A required check is missing, pending, skipped, cancelled, failing or for an older commit. Set state:implementation-ci to run CI on the head again.',
  },
  'not-approved': {
    resumeFrom: 'code-review',
    title: 'No approval on this head',
    howToProceed:
      'The reviews that count (the line’s code review, and those of people with write permission) do not approve the exact head commit. A person’s requested changes stand until that person approves or dismisses their review; otherwise, or once a person who dismissed the line’s approval is satisfied, set state:code-review to review it again.',
  },
  'fork-pr': {
    title: 'Pull request from a fork',
    howToProceed:
      'The line only runs on branches of this repository. Push the spec to a branch here and open the PR from it.',
  },
  'wrong-base': {
    title: 'Not based on the default branch',
    howToProceed:
      'The line merges only into the default branch, the one it rebases onto, tests against and reviews for. Change the PR’s base branch back to it (Edit, next to the title), then set state:queued, or the label of the stage it parked in.',
  },
  'not-a-writer': {
    resumeFrom: 'queued',
    title: 'State label set by someone without write permission',
    howToProceed:
      'Someone with write permission must set the label: state:queued when the spec was queued by someone without it, else the label of the stage the PR parked in (the detail says who set which).',
  },

  'label-conflict': {
    title: 'Several state labels',
    howToProceed:
      'The PR carried more than one state:* label, so no stage could tell whose turn it was. Check the status comment and the run logs, then set the one label of the stage to continue from.',
  },
  'state-lost': {
    title: 'State label missing',
    howToProceed:
      'The PR lost its state:* label while the status comment shows it on the line. Set the label of the stage to continue from (the one the status comment marks), or state:queued to start again.',
  },
  'unknown-transition': {
    title: 'Unexpected event',
    howToProceed:
      'The line received an event it has no rule for in this state. Check the run log, then set the label of the stage to continue from.',
  },
} as const satisfies Record<string, ParkReasonText>;

/** Where a PR parked for `reason` goes back to, if the reason alone says (see `resumeFrom`). */
export function resumeStageOf(reason: ParkReason): State | undefined {
  const text: ParkReasonText = PARK_REASONS[reason];
  return text.resumeFrom;
}

export type ParkReason = keyof typeof PARK_REASONS;
