/** What a job hands back to the action: step outputs, and a Markdown line for the job summary. */
import type { StageOutcome } from '../stages/outcome.ts';

export interface JobResult {
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: string;
}

/** The summary line of a stage outcome, as a person scanning the run page wants it. */
export function describeOutcome(outcome: StageOutcome): string {
  switch (outcome.kind) {
    case 'moved':
      return `PR #${String(outcome.pr)} → ${outcome.to === 'merged' ? 'merged ✅' : `\`state:${outcome.to}\``}`;
    case 'parked':
      return `PR #${String(outcome.pr)} parked: \`${outcome.reason}\` — ${outcome.detail}`;
    case 'idle':
      return `Nothing to do: ${outcome.reason}`;
    case 'stood-down':
      return `PR #${String(outcome.pr)}: stood down, ${outcome.reason}`;
  }
}

export function outcomesResult(outcomes: readonly StageOutcome[]): JobResult {
  return {
    outputs: { outcome: JSON.stringify(outcomes) },
    summary: outcomes.map((outcome) => `- ${describeOutcome(outcome)}`).join('\n'),
  };
}
