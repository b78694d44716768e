/**
 * Scripted models that take the example spec round the line's loops. `loopScript` goes round
 * every loop once before the spec merges:
 *
 * - the plan reviewer objects once, and the planner answers the objection;
 * - the implementer checks only the tests, so the project's CI (which also checks formatting)
 *   fails, and the implementer fixes what the failure names;
 * - the code reviewer objects once, and the implementer adds the missing test.
 *
 * `exhaustionScript` has a plan reviewer that objects every time: the third objection parks the
 * PR, and so does the third after a writer resumes it.
 *
 * Every later attempt is guarded by the feedback it must have received, so a loop that loses its
 * feedback on the way shows up as a script mismatch.
 */
import type { ModelScript, ScriptStep } from '../../src/twin/model/index.ts';
import {
  approve,
  CHECK_COMMAND,
  PLAN,
  submit,
  WORDS_MODULE,
  WORDS_TESTS,
} from '../../src/demo/word-count-script.ts';

const TESTS_ONLY = 'pnpm exec vitest run --project product';
const FIX_COMMAND = 'pnpm run fix';

export const PLAN_OBJECTION = 'The plan names no tests: name one test per acceptance criterion.';
export const CODE_OBJECTION =
  'No test shows that text made only of punctuation has no words; add one.';
const EVERY_TIME_OBJECTION = 'The plan does not say how a word split by a hyphen is counted.';

/** Correct code, but spaced as no formatter would leave it: `pnpm run check` fails on it. */
const UNFORMATTED_MODULE = WORDS_MODULE.replace(
  'const WORD_CHARACTER =',
  'const WORD_CHARACTER   =',
);

const PUNCTUATION_TEST = `
  it('finds no words in punctuation alone', () => {
    expect(countWords('— ... !')).toBe(0);
  });
});
`;
export const TESTS_WITH_PUNCTUATION = WORDS_TESTS.replace(/\n\}\);\n$/, PUNCTUATION_TEST);

function requestChanges(location: string, message: string): ScriptStep {
  return submit('submit_verdict', {
    verdict: 'REQUEST_CHANGES',
    summary: message,
    objections: [{ severity: 'major', location, message }],
  });
}

function plan(markdown: string, when?: ScriptStep['when']): ScriptStep {
  return {
    ...(when === undefined ? {} : { when }),
    ...submit('submit_plan', {
      summary: 'Add countWords in src/words.ts.',
      markdown,
      files: ['src/words.ts', 'tests/words.test.ts'],
    }),
  };
}

/** Runs `command`, then submits the work citing it, only if it really exited 0 in the sandbox. */
function checkThenSubmit(command: string, summary: string): ScriptStep[] {
  return [
    submit('run', { command }),
    {
      when: { lastToolResultIncludes: 'exit code 0' },
      ...submit('submit_work', { summary, commands: [{ command, exitCode: 0 }] }),
    },
  ];
}

const writeFile = (path: string, content: string) => ({
  name: 'write_file',
  input: { path, content },
});

export function loopScript(): ModelScript {
  const approach = PLAN.slice(0, PLAN.indexOf('## Tests'));
  return {
    planner: [plan(approach), plan(PLAN, { userIncludes: PLAN_OBJECTION })],
    'plan-reviewer': [
      requestChanges('plan: Tests', PLAN_OBJECTION),
      approve('Every acceptance criterion now has its test.'),
    ],
    implementer: [
      // Attempt 1: runs the tests only, which pass; the formatting it never checked does not.
      {
        reply: {
          toolCalls: [
            writeFile('tests/words.test.ts', WORDS_TESTS),
            writeFile('src/words.ts', UNFORMATTED_MODULE),
          ],
        },
      },
      ...checkThenSubmit(TESTS_ONLY, 'Add countWords with its tests.'),
      // Attempt 2: told that CI failed, it formats the code and runs the whole check.
      {
        when: { userIncludes: "The project's CI failed" },
        ...submit('run', { command: FIX_COMMAND }),
      },
      ...checkThenSubmit(CHECK_COMMAND, 'Format src/words.ts; the whole check passes.'),
      // Attempt 3: told what the code reviewer found missing, it adds the test.
      {
        when: { userIncludes: CODE_OBJECTION },
        reply: { toolCalls: [writeFile('tests/words.test.ts', TESTS_WITH_PUNCTUATION)] },
      },
      ...checkThenSubmit(CHECK_COMMAND, 'Add a test for punctuation-only text.'),
    ],
    'code-reviewer': [
      requestChanges('tests/words.test.ts', CODE_OBJECTION),
      approve('Every acceptance criterion is proven by a test, punctuation-only text included.'),
    ],
  };
}

export function exhaustionScript(): ModelScript {
  const answered = { userIncludes: EVERY_TIME_OBJECTION };
  const objection = requestChanges('plan: Approach', EVERY_TIME_OBJECTION);
  // Three rounds until the park, and three more once a writer resumes the PR at plan.
  const round = { planner: plan(PLAN, answered), reviewer: objection };
  return {
    planner: [plan(PLAN), ...Array.from({ length: 5 }, () => round.planner)],
    'plan-reviewer': Array.from({ length: 6 }, () => round.reviewer),
  };
}
