/**
 * What an agent job cannot start faster than: the libraries it must load (Octokit as the line
 * configures it, zod, yaml, the model SDK), one GitHub read, then one model request, and
 * nothing of the factory's own. `bench/cold-start.ts` bundles it as the stage action is bundled.
 */
import Anthropic from '@anthropic-ai/sdk';
import { readPullTitle } from './cold-start-read.ts';

const baseUrl = process.env.PROBE_URL ?? '';
const title = await readPullTitle(baseUrl);
await new Anthropic({ apiKey: 'probe', baseURL: baseUrl, maxRetries: 0 }).messages.create({
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user', content: title }],
});
