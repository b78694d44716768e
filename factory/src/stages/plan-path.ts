/** Where a spec's plan lives on its PR branch: `specs/0007-x.md` → `plans/0007-x.md`. */
export function planPathOf(specPath: string): string {
  const name = specPath.split('/').at(-1) ?? specPath;
  return `plans/${name}`;
}
