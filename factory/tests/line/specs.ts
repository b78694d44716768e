/** A second spec for the line's end-to-end tests, queued after the example one. */
export const WORD_FREQUENCY_SPEC = {
  path: 'specs/0002-word-frequency.md',
  text: `# Count how often each word occurs

## Goal

Add \`wordFrequencies(text: string): Map<string, number>\` beside \`countWords\`.

## Acceptance criteria

- [ ] \`wordFrequencies('a b a')\` returns a map with \`a\` → 2 and \`b\` → 1.
`,
};
