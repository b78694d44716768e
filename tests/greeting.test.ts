import { describe, expect, it } from 'vitest';
import { greet } from '../src/greeting.ts';

describe('greet', () => {
  it('greets a person by name', () => {
    expect(greet('Ada')).toBe('Hello, Ada!');
  });

  it('ignores surrounding whitespace', () => {
    expect(greet('  Ada ')).toBe('Hello, Ada!');
  });

  it('still greets when no name is given', () => {
    expect(greet('   ')).toBe('Hello!');
  });
});
