import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addedLinesOf } from '../../../src/adapters/github/files.ts';
import { gitHubAt, openPull, startAdapterForge } from './fixture.ts';

/**
 * GitHub's `GET /pulls/{n}/files`, two pages of it, served on loopback, so pagination is checked
 * against GitHub's own shape; the twin forge is checked below.
 */
const PAGES = [
  [
    {
      filename: 'src/add.ts',
      additions: 2,
      deletions: 1,
      patch: '@@ -1,2 +1,3 @@\n-old line\n+const key = "AKIA0000";\n+++counter;\n context',
    },
    { filename: 'logo.png', additions: 0, deletions: 0 },
  ],
  [{ filename: 'README.md', additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+# Title' }],
];

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serveFiles(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(`${req.method ?? ''} ${url.pathname}`);
    const page = Number(url.searchParams.get('page') ?? '1');
    const next = new URL(url.toString().replace('http://127.0.0.1', base()));
    next.searchParams.set('page', String(page + 1));
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(page < PAGES.length ? { link: `<${next.toString()}>; rel="next"` } : {}),
    });
    res.end(JSON.stringify(PAGES[page - 1] ?? []));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = () => `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { url: base(), seen };
}

describe('GitHub adapter: changed files', { timeout: 60_000 }, () => {
  it('reads every page of a PR’s files with the lines each adds', async () => {
    const { url, seen } = await serveFiles();
    const github = gitHubAt(url);

    expect(await github.listChangedFiles(5)).toEqual([
      {
        path: 'src/add.ts',
        additions: 2,
        deletions: 1,
        addedLines: ['const key = "AKIA0000";', '++counter;'],
      },
      { path: 'logo.png', additions: 0, deletions: 0, addedLines: [] },
      { path: 'README.md', additions: 1, deletions: 0, addedLines: ['# Title'] },
    ]);
    expect(seen).toEqual(['GET /repos/o/r/pulls/5/files', 'GET /repos/o/r/pulls/5/files']);
  });

  it('takes added lines from hunks only: file headers are skipped, `++` text is kept', () => {
    const patch = [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -1 +1,3 @@',
      ' same',
      '+new',
      '-gone',
      '+++i; // a line that starts with ++',
      '+',
    ].join('\n');
    expect(addedLinesOf(patch)).toEqual(['new', '++i; // a line that starts with ++', '']);
  });

  it('lists a PR’s files on the twin forge with their line counts and the lines they add', async () => {
    const { forge, github } = await startAdapterForge();
    const pr = await openPull(forge, 'feature', [], {
      'src/new.ts': 'export const one = 1;\nexport const two = 2;\n',
      'README.md': '# Gadgets\n',
    });

    const files = await github.listChangedFiles(pr);

    expect(files.map(({ path, additions, deletions }) => ({ path, additions, deletions }))).toEqual(
      expect.arrayContaining([
        { path: 'src/new.ts', additions: 2, deletions: 0 },
        { path: 'README.md', additions: 1, deletions: 1 },
      ]),
    );
    expect(files).toHaveLength(2);
    expect(files.find((file) => file.path === 'src/new.ts')?.addedLines).toEqual([
      'export const one = 1;',
      'export const two = 2;',
    ]);
    expect(files.find((file) => file.path === 'README.md')?.addedLines).toEqual(['# Gadgets']);
  });
});
