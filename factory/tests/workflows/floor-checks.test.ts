/**
 * `.github/workflows/floor-checks.yml`, parsed by GitHub's own parser and judged by the twin's
 * trigger rules: a person's floor change runs it; a spec's pull request and the line's own pushes
 * do not (the line never waits on it). Its steps run `pnpm test`, the suite this file belongs to,
 * so the twin does not run them; actionlint checks them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenKind } from '../../src/twin/contract.ts';
import { passesPathFilter, pathFilterOf } from '../../src/twin/runner/path-filters.ts';
import { decideTrigger } from '../../src/twin/runner/triggers.ts';
import { parseWorkflowFile } from '../../src/twin/runner/workflow-model.ts';
import { pullRequestEvent } from '../twin/runner/harness.ts';

const PATH = '.github/workflows/floor-checks.yml';
const text = readFileSync(join(import.meta.dirname, '../../..', PATH), 'utf8');

async function starts(changed: readonly string[], tokenKind: TokenKind, fork?: string) {
  const parsed = await parseWorkflowFile(PATH, text);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const event = pullRequestEvent({
    action: 'synchronize',
    sha: 'a'.repeat(40),
    tokenKind,
    ...(fork === undefined ? {} : { fork }),
  });
  const decision = decideTrigger(parsed.value.events, event, PATH, 'main');
  const filter = pathFilterOf(parsed.value.events, event);
  const passes = filter === undefined || passesPathFilter(changed, filter);
  return passes ? decision.start : 'none';
}

describe(PATH, () => {
  it('runs for a person’s pull request that changes the floor', async () => {
    expect(await starts(['.claude/agents/implementer.md', 'docs/principles.md'], 'user')).toBe(
      'run',
    );
  });

  it('does not run for a spec’s pull request, which the spec lint checks', async () => {
    expect(await starts(['specs/0007-export-csv.md'], 'user')).toBe('none');
  });

  it('R-01: starts nothing by itself for the line’s own pushes', async () => {
    expect(await starts(['specs/0007-export-csv.md', 'src/export.ts'], 'default-token')).not.toBe(
      'run',
    );
  });

  it('waits for approval on a fork’s pull request, whose job then skips itself', async () => {
    expect(await starts(['src/x.ts'], 'user', 'mallory')).toBe('approval');
    expect(text).toContain(
      'if: github.event.pull_request.head.repo.full_name == github.repository',
    );
  });
});
