/**
 * Answers about commits, kept per forge. Commits never change, so what git said of one (or of a
 * pair) holds for the forge's life; a failed git call is not an answer, so it is forgotten and
 * the next question asks again.
 */
import type { ForgeContext } from './context.ts';

export type CommitMemo<T> = (
  ctx: ForgeContext,
  key: string,
  compute: () => Promise<T>,
) => Promise<T>;

export function commitMemo<T>(): CommitMemo<T> {
  const byForge = new WeakMap<ForgeContext, Map<string, Promise<T>>>();
  return (ctx, key, compute) => {
    let known = byForge.get(ctx);
    if (known === undefined) byForge.set(ctx, (known = new Map<string, Promise<T>>()));
    let answer = known.get(key);
    if (answer === undefined) {
      answer = compute();
      answer.catch(() => known.delete(key));
      known.set(key, answer);
    }
    return answer;
  };
}
