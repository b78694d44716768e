import { describe, expect, it } from 'vitest';
import { withRedaction } from '../../src/stages/redacting-github.ts';
import { createFakeGitHub } from '../fakes/fake-github.ts';

const CANARY = 'canary-secret-value-1234';
const TOKEN = `ghp_${'Zx9'.repeat(12)}`;

describe('withRedaction() (R-10)', () => {
  it('scrubs known secrets and credential-looking text from everything the line publishes', async () => {
    const fake = createFakeGitHub();
    fake.openPullRequest(7, { state: 'code-review' });
    const github = withRedaction(fake.port, [CANARY]);
    const leak = `key ${CANARY} and token ${TOKEN}`;

    await github.comment(7, leak);
    await github.postReview(7, 'sha', 'APPROVE', leak);
    await github.writeStatusComment(7, `<!-- factory:status -->\n${leak}`, undefined);
    await github.setCommitStatus('sha', {
      context: 'factory/ci',
      state: 'failure',
      description: leak,
    });

    const published = JSON.stringify(fake.writes) + JSON.stringify(fake.commentsOn(7));
    expect(published).not.toContain(CANARY);
    expect(published).not.toContain(TOKEN);
    expect(published).toContain('key *** and token ***');
  });

  it('scrubs every text a transition records: the announcement, the status comment and the notes', async () => {
    const fake = createFakeGitHub();
    fake.openPullRequest(7, { state: 'code-review' });
    const github = withRedaction(fake.port, [CANARY]);
    const leak = `key ${CANARY} and token ${TOKEN}`;
    const record = {
      statusComment: { body: `<!-- factory:status -->\n${leak}`, existing: undefined },
      notes: [leak],
      state: { currentLabels: ['state:code-review'], to: 'merge' as const },
    };

    await github.recordTransition(7, {
      ...record,
      announcement: { kind: 'review', sha: 'sha', verdict: 'APPROVE', body: leak },
    });
    await github.recordTransition(7, {
      ...record,
      announcement: { kind: 'comment', body: leak },
    });
    await github.recordTransition(7, {
      ...record,
      announcement: {
        kind: 'commit-status',
        sha: 'sha',
        status: { context: 'factory/ci', state: 'failure', description: leak },
      },
    });

    const published =
      JSON.stringify(fake.writes) +
      JSON.stringify(fake.commentsOn(7)) +
      JSON.stringify(await fake.port.listReviews(7));
    expect(published).not.toContain(CANARY);
    expect(published).not.toContain(TOKEN);
    expect(published).toContain('key *** and token ***');
    expect(fake.commentsOn(7).length).toBeGreaterThanOrEqual(3);
  });

  it('leaves reads and the factory identity check untouched', async () => {
    const fake = createFakeGitHub();
    fake.openPullRequest(7, { state: 'plan' });
    const github = withRedaction(fake.port, [CANARY]);
    expect(github.isFactoryActor('github-actions[bot]')).toBe(true);
    expect((await github.readPullRequest(7))?.number).toBe(7);
  });
});
