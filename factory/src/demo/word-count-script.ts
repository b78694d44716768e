/**
 * The demo's scripted model: what each role "says" to carry the example spec
 * (`specs/0001-word-count.md`) through the line. Scripted, not intelligent — the demo says so — but
 * everything around it is real: the tools write real files, the implementer's checks really run
 * in the sandbox, and the plan, code and tests really land on main.
 */
import type { ModelScript, ScriptStep } from '../twin/model/index.ts';

export const CHECK_COMMAND = 'pnpm run check';

export const WORDS_MODULE = `/**
 * Word counting for pieces of writing. A word is a run of non-whitespace characters that contains
 * at least one letter or digit, in any script.
 */
const WORD_CHARACTER = /[\\p{L}\\p{N}]/u;

/** The number of words in \`text\`. */
export function countWords(text: string): number {
  return text.split(/\\s+/u).filter((token) => WORD_CHARACTER.test(token)).length;
}
`;

export const WORDS_TESTS = `import { describe, expect, it } from 'vitest';
import { countWords } from '../src/words.ts';

describe('countWords', () => {
  it('finds no words in empty or whitespace-only text', () => {
    expect(countWords('')).toBe(0);
    expect(countWords(' \\n\\t ')).toBe(0);
  });

  it('separates words at any run of whitespace', () => {
    expect(countWords('one  two\\tthree\\nfour')).toBe(4);
  });

  it('ignores leading and trailing whitespace', () => {
    expect(countWords('  hello world  ')).toBe(2);
  });

  it('does not count a token without a letter or digit', () => {
    expect(countWords('wait — what ?')).toBe(2);
  });

  it('counts a hyphenated word once', () => {
    expect(countWords('a well-known fact')).toBe(3);
  });

  it('keeps punctuation attached to a word in that word', () => {
    expect(countWords("it's done.")).toBe(2);
  });

  it('counts letters outside ASCII and digits', () => {
    expect(countWords('café 2 naïve')).toBe(3);
  });
});
`;

export const PLAN = `## Approach

Add \`src/words.ts\` beside \`src/greeting.ts\`, exporting \`countWords(text: string): number\`.
Split the text at runs of whitespace (\`/\\s+/u\`) and keep the tokens that contain a letter or a
digit (\`/[\\p{L}\\p{N}]/u\`), so punctuation-only tokens are not words and punctuation attached to
a word stays part of it. No dependency is needed.

## Tests

\`tests/words.test.ts\` proves each acceptance criterion with the spec's own examples: empty and
whitespace-only text, mixed whitespace, surrounding whitespace, punctuation-only tokens,
hyphenated words, attached punctuation, and non-ASCII letters and digits.

## Order of work

1. Write the tests from the acceptance criteria.
2. Write \`src/words.ts\`.
3. Run \`${CHECK_COMMAND}\` until it passes.`;

/** A turn that calls one tool. */
export function submit(name: string, input: Record<string, unknown>): ScriptStep {
  return { reply: { toolCalls: [{ name, input }] } };
}

export const approve = (summary: string): ScriptStep =>
  submit('submit_verdict', { verdict: 'APPROVE', summary, objections: [] });

/** The script for one pass of the example spec through the line. */
export function wordCountScript(): ModelScript {
  return {
    planner: [
      submit('submit_plan', {
        summary: 'Add countWords in src/words.ts with one test per acceptance criterion.',
        markdown: PLAN,
        files: ['src/words.ts', 'tests/words.test.ts'],
      }),
    ],
    'plan-reviewer': [
      approve('The plan covers every acceptance criterion with a test and adds no dependency.'),
    ],
    implementer: [
      {
        reply: {
          toolCalls: [
            { name: 'write_file', input: { path: 'tests/words.test.ts', content: WORDS_TESTS } },
            { name: 'write_file', input: { path: 'src/words.ts', content: WORDS_MODULE } },
          ],
        },
      },
      submit('run', { command: CHECK_COMMAND }),
      {
        // Submit only what really happened: the checks must have passed in the sandbox.
        when: { lastToolResultIncludes: 'exit code 0' },
        reply: {
          toolCalls: [
            {
              name: 'submit_work',
              input: {
                summary: 'Add countWords (src/words.ts) with tests for every acceptance criterion.',
                commands: [{ command: CHECK_COMMAND, exitCode: 0 }],
              },
            },
          ],
        },
      },
    ],
    'code-reviewer': [
      approve(
        'countWords meets every acceptance criterion, each proven by a test; the change stays in product code.',
      ),
    ],
  };
}
