/** The GitHub half of the cold-start probes: Octokit as the line builds it, zod and yaml. */
import { parse } from 'yaml';
import * as z from 'zod';
import { createOctokit } from '../../src/adapters/github/octokit.ts';

/** Reads the probe's PR (R-02's read) and the configuration, as an agent job does first. */
export async function readPullTitle(baseUrl: string): Promise<string> {
  const octokit = createOctokit({ token: 'ghs_probe', baseUrl });
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: 'octo-owner',
    repo: 'probe',
    pull_number: 1,
  });
  z.object({ model: z.string() }).parse(parse('model: claude-sonnet-4-6'));
  return z.object({ number: z.number(), title: z.string() }).parse(data).title;
}
