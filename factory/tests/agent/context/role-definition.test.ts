import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLES } from '../../../src/core/config.ts';
import {
  loadRoleDefinition,
  parseRoleDefinition,
  ROLE_TOOLS,
  RoleDefinitionError,
  SUBMIT_TOOL,
} from '../../../src/agent/context/role-definition.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FILE = '.claude/agents/planner.md';

const roleFile = (frontMatter: string, body = 'You plan.\n'): string =>
  `---\n${frontMatter}\n---\n\n${body}`;

const VALID = [
  'name: planner',
  'description: Plans a spec.',
  'model: claude-sonnet-4-6',
  'tools: read_file, list_files, search, submit_plan',
].join('\n');

/** The error `parseRoleDefinition` throws for `text`, for assertions on file and field. */
function failure(text: string): RoleDefinitionError {
  try {
    parseRoleDefinition('planner', FILE, text);
  } catch (error) {
    if (error instanceof RoleDefinitionError) return error;
    throw error;
  }
  throw new Error('expected the role file to be refused');
}

describe('the shipped role files', () => {
  it.each(ROLES)(
    '%s.md loads, grants its role every runtime tool and inherits the model',
    async (role) => {
      const definition = await loadRoleDefinition(REPO_ROOT, role);
      expect(definition.role).toBe(role);
      expect([...definition.tools].sort()).toEqual([...ROLE_TOOLS[role]].sort());
      expect(definition.model).toBeUndefined();
      expect(definition.prompt).toContain(SUBMIT_TOOL[role]);
      expect(definition.prompt.length).toBeGreaterThan(1_500);
    },
  );
});

describe('parseRoleDefinition', () => {
  it('reads name, description, model, tools and the prompt body', () => {
    const definition = parseRoleDefinition(
      'planner',
      FILE,
      roleFile(VALID, '# Plan\n\nCarefully.\n'),
    );
    expect(definition).toMatchObject({
      role: 'planner',
      file: FILE,
      description: 'Plans a spec.',
      model: 'claude-sonnet-4-6',
      tools: ['read_file', 'list_files', 'search', 'submit_plan'],
      prompt: '# Plan\n\nCarefully.',
    });
  });

  it('accepts tools as a YAML list, the other form Claude Code reads', () => {
    const text = roleFile('name: planner\ndescription: d\ntools:\n  - read_file\n  - submit_plan');
    expect(parseRoleDefinition('planner', FILE, text).tools).toEqual(['read_file', 'submit_plan']);
  });

  it('treats a missing model and "inherit" alike: the configured model applies', () => {
    const base = 'name: planner\ndescription: d\ntools: submit_plan';
    expect(parseRoleDefinition('planner', FILE, roleFile(base)).model).toBeUndefined();
    expect(
      parseRoleDefinition('planner', FILE, roleFile(`${base}\nmodel: inherit`)).model,
    ).toBeUndefined();
  });

  it('refuses a file without front matter, naming the file', () => {
    const error = failure('# Planner\n\nNo front matter here.\n');
    expect(error.file).toBe(FILE);
    expect(error.field).toBe('front matter');
    expect(error.message).toMatch(/^\.claude\/agents\/planner\.md: front matter: missing/);
  });

  it('refuses front matter that is not YAML, naming the file', () => {
    const error = failure(roleFile('name: planner\ndescription: [unclosed\ntools: submit_plan'));
    expect(error.message).toMatch(/^\.claude\/agents\/planner\.md: front matter: not valid YAML/);
  });

  it('refuses front matter that is a list, not fields', () => {
    expect(failure(roleFile('- name\n- tools')).message).toContain('must be a YAML mapping');
  });

  it.each([
    ['description', 'name: planner\ntools: submit_plan'],
    ['tools', 'name: planner\ndescription: d'],
    ['name', 'description: d\ntools: submit_plan'],
  ])('refuses a file missing %s, naming the file and the field', (field, frontMatter) => {
    const error = failure(roleFile(frontMatter));
    expect(error.field).toBe(field);
    expect(error.message).toBe(`${FILE}: ${field}: missing`);
  });

  it('refuses an unknown tool, naming it and the tools the role may use', () => {
    const error = failure(
      roleFile('name: planner\ndescription: d\ntools: read_file, Bash, submit_plan'),
    );
    expect(error.field).toBe('tools');
    expect(error.message).toContain('unknown tool "Bash"');
    expect(error.message).toContain('allowed: read_file, list_files, search, submit_plan');
  });

  it('refuses a reader granted a writing tool', () => {
    const text = roleFile('name: plan-reviewer\ndescription: d\ntools: write_file, submit_verdict');
    expect(() =>
      parseRoleDefinition('plan-reviewer', '.claude/agents/plan-reviewer.md', text),
    ).toThrow(/plan-reviewer\.md: tools: unknown tool "write_file"/);
  });

  it('refuses a tool list without the role submit tool', () => {
    expect(failure(roleFile('name: planner\ndescription: d\ntools: read_file')).message).toBe(
      `${FILE}: tools: must include submit_plan`,
    );
  });

  it('refuses a name that is not the file role', () => {
    const error = failure(roleFile('name: implementer\ndescription: d\ntools: submit_plan'));
    expect(error.field).toBe('name');
    expect(error.message).toContain('must be "planner"');
  });

  it('refuses a Claude Code model alias, which cannot be priced', () => {
    const error = failure(roleFile(VALID.replace('claude-sonnet-4-6', 'sonnet')));
    expect(error.field).toBe('model');
    expect(error.message).toContain('full model id');
  });

  it('refuses an empty prompt body', () => {
    expect(failure(roleFile(VALID, '\n  \n')).message).toBe(
      `${FILE}: body: the prompt after the front matter is empty`,
    );
  });
});

describe('loadRoleDefinition', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'role-definition-'));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('refuses a missing role file, naming it', async () => {
    await expect(loadRoleDefinition(workspace, 'implementer')).rejects.toThrow(
      '.claude/agents/implementer.md: file: missing',
    );
  });

  it('reads the role file from the workspace', async () => {
    await mkdir(path.join(workspace, '.claude', 'agents'), { recursive: true });
    await writeFile(path.join(workspace, FILE), roleFile(VALID));
    await expect(loadRoleDefinition(workspace, 'planner')).resolves.toMatchObject({ file: FILE });
  });
});
