import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createModelServer,
  type ModelServer,
  type ModelScript,
} from '../../../src/twin/model/index.ts';

const MODEL = 'claude-sonnet-4-6';
const servers: ModelServer[] = [];

async function start(
  script: ModelScript,
  maxRetries: number,
): Promise<{ server: ModelServer; client: Anthropic }> {
  const server = await createModelServer({ script });
  servers.push(server);
  return {
    server,
    client: new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries }),
  };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const STABLE = 'factory-role: planner\n' + 'The constitution. '.repeat(400);

function ask(client: Anthropic, messages: Anthropic.Beta.BetaMessageParam[]) {
  return client.beta.messages.create({
    model: MODEL,
    max_tokens: 100,
    system: [{ type: 'text', text: STABLE, cache_control: { type: 'ephemeral' } }],
    messages,
    cache_control: { type: 'ephemeral' },
  });
}

describe('faults on cue (R-15)', () => {
  it.each([
    ['rate-limit', 429, 'rate_limit_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['server-error', 500, 'api_error'],
  ] as const)(
    'answers %s with %i %s and retry-after, which the SDK retries',
    async (fault, status, type) => {
      const { server, client } = await start(
        { planner: [{ reply: { fault } }, { reply: { text: 'ok' } }] },
        1,
      );
      const reply = await ask(client, [{ role: 'user', content: 'x' }]);
      expect(reply.content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(server.requests.map((request) => request.status)).toEqual([status, 200]);
      expect(JSON.parse(server.requests[0]?.raw ?? '')).toMatchObject({ model: MODEL });
      const failing = await start({ planner: [{ reply: { fault } }] }, 0);
      await expect(ask(failing.client, [{ role: 'user', content: 'x' }])).rejects.toMatchObject({
        status,
        error: { type: 'error', error: { type } },
        headers: expect.objectContaining({}) as unknown,
      });
    },
  );

  it('answers a spend limit with a 400 invalid_request_error the SDK does not retry', async () => {
    const { server, client } = await start(
      { planner: [{ reply: { fault: 'spend-limit' } }, { reply: { text: 'never' } }] },
      3,
    );
    const failure = ask(client, [{ role: 'user', content: 'x' }]);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      error: {
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(/reached your specified API usage limits/) as unknown,
        },
      },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('answers a malformed body with a 400 in the API error shape, never a crash', async () => {
    const { server } = await start({}, 0);
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: '{"model": 1',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    const missing = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: '{"model":"m"}',
    });
    expect(missing.status).toBe(400);
  });
});

describe('requests the twin cannot serve', () => {
  it('answers an unknown route with a 404, a stream request and an unidentified role with a 400', async () => {
    const { server } = await start({ planner: [{ reply: { text: 'x' } }] }, 0);
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(404);
    const body = (extra: object) =>
      JSON.stringify({
        model: MODEL,
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
        ...extra,
      });
    const post = (text: string) =>
      fetch(`${server.url}/v1/messages`, { method: 'POST', body: text });
    const streamed = await post(body({ system: 'factory-role: planner', stream: true }));
    expect(streamed.status).toBe(400);
    expect(await streamed.json()).toMatchObject({
      error: { message: expect.stringMatching(/does not stream/) as unknown },
    });
    const anonymous = await post(body({}));
    expect(anonymous.status).toBe(400);
    expect(server.mismatches).toEqual(['no script for role "unknown"']);
    expect(server.requests.map((request) => request.role)).toEqual([undefined, 'unknown']);
  });
});

describe('cache arithmetic', () => {
  it('writes the prefix on the first turn and reads it on the next, reporting the cacheable share', async () => {
    const { server, client } = await start(
      { planner: [{ reply: { text: 'one' } }, { reply: { text: 'two' } }] },
      0,
    );
    const first = await ask(client, [{ role: 'user', content: 'task' }]);
    const second = await ask(client, [
      { role: 'user', content: 'task' },
      { role: 'assistant', content: 'one' },
      { role: 'user', content: 'more' },
    ]);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
    expect(second.usage.cache_read_input_tokens).toBe(
      (first.usage.cache_creation_input_tokens ?? 0) + (first.usage.cache_read_input_tokens ?? 0),
    );
    expect(second.usage.input_tokens).toBe(0);
    const [one, two] = server.requests;
    expect(one?.cacheableShare).toBe(0);
    expect(two?.cacheableShare).toBeGreaterThan(0.95);
    expect(two?.cacheableShare).toBeLessThan(1);
  });

  it('reads nothing when the stable part changed between requests', async () => {
    const { server, client } = await start(
      { planner: [{ reply: { text: 'one' } }, { reply: { text: 'two' } }] },
      0,
    );
    await ask(client, [{ role: 'user', content: 'task' }]);
    const changed = await client.beta.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: [{ type: 'text', text: STABLE + ' amended', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'task' }],
    });
    expect(changed.usage.cache_read_input_tokens).toBe(0);
    expect(server.requests[1]?.cacheableShare).toBe(0);
  });
});
