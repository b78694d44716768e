/**
 * Drives one run's jobs: `needs:` order, job `if:` with the status functions over the jobs it
 * depends on, job-level concurrency groups, a shared limit on executing jobs, and the run's
 * conclusion. Scheduling decisions are synchronous so that events handled in order enter
 * concurrency groups in order.
 */
import { evaluateCondition, evaluateToken } from './expressions.ts';
import type { ExpressionScope } from './expressions.ts';
import type { ConcurrencyEntry, ConcurrencyGroups, ConcurrencyRequest } from './concurrency.ts';
import { githubContext } from './job-context.ts';
import type { NeedResult, RunContext } from './job-context.ts';
import { executeJob } from './job-runner.ts';
import { resolveJobScopes } from './permissions.ts';
import type { DefaultPermissions } from './permissions.ts';
import type { JobConclusion, JobRecord } from './records.ts';
import type { Slots } from './slots.ts';
import type { JobSpec } from './workflow-model.ts';
import type { RunConclusion } from '../contract.ts';

export interface SchedulerDeps {
  readonly groups: ConcurrencyGroups;
  readonly slots: Slots;
  readonly defaultPermissions: DefaultPermissions;
  /** Called once, when every job has a conclusion. */
  readonly onComplete: (conclusion: Exclude<RunConclusion, null>) => void;
}

export interface RunScheduler {
  readonly start: () => void;
  readonly cancel: () => void;
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

/** A reusable workflow's jobs are not run by this runner yet; its caller fails with this reason. */
const CALL_UNSUPPORTED =
  'reusable workflows (jobs.<id>.uses) are not supported by the twin runner yet';

export function createRunScheduler(run: RunContext, deps: SchedulerDeps): RunScheduler {
  let cancelled = false;
  let completed = false;
  const jobs = new Map<string, JobState>();
  for (const record of run.record.jobs) {
    const spec = run.workflow.jobs.find((job) => job.id === record.key);
    if (spec !== undefined)
      jobs.set(record.key, {
        spec,
        record,
        cancel: new AbortController(),
        decided: false,
        started: false,
        result: undefined,
      });
  }

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

  const execute = (state: JobState, entry: ConcurrencyEntry | undefined, group: string): void => {
    state.started = true;
    state.record.status = 'queued';
    void deps.slots.acquire().then(async (release) => {
      const spec = state.spec;
      if (state.cancel.signal.aborted || spec.kind === 'call') {
        if (spec.kind === 'call') state.record.error = CALL_UNSUPPORTED;
        release();
        if (entry !== undefined) deps.groups.leave(group, entry);
        finishJob(state, state.cancel.signal.aborted ? 'cancelled' : 'failure');
        return;
      }
      Object.assign(state.record, { status: 'in_progress', startedAt: new Date().toISOString() });
      const scopes = resolveJobScopes(
        run.workflow.permissions,
        spec.permissions,
        deps.defaultPermissions,
      );
      const outcome = await executeJob({
        run,
        spec,
        record: state.record,
        needs: needsContext(state),
        scopes,
        cancel: state.cancel.signal,
      });
      release();
      if (entry !== undefined) deps.groups.leave(group, entry);
      finishJob(state, outcome.conclusion, outcome.outputs);
    });
  };

  const admit = (state: JobState): void => {
    const request =
      state.spec.concurrency === undefined
        ? undefined
        : concurrencyRequest(evaluateToken(state.spec.concurrency, jobScope(state)));
    if (request === undefined) {
      execute(state, undefined, '');
      return;
    }
    state.record.status = 'waiting';
    state.record.concurrencyGroup = request.group;
    const entry: ConcurrencyEntry = {
      start: () => {
        execute(state, entry, request.group);
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
      if (state.decided) continue;
      if (state.spec.needs.every((need) => jobs.get(need)?.result !== undefined)) decide(state);
    }
    if ([...jobs.values()].every((state) => state.result !== undefined)) {
      completed = true;
      deps.onComplete(
        runConclusion(
          cancelled,
          [...jobs.values()].map((state) => state.record.conclusion),
        ),
      );
    }
  }

  const cancel = (): void => {
    cancelled = true;
    for (const state of jobs.values()) state.cancel.abort();
    for (const state of jobs.values())
      if (state.decided && !state.started && state.result === undefined)
        finishJob(state, 'cancelled');
    advance();
  };

  return { start: advance, cancel };
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
