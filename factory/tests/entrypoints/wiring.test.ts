import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { wireStage } from '../../src/entrypoints/wiring.ts';
import { JOB_SCOPES, openPull, startAdapterForge } from '../adapters/github/fixture.ts';

describe('a stage wired from the Actions environment', { timeout: 60_000 }, () => {
  it('tells when its first GitHub request has been handed to fetch, past the client queue', async () => {
    const { forge, pr, stage } = await wiredJob('agent');
    const realFetch = globalThis.fetch;
    const handedOver = vi.fn(realFetch);
    vi.stubGlobal('fetch', handedOver);
    try {
      let sent = false;
      void stage.firstRequestSent.then(() => (sent = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sent).toBe(false);

      const read = stage.github.readConversation(pr);
      // Octokit's queue holds the read for a few turns of the event loop before it calls fetch.
      expect(handedOver).not.toHaveBeenCalled();
      await stage.firstRequestSent;
      expect(handedOver).toHaveBeenCalledOnce();
      const requestsWhenSent = forge.requestLog.entries().length;
      await read;

      expect(forge.requestLog.entries().length).toBe(requestsWhenSent + 1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('R-10: publishes nothing that holds its own token, the model key or a credential-looking string', async () => {
    const modelKey = 'sk-ant-model-key-for-this-job-0123456789';
    const stray = `ghp_${'Zx9'.repeat(12)}`;
    const { client, repo, pr, token, stage } = await wiredJob('apply', modelKey);
    const leak = `token ${token}, key ${modelKey}, stray ${stray}`;

    await stage.github.comment(pr, leak);
    const { pullRequest } = await stage.github.readConversation(pr);
    await stage.github.recordTransition(pr, {
      announcement: { kind: 'comment', body: leak },
      statusComment: { body: leak, existing: undefined },
      notes: [],
      state: { currentLabels: pullRequest?.labels ?? [], to: 'plan' },
    });

    const { data: comments } = await client('writer').rest.issues.listComments({
      ...repo,
      issue_number: pr,
    });
    const published = JSON.stringify(comments.map((comment) => comment.body));
    expect(comments).toHaveLength(3);
    for (const secret of [token, modelKey, stray]) expect(published).not.toContain(secret);
    expect(published).toContain('***');
  });
});

/** A job of the plan stage wired against the adapter forge, with a PR open. */
async function wiredJob(job: 'agent' | 'apply', modelKey?: string) {
  const { forge, client, repo } = await startAdapterForge();
  const pr = await openPull(forge, 'feature');
  const { token } = forge.issueJobToken(JOB_SCOPES);
  const workspace = await mkdtemp(join(tmpdir(), 'wiring-'));
  const stage = await wireStage(
    {
      GITHUB_REPOSITORY: `${repo.owner}/${repo.repo}`,
      GITHUB_API_URL: forge.apiUrl,
      GITHUB_SERVER_URL: forge.apiUrl,
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_EVENT_PATH: join(workspace, 'event.json'),
      GITHUB_RUN_ID: '1',
      RUNNER_TEMP: workspace,
    },
    {
      stage: 'plan',
      job,
      githubToken: token,
      ...(modelKey === undefined ? {} : { modelKey }),
      workspace: 'work',
      outcome: 'outcome',
    },
  );
  return { forge, client, repo, pr, token, stage };
}
