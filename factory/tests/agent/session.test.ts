import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createHarness, SPEC, type Harness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('a full scripted session per role', () => {
  it('planner: explores, reads the spec and submits a typed plan', async () => {
    harness = await createHarness({
      planner: [
        call('list_files', {}),
        { when: { lastToolResultIncludes: SPEC.path }, ...call('read_file', { path: SPEC.path }) },
        {
          when: { lastToolResultIncludes: 'Hello, Ada!' },
          ...call('submit_plan', {
            summary: 'Add greet.',
            markdown: '# Plan\n1. add src/greet.ts',
            files: ['src/greet.ts'],
          }),
        },
      ],
    });
    const outcome = await harness.run('planner');
    expect(outcome).toMatchObject({
      stopReason: 'submitted',
      turns: 3,
      submission: { kind: 'plan', plan: { files: ['src/greet.ts'] } },
      model: 'claude-sonnet-4-6',
    });
    expect(harness.server.mismatches).toEqual([]);
    expect(
      outcome.usage.input + outcome.usage.cacheRead + outcome.usage.cacheWrite,
    ).toBeGreaterThan(0);
    expect(outcome.dollars).toBeGreaterThan(0);
  });

  it('plan-reviewer: reads the plan and submits APPROVE', async () => {
    harness = await createHarness(
      {
        'plan-reviewer': [
          call('read_file', { path: 'plans/0001-greeting.md' }),
          call('submit_verdict', { verdict: 'APPROVE', summary: 'Sound plan.', objections: [] }),
        ],
      },
      { 'plans/0001-greeting.md': '# Plan\nadd greet' },
    );
    const outcome = await harness.run('plan-reviewer');
    expect(outcome.stopReason).toBe('submitted');
    expect(outcome.submission).toEqual({
      kind: 'verdict',
      verdict: { verdict: 'APPROVE', summary: 'Sound plan.', objections: [] },
    });
    expect(harness.server.requests.every((r) => r.role === 'plan-reviewer')).toBe(true);
  });

  it('code-reviewer: searches the code and requests changes with located objections', async () => {
    harness = await createHarness(
      {
        'code-reviewer': [
          call('search', { text: 'greet' }),
          {
            when: { lastToolResultIncludes: 'src/greet.ts:1:' },
            ...call('submit_verdict', {
              verdict: 'REQUEST_CHANGES',
              summary: 'Missing punctuation.',
              objections: [
                {
                  severity: 'major',
                  location: 'src/greet.ts:1',
                  message: 'Returns "Hello Ada" without the comma and !',
                },
              ],
            }),
          },
        ],
      },
      { 'src/greet.ts': 'export const greet = (n: string) => `Hello ${n}`;\n' },
    );
    const outcome = await harness.run('code-reviewer');
    expect(outcome.stopReason).toBe('submitted');
    expect(outcome.submission).toMatchObject({
      kind: 'verdict',
      verdict: { verdict: 'REQUEST_CHANGES' },
    });
  });

  it('implementer: writes, edits, runs an allowlisted check in the sandbox and submits its work', async () => {
    harness = await createHarness(
      {
        implementer: [
          call('write_file', {
            path: 'src/greet.ts',
            content: 'export const greet = (n) => `Hi, ${n}!`;\n',
          }),
          call('edit_file', { path: 'src/greet.ts', oldText: 'Hi,', newText: 'Hello,' }),
          call('run', { command: 'bash check.sh' }),
          {
            when: { lastToolResultIncludes: 'exit code 0' },
            ...call('submit_work', {
              summary: 'Added greet.',
              commands: [{ command: 'bash check.sh', exitCode: 0 }],
            }),
          },
        ],
      },
      { 'check.sh': 'grep -q "Hello, " src/greet.ts && echo checked\n' },
      { commands: { allowlist: ['bash check.sh'], timeoutSeconds: 20 } },
    );
    const outcome = await harness.run('implementer');
    expect(harness.server.mismatches).toEqual([]);
    expect(outcome.stopReason).toBe('submitted');
    expect(outcome.commands).toMatchObject([
      { command: 'bash check.sh', exitCode: 0, timedOut: false },
    ]);
    // What the command printed reaches the model fenced as data.
    expect(harness.server.requests[3]?.body?.messages.at(-1)).toMatchObject({
      content: [
        {
          type: 'tool_result',
          content: expect.stringMatching(
            /^\$ bash check\.sh\nexit code 0\n<untrusted-data id="[0-9a-f]+" label="output of bash check\.sh">\nchecked\n<\/untrusted-data/,
          ) as unknown,
        },
      ],
    });
    expect(await readFile(path.join(harness.workspace, 'src/greet.ts'), 'utf8')).toContain(
      'Hello, ${n}!',
    );
    expect(outcome.submission).toMatchObject({ kind: 'work', work: { summary: 'Added greet.' } });
  });
});

describe('transcripts', () => {
  it('records every request and response as JSON lines, ending with the outcome', async () => {
    harness = await createHarness({
      planner: [
        { reply: { fault: 'overloaded' } },
        call('submit_plan', { summary: 's', markdown: 'm', files: ['a.ts'] }),
      ],
    });
    const outcome = await harness.run('planner');
    const lines = (await readFile(outcome.transcriptPath, 'utf8'))
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            status?: number;
            model?: string;
            body?: { max_tokens?: number };
            usage?: { output_tokens: number; cache_creation_input_tokens: number };
          },
      );
    expect(lines.map((line) => line.type)).toEqual([
      'session',
      // Before each attempt, the most it can cost: what a job dying before the answer is charged.
      'bound',
      'request',
      'response',
      'bound',
      'request',
      'response',
      // The answered request's usage again, on a line of numbers redaction cannot break.
      'usage',
      'outcome',
    ]);
    const bound = lines.find((line) => line.type === 'bound');
    const request = lines.find((line) => line.type === 'request');
    expect(bound?.model).toBe(outcome.model);
    // The first call: a full reply at most, and the whole prompt written to the cache.
    expect(bound?.usage?.output_tokens).toBe(request?.body?.max_tokens);
    expect(bound?.usage?.cache_creation_input_tokens).toBeGreaterThan(100);
    expect(lines.filter((line) => line.type === 'response').map((line) => line.status)).toEqual([
      529, 200,
    ]);
  });
});
