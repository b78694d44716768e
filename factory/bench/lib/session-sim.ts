/**
 * A scripted implementer session as the session loop would send it: the same tools and system
 * blocks every turn, and a message list that grows by one assistant turn (text + tool call) and one
 * tool result per turn. The cache arithmetic is the twin model server's, so the bench and the
 * runtime's tests agree on what "cached" means.
 */
import type { SystemBlock } from '../../src/agent/context/index.ts';
import { fenceUntrusted } from '../../src/agent/context/index.ts';
import type { MessagesRequest } from '../../src/twin/model/request.ts';
import { cacheableShare, createPromptCache, readPromptShape } from '../../src/twin/model/cache.ts';
import { prose } from './corpus.ts';
import type { Random } from './random.ts';

type Block = Record<string, unknown> & { type: string };
interface Message {
  [key: string]: unknown;
  role: 'user' | 'assistant';
  content: Block[];
}

const TOOL_NAMES = [
  'read_file',
  'list_files',
  'search',
  'write_file',
  'edit_file',
  'run',
  'submit_work',
];

/** Tool definitions of roughly the size the runtime sends (name, description, JSON schema). */
const TOOLS = TOOL_NAMES.map((name) => ({
  name,
  description: `${name}: ${'Operates on the workspace, confined to it; errors are explained. '.repeat(3)}`,
  input_schema: {
    type: 'object',
    properties: { path: { type: 'string', description: 'Workspace-relative path.' } },
    required: ['path'],
  },
}));

/** One turn's tool call and a plausible result size for it. */
function scriptedTurn(random: Random, turn: number): { call: Block; result: string } {
  const tool = turn % 5 === 4 ? 'run' : turn % 3 === 0 ? 'edit_file' : 'read_file';
  const words =
    tool === 'read_file' ? random.int(300, 1_800) : tool === 'run' ? random.int(150, 1_200) : 30;
  return {
    call: { type: 'tool_use', id: `toolu_${turn}`, name: tool, input: { path: `src/m${turn}.ts` } },
    result: prose(random, words, [], 0),
  };
}

/** The request list of a `turns`-turn session, with a breakpoint on the newest message if asked. */
export function scriptSession(options: {
  system: readonly SystemBlock[];
  user: string;
  turns: number;
  random: Random;
  breakpointOnLatestMessage: boolean;
}): MessagesRequest[] {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: options.user }] }];
  const requests: MessagesRequest[] = [];
  for (let turn = 0; turn < options.turns; turn++) {
    requests.push({
      model: 'claude-sonnet-4-6',
      max_tokens: 8_000,
      system: options.system.map((block) => ({ ...block })),
      tools: TOOLS,
      messages: withLatestBreakpoint(messages, options.breakpointOnLatestMessage),
    });
    const { call, result } = scriptedTurn(options.random, turn);
    messages.push({
      role: 'assistant',
      content: [{ type: 'text', text: prose(options.random, 40, [], 0) }, call],
    });
    messages.push({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: call.id,
          content: fenceUntrusted('tool result', result),
        },
      ],
    });
  }
  return requests;
}

/** A deep-enough copy of the messages with `cache_control` on the last block only. */
function withLatestBreakpoint(messages: readonly Message[], enabled: boolean): Message[] {
  return messages.map((message, i) => ({
    role: message.role,
    content: message.content.map((block, j) =>
      enabled && i === messages.length - 1 && j === message.content.length - 1
        ? { ...block, cache_control: { type: 'ephemeral' } }
        : { ...block },
    ),
  }));
}

export interface CacheFigures {
  /** Σ input tokens that repeat the previous request's prefix up to its last breakpoint / Σ input. */
  readonly cacheableShare: number;
  /** Σ cache reads / Σ input, as the twin's cache accounts them (first request: all written). */
  readonly cacheReadShare: number;
  readonly totalInputTokens: number;
  readonly firstRequestTokens: number;
  readonly lastRequestTokens: number;
}

/** The cache figures of a request sequence. */
export function measureCache(requests: readonly MessagesRequest[]): CacheFigures {
  const cache = createPromptCache();
  const shapes = requests.map(readPromptShape);
  let total = 0;
  let cacheable = 0;
  let read = 0;
  shapes.forEach((shape, i) => {
    total += shape.totalTokens;
    cacheable += cacheableShare(shapes[i - 1], shape) * shape.totalTokens;
    read += cache.account(shape).cache_read_input_tokens;
  });
  return {
    cacheableShare: cacheable / total,
    cacheReadShare: read / total,
    totalInputTokens: total,
    firstRequestTokens: shapes[0]?.totalTokens ?? 0,
    lastRequestTokens: shapes.at(-1)?.totalTokens ?? 0,
  };
}
