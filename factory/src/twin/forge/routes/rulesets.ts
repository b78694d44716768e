/**
 * Repository rulesets, as far as the line meets them: `POST` and `GET /repos/{o}/{r}/rulesets`
 * (admin only) with the rules that act on pushes (`PUSH_RULES`), and the rules that apply to a
 * branch (`GET …/rules/branches/{branch}`, for anyone who can read the repository). GitHub makes
 * its own commits (the web editor, merges, server-side branch updates) under the rules it checks
 * itself, so the twin's rules bite only on git pushes: the pre-receive hook refuses a push that
 * breaks one with GitHub's GH013 message (`seed.ts`). Any other rule type is refused as not
 * modelled, so a test never believes the twin enforces what it does not.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { READ_ANY, type ForgeContext, type Route } from '../context.ts';
import { parseBody, validationFailed } from '../http.ts';
import { repoApiUrl } from '../render/base.ts';
import { DEFAULT_BRANCH, RULESETS_FILE } from '../seed.ts';
import { assertAdmin, type RepoSettings, type RulesetRecord } from './repo-settings.ts';

const CreateRuleset = z.object({
  name: z.string().min(1),
  target: z.enum(['branch', 'tag', 'push']).default('branch'),
  enforcement: z.enum(['active', 'evaluate', 'disabled']),
  conditions: z
    .object({
      ref_name: z.object({
        include: z.array(z.string()).default([]),
        exclude: z.array(z.string()).default([]),
      }),
    })
    .optional(),
  rules: z.array(z.object({ type: z.string(), parameters: z.unknown().optional() })).default([]),
});

/** The rules the twin enforces: each refuses some pushes to the branches it covers. */
const PUSH_RULES: ReadonlySet<string> = new Set([
  'required_signatures',
  'non_fast_forward',
  'update',
]);
const DOCS = 'repos/rules#create-a-repository-ruleset';

export function rulesetRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  return [
    {
      method: 'POST',
      path: '/repos/{owner}/{repo}/rulesets',
      docs: DOCS,
      need: READ_ANY,
      handle: async ({ grant, body }) => {
        assertAdmin(grant, ctx.auth.permissionOf, DOCS);
        const input = parseBody(CreateRuleset, body, DOCS);
        const unmodelled = [
          ...(input.target === 'branch' ? [] : [`${input.target} rulesets`]),
          ...input.rules.filter((rule) => !PUSH_RULES.has(rule.type)).map((rule) => rule.type),
        ];
        if (unmodelled.length > 0)
          throw validationFailed(DOCS, [
            {
              resource: 'Ruleset',
              field: 'rules',
              code: 'custom',
              message: `the twin models only branch rulesets with ${[...PUSH_RULES].join(', ')}, not ${unmodelled.join(', ')}`,
            },
          ]);
        const record: RulesetRecord = {
          id: settings.rulesets.length + 1,
          name: input.name,
          enforcement: input.enforcement,
          include: input.conditions?.ref_name.include ?? [],
          exclude: input.conditions?.ref_name.exclude ?? [],
          rules: input.rules.map((rule) => rule.type),
          createdAt: ctx.now(),
        };
        settings.rulesets.push(record);
        await writeRulesetsForHook(ctx.repo.gitDir, settings.rulesets);
        return { status: 201, body: renderRuleset(ctx, record) };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/rulesets',
      docs: 'repos/rules#get-all-repository-rulesets',
      need: READ_ANY,
      handle: ({ grant }) => {
        assertAdmin(grant, ctx.auth.permissionOf, 'repos/rules#get-all-repository-rulesets');
        return { status: 200, body: settings.rulesets.map((record) => renderRuleset(ctx, record)) };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/rules/branches/{branch}',
      docs: 'repos/rules#get-rules-for-a-branch',
      need: READ_ANY,
      handle: ({ params }) => {
        const ref = `refs/heads/${params.branch ?? ''}`;
        const body = rulesetsOn(settings, ref).flatMap((record) =>
          record.rules.map((type) => ({
            type,
            ruleset_source_type: 'Repository',
            ruleset_source: `${ctx.render.owner.login}/${ctx.render.name}`,
            ruleset_id: record.id,
          })),
        );
        return { status: 200, body };
      },
    },
  ];
}

/** The active rulesets that apply to `ref`, which need not exist, as GitHub answers for a branch. */
export function rulesetsOn(settings: RepoSettings, ref: string): RulesetRecord[] {
  return settings.rulesets.filter(
    (record) => record.enforcement === 'active' && covers(record, ref),
  );
}

/** Whether `record` applies to `ref`. */
function covers(record: RulesetRecord, ref: string): boolean {
  const matches = (patterns: readonly string[]) =>
    patterns.length > 0 && new RegExp(refsMatching(patterns)).test(ref);
  return matches(record.include) && !matches(record.exclude);
}

/** Hands the bare repository's pre-receive hook the push rules in force and where. */
export function writeRulesetsForHook(
  gitDir: string,
  rulesets: readonly RulesetRecord[],
): Promise<void> {
  return writeFile(join(gitDir, RULESETS_FILE), ruleLines(rulesets));
}

/**
 * What the hook reads: a line per rule of each active ruleset, its type, the refs it covers and
 * those it leaves out, each as one extended regular expression, tab-separated (no ref name holds
 * a tab). A ruleset that includes nothing covers nothing and gets no line.
 */
function ruleLines(rulesets: readonly RulesetRecord[]): string {
  return rulesets
    .filter((record) => record.enforcement === 'active' && record.include.length > 0)
    .flatMap((record) =>
      record.rules.map(
        (type) => `${type}\t${refsMatching(record.include)}\t${refsMatching(record.exclude)}\n`,
      ),
    )
    .join('');
}

/** A regular expression (POSIX extended, and JavaScript alike) for any of `patterns`, or ''. */
function refsMatching(patterns: readonly string[]): string {
  return patterns.length === 0 ? '' : `^(${patterns.map(refPattern).join('|')})$`;
}

/**
 * One of GitHub's ref patterns: `~ALL`, `~DEFAULT_BRANCH`, or an fnmatch pattern over the branch
 * (or full ref) name, where `*`, `?` and a `[…]` set stop at a `/`, `**` does not, and `**`
 * followed by a `/` also matches no folder at all.
 */
function refPattern(pattern: string): string {
  if (pattern === '~ALL') return 'refs/heads/.*';
  const ref =
    pattern === '~DEFAULT_BRANCH'
      ? `refs/heads/${DEFAULT_BRANCH}`
      : pattern.startsWith('refs/')
        ? pattern
        : `refs/heads/${pattern}`;
  return ref
    .split(/(\*\*\/|\*\*|\*|\?|\[[^\]]*\])/)
    .map((part) => WILDCARDS[part] ?? (part.startsWith('[') ? characterSet(part) : literal(part)))
    .join('');
}

const WILDCARDS: Readonly<Record<string, string>> = {
  '**/': '(.*/)?',
  '**': '.*',
  '*': '[^/]*',
  '?': '[^/]',
};

/** An fnmatch set (`[a-z]`, `[!0-9]`) as a bracket expression; no ref name holds a `[`. */
function characterSet(set: string): string {
  const body = set.slice(1, -1);
  return body.startsWith('!') ? `[^/${body.slice(1)}]` : `[${body}]`;
}

function literal(text: string): string {
  return text.replace(/[.^$+(){}|[\]\\]/g, '\\$&');
}

function renderRuleset(ctx: ForgeContext, record: RulesetRecord) {
  return {
    id: record.id,
    name: record.name,
    target: 'branch',
    source_type: 'Repository',
    source: `${ctx.render.owner.login}/${ctx.render.name}`,
    enforcement: record.enforcement,
    conditions: { ref_name: { include: record.include, exclude: record.exclude } },
    rules: record.rules.map((type) => ({ type })),
    created_at: record.createdAt,
    updated_at: record.createdAt,
    _links: { self: { href: `${repoApiUrl(ctx.render)}/rulesets/${String(record.id)}` } },
  };
}
