/**
 * The status comment: one comment per PR, rewritten in place at every step (never a new comment
 * per step). It shows the line as a checklist with the current stage marked, attempts, results,
 * tokens and dollars per stage, and — when parked — the reason and exactly how to resume. Its
 * figures are also embedded as JSON in a marker so the next stage can add to them.
 */
import * as z from 'zod';
import { escapeAgentText, STATUS_MARKER } from './notes.ts';
import { PARK_REASONS, type ParkReason } from './reasons.ts';
import { isSpecPath } from './spec/path.ts';
import { WORKING_STATES, labelOf, type State, type WorkingState } from './states.ts';

const FEEDBACK_MAX_CHARS = 6_000;

const StageRecordSchema = z.object({
  attempts: z.int().nonnegative(),
  /** One line a person reads: the verdict, the CI result, what was committed. */
  result: z.string().max(300).catch(''),
  tokens: z.int().nonnegative(),
  dollars: z.number().nonnegative(),
  runUrl: z.string().optional().catch(undefined),
});

const ParkSchema = z.object({
  reason: z.enum(Object.keys(PARK_REASONS) as [ParkReason, ...ParkReason[]]),
  detail: z.string(),
  stage: z.enum(WORKING_STATES).optional(),
});

/** What the next agent session must address: a review's objections, a CI failure, a conflict. */
const FeedbackSchema = z.object({
  kind: z.enum(['review', 'ci', 'conflict']),
  /** The stage that raised it. */
  from: z.enum(WORKING_STATES),
  text: z.string().max(FEEDBACK_MAX_CHARS),
});

/**
 * Heads the merge's own rebases left with the same patch (ADR 0004): `head`, the last of them, and
 * every head before it, oldest first. A later round that rebases `head` again, patch unchanged,
 * counts an approval of any of them; a head anyone else pushed is not `head`, and counts none.
 */
export const SAME_PATCH_KEPT = 20;

const SamePatchSchema = z.object({
  head: z.string(),
  earlier: z.array(z.string()).max(SAME_PATCH_KEPT),
});

/**
 * The spec as it was when the PR was put on the line (the merge guardrail compares against it).
 * Stages read the file at `path`, so nothing but a spec's own path is accepted there.
 */
const QueuedSpecSchema = z.object({
  path: z.string().refine(isSpecPath, 'not a spec path (specs/NNNN-name.md)'),
  blobSha: z.string(),
});

/** A UTC day, as the per-day ceiling counts it: `2026-11-27`. */
export type Day = string;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** How many days of spend a ledger keeps: only today's counts, the rest shows the recent past. */
const DAYS_KEPT = 7;

/**
 * Dollars this PR spent on each UTC day (the per-day ceiling sums them across PRs). One day the
 * line cannot read is dropped alone, like every other part.
 */
const DaysSchema = z
  .record(z.string(), z.number().nonnegative().optional().catch(undefined))
  .transform((days) => {
    const kept: Record<Day, number> = {};
    for (const [day, dollars] of Object.entries(days))
      if (DAY.test(day) && dollars !== undefined) kept[day] = dollars;
    return kept;
  });

/**
 * Each part is read on its own, so one the line cannot read (hand-edited, or written by another
 * version) is dropped alone: the spend recorded beside it still counts against the PR's budget. A
 * stage record keeps its spend even when its text is unreadable.
 */
export const LedgerSchema = z.object({
  stages: z
    .record(z.string(), StageRecordSchema.optional().catch(undefined))
    .default({})
    .transform(knownStages),
  park: ParkSchema.optional().catch(undefined),
  spec: QueuedSpecSchema.optional().catch(undefined),
  feedback: FeedbackSchema.optional().catch(undefined),
  days: DaysSchema.optional().catch(undefined),
  samePatch: SamePatchSchema.optional().catch(undefined),
});

/** The records of the line's own stages; a stage name another version used is left out. */
function knownStages(
  records: Record<string, StageRecord | undefined>,
): Partial<Record<WorkingState, StageRecord>> {
  const known: Partial<Record<WorkingState, StageRecord>> = {};
  for (const stage of WORKING_STATES) {
    const record = records[stage];
    if (record !== undefined) known[stage] = record;
  }
  return known;
}

export type StageRecord = z.output<typeof StageRecordSchema>;
export type Feedback = z.output<typeof FeedbackSchema>;
export type SamePatch = z.output<typeof SamePatchSchema>;
export type Ledger = z.output<typeof LedgerSchema>;

export const EMPTY_LEDGER: Ledger = { stages: {} };

const LEDGER_MARKER = /<!-- factory:ledger (\{.*?\}) -->/gs;

/**
 * The figures embedded in a status comment; an unreadable or missing ledger reads as empty. The
 * ledger is the comment's last line, so only the last marker counts: text shown above it can
 * never stand in for it, even if it got past the escaping.
 */
export function parseLedger(body: string | undefined): Ledger {
  const json = body === undefined ? undefined : [...body.matchAll(LEDGER_MARKER)].at(-1)?.[1];
  if (json === undefined) return EMPTY_LEDGER;
  try {
    const parsed = LedgerSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : EMPTY_LEDGER;
  } catch {
    return EMPTY_LEDGER;
  }
}

/**
 * Adds one attempt of a stage: its result replaces the last, its spend adds up, on the stage and
 * on the day it was recorded.
 */
export function recordAttempt(
  ledger: Ledger,
  stage: WorkingState,
  attempt: {
    readonly result: string;
    readonly tokens: number;
    readonly dollars: number;
    readonly runUrl?: string;
    /** The UTC day the spend is recorded on (`dayOf`). */
    readonly day: Day;
  },
): Ledger {
  const previous = ledger.stages[stage];
  const record: StageRecord = {
    attempts: (previous?.attempts ?? 0) + 1,
    result: attempt.result.slice(0, 300),
    tokens: (previous?.tokens ?? 0) + attempt.tokens,
    dollars: (previous?.dollars ?? 0) + attempt.dollars,
    ...(attempt.runUrl === undefined ? {} : { runUrl: attempt.runUrl }),
  };
  return {
    ...ledger,
    stages: { ...ledger.stages, [stage]: record },
    ...daysWith(ledger.days, attempt.day, attempt.dollars),
  };
}

/** The ledger's days with `dollars` added on `day`: the latest `DAYS_KEPT` up to it, none at $0. */
function daysWith(
  days: Ledger['days'],
  day: Day,
  dollars: number,
): Pick<Ledger, 'days'> | Record<string, never> {
  const added = { ...days, ...(dollars > 0 ? { [day]: (days?.[day] ?? 0) + dollars } : {}) };
  // A day after this one (a clock that ran ahead, a hand edit) must not push today's out.
  const latest = Object.keys(added)
    .filter((kept) => kept <= day)
    .sort()
    .reverse()
    .slice(0, DAYS_KEPT);
  if (latest.length === 0) return {};
  return { days: Object.fromEntries(latest.map((kept) => [kept, added[kept] ?? 0])) };
}

/** The UTC day `moment` falls on. */
export function dayOf(moment: Date): Day {
  return moment.toISOString().slice(0, 10);
}

/** What this PR's ledger records as spent on `day`. */
export function spentOn(ledger: Ledger, day: Day): number {
  return ledger.days?.[day] ?? 0;
}

/**
 * The line's spend on a day from each PR's: a PR counts for no more than `perPrDollars`, which
 * none can pass, so a status comment edited to claim more stops no more than one PR's worth.
 */
export function dayTotal(byPr: ReadonlyMap<number, number>, perPrDollars: number): number {
  let total = 0;
  for (const dollars of byPr.values()) total += Math.min(dollars, perPrDollars);
  return total;
}

/** Records what the next session must address (or clears it), trimmed to what the ledger holds. */
export function recordFeedback(ledger: Ledger, feedback: Feedback | undefined): Ledger {
  if (feedback === undefined) {
    const cleared = { ...ledger };
    delete cleared.feedback;
    return cleared;
  }
  return { ...ledger, feedback: { ...feedback, text: feedback.text.slice(0, FEEDBACK_MAX_CHARS) } };
}

export function recordPark(ledger: Ledger, park: NonNullable<Ledger['park']>): Ledger {
  return { ...ledger, park };
}

export function totalSpend(ledger: Ledger): { tokens: number; dollars: number } {
  const records = Object.values(ledger.stages);
  return {
    tokens: records.reduce((sum, record) => sum + record.tokens, 0),
    dollars: records.reduce((sum, record) => sum + record.dollars, 0),
  };
}

/** The whole comment body for a PR in `state`. */
export function renderStatus(state: State | 'merged', ledger: Ledger): string {
  const total = totalSpend(ledger);
  const lines = [
    STATUS_MARKER,
    `### 🏭 Factory status: ${state === 'merged' ? 'merged ✅' : `\`${labelOf(state)}\``}`,
    '',
    '| | stage | attempts | latest result | tokens | cost |',
    '|---|---|---:|---|---:|---:|',
    ...WORKING_STATES.map((stage) => stageRow(stage, state, ledger.stages[stage])),
    `| | **total** | | | **${formatTokens(total.tokens)}** | **${formatDollars(total.dollars)}** |`,
  ];
  if (state === 'needs-attention' && ledger.park !== undefined)
    lines.push('', ...parkSection(ledger.park));
  lines.push('', `<!-- factory:ledger ${ledgerJson(ledger)} -->`);
  return lines.join('\n');
}

function stageRow(
  stage: WorkingState,
  state: State | 'merged',
  record: StageRecord | undefined,
): string {
  const mark = stageMark(stage, state, record);
  const result = record === undefined ? '' : escapeCell(escapeAgentText(record.result));
  const link = record?.runUrl === undefined ? result : `${result} ([run](${record.runUrl}))`;
  return `| ${mark} | ${stage} | ${record?.attempts ?? ''} | ${link} | ${record === undefined ? '' : formatTokens(record.tokens)} | ${record === undefined ? '' : formatDollars(record.dollars)} |`;
}

function stageMark(
  stage: WorkingState,
  state: State | 'merged',
  record: StageRecord | undefined,
): string {
  if (state === 'merged') return '✅';
  if (stage === state) return '▶️';
  return record === undefined ? '⬜' : '☑️';
}

function parkSection(park: NonNullable<Ledger['park']>): string[] {
  const { title, howToProceed } = PARK_REASONS[park.reason];
  return [
    `#### ⛔ Parked: ${title} (\`${park.reason}\`)${park.stage === undefined ? '' : ` in ${park.stage}`}`,
    '',
    // The detail can quote what an agent wrote (the paths of its patch, a conflict's files).
    `**What happened:** ${escapeAgentText(park.detail)}`,
    '',
    `**How to resume:** ${howToProceed}`,
    // Spent retries are the one park whose way back is always the same: that stage, again.
    ...(park.reason !== 'retries-exhausted' || park.stage === undefined
      ? []
      : [
          '',
          `To restart at ${park.stage}: set the label \`${labelOf(park.stage)}\` in place of \`${labelOf('needs-attention')}\`, or run \`pnpm factory resume <PR> --from ${park.stage}\`.`,
        ]),
  ];
}

/** JSON with `<` and `>` escaped, so no text inside can end the comment that carries it. */
function ledgerJson(ledger: Ledger): string {
  return JSON.stringify(ledger).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function formatDollars(dollars: number): string {
  return `$${dollars.toFixed(2)}`;
}

export function formatTokens(tokens: number): string {
  return tokens.toLocaleString('en-US');
}
