/**
 * Drives the jobs of one workflow in a run: `needs:` order, job `if:` with the status functions over
 * the jobs it depends on, job-level concurrency groups, a shared limit on executing jobs, and the
 * conclusion. Scheduling decisions are synchronous so that events handled in order enter
 * concurrency groups in order.
 */
import type { RunConclusion, TokenScopes } from '../contract.ts';
import type { ConcurrencyEntry, ConcurrencyGroups, ConcurrencyRequest } from './concurrency.ts';
import { evaluateCondition, evaluateToken } from './expressions.ts';
import type { ExpressionScope } from './expressions.ts';
import { githubContext } from './job-context.ts';
import type { NeedResult, RunContext } from './job-context.ts';
import { executeJob } from './job-runner.ts';
import type { JobOutcome } from './job-runner.ts';
import { limitScopes, readOnlyScopes, resolveJobScopes } from './permissions.ts';
import type { DefaultPermissions } from './permissions.ts';
import type { JobConclusion, JobRecord } from './records.ts';
import type { Slots } from './slots.ts';
import type { CallJobSpec, JobSpec } from './workflow-model.ts';

/** What a job that calls a reusable workflow needs from its scheduler. */
export interface CallRequest {
  readonly run: RunContext;
  readonly spec: CallJobSpec;
  readonly record: JobRecord;
  /** The caller job's expression scope (`github`, `inputs`, `needs`, `vars`). */
  readonly scope: ExpressionScope;
  /** The caller's token scopes: the most any called job may get. */
  readonly scopes: TokenScopes;
  readonly cancel: AbortSignal;
}

export interface SchedulerDeps {
  readonly groups: ConcurrencyGroups;
  readonly slots: Slots;
  readonly defaultPermissions: DefaultPermissions;
  /** Set inside a called workflow: the caller's scopes, which its jobs can only narrow. */
  readonly ceiling?: TokenScopes;
  readonly runCall: (request: CallRequest) => Promise<JobOutcome>;
  /** Called once, when every job has a conclusion. */
  readonly onComplete: (conclusion: Exclude<RunConclusion, null>) => void;
}

export interface RunScheduler {
  readonly start: () => void;
  readonly cancel: () => void;
  /** Each finished job's result and outputs, by job id (the `jobs` context of call outputs). */
  readonly results: () => Readonly<Record<string, NeedResult>>;
}

interface JobState {
  readonly spec: JobSpec;
  readonly record: JobRecord;
  readonly cancel: AbortController;
  decided: boolean;
  started: boolean;
  result: NeedResult | undefined;
}

function toNeedResult(conclusion: JobConclusion): NeedResult['result'] {
  return conclusion === 'timed_out' ? 'failure' : conclusion;
}

function jobScopes(run: RunContext, spec: JobSpec, deps: SchedulerDeps): TokenScopes {
  const scopes = declaredScopes(run, spec, deps);
  return run.forkPullRequest ? readOnlyScopes(scopes) : scopes;
}

function declaredScopes(run: RunContext, spec: JobSpec, deps: SchedulerDeps): TokenScopes {
  const declared = spec.permissions ?? run.workflow.permissions;
  if (deps.ceiling === undefined)
    return resolveJobScopes(run.workflow.permissions, spec.permissions, deps.defaultPermissions);
  if (declared === undefined) return deps.ceiling;
  return limitScopes(
    resolveJobScopes(run.workflow.permissions, spec.permissions, deps.defaultPermissions),
    deps.ceiling,
  );
}

/** Creates the scheduler of `run.workflow`'s jobs; `records` are their records, in the same order. */
export function createRunScheduler(
  run: RunContext,
  records: readonly JobRecord[],
  deps: SchedulerDeps,
): RunScheduler {
  let cancelled = false;
  let completed = false;
  const isCompleted = (): boolean => completed;
  const jobs = new Map<string, JobState>();
  run.workflow.jobs.forEach((spec, index) => {
    const record = records[index];
    if (record !== undefined)
      jobs.set(spec.id, {
        spec,
        record,
        cancel: new AbortController(),
        decided: false,
        started: false,
        result: undefined,
      });
  });

  const ancestors = (state: JobState, seen = new Set<string>()): JobState[] =>
    state.spec.needs.flatMap((need) => {
      const parent = jobs.get(need);
      if (parent === undefined || seen.has(need)) return [];
      seen.add(need);
      return [parent, ...ancestors(parent, seen)];
    });

  const needsContext = (state: JobState): Record<string, NeedResult> =>
    Object.fromEntries(
      state.spec.needs.map((need) => [
        need,
        jobs.get(need)?.result ?? { result: 'skipped', outputs: {} },
      ]),
    );

  const jobScope = (state: JobState): ExpressionScope => {
    const chain = ancestors(state);
    return {
      // The token and workspace do not exist before the job starts; GitHub does not offer them here.
      contexts: {
        github: githubContext(run, state.spec.id, '', '', ''),
        inputs: run.inputs,
        needs: needsContext(state),
        vars: run.settings.vars,
      },
      status: {
        success: () => !cancelled && chain.every((job) => job.result?.result === 'success'),
        failure: () => chain.some((job) => job.result?.result === 'failure'),
        cancelled: () => cancelled,
      },
    };
  };

  const finishJob = (
    state: JobState,
    conclusion: JobConclusion,
    outputs: Readonly<Record<string, string>> = {},
  ): void => {
    state.result = { result: toNeedResult(conclusion), outputs };
    Object.assign(state.record, {
      status: 'completed',
      conclusion,
      outputs: { ...outputs },
      completedAt: new Date().toISOString(),
    });
    advance();
  };

  const runJob = async (state: JobState): Promise<JobOutcome> => {
    const { spec, record } = state;
    const request = {
      run,
      record,
      needs: needsContext(state),
      scopes: jobScopes(run, spec, deps),
      cancel: state.cancel.signal,
    };
    if (spec.kind === 'call') return deps.runCall({ ...request, spec, scope: jobScope(state) });
    const release = await deps.slots.acquire();
    try {
      if (state.cancel.signal.aborted) return { conclusion: 'cancelled', outputs: {} };
      Object.assign(record, { status: 'in_progress', startedAt: new Date().toISOString() });
      return await executeJob({ ...request, spec });
    } finally {
      release();
    }
  };

  const execute = (state: JobState, leave: () => void): void => {
    state.started = true;
    state.record.status = 'queued';
    void runJob(state).then((outcome) => {
      leave();
      finishJob(state, outcome.conclusion, outcome.outputs);
    });
  };

  const admit = (state: JobState): void => {
    const request =
      state.spec.concurrency === undefined
        ? undefined
        : concurrencyRequest(evaluateToken(state.spec.concurrency, jobScope(state)));
    if (request === undefined) {
      execute(state, () => undefined);
      return;
    }
    Object.assign(state.record, { status: 'waiting', concurrencyGroup: request.group });
    const entry: ConcurrencyEntry = {
      start: () => {
        execute(state, () => {
          deps.groups.leave(request.group, entry);
        });
      },
      cancel: () => {
        state.cancel.abort();
        if (!state.started) finishJob(state, 'cancelled');
      },
    };
    deps.groups.enter(request, entry);
  };

  const decide = (state: JobState): void => {
    state.decided = true;
    let runs: boolean;
    try {
      runs = evaluateCondition(state.spec.condition, jobScope(state));
    } catch (error) {
      state.record.error = `The job's if: cannot be evaluated: ${(error as Error).message}`;
      finishJob(state, 'failure');
      return;
    }
    if (!runs) finishJob(state, cancelled ? 'cancelled' : 'skipped');
    else admit(state);
  };

  function advance(): void {
    if (completed) return;
    for (const state of jobs.values()) {
      if (!state.decided && state.spec.needs.every((need) => jobs.get(need)?.result !== undefined))
        decide(state);
    }
    // A skipped job finishes at once and advances again from inside the loop above, so that
    // inner call may already have completed the run: complete it once.
    if (isCompleted() || [...jobs.values()].some((state) => state.result === undefined)) return;
    completed = true;
    deps.onComplete(
      runConclusion(
        cancelled,
        [...jobs.values()].map((state) => state.record.conclusion),
      ),
    );
  }

  const cancel = (): void => {
    cancelled = true;
    for (const state of jobs.values()) state.cancel.abort();
    for (const state of jobs.values())
      if (state.decided && !state.started && state.result === undefined)
        finishJob(state, 'cancelled');
    advance();
  };

  const results = (): Record<string, NeedResult> =>
    Object.fromEntries(
      [...jobs.entries()].flatMap(([id, state]) =>
        state.result === undefined ? [] : [[id, state.result]],
      ),
    );

  return { start: advance, cancel, results };
}

/** Reads an evaluated `concurrency:` (a group name, or a mapping); an empty group means none. */
export function concurrencyRequest(value: unknown): ConcurrencyRequest | undefined {
  if (typeof value === 'string')
    return value === '' ? undefined : { group: value, cancelInProgress: false, queue: 'single' };
  if (value === null || typeof value !== 'object') return undefined;
  const setting = value as Record<string, unknown>;
  const group = typeof setting.group === 'string' ? setting.group : '';
  if (group === '') return undefined;
  return {
    group,
    cancelInProgress: setting['cancel-in-progress'] === true,
    queue: setting.queue === 'max' ? 'max' : 'single',
  };
}

function runConclusion(
  cancelled: boolean,
  conclusions: readonly (JobConclusion | null)[],
): Exclude<RunConclusion, null> {
  if (cancelled) return 'cancelled';
  if (conclusions.includes('failure')) return 'failure';
  if (conclusions.includes('timed_out')) return 'timed_out';
  if (conclusions.includes('cancelled')) return 'cancelled';
  return 'success';
}
