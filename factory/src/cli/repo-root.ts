import { execFileSync } from 'node:child_process';

/** The root of the git checkout the command runs in (pnpm runs package scripts from `factory/`). */
export function findRepoRoot(cwd: string = process.cwd()): string {
  return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' }).trim();
}
