/** The task each role's session gets in the bench: realistic sizes for plan, diff and CI output. */
import type { Role } from '../../src/core/config.ts';
import type { SessionTask } from '../../src/agent/context/index.ts';
import type { CorpusSpec } from './corpus.ts';
import { prose } from './corpus.ts';
import type { Random } from './random.ts';

const INSTRUCTION: Record<Role, string> = {
  planner: 'Write the implementation plan for the spec below.',
  'plan-reviewer': 'Review the plan below against the spec below.',
  implementer: 'Implement the approved plan below; address the review objections.',
  'code-reviewer': 'Review the diff below against the spec and the approved plan.',
};

function diff(random: Random, lines: number): string {
  return Array.from({ length: lines }, (_, i) => {
    const sign = i % 3 === 0 ? '-' : '+';
    return `${sign}  ${prose(random, random.int(4, 10), [], 0).replace(/\n/g, ' ')}`;
  }).join('\n');
}

/** A session task for `role` on `spec`. */
export function taskFor(role: Role, spec: CorpusSpec, random: Random): SessionTask {
  const base = { instruction: INSTRUCTION[role], spec: { path: spec.path, text: spec.text } };
  const plan = prose(random, 900, [], 0);
  switch (role) {
    case 'planner':
      return base;
    case 'plan-reviewer':
      return { ...base, plan };
    case 'implementer':
      return {
        ...base,
        plan,
        reviewObjections: prose(random, 250, [], 0),
        ciFailure: prose(random, 600, [], 0),
      };
    case 'code-reviewer':
      return { ...base, plan, diff: diff(random, 400) };
  }
}
