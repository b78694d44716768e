/**
 * The twin's Actions runner: turns the forge's events into workflow runs by GitHub's rules and runs
 * them with real processes. See `createRunner`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeEvent, RunnerHost } from '../contract.ts';
import { createConcurrencyGroups } from './concurrency.ts';
import { resolveDispatchInputs } from './inputs.ts';
import type { InputValue } from './inputs.ts';
import type { RunContext, RunnerSettings } from './job-context.ts';
import type { DefaultPermissions } from './permissions.ts';
import type { RunRecord, RunnerProblem } from './records.ts';
import { createRunContext, startRun, updateRun } from './run-lifecycle.ts';
import {
  changedFilesQuery,
  invalidPathFilter,
  passesPathFilter,
  pathFilterOf,
} from './path-filters.ts';
import { createSlots } from './slots.ts';
import { asPullRequestTarget, decideTrigger } from './triggers.ts';
import { createIdleTracker } from './idle.ts';
import { createWorkflowCatalog } from './workflow-catalog.ts';
import type { CatalogEntry } from './workflow-catalog.ts';
import type { WorkflowSpec } from './workflow-model.ts';

export interface RunnerOptions {
  /** Where mirrors, workspaces and artifacts live; a temporary directory (removed by `close`) if absent. */
  readonly workDir?: string;
  /** The repository's secrets (`secrets.*`); every value is masked in recorded logs. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** The repository's variables (`vars.*`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** Where `schedule` runs. Default `main`. */
  readonly defaultBranch?: string;
  /** Jobs executing at once across all runs. Default 2; 1 makes every run strictly sequential. */
  readonly maxParallelJobs?: number;
  /** The repository's default token permissions when a workflow has no `permissions:`. Default restricted. */
  readonly defaultPermissions?: DefaultPermissions;
  /** `GITHUB_SERVER_URL`; defaults to the origin of the host's API URL. */
  readonly serverUrl?: string;
  /** Subscribe to the host's events (default true); tests may call `handle` directly instead. */
  readonly subscribe?: boolean;
  /**
   * The Node that runs node actions. Default: the one running the twin. GitHub runs a `node24`
   * action with its own Node 24, so a measure of an action's start-up can point this at one.
   */
  readonly nodePath?: string;
}

export interface Runner {
  /** Handles one event (events are handled one at a time, in order); resolves with the runs it created. */
  readonly handle: (event: ForgeEvent) => Promise<readonly RunRecord[]>;
  /** A person approves a run held as `action_required`; it starts. Throws for any other run. */
  readonly approve: (runId: number) => void;
  /** Cancels a queued, held or running run. */
  readonly cancel: (runId: number) => void;
  /** Resolves when no event is being handled and no run is queued or running (held runs don't count). */
  readonly idle: () => Promise<void>;
  /** Copies of every run recorded so far, oldest first. */
  readonly runs: () => readonly RunRecord[];
  readonly problems: () => readonly RunnerProblem[];
  /** Stops listening, cancels what runs, waits for it, and removes a temporary work directory. */
  readonly close: () => Promise<void>;
}

interface ActiveRun {
  readonly context: RunContext;
  cancel: () => void;
}

/**
 * Creates a runner over `host`: every event the host emits is matched against the repository's
 * `.github/workflows/*.yml` at the event's commit, and the runs it starts execute as child processes.
 */
export function createRunner(host: RunnerHost, options: RunnerOptions = {}): Runner {
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'twin-runner-'));
  const home = join(workDir, 'home');
  mkdirSync(home, { recursive: true });
  const catalog = createWorkflowCatalog(host, workDir, home);
  const settings: RunnerSettings = {
    secrets: options.secrets ?? {},
    vars: options.vars ?? {},
    serverUrl: options.serverUrl ?? new URL(host.apiUrl).origin,
    nodePath: options.nodePath ?? process.execPath,
  };
  const defaultBranch = options.defaultBranch ?? 'main';
  const records: RunRecord[] = [];
  const problems: RunnerProblem[] = [];
  const held = new Map<number, RunContext>();
  const active = new Map<number, ActiveRun>();
  const tracker = createIdleTracker();
  let chain: Promise<unknown> = Promise.resolve();

  const lifecycle = {
    host,
    groups: createConcurrencyGroups(),
    slots: createSlots(options.maxParallelJobs ?? 2),
    defaultPermissions: options.defaultPermissions ?? 'restricted',
    onComplete: (context: RunContext) => {
      active.delete(context.record.id);
      tracker.end();
    },
  } as const;

  const start = (context: RunContext): void => {
    tracker.begin();
    active.set(context.record.id, { context, cancel: () => undefined });
    const cancel = startRun(context, lifecycle);
    const entry = active.get(context.record.id);
    if (entry !== undefined) entry.cancel = cancel;
  };

  /** The inputs of a dispatch; undefined (with a problem recorded) when GitHub would answer 422. */
  const dispatchInputs = (
    workflow: WorkflowSpec,
    event: ForgeEvent,
  ): Record<string, InputValue> | undefined => {
    if (event.name !== 'workflow_dispatch') return {};
    const given = (event.payload.inputs ?? {}) as Record<string, unknown>;
    const resolved = resolveDispatchInputs(workflow.events.workflow_dispatch, given);
    if (resolved.ok) return { ...resolved.inputs };
    problems.push({ event: event.name, path: workflow.path, message: resolved.reason });
    return undefined;
  };

  /**
   * Whether the event's changed files pass the trigger's `paths:` filter, if it has one. An invalid
   * filter or a failed diff starts nothing and is recorded, and the event's other workflows go on.
   */
  const passesPaths = async (workflow: WorkflowSpec, event: ForgeEvent): Promise<boolean> => {
    const filter = pathFilterOf(workflow.events, event);
    if (filter === undefined) return true;
    const invalid = invalidPathFilter(filter);
    if (invalid !== undefined) {
      problems.push({ event: event.name, path: workflow.path, message: invalid });
      return false;
    }
    const query = changedFilesQuery(event);
    if (query === undefined) return false;
    try {
      return passesPathFilter(await catalog.changedFiles(query), filter);
    } catch (error) {
      const message = `paths filter: ${(error as Error).message}`;
      problems.push({ event: event.name, path: workflow.path, message });
      return false;
    }
  };

  const handleWorkflow = async (
    entry: CatalogEntry,
    event: ForgeEvent,
  ): Promise<RunContext | undefined> => {
    const { path, parsed } = entry;
    if (!parsed.ok) {
      problems.push({
        event: event.name,
        path,
        message: `Invalid workflow file: ${parsed.errors.join('; ')}`,
      });
      return undefined;
    }
    const decision = decideTrigger(parsed.value.events, event, path, defaultBranch);
    if (decision.start === 'none' || !(await passesPaths(parsed.value, event))) return undefined;
    const inputs = dispatchInputs(parsed.value, event);
    if (inputs === undefined) return undefined;
    const approval = decision.start === 'approval' ? decision.reason : undefined;
    const context = createRunContext({
      host,
      settings,
      workflow: parsed.value,
      event,
      inputs,
      approval,
      workDir,
      readWorkflow: (workflowPath) => catalog.read(event.sha, workflowPath),
    });
    records.push(context.record);
    if (approval === undefined) start(context);
    else held.set(context.record.id, context);
    return context;
  };

  const handleNow = async (event: ForgeEvent): Promise<RunRecord[]> => {
    const created: RunRecord[] = [];
    const deliveries =
      event.name === 'pull_request' ? [event, asPullRequestTarget(event)] : [event];
    try {
      for (const delivery of deliveries) {
        for (const entry of await catalog.at(delivery.sha)) {
          const context = await handleWorkflow(entry, delivery);
          if (context !== undefined) created.push(structuredClone(context.record));
        }
      }
    } catch (error) {
      problems.push({ event: event.name, path: null, message: (error as Error).message });
    }
    return created;
  };

  const handle = (event: ForgeEvent): Promise<readonly RunRecord[]> => {
    tracker.begin();
    const result = chain.then(() => handleNow(event));
    chain = result.finally(tracker.end);
    return result;
  };

  const approve = (runId: number): void => {
    const context = held.get(runId);
    if (context === undefined) throw new Error(`Run ${runId} is not waiting for approval`);
    held.delete(runId);
    context.record.reason = null;
    updateRun(context, { status: 'queued', conclusion: null });
    start(context);
  };

  const cancel = (runId: number): void => {
    const context = held.get(runId);
    if (context !== undefined) {
      held.delete(runId);
      Object.assign(context.record, { reason: null, completedAt: new Date().toISOString() });
      updateRun(context, { status: 'completed', conclusion: 'cancelled' });
      return;
    }
    active.get(runId)?.cancel();
  };

  const unsubscribe =
    options.subscribe === false ? () => undefined : host.onEvent((event) => void handle(event));

  const close = async (): Promise<void> => {
    unsubscribe();
    await chain;
    for (const run of [...active.values()]) run.cancel();
    await tracker.wait();
    if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
  };

  return {
    handle,
    approve,
    cancel,
    idle: tracker.wait,
    runs: () => structuredClone(records),
    problems: () => [...problems],
    close,
  };
}
