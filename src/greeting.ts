/**
 * The product skeleton's one example module. A fork replaces it with its own code; the factory's
 * implementer agent writes here (never under `factory/`).
 */
export function greet(name: string): string {
  const trimmed = name.trim();
  return trimmed === '' ? 'Hello!' : `Hello, ${trimmed}!`;
}
