/**
 * The workbench's judgements around a push: what a refusal means for the stage, and reading a
 * pushed head back (GitHub moves a PR's head after a push in its own time).
 */
import { describe, expect, it } from 'vitest';
import { classifyPushRejection } from '../../src/adapters/git/remote.ts';
import { pushRefusal, readPushedHead } from '../../src/stages/workbench.ts';
import { createFakeGitHub } from '../fakes/fake-github.ts';

const OLD = 'a'.repeat(40);
const PUSHED = 'b'.repeat(40);
const noWait = () => Promise.resolve();

describe('reading back the head the line pushed', () => {
  it('goes on with the pushed head and the latest labels when GitHub never shows the push, rather than drop the work', async () => {
    const github = createFakeGitHub();
    github.openPullRequest(7, { state: 'implementation', headSha: OLD });
    const before = await github.port.readPullRequest(7);
    if (before === undefined) throw new Error('no PR');
    let reads = 0;
    const port = {
      ...github.port,
      readPullRequest: async (pr: number) => {
        reads += 1;
        const read = await github.port.readPullRequest(pr);
        return read && { ...read, labels: [...read.labels, `read-${String(reads)}`] };
      },
    };

    const head = await readPushedHead(port, before, PUSHED, noWait);

    expect(reads).toBe(5);
    expect(head).toEqual({
      pr: { ...before, headSha: PUSHED, labels: ['state:implementation', 'read-5'] },
      readJustNow: true,
      movedBySomeoneElse: false,
    });
  });

  it('says so when GitHub shows a head neither the old one nor the pushed one', async () => {
    const github = createFakeGitHub();
    github.openPullRequest(7, { state: 'merge', headSha: OLD });
    const before = await github.port.readPullRequest(7);
    if (before === undefined) throw new Error('no PR');
    github.openPullRequest(7, { state: 'merge', headSha: 'c'.repeat(40) });

    const head = await readPushedHead(github.port, before, PUSHED, noWait);

    expect(head).toMatchObject({ readJustNow: true, movedBySomeoneElse: true });
    expect(head.pr.headSha).toBe('c'.repeat(40));
  });

  it('cannot vouch for the labels when the PR could not be read back at all', async () => {
    const github = createFakeGitHub();
    github.openPullRequest(7, { state: 'plan', headSha: OLD });
    const before = await github.port.readPullRequest(7);
    if (before === undefined) throw new Error('no PR');
    const port = { ...github.port, readPullRequest: () => Promise.resolve(undefined) };

    const head = await readPushedHead(port, before, PUSHED, noWait);

    expect(head).toEqual({
      pr: { ...before, headSha: PUSHED },
      readJustNow: false,
      movedBySomeoneElse: false,
    });
  });
});

describe('what a refused push means for the stage', () => {
  const github = createFakeGitHub();
  github.openPullRequest(7, { state: 'implementation', headSha: OLD });
  const refusal = async (message: string) => {
    const pr = await github.port.readPullRequest(7);
    if (pr === undefined) throw new Error('no PR');
    const rejected = { kind: 'rejected', reason: classifyPushRejection(message), message } as const;
    return pushRefusal(pr, rejected, 'the work was pushed');
  };

  it('R-19: stands down when someone else’s push won the branch, whether the lease or the remote saw it', async () => {
    for (const message of [
      '!\tabc:refs/heads/spec/7\t[rejected] (stale info)',
      "!\tabc:refs/heads/spec/7\t[remote rejected] (cannot lock ref 'refs/heads/spec/7': is at 1 but expected 2)",
    ])
      expect(await refusal(message)).toMatchObject({ kind: 'stood-down' });
  });

  it('parks push-refused, quoting GitHub on one line, when a rule refuses the commit', async () => {
    expect(
      await refusal(
        "To https://github.com/o/r.git\n!\tabc:refs/heads/spec/7\t[remote rejected] (push declined due to repository rule violations)\nDone\nremote: error: GH013: Repository rule violations found for refs/heads/spec/7.\nerror: failed to push some refs to 'https://github.com/o/r.git'",
      ),
    ).toEqual({
      kind: 'event',
      event: {
        type: 'blocked',
        reason: 'push-refused',
        detail:
          'GitHub refused the line’s push to spec/7 while the work was pushed: ! abc:refs/heads/spec/7 [remote rejected] (push declined due to repository rule violations) error: GH013: Repository rule violations found for refs/heads/spec/7.',
      },
      result: 'GitHub refused the push',
    });
  });

  it('counts a push GitHub failed for another reason as a crashed attempt, its spend recorded, run again within the retries', async () => {
    expect(
      await refusal('!\tabc:refs/heads/spec/7\t[remote rejected] (Internal Server Error)'),
    ).toEqual({
      kind: 'event',
      event: { type: 'attempt-failed', reason: 'stage-crashed' },
      result:
        'the push failed while the work was pushed: ! abc:refs/heads/spec/7 [remote rejected] (Internal Server Error)',
    });
  });
});
