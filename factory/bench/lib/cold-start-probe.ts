/**
 * What an agent job cannot start faster than: the libraries it must load (Octokit as the line
 * configures it, zod, yaml, the model SDK), one GitHub read, then one model request, and
 * nothing of the factory's own. `bench/cold-start.ts` bundles it as the stage action is bundled.
 */
import Anthropic from '@anthropic-ai/sdk';
import { parse } from 'yaml';
import { z } from 'zod';
import { createOctokit } from '../../src/adapters/github/octokit.ts';

const baseUrl = process.env.PROBE_URL ?? '';
const octokit = createOctokit({ token: 'ghs_probe', baseUrl });
const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
  owner: 'octo-owner',
  repo: 'probe',
  pull_number: 1,
});
const pull = z.object({ number: z.number(), title: z.string() }).parse(data);
const config = z.object({ model: z.string() }).parse(parse('model: claude-sonnet-4-6'));
await new Anthropic({ apiKey: 'probe', baseURL: baseUrl, maxRetries: 0 }).messages.create({
  model: config.model,
  max_tokens: 16,
  messages: [{ role: 'user', content: pull.title }],
});
