/**
 * The happy path: the example spec goes in queued and comes out merged, with the implementation
 * and its passing tests on main; the next queued PR is picked up after. This is
 * `pnpm factory demo`, asserted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.ts';
import { wordCountScript } from '../../src/demo/word-count-script.ts';
import { TWIN_MODEL_KEY, type Twin } from '../../src/twin/index.ts';
import type { RunRecord } from '../../src/twin/runner/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const execFileAsync = promisify(execFile);

/** The next spec number after every spec in this checkout, so a fork's own specs never clash. */
function nextSpecNumber(): string {
  const numbers = readdirSync(join(REPO_ROOT, 'specs')).map((name) =>
    Number(/^(\d{4})-/.exec(name)?.[1] ?? 0),
  );
  return String(Math.max(0, ...numbers) + 1).padStart(4, '0');
}

const WORD_FREQUENCY_SPEC = {
  path: `specs/${nextSpecNumber()}-word-frequency.md`,
  text: `# Count how often each word occurs

## Goal

Add \`wordFrequencies(text: string): Map<string, number>\` beside \`countWords\`.

## Acceptance criteria

- [ ] \`wordFrequencies('a b a')\` returns a map with \`a\` → 2 and \`b\` → 1.
`,
};

export interface HappyPath {
  readonly result: DemoResult;
  readonly seen: Observed;
}

interface Observed {
  readonly mainFiles: readonly string[];
  readonly productTests: string;
  readonly runs: readonly RunRecord[];
  readonly published: readonly string[];
  readonly modelBodies: readonly string[];
  readonly mismatches: readonly string[];
  readonly secondPrLabels: readonly string[];
  readonly secondPrStatus: string;
}

async function observe(twin: Twin): Promise<Observed> {
  const gitDir = twin.forge.gitDir;
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}`;
  const headers = { authorization: `token ${twin.forge.as('writer')}` };
  const get = async <T>(path: string) =>
    (await (await fetch(`${api}${path}`, { headers })).json()) as T;
  const comments = [
    ...(await get<{ body: string }[]>('/issues/1/comments?per_page=100')),
    ...(await get<{ body: string }[]>('/issues/2/comments?per_page=100')),
  ];
  const reviews = await get<{ body: string }[]>('/pulls/1/reviews');
  const second = await get<{ labels: { name: string }[] }>('/pulls/2');
  const runs = twin.runner?.runs() ?? [];
  return {
    mainFiles: git('ls-tree', '-r', '--name-only', 'main').split('\n'),
    productTests: await runProductTests(gitDir),
    runs,
    published: [
      ...comments.map((comment) => comment.body),
      ...reviews.map((review) => review.body),
      ...runs.flatMap((run) => run.jobs.flatMap((job) => job.steps.map((step) => step.log))),
    ],
    modelBodies: twin.model.requests.map((request) => request.raw),
    mismatches: twin.model.mismatches,
    secondPrLabels: second.labels.map((label) => label.name),
    secondPrStatus:
      comments.find((c) => c.body.includes('Factory status') && c.body.includes('spend-limit'))
        ?.body ?? '',
  };
}

/**
 * Runs the product's tests on a clone of main, with this checkout's installed dependencies. Never
 * synchronously: the other twins of the suite run in this process and must not stall meanwhile.
 */
async function runProductTests(gitDir: string): Promise<string> {
  const clone = await mkdtemp(join(tmpdir(), 'main-after-merge-'));
  try {
    await execFileAsync('git', ['clone', '--quiet', gitDir, clone]);
    await symlink(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
    const { stdout } = await execFileAsync(
      join(REPO_ROOT, 'node_modules/.bin/vitest'),
      ['run', '--project', 'product', '--reporter', 'verbose'],
      { cwd: clone, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } },
    );
    return stdout;
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
}

/** Runs the demo with a second spec queued behind the first, and reads what the line left. */
export async function runHappyPath(): Promise<HappyPath> {
  const script = wordCountScript();
  let seen: Observed | undefined;
  const result = await runDemo({
    repoRoot: REPO_ROOT,
    alsoQueue: [WORD_FREQUENCY_SPEC],
    // The second spec's planner hits the provider's spend limit: it must park at once.
    script: {
      ...script,
      planner: [...(script.planner ?? []), { reply: { fault: 'spend-limit' } }],
    },
    inspect: async (twin) => {
      seen = await observe(twin);
    },
  });
  if (seen === undefined) throw new Error('the demo ended before the twin was observed');
  return { result, seen };
}

export function describeHappyPath(happyPath: () => HappyPath): void {
  describe('the happy path', () => {
    const result = () => happyPath().result;
    const seen = () => happyPath().seen;

    it('merges the queued spec after every stage ran once, in order', () => {
      expect(result().outcome).toBe('merged');
      const stages = result().stages.filter((stage) => stage.stage !== 'scheduler');
      expect(stages.slice(0, 6).map((stage) => [stage.stage, stage.attempt])).toEqual([
        ['plan', 1],
        ['plan-review', 1],
        ['implementation', 1],
        ['implementation-ci', 1],
        ['code-review', 1],
        ['merge', 1],
      ]);
    });

    it('leaves the spec, its plan, the implementation and its tests on main, and they pass', () => {
      expect(seen().mainFiles).toEqual(
        expect.arrayContaining([
          'specs/0001-word-count.md',
          'plans/0001-word-count.md',
          'src/words.ts',
          'tests/words.test.ts',
        ]),
      );
      // Every product test passes (a failure fails the run), the implementation's among them.
      expect(seen().productTests).toContain('tests/words.test.ts');
      expect(seen().productTests).toContain('countWords');
      expect(seen().productTests).toMatch(/Tests\s+\d+ passed/);
    });

    it('R-01: every hand-off is an explicit dispatch; only a person’s label starts a run otherwise', () => {
      // Runs the token's pushes created wait for a person's approval, as on GitHub: they ran nothing.
      const started = seen().runs.filter(
        (run) =>
          run.name !== 'spec lint' &&
          run.status !== 'action_required' &&
          run.jobs.some((job) => job.conclusion !== 'skipped'),
      );
      const undispatched = started.filter((run) => run.event !== 'workflow_dispatch');
      // The two `state:queued` labels the person set; nothing the factory's token did started a run.
      expect(undispatched.map((run) => [run.name, run.event, run.actor.login])).toEqual([
        ['scheduler', 'pull_request_target', 'writer'],
        ['scheduler', 'pull_request_target', 'writer'],
      ]);
      expect(started.filter((run) => run.event === 'workflow_dispatch').length).toBeGreaterThan(6);
    });

    it('picks up the next queued PR after the merge, and parks it at once on a spend limit (R-15)', () => {
      expect(seen().secondPrLabels).toContain('state:needs-attention');
      expect(seen().secondPrStatus).toContain('spend-limit');
    });

    it('R-10: the model key appears in no comment, review, log or model request', () => {
      for (const text of [...seen().published, ...seen().modelBodies])
        expect(text).not.toContain(TWIN_MODEL_KEY);
    });

    it('lints the spec on the pull request that adds it, before it is queued', () => {
      const lint = seen().runs.filter((run) => run.name === 'spec lint');
      const opened = lint.filter((run) => run.action === 'opened');
      expect(opened.map((run) => [run.actor.login, run.conclusion])).toEqual([
        ['writer', 'success'],
        ['writer', 'success'],
      ]);
      // The line's own pushes to the branch (the plan, the code) wait for a person's approval, as
      // GitHub holds runs of default-token pushes: they start nothing by themselves.
      const pushed = lint.filter((run) => run.action !== 'opened');
      expect(pushed.length).toBeGreaterThan(0);
      expect(pushed.every((run) => run.status === 'action_required')).toBe(true);
    });

    it('plays the model script exactly, with no request off the script', () => {
      expect(seen().mismatches).toEqual([]);
    });
  });
}
