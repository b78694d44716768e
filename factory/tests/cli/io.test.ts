import { describe, expect, it } from 'vitest';
import { colorsFor, formatTable, processIo } from '../../src/cli/io.ts';
import { parseRepoSlug, readToken } from '../../src/cli/connection.ts';

describe('command-line output', () => {
  it('never colours when NO_COLOR is set', () => {
    expect(processIo({ NO_COLOR: '1' }).color).toBe(false);
  });

  it('colours only when asked, and aligns tables on the visible text', () => {
    const io = { out: () => undefined, err: () => undefined };
    expect(colorsFor({ ...io, color: false }).red('x')).toBe('x');
    const red = colorsFor({ ...io, color: true }).red('ab');
    expect(red).not.toBe('ab');
    expect(
      formatTable([
        [red, 'z'],
        ['abcd', 'y'],
      ]),
    ).toEqual([`  ${red}    z`, '  abcd  y']);
  });
});

describe('reaching a repository', () => {
  it.each([
    ['acme/widgets', 'acme', 'widgets'],
    ['https://github.com/acme/widgets.git', 'acme', 'widgets'],
    ['git@github.com:acme/widgets.git', 'acme', 'widgets'],
    ['http://127.0.0.1:4000/octo-owner/software-factory.git', 'octo-owner', 'software-factory'],
  ])('reads %s as %s/%s', (text, owner, name) => {
    expect(parseRepoSlug(text)).toEqual({ owner, name });
  });

  it('refuses what is not a repository, and a missing token, by saying what to do', () => {
    expect(() => parseRepoSlug('widgets')).toThrow(
      '"widgets" is not a repository: use owner/name, an https URL or an ssh remote.',
    );
    expect(() => readToken({ GITHUB_TOKEN: ' ' })).toThrow(/set GH_TOKEN or GITHUB_TOKEN/);
    expect(readToken({ GH_TOKEN: 'ghp_x' })).toBe('ghp_x');
    // As for `gh`: the token you exported wins over the one a Codespace or CI job set.
    expect(readToken({ GH_TOKEN: 'ghp_mine', GITHUB_TOKEN: 'ghs_job' })).toBe('ghp_mine');
    expect(readToken({ GITHUB_TOKEN: '', GH_TOKEN: ' ghp_x ' })).toBe('ghp_x');
    expect(readToken({ GH_TOKEN: '', GITHUB_TOKEN: 'ghs_job' })).toBe('ghs_job');
  });
});
