/** The model half of `cold-start-threads-probe.ts`: ready before the PR's title arrives. */
import { parentPort } from 'node:worker_threads';
import Anthropic from '@anthropic-ai/sdk';
import * as z from 'zod';

const Title = z.string();
const client = new Anthropic({
  apiKey: 'probe',
  baseURL: process.env.PROBE_URL ?? '',
  maxRetries: 0,
});
parentPort?.once('message', (title: unknown) => {
  void client.messages
    .create({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: Title.parse(title) }],
    })
    // Answered or not, the main thread hears back: a failed request must not leave it waiting.
    .then(
      () => parentPort?.postMessage('sent'),
      (error: unknown) => parentPort?.postMessage(`failed: ${String(error)}`),
    );
});
