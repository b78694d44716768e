import { describe, expect, it } from 'vitest';
import { checkOwner, checkProjectName, parseGitHubOwner } from '../../src/cli/init/names.ts';
import {
  ATTRIBUTION,
  TEMPLATE_NAME,
  checkStampRequest,
  isStampTarget,
  planStamp,
  readPackageName,
  stampText,
} from '../../src/cli/init/plan.ts';

describe('checkProjectName', () => {
  it.each(['acme', 'widgets-2', 'a.b_c', '0day', 'x'])('accepts %s', (name) => {
    expect(checkProjectName(name)).toEqual({ ok: true });
  });

  it.each([
    ['', /empty/],
    ['Acme', /uppercase/],
    ['-acme', /must start with a letter or digit/],
    ['.acme', /must start with a letter or digit/],
    ['_acme', /must start with a letter or digit/],
    ['ac me', /may only use/],
    ['@acme/x', /may only use/],
    ['acme/x', /may only use/],
    ['caf\u00e9', /may only use/],
    ['node_modules', /reserved by npm/],
    ['a'.repeat(206), /too long/],
  ])('refuses %j with a reason', (name, reason) => {
    const check = checkProjectName(name);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('accepts the longest name whose scoped package still fits 214 characters', () => {
    expect(checkProjectName('a'.repeat(205)).ok).toBe(true);
  });
});

describe('checkOwner', () => {
  it.each(['acme', 'Acme-Labs', 'a1', 'x'.repeat(39)])('accepts %s', (owner) => {
    expect(checkOwner(owner).ok).toBe(true);
  });

  it.each(['-acme', 'acme-', 'ac--me', 'ac_me', 'ac.me', '', 'x'.repeat(40)])(
    'refuses %j',
    (owner) => {
      const check = checkOwner(owner);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(/not a GitHub user or organisation name/);
    },
  );
});

describe('parseGitHubOwner', () => {
  it.each([
    ['https://github.com/acme/widgets.git', 'acme'],
    ['https://github.com/acme/widgets', 'acme'],
    ['git@github.com:Acme-Labs/widgets.git', 'Acme-Labs'],
    ['ssh://git@github.com/acme/widgets.git\n', 'acme'],
  ])('reads the owner of %s', (url, owner) => {
    expect(parseGitHubOwner(url)).toBe(owner);
  });

  it.each(['/tmp/template', 'https://gitlab.com/acme/widgets.git', 'https://github.com/acme'])(
    'finds no owner in %s',
    (url) => {
      expect(parseGitHubOwner(url)).toBeUndefined();
    },
  );
});

describe('isStampTarget', () => {
  it.each([
    'package.json',
    'factory/package.json',
    'README.md',
    'CLAUDE.md',
    'AGENTS.md',
    'factory.config.yaml',
    'docs/operating-guide.md',
    '.claude/agents/planner.md',
    '.github/workflows/plan.yml',
  ])('stamps %s', (path) => {
    expect(isStampTarget(path)).toBe(true);
  });

  it.each([
    'src/greeting.ts',
    'tests/greeting.test.ts',
    'specs/0001-word-count.md',
    'pnpm-lock.yaml',
    'LICENSE',
    'factory/src/cli/main.ts',
    'src/package.json',
    'docsx/readme.md',
  ])('never touches %s', (path) => {
    expect(isStampTarget(path)).toBe(false);
  });
});

describe('stampText', () => {
  const names = { name: 'widgets', owner: 'acme' };

  it('renames the root and the scoped package', () => {
    expect(stampText('package.json', '{\n  "name": "software-factory"\n}\n', names)).toBe(
      '{\n  "name": "widgets"\n}\n',
    );
    expect(stampText('factory/package.json', '"name": "@software-factory/factory"', names)).toBe(
      '"name": "@widgets/factory"',
    );
  });

  it('retitles the README, points badges at the owner and adds the attribution once', () => {
    const readme = [
      '# software-factory',
      '',
      '[![ci](https://github.com/template-org/software-factory/actions/workflows/ci.yml/badge.svg)](https://github.com/template-org/software-factory/actions)',
      '![license](https://img.shields.io/github/license/template-org/software-factory)',
      'Clone with `git clone git@github.com:template-org/software-factory.git`.',
      '',
    ].join('\n');
    const stamped = stampText('README.md', readme, names);
    expect(stamped).toBe(
      [
        '# widgets',
        '',
        '[![ci](https://github.com/acme/widgets/actions/workflows/ci.yml/badge.svg)](https://github.com/acme/widgets/actions)',
        '![license](https://img.shields.io/github/license/acme/widgets)',
        'Clone with `git clone git@github.com:acme/widgets.git`.',
        '',
        ATTRIBUTION,
        '',
      ].join('\n'),
    );
    expect(stampText('README.md', stamped, names)).toBe(stamped);
  });

  it('keeps the owner in links when none is known, and leaves other repositories alone', () => {
    const text = 'https://github.com/template-org/software-factory and https://github.com/x/y';
    expect(stampText('docs/a.md', text, { name: 'widgets' })).toBe(
      'https://github.com/template-org/widgets and https://github.com/x/y',
    );
  });

  it('replaces the name whatever its case, but never on the attribution line', () => {
    const text = `Software-Factory docs\n${ATTRIBUTION}\n`;
    expect(stampText('README.md', text, names)).toBe(`widgets docs\n${ATTRIBUTION}\n`);
  });
});

describe('planStamp', () => {
  it('plans only targets that change, sorted, and plans nothing on its own result', () => {
    const files = new Map([
      ['README.md', '# software-factory\n'],
      ['CLAUDE.md', '# software-factory\n'],
      ['AGENTS.md', 'See CLAUDE.md.\n'],
      ['src/app.ts', "export const name = 'software-factory';\n"],
      ['specs/0002-x.md', 'software-factory\n'],
    ]);
    const changes = planStamp(files, { name: 'widgets' });
    expect(changes.map((change) => change.path)).toEqual(['CLAUDE.md', 'README.md']);
    const stamped = new Map(files);
    for (const change of changes) stamped.set(change.path, change.after);
    expect(planStamp(stamped, { name: 'widgets' })).toEqual([]);
  });

  it('skips binary files', () => {
    expect(planStamp(new Map([['docs/logo.png', 'software-factory\0']]), { name: 'w' })).toEqual(
      [],
    );
  });
});

describe('checkStampRequest', () => {
  it('accepts a fresh fork and a re-run with the same name', () => {
    expect(checkStampRequest(TEMPLATE_NAME, { name: 'widgets' }).ok).toBe(true);
    expect(checkStampRequest('widgets', { name: 'widgets', owner: 'acme' }).ok).toBe(true);
  });

  it.each([
    [TEMPLATE_NAME, { name: 'Widgets' }, /uppercase/],
    [TEMPLATE_NAME, { name: 'widgets', owner: '-acme' }, /GitHub user or organisation/],
    [TEMPLATE_NAME, { name: TEMPLATE_NAME }, /the template's name: choose your own/],
    ['gadgets', { name: 'widgets' }, /already stamped as "gadgets"/],
    [undefined, { name: 'widgets' }, /already stamped as "\(no name\)"/],
  ])('refuses package %j stamped as %j', (current, names, reason) => {
    const check = checkStampRequest(current, names);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });
});

describe('readPackageName', () => {
  it('reads the name, or nothing when there is none', () => {
    expect(readPackageName('{"name":"widgets"}')).toBe('widgets');
    expect(readPackageName('{"version":"1.0.0"}')).toBeUndefined();
    expect(readPackageName('{"name":3}')).toBeUndefined();
  });
});
