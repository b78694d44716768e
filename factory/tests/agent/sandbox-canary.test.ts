import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createHarness, type Harness } from './harness.ts';

const FACTORY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DRIVER = path.join(FACTORY_DIR, 'tests/agent/fixtures/run-agent-driver.ts');
const MODEL_KEY = `sk-ant-api03-R10CANARY${String(Date.now())}model`;
const GITHUB_TOKEN = `ghs_R10CANARY${String(Date.now())}githubtoken`;
const FILE_CANARY = `R10CANARY${String(Date.now())}file`;

/**
 * Hunts for anything marked R10CANARY everywhere agent code could look. The marker is split so the
 * script never matches itself.
 */
function huntScript(port: number, outsideFile: string): string {
  return `M="R10""CANARY"
echo "env: $(env | grep -c "$M")"
for f in /proc/$PPID/environ /proc/1/environ /proc/self/environ /proc/*/environ /proc/*/cmdline; do
  if tr '\\0' '\\n' < "$f" 2>/dev/null | grep -q "$M"; then echo "FOUND in $f: $(tr '\\0' '\\n' < "$f" | grep "$M")"; fi
done
echo "processes: $(ls -d /proc/[0-9]* | wc -l)"
cat ${outsideFile} 2>/dev/null && echo "FOUND outside file"
found=$(grep -rIl "$M" /etc /tmp /root /home /work /run /var . 2>/dev/null | grep -v '^./hunt.sh$' | head -5)
echo "files: [$found]"
if (exec 3<>/dev/tcp/127.0.0.1/${String(port)}) 2>/dev/null; then echo "NET: connected"; else echo "NET: blocked"; fi
echo "hunt complete"
`;
}

let harness: Harness | undefined;
let listener: Server | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
  const open = listener;
  if (open) await new Promise((resolve) => open.close(resolve));
  listener = undefined;
});

/** Machines without bubblewrap (a laptop) may opt out explicitly; CI installs it and never skips. */
const optedOut = process.env.FACTORY_TEST_WITHOUT_SANDBOX === '1';

describe.skipIf(optedOut)('the run sandbox (R-10)', () => {
  it('keeps the model key, the GitHub token, files outside and the network out of reach of agent code', async () => {
    let connections = 0;
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener?.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    harness = await createHarness({
      implementer: [
        call('run', { command: 'bash hunt.sh' }),
        {
          when: { lastToolResultIncludes: 'hunt complete' },
          ...call('submit_work', {
            summary: 'hunted',
            commands: [{ command: 'bash hunt.sh', exitCode: 0 }],
          }),
        },
      ],
    });
    const outsideFile = path.join(harness.scratch, 'outside-secret.txt');
    await writeFile(outsideFile, FILE_CANARY);
    await writeFile(path.join(harness.workspace, 'hunt.sh'), huntScript(port, outsideFile));
    const transcriptPath = path.join(harness.scratch, 'r10.jsonl');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        DRIVER,
        JSON.stringify({
          workspace: harness.workspace,
          baseURL: harness.server.url,
          transcriptPath,
          allowlist: ['bash hunt.sh'],
        }),
      ],
      { cwd: FACTORY_DIR, env: { ...process.env, ANTHROPIC_API_KEY: MODEL_KEY, GITHUB_TOKEN } },
    );
    const outcome = JSON.parse(stdout) as { stopReason: string; commands: unknown[] };
    expect(outcome.stopReason).toBe('submitted');

    const huntOutput = harness.server.requests[1]?.raw ?? '';
    expect(huntOutput).toContain('hunt complete');
    expect(huntOutput).toContain('env: 0');
    expect(huntOutput).toContain('files: []');
    expect(huntOutput).toContain('NET: blocked');
    expect(huntOutput).not.toContain('FOUND');
    expect(connections).toBe(0);

    const everything = [
      ...harness.server.requests.map((r) => r.raw),
      await readFile(transcriptPath, 'utf8'),
      stdout,
    ].join('\n');
    for (const secret of [MODEL_KEY, GITHUB_TOKEN, FILE_CANARY])
      expect(everything).not.toContain(secret);
  }, 30_000);
});

describe('without a usable sandbox', () => {
  it('refuses run loudly and never runs the command unsandboxed', async () => {
    harness = await createHarness(
      {
        implementer: [
          call('run', { command: 'bash mark.sh' }),
          {
            when: {
              lastToolResultIncludes: 'run is unavailable: no usable sandbox (bwrap missing)',
            },
            reply: { text: 'cannot test' },
          },
        ],
      },
      { 'mark.sh': 'touch ran.txt\n' },
      { commands: { allowlist: ['bash mark.sh'] } },
    );
    const warnings: string[] = [];
    const outcome = await harness.run('implementer', {
      sandbox: { usable: false, reason: 'bwrap missing' },
      onWarning: (message) => warnings.push(message),
    });
    expect(harness.server.mismatches).toEqual([]);
    expect(outcome).toMatchObject({
      stopReason: 'no-submission',
      sandboxProblem: 'bwrap missing',
      commands: [],
    });
    expect(warnings).toEqual([expect.stringMatching(/^SANDBOX UNAVAILABLE/) as unknown]);
    await expect(readFile(path.join(harness.workspace, 'ran.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a command that is not on the allowlist, even a prefix-extended one', async () => {
    harness = await createHarness(
      {
        implementer: [
          call('run', { command: 'bash mark.sh; cat /proc/1/environ' }),
          { when: { lastToolResultIncludes: 'is not allowed' }, reply: { text: 'ok' } },
        ],
      },
      { 'mark.sh': 'touch ran.txt\n' },
      { commands: { allowlist: ['bash mark.sh'] } },
    );
    const outcome = await harness.run('implementer');
    expect(harness.server.mismatches).toEqual([]);
    expect(outcome.commands).toEqual([]);
    await expect(readFile(path.join(harness.workspace, 'ran.txt'))).rejects.toThrow(/ENOENT/);
  });
});
