/**
 * Pure prompt assembly: role definition, constitution, library and task in; system blocks and the
 * first user message out. Order matters for the prompt cache: the stable part (role prompt, house
 * rules, constitution) comes first and ends with the only cache breakpoint, so every later turn —
 * and every later session of the same role until the constitution changes — reads it from the
 * cache. Everything that depends on the task follows it.
 */
import { formatRoleMarker } from '../role-marker.ts';
import type { ContextLibrary } from './library.ts';
import type { DocRecord } from './records.ts';
import { linkedAdrNumbers, recordNumber } from './records.ts';
import type { RoleDefinition } from './role-definition.ts';
import { SUBMIT_TOOL } from './role-definition.ts';
import { chooseAdrsInFull, splitIndexBudget } from './selection.ts';
import type { RenderedIndex } from './index-lines.ts';
import { renderIndex } from './index-lines.ts';
import { renderTask } from './task.ts';
import { estimateTokens } from './tokens.ts';
import type { SessionPrompt, SessionTask, SystemBlock } from './types.ts';
import { DATA_POLICY, fenceUntrusted, sanitizeUntrusted } from './untrusted.ts';

export interface ConstitutionFile {
  readonly path: string;
  /** The file's text, or undefined when the repository has no such file. */
  readonly text: string | undefined;
}

export interface AssemblyInput {
  readonly definition: RoleDefinition;
  readonly constitution: readonly ConstitutionFile[];
  readonly library: ContextLibrary;
  readonly task: SessionTask;
  readonly tokenBudget: number;
}

/** How many ranked records are considered for the index priority and for full text. */
const RANK_LIMIT = 40;
/** Ranked ADRs scoring below this share of the best hit are too weakly related to include. */
const MIN_RELATIVE_SCORE = 0.05;
const MAX_ADRS_IN_FULL = 16;
/** Tokens for the headings and prose around the decision context. */
const DECISIONS_FRAME_TOKENS = 200;

function houseRules(definition: RoleDefinition): string {
  return [
    DATA_POLICY,
    '## Ending the session',
    `End by calling ${SUBMIT_TOOL[definition.role]} exactly once, with your complete output.`,
    'Nothing you write outside that call is read by the factory.',
  ].join('\n');
}

function renderConstitution(files: readonly ConstitutionFile[]): string {
  const sections = files.map(({ path, text }) =>
    text === undefined
      ? `## ${path}\n\n(This repository has no ${path}.)`
      : `## ${path}\n\n${sanitizeUntrusted(text).trim()}`,
  );
  return ['# The constitution: read it before anything else', ...sections].join('\n\n');
}

function rankingQuery(task: SessionTask): string {
  return [task.spec.text, task.plan ?? '', task.pullRequest?.title ?? ''].join('\n');
}

const fullText = (record: DocRecord): string =>
  `### ${record.path} [${record.status || 'no status'}]\n\n${record.text.trim()}`;

interface Decisions {
  readonly text: string;
  readonly adrsInFull: readonly string[];
  readonly adrIndex: { readonly shown: number; readonly total: number };
  readonly specIndex: { readonly shown: number; readonly total: number };
}

interface DecisionParts {
  readonly adrIndex: RenderedIndex;
  readonly specIndex: RenderedIndex;
  readonly inFull: readonly DocRecord[];
}

/** Picks the index lines and the full-text ADRs for `task`, within `budget` tokens. */
function selectDecisions(
  library: ContextLibrary,
  task: SessionTask,
  budget: number,
): DecisionParts {
  const query = rankingQuery(task);
  const linked = linkedAdrNumbers(task.spec.text);
  const rankedAdrs = library.adrSearch.rank(query, RANK_LIMIT);
  const specNumber = recordNumber(task.spec.path);
  const split = splitIndexBudget(budget);
  const adrIndex = renderIndex({
    kind: 'adr',
    records: library.adrs,
    priority: [...linked, ...rankedAdrs.map((hit) => hit.number)],
    budget: split.adrIndex,
  });
  const specIndex = renderIndex({
    kind: 'spec',
    records: library.specs,
    priority: library.specSearch.rank(query, RANK_LIMIT).map((hit) => hit.number),
    exclude: new Set(specNumber === undefined ? [] : [specNumber]),
    budget: split.specIndex,
  });
  const inFull = chooseAdrsInFull({
    linked,
    ranked: rankedAdrs,
    byNumber: library.adrByNumber,
    budget: budget - adrIndex.tokens - specIndex.tokens,
    minRelativeScore: MIN_RELATIVE_SCORE,
    maxCount: MAX_ADRS_IN_FULL,
  });
  return { adrIndex, specIndex, inFull };
}

/** The decision context block: ADR index, ADRs in full, then the (fenced) index of past specs. */
function renderDecisions(library: ContextLibrary, task: SessionTask, budget: number): Decisions {
  const { adrIndex, specIndex, inFull } = selectDecisions(library, task, budget);
  const text = [
    '# Decision records (ADRs) and past specs',
    'ADRs are binding decisions of this project. A superseded ADR is marked in the index: follow ' +
      'its successor. The ADRs most relevant to this task are given in full after the index; ' +
      'read any other with read_file.',
    `## Index of ADRs (${adrIndex.shown} of ${adrIndex.total})`,
    adrIndex.text || '(none yet)',
    `## ADRs in full (${inFull.length})`,
    ...inFull.map(fullText),
    `## Index of past specs (${specIndex.shown} of ${specIndex.total})`,
    specIndex.total === 0 ? '(none yet)' : fenceUntrusted('index of past specs', specIndex.text),
  ].join('\n\n');
  return {
    text,
    adrsInFull: inFull.map((r) => r.path),
    adrIndex: { shown: adrIndex.shown, total: adrIndex.total },
    specIndex: { shown: specIndex.shown, total: specIndex.total },
  };
}

/** Assembles a session's prompt; see the module comment for the order and why. */
export function assembleSessionPrompt(input: AssemblyInput): SessionPrompt {
  const { definition, task, tokenBudget } = input;
  // The marker line opens the prompt so the twin's model server can tell the reviewers apart.
  const rolePart = [
    formatRoleMarker(definition.role),
    definition.prompt,
    houseRules(definition),
  ].join('\n\n');
  const constitution = renderConstitution(input.constitution);
  const user = renderTask(task);
  const stableTokens = estimateTokens(rolePart) + estimateTokens(constitution);
  const fixed = stableTokens + estimateTokens(user) + DECISIONS_FRAME_TOKENS;
  const decisions = renderDecisions(input.library, task, tokenBudget - fixed);
  const system: SystemBlock[] = [
    { type: 'text', text: rolePart },
    { type: 'text', text: constitution, cache_control: { type: 'ephemeral' } },
    { type: 'text', text: decisions.text },
  ];
  return {
    system,
    user,
    model: definition.model,
    tools: definition.tools,
    stats: {
      tokens: stableTokens + estimateTokens(decisions.text) + estimateTokens(user),
      stableTokens,
      tokenBudget,
      adrsInFull: decisions.adrsInFull,
      adrIndex: decisions.adrIndex,
      specIndex: decisions.specIndex,
    },
  };
}
