/** Reading a pushed head back: GitHub moves a PR's head after a push in its own time. */
import { describe, expect, it } from 'vitest';
import { readPushedHead } from '../../src/stages/workbench.ts';
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
