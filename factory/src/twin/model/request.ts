/**
 * The part of a `POST /v1/messages` body the twin reads, parsed once at its edge. Unknown fields
 * are kept (the real API accepts many more) but never interpreted.
 */
import * as z from 'zod';

const ContentBlockSchema = z.looseObject({ type: z.string() });

const MessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
});

export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.int().positive(),
  messages: z.array(MessageSchema).min(1),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))])
    .optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  cache_control: z.looseObject({ type: z.string() }).nullable().optional(),
  stream: z.boolean().optional(),
});

export type MessagesRequest = z.output<typeof MessagesRequestSchema>;
export type RequestMessage = MessagesRequest['messages'][number];
export type RequestBlock = z.output<typeof ContentBlockSchema>;

/** The system prompt as one string. */
export function systemText(request: MessagesRequest): string {
  const system = request.system ?? '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n');
}

/** The text of a tool result's content, whichever shape it came in. */
export function blockText(block: RequestBlock): string {
  if (typeof block.text === 'string') return block.text;
  const content = block.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('\n');
}

/** The `tool_result` blocks of the latest user message, in order. */
export function lastToolResults(request: MessagesRequest): RequestBlock[] {
  const last = request.messages.at(-1);
  if (last?.role !== 'user' || typeof last.content === 'string') return [];
  return last.content.filter((block) => block.type === 'tool_result');
}

/** All text the user side sent: task text and tool results alike. */
export function userText(request: MessagesRequest): string {
  return request.messages
    .filter((message) => message.role === 'user')
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : message.content.map(blockText).join('\n'),
    )
    .join('\n');
}
