/**
 * The one error this adapter throws. Outcomes a stage must handle (a patch that does not apply, a
 * rebase conflict, a refused push) are typed results instead; a `GitError` means something is
 * wrong with the repository, the network or the caller, and carries what a person needs to see.
 */
export class GitError extends Error {
  override readonly name = 'GitError';
  /** The git subcommand that failed, e.g. `push`. */
  readonly subcommand: string;
  /** git's exit code; undefined when git could not start or was stopped by the time limit. */
  readonly exitCode: number | undefined;
  /** git's standard error, with every credential already scrubbed out. */
  readonly stderr: string;

  constructor(subcommand: string, exitCode: number | undefined, stderr: string, detail?: string) {
    const code = exitCode === undefined ? 'did not finish' : `exit ${String(exitCode)}`;
    const why = detail ?? (stderr.trim() || 'no message');
    super(`git ${subcommand} failed (${code}): ${why}`);
    this.subcommand = subcommand;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
