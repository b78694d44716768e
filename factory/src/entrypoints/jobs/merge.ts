/**
 * The merge's two jobs around CI: `merge-rebase` rebases and hands on the candidate head;
 * `merge` publishes CI's result on it, judges every guardrail and merges exactly that SHA.
 */
import * as z from 'zod';
import { finishMerge, prepareMerge, type MergeCandidate } from '../../stages/merge.ts';
import { outcomesResult, type JobResult } from '../job-result.ts';
import type { StageContext } from '../wiring.ts';
import { requirePrInputs } from './pr-inputs.ts';

const CandidateSchema = z.object({
  pr: z.int().positive(),
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  baseSha: z.string().regex(/^[0-9a-f]{40}$/),
  updatedFrom: z
    .object({ sha: z.string().regex(/^[0-9a-f]{40}$/), patchUnchanged: z.boolean() })
    .optional(),
});

export async function runRebase(context: StageContext): Promise<JobResult> {
  const { inputs, github, config, workbench, runUrl } = context;
  const prepared = await prepareMerge(
    { github, config, workbench },
    { ...requirePrInputs(inputs), runUrl },
  );
  if (prepared.kind === 'settled')
    return { ...outcomesResult([prepared.outcome]), outputs: { proceed: 'false' } };
  const { candidate } = prepared;
  return {
    outputs: {
      proceed: 'true',
      candidate: JSON.stringify(candidate),
      'head-sha': candidate.headSha,
      updated: candidate.updatedFrom === undefined ? 'false' : 'true',
    },
    summary:
      candidate.updatedFrom === undefined
        ? `PR #${String(candidate.pr)} is up to date with main; merging ${candidate.headSha.slice(0, 7)}`
        : `Brought PR #${String(candidate.pr)} up to date with main at ${candidate.baseSha.slice(0, 7)}: CI runs on ${candidate.headSha.slice(0, 7)}`,
  };
}

export async function run(context: StageContext): Promise<JobResult> {
  const { inputs, github, config, runUrl } = context;
  const candidate: MergeCandidate = CandidateSchema.parse(JSON.parse(inputs.candidate ?? '{}'));
  const outcome = await finishMerge(
    { github, config },
    {
      candidate,
      // Without an update the gate's CI result on this head stands; after one, CI ran again.
      ...(candidate.updatedFrom === undefined
        ? {}
        : { ciConclusion: inputs.ciResult ?? 'skipped' }),
      runUrl,
    },
  );
  return outcomesResult([outcome]);
}
