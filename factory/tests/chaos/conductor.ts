/**
 * The conductor plays GitHub Actions for one chaos run. Every dispatch the line makes (and every
 * person's label move) becomes a run of that stage's jobs; runs are interleaved job by job in a
 * seeded random order, some dispatches are doubled or replayed later, and when nothing is
 * left to run the schedules tick: the clock jumps past the stage timeout, the watchdog and the
 * scheduler run. Faults come from the plan; the run ends once a tick changes nothing.
 */
import { defaultConfig } from '../../src/core/config.ts';
import type { StageName } from '../../src/core/line.ts';
import type { Trigger } from '../../src/core/routing.ts';
import { parseLedger } from '../../src/core/status.ts';
import { isWorkingState, labelOf, statesIn, type State } from '../../src/core/states.ts';
import { seededRandom } from '../../src/twin/forge/faults.ts';
import type { Workbench } from '../../src/stages/workbench.ts';
import type { AgentStage } from '../../src/stages/agent-job.ts';
import { featurePath, type AgentBehaviour } from './agents.ts';
import type { ChaosPlan } from './chaos-plan.ts';
import { createChaosPort, InjectedCrash, type Dispatch, type MergeRecord } from './chaos-port.ts';
import { jobsOf, type LineDeps, type NamedJob, type RunContext } from './stage-jobs.ts';
import { FACTORY_LOGIN, PERSON, READER, specText, type World } from './world.ts';

const MAX_JOBS = 600;
const MAX_TICKS = 12;

interface ActiveRun {
  readonly stage: StageName;
  readonly jobs: NamedJob[];
  readonly context: RunContext;
}

/** What happened in a run, for the invariants and the report. */
export interface RunLog {
  readonly prs: { readonly number: number; readonly specPath: string }[];
  readonly merges: MergeRecord[];
  readonly pushes: { readonly pr: number; readonly sha: string }[];
  /** PRs whose line approval a person dismissed. */
  readonly dismissals: number[];
  readonly crashes: string[];
  readonly jobErrors: string[];
  readonly counts: Record<string, number>;
  cameToRest: boolean;
  jobs: number;
}

export const CONFIG = defaultConfig();

export async function conduct(world: World, plan: ChaosPlan): Promise<RunLog> {
  const random = seededRandom(plan.seed ^ 0x5bd1e995);
  const chance = (p: number) => random() < p;
  const log: RunLog = {
    prs: [],
    merges: [],
    pushes: [],
    dismissals: [],
    crashes: [],
    jobErrors: [],
    counts: {},
    cameToRest: false,
    jobs: 0,
  };
  const count = (key: string) => (log.counts[key] = (log.counts[key] ?? 0) + 1);
  const runs: ActiveRun[] = [];
  const history: Dispatch[] = [];
  let current: { run: ActiveRun; job: string } | undefined;
  let calls = 0;
  let humanActs = 0;
  let mainMovesLeft = plan.mainMoves;
  let conflictLeft = plan.conflictingMainMove;
  let relabel = plan.relabel;
  let personReview = plan.personReview;
  let dismissal = plan.dismissApproval;
  let pushRule = plan.pushRule;
  let attempt = 0;
  const resumed = new Set<number>();

  const start = (stage: StageName, trigger: Trigger) =>
    runs.push({ stage, jobs: jobsOf(stage, trigger), context: {} });
  const startDispatch = ({ stage, inputs }: Dispatch) =>
    start(stage, { kind: 'dispatch', stage, ...inputs });
  /** A label event; `labels` are the PR's after it, by default the one label it set. */
  const labelEvent = (
    pr: number,
    state: State,
    sender: string,
    labels: readonly string[] = [labelOf(state)],
  ): Trigger => ({
    kind: 'label',
    action: 'labeled',
    label: labelOf(state),
    pr: { number: pr, open: true, isFork: false, labels },
    sender,
    senderPermission: 'write',
  });
  const stageOfLabel = (state: State): StageName | undefined =>
    state === 'queued' ? 'scheduler' : isWorkingState(state) ? state : undefined;

  /**
   * A person moves the PR's state label by hand, replacing it, or adding the new one on top of
   * the park as a resume may (`onTop`); their label event starts that stage.
   */
  const personSets = async (pr: number, to: State, onTop = false) => {
    if (!(await (onTop ? world.personAdds(pr, to) : world.personSets(pr, to)))) return;
    humanActs += 1;
    const stage = stageOfLabel(to);
    const labels = onTop ? [labelOf('needs-attention'), labelOf(to)] : [labelOf(to)];
    if (stage !== undefined) start(stage, labelEvent(pr, to, PERSON, labels));
  };

  const moveMain = async (pr: number | undefined) => {
    const conflict = conflictLeft && pr !== undefined;
    const files: Record<string, string> = conflict
      ? { [featurePath(pr)]: 'export const value = (): number => 7; // from main\n' }
      : { [`docs/note-${String(mainMovesLeft)}.md`]: `Note ${String(mainMovesLeft)}\n` };
    if (conflict) conflictLeft = false;
    await world.commitToMain(files);
    mainMovesLeft -= 1;
    humanActs += 1;
    count(conflict ? 'main moved (conflicting)' : 'main moved');
  };

  const beforeCall = async () => {
    calls += 1;
    const pr = current?.run.context.pr;
    if (relabel !== undefined && calls >= relabel.atCall && pr !== undefined) {
      const { to } = relabel;
      relabel = undefined;
      count(`person relabels mid-stage → ${to}`);
      await personSets(pr, to).catch(() => count('person relabel failed'));
    }
    const inMerge = current?.job === 'merge-rebase' || current?.job === 'merge';
    // Not while the merge judges the reviews: one posted between its read and its merge call is
    // one no merge could have seen.
    if (
      personReview !== undefined &&
      calls >= personReview.atCall &&
      pr !== undefined &&
      !inMerge
    ) {
      const { verdict, as } = personReview;
      personReview = undefined;
      count(`person reviews mid-stage: ${as} ${verdict}`);
      const who = as === 'writer' ? PERSON : READER;
      if (await world.personReviews(pr, verdict, who).catch(() => false)) humanActs += 1;
    }
    // While the line's approval stands: after the code review posted it, or while the merge
    // brings the branch up to date; not while the merge judges the reviews, as above.
    const approvalStands =
      (current?.run.stage === 'code-review' && current.job === 'apply') ||
      current?.job === 'merge-rebase';
    if (
      dismissal !== undefined &&
      calls >= dismissal.atCall &&
      pr !== undefined &&
      approvalStands
    ) {
      if (await world.personDismissesApproval(pr).catch(() => false)) {
        dismissal = undefined;
        humanActs += 1;
        log.dismissals.push(pr);
        count('person dismisses the line’s approval');
      }
    }
    if (pushRule !== undefined && calls >= pushRule.atCall && pr !== undefined) {
      const { type } = pushRule;
      pushRule = undefined;
      if (await world.ownerAddsPushRule(pr, type).catch(() => false))
        count(`owner adds a push rule on a PR branch: ${type}`);
    }
    if (inMerge && mainMovesLeft > 0 && chance(0.2)) await moveMain(pr);
  };

  const control = createChaosPort({
    inner: world.github,
    crashAt: plan.crashAt,
    onDispatch: (dispatch) => {
      history.push(dispatch);
      count('dispatches');
      if (current?.run.stage === 'merge' && dispatch.stage === 'code-review')
        count('rebased heads sent back to code review: approval dismissed');
      startDispatch(dispatch);
      if (chance(plan.duplicateRate)) {
        count('duplicated dispatches');
        startDispatch(dispatch);
      }
      const old = history[Math.floor(random() * history.length)];
      if (old !== undefined && chance(plan.replayRate)) {
        count('replayed old dispatches');
        startDispatch(old);
      }
      if (
        dispatch.inputs.pr !== undefined &&
        isWorkingState(dispatch.stage as State) &&
        chance(plan.botEventRate)
      ) {
        // The factory's own label write raises an event too; routing must skip it.
        count('bot label events delivered');
        start(
          dispatch.stage,
          labelEvent(dispatch.inputs.pr, dispatch.stage as State, FACTORY_LOGIN),
        );
      }
    },
    onMerge: (merge) => log.merges.push(merge),
    onMergeRefused: (message) => {
      count(/out of date/i.test(message) ? 'merges refused: head behind main' : 'merges refused');
    },
    readMain: () => world.git(['rev-parse', 'refs/heads/main']),
    beforeCall,
    onCrash: (point) =>
      log.crashes.push(`${current?.run.stage ?? '?'}/${current?.job ?? '?'}: ${point}`),
  });
  const workbench = countingPushes(world.workbench, control, log);
  const deps: LineDeps = {
    github: control.port,
    config: CONFIG,
    workbench,
    now: () => world.clock.now(),
    specPathsOnMain: async () =>
      (await world.git(['ls-tree', '--name-only', 'refs/heads/main', 'specs/']))
        .split('\n')
        .filter(Boolean),
    behaviourFor: (stage) => behaviourOf(stage, plan, chance, count),
    nextAttempt: () => (attempt += 1),
    ciConclusion: () => {
      const conclusion = chance(plan.ciCancelRate)
        ? 'cancelled'
        : chance(plan.ciRedRate)
          ? 'failure'
          : 'success';
      if (conclusion !== 'success') count(`CI ${conclusion}`);
      return conclusion;
    },
  };

  if (plan.faultRate > 0 && world.kind === 'forge') world.injectFaults(plan.faultRate);
  await openSpecs(world, plan, log);
  for (const { number } of log.prs) start('scheduler', labelEvent(number, 'queued', PERSON));

  let ticks = 0;
  let beforeTick = -1;
  for (;;) {
    while (runs.length > 0) {
      if (log.jobs >= MAX_JOBS) return log;
      const index = Math.floor(random() * runs.length);
      const run = runs[index];
      if (run === undefined) break;
      const job = run.jobs.shift();
      if (job === undefined || run.jobs.length === 0) runs.splice(index, 1);
      if (job === undefined) continue;
      current = { run, job: job.name };
      log.jobs += 1;
      const goOn = await job.run(deps, run.context).catch((error: unknown) => {
        if (!(error instanceof InjectedCrash))
          log.jobErrors.push(`${run.stage}/${job.name}: ${String(error)}`);
        return false;
      });
      current = undefined;
      if (!goOn && runs.includes(run)) runs.splice(runs.indexOf(run), 1);
    }
    // At rest: the last tick, and everything it set off, changed nothing, and no job of it died
    // of GitHub's errors (a watchdog that did is not a verdict: the next schedule runs it again).
    const mark = control.writes() + humanActs + log.jobErrors.length;
    if (mark === beforeTick) break;
    if (ticks >= MAX_TICKS) return log;
    beforeTick = mark;
    ticks += 1;
    world.clock.advanceMinutes(CONFIG.stageTimeoutMinutes + 1);
    start('watchdog', { kind: 'schedule', stage: 'watchdog' });
    start('scheduler', { kind: 'schedule', stage: 'scheduler' });
    if (plan.resumeParked)
      await resumeOneParked(world, { resumed, onTop: plan.resumeOnTop }, personSets, count);
  }
  log.cameToRest = true;
  return log;
}

/** A person opens each spec's PR and labels it `state:queued` (their label event starts the scheduler). */
async function openSpecs(world: World, plan: ChaosPlan, log: RunLog): Promise<void> {
  for (let index = 1; index <= plan.specs; index += 1) {
    const specPath = `specs/000${String(index)}-thing-${String(index)}.md`;
    const number = await world.openQueuedPullRequest(
      `spec/thing-${String(index)}`,
      `Thing ${String(index)}`,
      {
        [specPath]: specText(`Thing ${String(index)}`, `src/thing-${String(index)}.ts`),
      },
    );
    log.prs.push({ number, specPath });
  }
}

/**
 * Once per PR, a person puts a PR the line parked back on the line at the stage it parked in, by
 * replacing the park's label or by adding the stage's label on top of it.
 */
async function resumeOneParked(
  world: World,
  { resumed, onTop }: { readonly resumed: Set<number>; readonly onTop: boolean },
  personSets: (pr: number, to: State, onTop: boolean) => Promise<void>,
  count: (key: string) => void,
): Promise<void> {
  for (const pr of await world.github.listOpenPullRequests()) {
    if (resumed.has(pr.number) || statesIn(pr.labels)[0] !== 'needs-attention') continue;
    const park = parseLedger((await world.github.readStatusComment(pr.number))?.body).park;
    if (park === undefined) continue;
    resumed.add(pr.number);
    count(onTop ? 'person resumes a parked PR, its label on top' : 'person resumes a parked PR');
    await personSets(pr.number, park.stage ?? 'implementation', onTop);
    return;
  }
}

function behaviourOf(
  stage: StageName,
  plan: ChaosPlan,
  chance: (p: number) => boolean,
  count: (key: string) => void,
): AgentBehaviour {
  if (chance(plan.agentCrashRate)) {
    count('agent jobs crashed');
    return { kind: 'crash' };
  }
  if (chance(plan.agentFailRate)) {
    count('agent outputs invalid');
    return { kind: 'fail', stopReason: 'invalid-output' };
  }
  const reviewer = stage === 'plan-review' || stage === 'code-review';
  const approve = !reviewer || !chance(plan.rejectRate);
  if (!approve) count(`${stage as AgentStage} requests changes`);
  if (stage === 'implementation' && plan.touchProtected !== undefined && chance(0.5)) {
    count('patches touching a protected path');
    return { kind: 'submit', approve, touchProtected: plan.touchProtected };
  }
  return { kind: 'submit', approve };
}

/** The workbench, with every push the line makes recorded and counted as a write (crash after it). */
function countingPushes(
  inner: Workbench,
  control: ReturnType<typeof createChaosPort>,
  log: RunLog,
): Workbench {
  return {
    async checkoutHead(pr) {
      const git = await inner.checkoutHead(pr);
      return {
        ...git,
        async push(input) {
          const result = await git.push(input);
          if (result.kind === 'pushed') {
            log.pushes.push({ pr: pr.number, sha: result.sha });
            control.countWrite('git push (after it landed)');
          }
          return result;
        },
      };
    },
  };
}
