/**
 * The Node the benches run the stage action on: `BENCH_ACTION_NODE` if set (GitHub runs the action
 * on its own Node 24), else the one running the bench. Checked before anything is measured.
 */
import { execFileSync } from 'node:child_process';

export interface ActionNode {
  /** The binary; undefined for the bench's own Node. */
  readonly path: string | undefined;
  readonly version: string;
}

export function actionNode(env: NodeJS.ProcessEnv = process.env): ActionNode {
  const chosen = env.BENCH_ACTION_NODE === '' ? undefined : env.BENCH_ACTION_NODE;
  try {
    const version = execFileSync(chosen ?? process.execPath, ['--version'], { encoding: 'utf8' });
    return { path: chosen, version: version.trim() };
  } catch (error) {
    throw new Error(`BENCH_ACTION_NODE=${chosen ?? ''} is not a Node that runs`, { cause: error });
  }
}
