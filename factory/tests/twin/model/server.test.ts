import Anthropic from '@anthropic-ai/sdk';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  createModelServer,
  type ModelServer,
  type ModelScript,
} from '../../../src/twin/model/index.ts';

const MODEL = 'claude-sonnet-4-6';
const servers: ModelServer[] = [];

async function start(script: ModelScript): Promise<{ server: ModelServer; client: Anthropic }> {
  const server = await createModelServer({ script });
  servers.push(server);
  const client = new Anthropic({ apiKey: 'sk-ant-test-key', baseURL: server.url, maxRetries: 2 });
  return { server, client };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const system = (role: string) => [
  {
    type: 'text' as const,
    text: `factory-role: ${role}\nYou read files.`,
    cache_control: { type: 'ephemeral' as const },
  },
];

describe('the twin model server', () => {
  it('plays a scripted tool call, then a submit, through the real SDK tool runner', async () => {
    const { server, client } = await start({
      planner: [
        { reply: { toolCalls: [{ name: 'read_file', input: { path: 'README.md' } }] } },
        {
          when: { lastToolResultIncludes: 'hello from the readme' },
          reply: { toolCalls: [{ name: 'submit_plan', input: { markdown: '# Plan' } }] },
        },
        { reply: { text: 'done' } },
      ],
    });
    const submitted: string[] = [];
    const runner = client.beta.messages.toolRunner({
      model: MODEL,
      max_tokens: 1000,
      thread: false,
      system: system('planner'),
      messages: [{ role: 'user', content: 'Plan the spec.' }],
      tools: [
        betaZodTool({
          name: 'read_file',
          description: 'Read a file.',
          inputSchema: z.object({ path: z.string() }),
          run: () => 'hello from the readme',
        }),
        betaZodTool({
          name: 'submit_plan',
          description: 'Submit.',
          inputSchema: z.object({ markdown: z.string() }),
          run: ({ markdown }) => {
            submitted.push(markdown);
            return 'received';
          },
        }),
      ],
    });
    const final = await runner.runUntilDone();
    expect(submitted).toEqual(['# Plan']);
    expect(final.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(server.mismatches).toEqual([]);
    expect(server.requests.map((request) => request.role)).toEqual([
      'planner',
      'planner',
      'planner',
    ]);
    expect(server.requests[1]?.raw).toContain('hello from the readme');
  });

  it('gives every message and tool call a unique id and the full reply shape', async () => {
    const { client } = await start({
      planner: [
        {
          reply: {
            toolCalls: [
              { name: 'a', input: {} },
              { name: 'b', input: {} },
            ],
          },
        },
        { reply: { toolCalls: [{ name: 'a', input: {} }] } },
      ],
    });
    const ask = () =>
      client.beta.messages.create({
        model: MODEL,
        max_tokens: 10,
        system: system('planner'),
        messages: [{ role: 'user', content: 'x' }],
      });
    const first = await ask();
    const second = await ask();
    expect(first).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      stop_reason: 'tool_use',
      stop_sequence: null,
    });
    expect(first.id).not.toBe(second.id);
    const ids = [...first.content, ...second.content].map((block) =>
      block.type === 'tool_use' ? block.id : '',
    );
    expect(new Set(ids).size).toBe(3);
    expect(first.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers a request that falls off the script with a loud 400 and records why', async () => {
    const { server, client } = await start({
      planner: [{ when: { userIncludes: 'never sent' }, reply: { text: 'x' } }],
    });
    const ask = client.beta.messages.create({
      model: MODEL,
      max_tokens: 10,
      system: system('planner'),
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(ask).rejects.toMatchObject({ status: 400 });
    expect(server.mismatches).toEqual(['step 1 of role "planner" does not match the request']);
  });

  it('plays the otherwise reply when a step does not match', async () => {
    const { client } = await start({
      planner: [
        {
          when: { lastToolResultIsError: true },
          reply: { text: 'saw error' },
          otherwise: { text: 'no error' },
        },
      ],
    });
    const reply = await client.beta.messages.create({
      model: MODEL,
      max_tokens: 10,
      system: system('planner'),
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(reply.content).toEqual([{ type: 'text', text: 'no error' }]);
  });

  it('tells the two reviewers apart by the role marker and the others by their submit tool', async () => {
    const { server, client } = await start({
      'code-reviewer': [{ reply: { text: 'code' } }],
      'plan-reviewer': [{ reply: { text: 'plan' } }],
      implementer: [{ reply: { text: 'impl' } }],
    });
    const ask = (systemPrompt: string, tools: { name: string }[]) =>
      client.beta.messages.create({
        model: MODEL,
        max_tokens: 10,
        system: systemPrompt,
        messages: [{ role: 'user', content: 'x' }],
        tools: tools.map((tool) => ({ ...tool, input_schema: { type: 'object' as const } })),
      });
    await ask('factory-role: code-reviewer', [{ name: 'submit_verdict' }]);
    await ask('factory-role: plan-reviewer', [{ name: 'submit_verdict' }]);
    await ask('no marker here', [{ name: 'submit_work' }]);
    expect(server.requests.map((request) => request.role)).toEqual([
      'code-reviewer',
      'plan-reviewer',
      'implementer',
    ]);
    expect(server.mismatches).toEqual([]);
  });
});
