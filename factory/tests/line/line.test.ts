/**
 * The line end to end through the real workflow files in the twin: the happy path, the loops, and
 * a stage that keeps failing, after which a writer resumes the parked PR, a stranger's fork sends a
 * spec and a writer queues one over the day's spending ceiling. Each runs in its own twin, all three at once: a line runs one
 * job at a time, so together they keep the machine's cores busy and the suite's wall clock short.
 */
import { beforeAll } from 'vitest';
import { describeDayCeiling } from './day-ceiling.ts';
import { describeForkPr } from './fork-pr.ts';
import { describeResume } from './resume.ts';
import { describeHappyPath, runHappyPath, type HappyPath } from './happy-path.ts';
import {
  describeExhaustion,
  describeLoops,
  runExhaustion,
  runLoops,
  type ExhaustionRun,
  type LineRun,
} from './loops.ts';

let happyPath: HappyPath;
let loops: LineRun;
let exhaustion: ExhaustionRun;

beforeAll(async () => {
  [happyPath, loops, exhaustion] = await Promise.all([runHappyPath(), runLoops(), runExhaustion()]);
}, 900_000);

describeHappyPath(() => happyPath);
describeResume(() => exhaustion.resume);
describeForkPr(() => exhaustion.forkPr);
describeDayCeiling(() => exhaustion.dayCeiling);
describeLoops(() => loops);
describeExhaustion(() => exhaustion);
